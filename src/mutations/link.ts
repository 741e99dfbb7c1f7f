import type { Context } from '../context';
import type { GlobalId } from '../domain/global-id';
import type { LinkIdentityBody } from '../providers/auth0/wire';
import { linkOwnershipProblem, unlinkOwnershipProblem } from './ownership';
import { isUserError, parsePair, RefusedBeforeWriting, runRoute, unsupported, veratoSourceOf, type Outcome, type Route } from './run';
import { toUserError, userError, type UserErrorRecord } from './user-errors';

export interface LinkInput {
  primaryId: string;
  secondaryId: string;
  /** The secondary Auth0 account's ID token (for callers who prove they own it). */
  linkWith?: string | null;
  reason?: string | null;
  idempotencyKey?: string | null;
}

export interface LinkOutcome extends Outcome {
  primaryId: string | null;
  secondaryId: string | null;
  /** The Verato Link ID both ended in, when Verato did the link. */
  linkId: string | null;
}

export interface UnlinkOutcome extends Outcome {
  primaryId: string | null;
  secondaryId: string | null;
}

const LINK_SUPPORTED =
  'two Verato records, two Auth0 users (the secondary becomes a linked identity of the primary), two Verifa identities ' +
  '(a user_linked relationship), or identities of different providers (their Verato source records are linked)';

/** The Verifa relationship type that records "the same person". */
export const USER_LINKED = 'user_linked';

/**
 * linkIdentities, dispatched by the ids' providers (DESIGN "Mutations"):
 * Verato+Verato -> POST /linkIdentities (the primary's Link ID survives); Auth0+Auth0 -> POST
 * /api/v2/users/{primary}/identities; Verifa+Verifa -> a user_linked relationship; mixed -> a
 * Verato link of both source records.
 */
export async function linkIdentities(ctx: Context, input: LinkInput): Promise<LinkOutcome> {
  const refused = (userErrors: UserErrorRecord[]): LinkOutcome => ({ primaryId: null, secondaryId: null, linkId: null, userErrors });
  const ids = parsePair(input);
  if (!Array.isArray(ids)) return refused([ids]);
  const [primary, secondary] = ids;
  const denied = await linkOwnershipProblem(ctx, primary, secondary, input.linkWith);
  if (denied) return refused([denied]);
  const route = linkRoute(ctx, input, primary, secondary, refused);
  if (isUserError(route)) return refused([route]);
  return runRoute(ctx, 'linkIdentities', input, route, refused);
}

function linkRoute(
  ctx: Context,
  input: LinkInput,
  primary: GlobalId,
  secondary: GlobalId,
  refused: (userErrors: UserErrorRecord[]) => LinkOutcome,
): Route<LinkOutcome> | UserErrorRecord {
  const touches = [input.primaryId, input.secondaryId];
  const done = (linkId: string | null): LinkOutcome => ({ primaryId: input.primaryId, secondaryId: input.secondaryId, linkId, userErrors: [] });

  if (primary.provider === 'auth0' && secondary.provider === 'auth0') {
    const body: LinkIdentityBody = input.linkWith ? { link_with: input.linkWith } : { provider: secondary.connection, user_id: secondary.userId };
    return {
      upstreamIdempotency: false,
      touches,
      execute: async () => {
        await ctx.clients.auth0.linkIdentity(ctx.call, primary.nativeId, body);
        return done(null);
      },
    };
  }
  if (primary.provider === 'verifa' && secondary.provider === 'verifa') {
    return {
      upstreamIdempotency: true,
      touches,
      execute: async ({ upstreamKey }) => {
        const body = { related_identity_id: secondary.nativeId, relationship_type: USER_LINKED, ...(input.reason ? { note: input.reason } : {}) };
        try {
          await ctx.clients.verifa.createRelationship(ctx.call, primary.nativeId, body, upstreamKey);
        } catch (error) {
          // Two distinct, existing identities and a built-in type: Verifa's 422 can only mean the link exists already.
          const refusal = toUserError(error, {
            onValidationError: { code: 'ALREADY_LINKED', message: 'These Verifa identities are already linked (user_linked).', field: 'secondaryId' },
          });
          if (refusal) return refused([refusal]);
          throw error;
        }
        return done(null);
      },
    };
  }
  if (primary.provider === 'btcdirect' && secondary.provider === 'btcdirect') return unsupported('linkIdentities', LINK_SUPPORTED);
  if (input.linkWith) {
    return userError('INVALID_INPUT', 'linkWith is only used to link two Auth0 accounts.', { field: 'linkWith' });
  }
  return {
    upstreamIdempotency: false,
    touches,
    execute: async ({ retry }) => {
      const reply = await ctx.clients.verato.linkIdentities(ctx.call, { linkToSource: veratoSourceOf(ctx, primary), source: veratoSourceOf(ctx, secondary) }, retry);
      return done(reply.linkId ?? null);
    },
  };
}

const UNLINK_SUPPORTED =
  'two Verato records, an Auth0 user and one of its linked identities, two Verifa identities joined by a user_linked ' +
  'relationship, or identities of different providers (their Verato source records are unlinked)';

/**
 * unlinkIdentities: Verato+Verato or mixed -> POST /unlinkIdentities (the secondary is split out);
 * Auth0+Auth0 -> DELETE /api/v2/users/{primary}/identities/{provider}/{user_id}; Verifa+Verifa ->
 * DELETE of their user_linked relationship.
 */
export async function unlinkIdentities(ctx: Context, input: Omit<LinkInput, 'linkWith'>): Promise<UnlinkOutcome> {
  const refused = (userErrors: UserErrorRecord[]): UnlinkOutcome => ({ primaryId: null, secondaryId: null, userErrors });
  const ids = parsePair(input);
  if (!Array.isArray(ids)) return refused([ids]);
  const [primary, secondary] = ids;
  const denied = unlinkOwnershipProblem(ctx, primary, secondary);
  if (denied) return refused([denied]);
  const touches = [input.primaryId, input.secondaryId];
  const done = (): UnlinkOutcome => ({ primaryId: input.primaryId, secondaryId: input.secondaryId, userErrors: [] });

  let route: Route<UnlinkOutcome>;
  if (primary.provider === 'auth0' && secondary.provider === 'auth0') {
    route = {
      upstreamIdempotency: false,
      touches,
      execute: async () => {
        await ctx.clients.auth0.unlinkIdentity(ctx.call, primary.nativeId, secondary.connection, secondary.userId);
        return done();
      },
    };
  } else if (primary.provider === 'verifa' && secondary.provider === 'verifa') {
    route = {
      upstreamIdempotency: false,
      touches,
      execute: async ({ retry }) => {
        const relationshipId = await findUserLinked(ctx, primary.nativeId, secondary.nativeId);
        if (!relationshipId) throw new RefusedBeforeWriting([userError('NOT_LINKED', 'These Verifa identities have no user_linked relationship.', { provider: 'verifa', field: 'secondaryId' })]);
        await ctx.clients.verifa.deleteRelationship(ctx.call, primary.nativeId, relationshipId, retry);
        return done();
      },
    };
  } else if (primary.provider === 'btcdirect' && secondary.provider === 'btcdirect') {
    return refused([unsupported('unlinkIdentities', UNLINK_SUPPORTED)]);
  } else {
    route = {
      upstreamIdempotency: false,
      touches,
      // Never retried: if a first attempt landed but its answer was lost, a second would be refused
      // ("not in the same Link ID") and report a failure for a success.
      execute: async () => {
        await ctx.clients.verato.unlinkIdentities(ctx.call, { unlinkFromSource: veratoSourceOf(ctx, primary), source: veratoSourceOf(ctx, secondary) }, 'never');
        return done();
      },
    };
  }
  return runRoute(ctx, 'unlinkIdentities', input, route, refused);
}

/** The id of the user_linked relationship from one Verifa identity to another, if any. */
async function findUserLinked(ctx: Context, from: string, to: string): Promise<string | null> {
  const page = await ctx.clients.verifa.listRelationships(ctx.call, from, { limit: 100, offset: 0, type: USER_LINKED });
  return page?.data.find((r) => r.related_identity_id === to && r.relationship_type === USER_LINKED)?.id ?? null;
}
