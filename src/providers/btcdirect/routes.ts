import type { Context } from '../../context';
import { formatGlobalId } from '../../domain/global-id';
import type { LinkIdentifierInput, LinkIdentifierOutcome } from '../../mutations/link-identifier';
import type { Route } from '../../mutations/route';
import { userError, type UserErrorRecord } from '../../mutations/user-errors';
import { LINK_IDENTIFIER_ERRORS } from './mapper';

const IDENTIFIER_RULE = /^[A-Za-z0-9]+$/;

export const btcDirectRoutes = {
  /**
   * POST /api/v2/user/link-identifier for the BTC Direct user whose token the caller forwarded in
   * `x-btcdirect-user-authorization` (sent on as `User-Authorization`). The identifier is checked
   * against BTC Direct's rules first, so a bad one costs no call.
   */
  linkIdentifier(
    ctx: Context,
    { input, done }: { input: LinkIdentifierInput; done(identityId: string): LinkIdentifierOutcome },
  ): Route<LinkIdentifierOutcome> | UserErrorRecord {
    const problem = identifierProblem(input.identifier);
    if (problem) return problem;
    const userAuthorization = bearer(ctx.forwarded.btcDirectUserAuthorization);
    if (!userAuthorization) {
      const { message, solution } = LINK_IDENTIFIER_ERRORS.ER700;
      return userError('USER_TOKEN_INVALID', `${message} Forward the BTC Direct user's token in the x-btcdirect-user-authorization header.`, {
        provider: 'btcdirect',
        providerCode: 'ER700',
        hint: solution,
      });
    }
    const identityId = formatGlobalId('btcdirect', input.identifier);
    return {
      upstreamIdempotency: false,
      touches: [identityId],
      execute: async ({ retry }) => {
        await ctx.clients.btcdirect.linkIdentifier(ctx.call, userAuthorization, input.identifier, retry);
        return done(identityId);
      },
    };
  },
};

/** BTC Direct's identifier rules (ER102 length, ER707 characters), checked before calling. */
function identifierProblem(identifier: string): UserErrorRecord | null {
  const code = identifier.length < 36 || identifier.length > 255 ? 'ER102' : !IDENTIFIER_RULE.test(identifier) ? 'ER707' : null;
  if (!code) return null;
  const { message, solution } = LINK_IDENTIFIER_ERRORS[code];
  return userError('INVALID_INPUT', message, { field: 'identifier', provider: 'btcdirect', providerCode: code, hint: solution });
}

/** The forwarded token as a `Bearer` credential, whether or not the caller wrote the scheme. */
function bearer(value: string | null): string | null {
  const token = value?.trim().replace(/^Bearer(?:\s+|$)/i, '');
  return token ? `Bearer ${token}` : null;
}
