import type { DeleteRelationshipRoute, MergePreviewRoute, PairRouteOf } from '../../mutations/dispatch';
import { RefusedBeforeWriting, type IdOf } from '../../mutations/route';
import { userError, type UserErrorRecord } from '../../mutations/user-errors';
import type { Context } from '../../context';
import type { GlobalId } from '../../domain/global-id';
import { ProviderRejection } from '../rejection';
import { SourceRegistrationRefused, veratoAudit } from './client';
import { refusalReason, unmergeRefusalReason, type VeratoPairWrite } from './refusals';
import { veratoSourceFor } from './source-map';
import { parseVeratoRelationshipId } from './id';
import { toAddRelationshipContent, toLinkContent, toMergeContent, toPostIdentityContent, toRelationshipRecords, toUnlinkContent, toUnmergeContent } from './mapper';

type VeratoId = IdOf<'verato'>;

/**
 * What the mutations send for two Verato records, and (links only) for identities of different
 * providers, whose Verato source records (VERATO_SOURCE_MAP) are linked instead.
 */
export const veratoRoutes = {
  /**
   * POST /linkIdentities: the secondary's record joins the primary's Link ID, which survives. An
   * identity of another provider that Verato does not hold yet is registered first (postIdentity).
   */
  linkIdentities: ((ctx, { input, primary, secondary, done, refused }) => {
    if (input.linkWith) return userError('INVALID_INPUT', 'linkWith is only used to link two Auth0 accounts.', { field: 'linkWith' });
    if (input.connectionId != null) return userError('INVALID_INPUT', 'connectionId is only used to link two Auth0 accounts.', { field: 'connectionId' });
    return {
      upstreamIdempotency: false,
      execute: async ({ retry }) => {
        const registration = await registerMissingSources(ctx, [
          ['primaryId', primary, input.primaryId],
          ['secondaryId', secondary, input.secondaryId],
        ]);
        if (registration) return refused([registration]);
        const reply = await explained(ctx, 'link', input, refused, () => ctx.clients.verato.linkIdentities(ctx.call, toLinkContent(primary, secondary, ctx.clients.sourceMap), retry, veratoAudit(input.reason)));
        return 'refusal' in reply ? reply.refusal : done({ linkId: reply.sent.linkId ?? null });
      },
    };
  }) satisfies PairRouteOf<'linkIdentities'>,

  /** POST /unlinkIdentities: the secondary's record is split out of the primary's Link ID. */
  unlinkIdentities: ((ctx, { input, primary, secondary, done, refused }) => ({
    upstreamIdempotency: false,
    // Never retried: if a first attempt landed but its answer was lost, a second would be refused
    // ("not in the same Link ID") and report a failure for a success.
    execute: async () => {
      const reply = await explained(ctx, 'unlink', input, refused, () => ctx.clients.verato.unlinkIdentities(ctx.call, toUnlinkContent(primary, secondary, ctx.clients.sourceMap), 'never', veratoAudit(input.reason)));
      return 'refusal' in reply ? reply.refusal : done();
    },
  })) satisfies PairRouteOf<'unlinkIdentities'>,

  /** POST /mergeIdentities: the secondary record is retired into the primary's. */
  mergeIdentities: ((ctx, { input, primary, secondary, done, refused }) => ({
    upstreamIdempotency: false,
    // Never retried: a repeated merge is refused once the first retired the record.
    execute: async () => {
      const reply = await explained(ctx, 'merge', input, refused, () => ctx.clients.verato.mergeIdentities(ctx.call, toMergeContent(primary, secondary, ctx.clients.sourceMap), 'never', veratoAudit(input.reason)));
      return 'refusal' in reply ? reply.refusal : done({ secondaryStatus: 'MERGED', linkId: reply.sent.linkId ?? null });
    },
  })) satisfies PairRouteOf<'mergeIdentities', VeratoId>,

  /** POST /unmergeIdentities: the retired secondary is re-activated alone under a new Link ID; the primary keeps its own. */
  unmergeIdentities: ((ctx, { input, primary, secondary, done, refused }) => ({
    upstreamIdempotency: false,
    // Never retried: once the first attempt split the record out, a repeat is refused (not merged any more).
    execute: async () => {
      try {
        const reply = await ctx.clients.verato.unmergeIdentities(ctx.call, toUnmergeContent(primary, secondary, ctx.clients.sourceMap), 'never', veratoAudit(input.reason));
        return done({ unmergedLinkId: reply.unmergedId ?? null, unmergedFromLinkId: reply.unmergedFromId ?? null });
      } catch (error) {
        if (!isSuccessFalse(error)) throw error;
        await ctx.loaders.forget([input.primaryId, input.secondaryId]);
        const [from, retired] = await Promise.all([ctx.loaders.veratoRecordFor(input.primaryId), ctx.loaders.veratoRecordFor(input.secondaryId)]);
        const reason = unmergeRefusalReason(from, retired);
        if (!reason) throw error;
        return refused([reason]);
      }
    },
  })) satisfies PairRouteOf<'unmergeIdentities', VeratoId>,

  /** (inferred) Verato has no preview: both records must exist and the secondary must not be retired already. */
  previewMerge: (async (ctx, { input }) => {
    const [primary, secondary] = await Promise.all([ctx.loaders.veratoRecordFor(input.primaryId), ctx.loaders.veratoRecordFor(input.secondaryId)]);
    return {
      primary: primary?.identity ?? null,
      secondary: secondary?.identity ?? null,
      wouldBe: () => ({ secondaryStatus: 'MERGED', linkId: primary!.cluster?.linkId ?? null, primaryRecord: primary!.identity }),
    };
  }) satisfies MergePreviewRoute<VeratoId>,

  /** addRelationshipService between the two records' Link IDs, with the verb in customType. */
  createRelationship: ((ctx, { input, done, refused }) => {
    const verb = input.customType;
    if (!verb) return userError('INVALID_INPUT', 'Verato relationships take their verb in customType, e.g. "is parent of".', { field: 'customType', provider: 'verato' });
    const verbs = ctx.clients.veratoRelationshipVerbs;
    if (!verbs.includes(verb)) {
      return userError('INVALID_INPUT', `customType must be a verb of Verato's configured relationship definitions: ${verbs.map((known) => `"${known}"`).join(', ')}.`, {
        field: 'customType',
        provider: 'verato',
      });
    }
    return {
      upstreamIdempotency: false,
      // Never retried: addRelationshipService is not idempotent, a repeat would record a second edge.
      execute: async () => {
        const [subject, object] = await Promise.all([ctx.loaders.veratoRecordFor(input.sourceId), ctx.loaders.veratoRecordFor(input.relatedId)]);
        const subjectLinkId = subject?.cluster?.linkId;
        const objectLinkId = object?.cluster?.linkId;
        if (!subjectLinkId || !objectLinkId) {
          throw new RefusedBeforeWriting([userError('NOT_FOUND', 'Verato does not know one of the records.', { field: subjectLinkId ? 'relatedId' : 'sourceId', provider: 'verato' })]);
        }
        const relationship = await ctx.clients.verato.addRelationship(ctx.call, toAddRelationshipContent(verb, subjectLinkId, objectLinkId), 'never');
        const [record] = toRelationshipRecords(subjectLinkId, [relationship]);
        return record ? done(record) : refused([userError('PROVIDER_REJECTED', 'Verato answered without the relationship.', { provider: 'verato' })]);
      },
    };
  }) satisfies PairRouteOf<'createRelationship', VeratoId>,

  /** POST /deleteRelationshipService with the relationship id; (inferred) its only precondition is that the id exists, so a refusal is NOT_FOUND. */
  deleteRelationship: ((ctx, { nativeId, done }) => {
    const relationshipId = parseVeratoRelationshipId(nativeId);
    if (!relationshipId) return userError('INVALID_INPUT', 'id is not a Verato relationship id (Relationship.id).', { field: 'id', provider: 'verato' });
    return {
      upstreamIdempotency: false,
      // The id names no identity: the Verato caches still move on (loaders.forget), the router's cached entries wait for their TTL.
      touches: [],
      // Never retried: a repeat after a lost answer would be refused (the id is gone) and report a failure for a success.
      execute: async () => {
        try {
          await ctx.clients.verato.deleteRelationship(ctx.call, { id: relationshipId }, 'never');
        } catch (error) {
          if (!isSuccessFalse(error)) throw error;
          throw new RefusedBeforeWriting([userError('NOT_FOUND', 'Verato has no relationship with this id.', { field: 'id', provider: 'verato', providerCode: 'success_false' })]);
        }
        return done([]);
      },
    };
  }) satisfies DeleteRelationshipRoute,
};

/**
 * Registers the source record (VERATO_SOURCE_MAP) of each identity of another provider that
 * Verato does not hold yet, with the demographics read from its own provider (the subgraph's
 * credentials). Reads both first: a side that exists nowhere, or a refused first registration,
 * refuses before anything was written. A refusal after an earlier side was registered is
 * answered as the mutation's user error (that record stays registered; a retry finds it).
 */
async function registerMissingSources(ctx: Context, sides: [field: 'primaryId' | 'secondaryId', id: GlobalId, raw: string][]): Promise<UserErrorRecord | null> {
  const { verato, sourceMap } = ctx.clients;
  const sourced = sides.filter(([, id]) => id.provider !== 'verato').map(([field, id, raw]) => ({ field, id, raw, source: veratoSourceFor(id, sourceMap) }));
  if (sourced.length === 0) return null;
  // Read fresh (nativeIdQuery): a cached "not found" would post a record Verato already holds.
  await ctx.loaders.forget(sourced.map(({ raw }) => raw));
  const held = await Promise.all(sourced.map(({ raw }) => ctx.loaders.veratoRecordFor(raw)));
  const missing = sourced.filter((_, i) => !held[i]);
  const records = await Promise.all(missing.map(({ raw }) => ctx.loaders.identity(raw)));
  const unknown = missing.find((_, i) => !records[i]);
  if (unknown) {
    throw new RefusedBeforeWriting([
      userError('NOT_FOUND', `Neither Verato nor ${unknown.id.provider} holds the identity ${unknown.field} names.`, { field: unknown.field, provider: unknown.id.provider }),
    ]);
  }
  for (const [i, { field, source }] of missing.entries()) {
    try {
      await verato.postIdentity(ctx.call, toPostIdentityContent(source, records[i]!));
    } catch (error) {
      if (!(error instanceof SourceRegistrationRefused)) throw error;
      const refusal = userError('PROVIDER_REJECTED', `Verato refused to register the source record of ${field}, so nothing was linked.`, {
        field,
        provider: 'verato',
        providerCode: error.providerCode,
        hint: error.hint,
      });
      if (i === 0) throw new RefusedBeforeWriting([refusal]);
      return refusal;
    }
  }
  return null;
}

/**
 * Runs a Verato write; a `success:false` refusal is explained by the two records' state
 * (refusals.ts `refusalReason`), read once it happened, or else rethrown as PROVIDER_REJECTED.
 */
async function explained<R, O>(
  ctx: Context,
  write: VeratoPairWrite,
  input: { primaryId: string; secondaryId: string },
  refused: (userErrors: UserErrorRecord[]) => O,
  send: () => Promise<R>,
): Promise<{ sent: R } | { refusal: O }> {
  try {
    return { sent: await send() };
  } catch (error) {
    if (!(error instanceof ProviderRejection && error.provider === 'verato' && error.providerCode === 'success_false')) throw error;
    // Read fresh: anything loaded earlier in this request predates the refusal.
    await ctx.loaders.forget([input.primaryId, input.secondaryId]);
    const [primary, secondary] = await Promise.all([ctx.loaders.veratoRecordFor(input.primaryId), ctx.loaders.veratoRecordFor(input.secondaryId)]);
    const reason = refusalReason(write, primary, secondary);
    if (!reason) throw error;
    return { refusal: refused([reason]) };
  }
}

function isSuccessFalse(error: unknown): error is ProviderRejection {
  return error instanceof ProviderRejection && error.provider === 'verato' && error.providerCode === 'success_false';
}
