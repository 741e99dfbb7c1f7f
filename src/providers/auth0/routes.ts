import type { PairRouteOf } from '../../mutations/dispatch';
import type { IdOf } from '../../mutations/route';
import { auth0LinkMode } from './link-mode';
import { toLinkIdentityBody } from './mapper';

type Auth0Id = IdOf<'auth0'>;

/** What the mutations send for two Auth0 users. Neither write is idempotent (a repeat answers 409), so neither is retried. */
export const auth0Routes = {
  /**
   * POST /api/v2/users/{primary}/identities: the secondary becomes a linked identity of the
   * primary. With linkWith, `{link_with}` under the forwarded user token; else `{provider,
   * user_id, connection_id?}` under the machine token (see Auth0LinkMode).
   */
  linkIdentities: ((ctx, { input, primary, secondary, done }) => {
    const mode = auth0LinkMode(ctx, primary, input);
    if ('code' in mode) return mode;
    return {
      upstreamIdempotency: false,
      execute: async () => {
        const userAuthorization = mode.kind === 'self-service' ? mode.userAuthorization : null;
        await ctx.clients.auth0.linkIdentity(ctx.call, primary.nativeId, toLinkIdentityBody(secondary, mode), userAuthorization);
        return done({ linkId: null });
      },
    };
  }) satisfies PairRouteOf<'linkIdentities', Auth0Id>,

  /** DELETE /api/v2/users/{primary}/identities/{provider}/{user_id}: the secondary is a standalone user again. */
  unlinkIdentities: ((ctx, { primary, secondary, done }) => ({
    upstreamIdempotency: false,
    execute: async () => {
      await ctx.clients.auth0.unlinkIdentity(ctx.call, primary.nativeId, secondary.connection, secondary.userId);
      return done();
    },
  })) satisfies PairRouteOf<'unlinkIdentities', Auth0Id>,
};
