import type { MergePreviewRoute, PairRouteOf } from '../../mutations/dispatch';
import { RefusedBeforeWriting, type IdOf } from '../../mutations/route';
import { userError } from '../../mutations/user-errors';
import { toAddRelationshipContent, toLinkContent, toMergeContent, toRelationshipRecords, toUnlinkContent } from './mapper';

type VeratoId = IdOf<'verato'>;

/**
 * What the mutations send for two Verato records, and (links only) for identities of different
 * providers, whose Verato source records (VERATO_SOURCE_MAP) are linked instead.
 */
export const veratoRoutes = {
  /** POST /linkIdentities: the secondary's record joins the primary's Link ID, which survives. */
  linkIdentities: ((ctx, { input, primary, secondary, done }) => {
    if (input.linkWith) return userError('INVALID_INPUT', 'linkWith is only used to link two Auth0 accounts.', { field: 'linkWith' });
    if (input.connectionId != null) return userError('INVALID_INPUT', 'connectionId is only used to link two Auth0 accounts.', { field: 'connectionId' });
    return {
      upstreamIdempotency: false,
      execute: async ({ retry }) => {
        const reply = await ctx.clients.verato.linkIdentities(ctx.call, toLinkContent(primary, secondary, ctx.clients.sourceMap), retry);
        return done({ linkId: reply.linkId ?? null });
      },
    };
  }) satisfies PairRouteOf<'linkIdentities'>,

  /** POST /unlinkIdentities: the secondary's record is split out of the primary's Link ID. */
  unlinkIdentities: ((ctx, { primary, secondary, done }) => ({
    upstreamIdempotency: false,
    // Never retried: if a first attempt landed but its answer was lost, a second would be refused
    // ("not in the same Link ID") and report a failure for a success.
    execute: async () => {
      await ctx.clients.verato.unlinkIdentities(ctx.call, toUnlinkContent(primary, secondary, ctx.clients.sourceMap), 'never');
      return done();
    },
  })) satisfies PairRouteOf<'unlinkIdentities'>,

  /** POST /mergeIdentities: the secondary record is retired into the primary's. */
  mergeIdentities: ((ctx, { primary, secondary, done }) => ({
    upstreamIdempotency: false,
    // Never retried: a repeated merge is refused once the first retired the record.
    execute: async () => {
      const reply = await ctx.clients.verato.mergeIdentities(ctx.call, toMergeContent(primary, secondary, ctx.clients.sourceMap), 'never');
      return done({ secondaryStatus: 'MERGED', linkId: reply.linkId ?? null });
    },
  })) satisfies PairRouteOf<'mergeIdentities', VeratoId>,

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
};
