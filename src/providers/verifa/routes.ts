import { transferWithDefaults } from '../../domain/merge';
import type { Context } from '../../context';
import { formatGlobalId } from '../../domain/global-id';
import type { DeleteRelationshipRoute, MergePreviewRoute, PairRouteOf } from '../../mutations/dispatch';
import { RefusedBeforeWriting, type IdOf } from '../../mutations/route';
import { userError } from '../../mutations/user-errors';
import { isSystemRelationshipType, relationshipIdsTo, toCreateRelationshipBody, toMergeBody, toMergeResult, toRelationshipPage, toRelationshipRecord } from './mapper';
import { isVerifaIdentityId, parseVerifaRelationshipId } from './id';
import { verifaRefusalWording } from './refusals';
import { USER_LINKED } from './wire';

type VerifaId = IdOf<'verifa'>;

/**
 * What the mutations send for two Verifa identities. Verifa keeps idempotency itself (an
 * Idempotency-Key derived from the mutation's key) for its creates and merges.
 */
export const verifaRoutes = {
  /** "The same person" is a user_linked relationship from the primary to the secondary. */
  linkIdentities: ((ctx, { input, primary, secondary, done }) => ({
    upstreamIdempotency: true,
    refusalWording: verifaRefusalWording.userLinked,
    execute: async ({ upstreamKey }) => {
      const body = toCreateRelationshipBody({ relatedIdentityId: secondary.nativeId, type: USER_LINKED, note: input.reason });
      await ctx.clients.verifa.createRelationship(ctx.call, primary.nativeId, body, upstreamKey);
      return done({ linkId: null });
    },
  })) satisfies PairRouteOf<'linkIdentities', VerifaId>,

  /**
   * DELETE of every user_linked relationship from the primary to the secondary, found on all
   * pages first (deleting while paging would shift the offsets); Verifa deletes each one's
   * opposite direction itself. None is NOT_LINKED, nothing written.
   */
  unlinkIdentities: ((ctx, { primary, secondary, done }) => ({
    upstreamIdempotency: false,
    execute: async ({ retry }) => {
      const relationshipIds = await relationshipIdsBetween(ctx, primary.nativeId, secondary.nativeId, USER_LINKED);
      if (relationshipIds.length === 0) throw new RefusedBeforeWriting([userError('NOT_LINKED', 'These Verifa identities have no user_linked relationship.', { provider: 'verifa', field: 'secondaryId' })]);
      for (const relationshipId of relationshipIds) await ctx.clients.verifa.deleteRelationship(ctx.call, primary.nativeId, relationshipId, retry);
      return done();
    },
  })) satisfies PairRouteOf<'unlinkIdentities', VerifaId>,

  /** POST /identities/merge: the secondary's data moves to the primary as the transfer toggles say. */
  mergeIdentities: ((ctx, { input, primary, secondary, done }) => ({
    upstreamIdempotency: true,
    refusalWording: verifaRefusalWording.merge,
    execute: async ({ upstreamKey }) => {
      const body = toMergeBody({
        primaryIdentityId: primary.nativeId,
        secondaryIdentityId: secondary.nativeId,
        transfer: transferWithDefaults(input.transfer),
        redactSecondary: input.redactSecondary === true,
        reason: input.reason,
      });
      return done(toMergeResult(await ctx.clients.verifa.merge(ctx.call, body, upstreamKey)));
    },
  })) satisfies PairRouteOf<'mergeIdentities', VerifaId>,

  /**
   * (inferred) Verifa lists a "preview merge" operation but its path and reply were not published,
   * so the preview is computed from reads with Verifa's documented rules: tags are merged; the
   * toggles say what would move.
   */
  previewMerge: (async (ctx, { input }) => {
    const [primary, secondary] = await Promise.all([ctx.loaders.identity(input.primaryId), ctx.loaders.identity(input.secondaryId)]);
    return {
      primary,
      secondary,
      wouldBe: () => ({
        secondaryStatus: input.redactSecondary ? 'REDACTED' : 'MERGED',
        transferSummary: transferWithDefaults(input.transfer),
        primaryRecord: { ...primary!, tags: [...new Set([...primary!.tags, ...secondary!.tags])] },
      }),
    };
  }) satisfies MergePreviewRoute<VerifaId>,

  /** POST /identities/{source}/relationships (Verifa records both directions); system types cannot be created. */
  createRelationship: ((ctx, { input, primary: source, secondary: related, done }) => {
    const type = input.customType ?? input.type ?? USER_LINKED;
    if (isSystemRelationshipType(type)) {
      return userError('INVALID_INPUT', `"${type}" is a Verifa system type; it cannot be created.`, { field: 'customType', provider: 'verifa' });
    }
    return {
      upstreamIdempotency: true,
      refusalWording: verifaRefusalWording.relationship(type, input.customType ? 'customType' : 'type'),
      execute: async ({ upstreamKey }) => {
        const body = toCreateRelationshipBody({ relatedIdentityId: related.nativeId, type, note: input.note, metadata: input.metadata });
        return done(toRelationshipRecord(await ctx.clients.verifa.createRelationship(ctx.call, source.nativeId, body, upstreamKey)));
      },
    };
  }) satisfies PairRouteOf<'createRelationship', VerifaId>,

  /**
   * The id names the pair and the type (id.ts): the record from the pair's Verifa end is found on
   * all pages of its relationships and deleted; Verifa deletes both directions with it (contract).
   * Verifa refuses system relationships (422), which becomes the user error.
   */
  deleteRelationship: ((ctx, { nativeId, done }) => {
    const key = parseVerifaRelationshipId(nativeId);
    if (!key) return userError('INVALID_INPUT', 'id is not a Verifa relationship id (Relationship.id).', { field: 'id', provider: 'verifa' });
    const verifaEnds = key.ends.filter(isVerifaIdentityId);
    const [source, related] = isVerifaIdentityId(key.ends[0]) ? key.ends : [key.ends[1], key.ends[0]];
    const touches = verifaEnds.map((end) => formatGlobalId('verifa', end));
    return {
      upstreamIdempotency: false,
      touches,
      refusalWording: verifaRefusalWording.deleteRelationship,
      execute: async ({ retry }) => {
        const recordIds = await relationshipIdsBetween(ctx, source, related, key.type);
        if (recordIds.length === 0) throw new RefusedBeforeWriting([userError('NOT_FOUND', 'Verifa has no such relationship (it may have been removed already).', { field: 'id', provider: 'verifa' })]);
        for (const recordId of recordIds) await ctx.clients.verifa.deleteRelationship(ctx.call, source, recordId, retry);
        return done(touches);
      },
    };
  }) satisfies DeleteRelationshipRoute,
};

/** (inferred) Pages read at most to find a pair's edges: 50 × 100, far beyond any real pair, so a runaway listing cannot loop. */
const MAX_RELATIONSHIP_PAGES = 50;
const RELATIONSHIP_PAGE = 100;

/** The record ids of every relationship of this type from one identity to the other, over all pages of the source's list. */
async function relationshipIdsBetween(ctx: Context, sourceId: string, relatedId: string, type: string): Promise<string[]> {
  const ids: string[] = [];
  for (let pageIndex = 0; pageIndex < MAX_RELATIONSHIP_PAGES; pageIndex++) {
    const page = await ctx.clients.verifa.listRelationships(ctx.call, sourceId, { limit: RELATIONSHIP_PAGE, offset: pageIndex * RELATIONSHIP_PAGE, type });
    if (!page) break;
    ids.push(...relationshipIdsTo(page, relatedId, type));
    if (!toRelationshipPage(page).hasNextPage || page.data.length === 0) break;
  }
  return ids;
}
