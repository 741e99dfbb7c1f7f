import type { Context } from '../context';
import type { RelationshipRecord } from '../domain/identity';
import * as verato from '../providers/verato/mapper';
import * as verifa from '../providers/verifa/mapper';
import { VERIFA_SYSTEM_RELATIONSHIP_TYPES } from '../providers/verifa/wire';
import { parsePair, RefusedBeforeWriting, runRoute, unsupported, type Outcome, type Route } from './run';
import { toUserError, userError, type UserErrorRecord } from './user-errors';

export interface CreateRelationshipInput {
  sourceId: string;
  relatedId: string;
  /** A built-in Verifa type (the schema's RelationshipType values, e.g. family_member), or… */
  type?: string | null;
  /** …a custom type by name (Verifa custom relationship type; for Verato, the relationship verb). */
  customType?: string | null;
  note?: string | null;
  metadata?: Record<string, unknown> | null;
  idempotencyKey?: string | null;
}

export interface RelationshipOutcome extends Outcome {
  sourceId: string | null;
  relationship: RelationshipRecord | null;
}

const SUPPORTED = 'two Verifa identities (POST /identities/{id}/relationships) or two Verato records, joined by their Link IDs (addRelationshipService)';

/**
 * createRelationship: Verifa -> POST /identities/{source}/relationships (both directions);
 * Verato -> addRelationshipService between the two records' Link IDs, with the verb in customType.
 */
export async function createRelationship(ctx: Context, input: CreateRelationshipInput): Promise<RelationshipOutcome> {
  const refused = (userErrors: UserErrorRecord[]): RelationshipOutcome => ({ sourceId: null, relationship: null, userErrors });
  const ids = parsePair({ primaryId: input.sourceId, secondaryId: input.relatedId });
  if (!Array.isArray(ids)) return refused([{ ...ids, field: ids.field === 'primaryId' ? 'sourceId' : 'relatedId' }]);
  const [source, related] = ids;
  if (input.type && input.customType) {
    return refused([userError('INVALID_INPUT', 'Give either type or customType, not both.', { field: 'customType' })]);
  }
  const touches = [input.sourceId, input.relatedId];
  const done = (relationship: RelationshipRecord): RelationshipOutcome => ({ sourceId: input.sourceId, relationship, userErrors: [] });

  let route: Route<RelationshipOutcome>;
  if (source.provider === 'verifa' && related.provider === 'verifa') {
    const type = input.customType ?? input.type ?? 'user_linked';
    if ((VERIFA_SYSTEM_RELATIONSHIP_TYPES as readonly string[]).includes(type)) {
      return refused([userError('INVALID_INPUT', `"${type}" is a Verifa system type; it cannot be created.`, { field: 'customType', provider: 'verifa' })]);
    }
    route = {
      upstreamIdempotency: true,
      touches,
      execute: async ({ upstreamKey }) => {
        const body = {
          related_identity_id: related.nativeId,
          relationship_type: type,
          ...(input.note ? { note: input.note } : {}),
          ...(input.metadata ? { metadata: input.metadata } : {}),
        };
        try {
          return done(verifa.toRelationshipRecord(await ctx.clients.verifa.createRelationship(ctx.call, source.nativeId, body, upstreamKey)));
        } catch (error) {
          const refusal = toUserError(error, {
            onValidationError: {
              message: `Verifa refused the relationship: it may exist already, or "${type}" is not an active relationship type.`,
              field: input.customType ? 'customType' : 'type',
            },
          });
          if (refusal) return refused([refusal]);
          throw error;
        }
      },
    };
  } else if (source.provider === 'verato' && related.provider === 'verato') {
    const verb = input.customType;
    if (!verb) {
      return refused([userError('INVALID_INPUT', 'Verato relationships take their verb in customType, e.g. "is parent of".', { field: 'customType', provider: 'verato' })]);
    }
    route = {
      upstreamIdempotency: false,
      touches,
      // Never retried: addRelationshipService is not idempotent, a repeat would record a second edge.
      execute: async () => {
        const [subject, object] = await Promise.all([ctx.loaders.veratoRecordFor(input.sourceId), ctx.loaders.veratoRecordFor(input.relatedId)]);
        const subjectLinkId = subject?.cluster?.linkId;
        const objectLinkId = object?.cluster?.linkId;
        if (!subjectLinkId || !objectLinkId) {
          throw new RefusedBeforeWriting([userError('NOT_FOUND', 'Verato does not know one of the records.', { field: subjectLinkId ? 'relatedId' : 'sourceId', provider: 'verato' })]);
        }
        const relationship = await ctx.clients.verato.addRelationship(
          ctx.call,
          { relationship: { relationshipVerb: verb, subjectVeratoId: subjectLinkId, objectVeratoId: objectLinkId, domain: 'Person', status: 'active' } },
          'never',
        );
        const [record] = verato.toRelationshipRecords(subjectLinkId, [relationship]);
        return record ? done(record) : refused([userError('PROVIDER_REJECTED', 'Verato answered without the relationship.', { provider: 'verato' })]);
      },
    };
  } else {
    return refused([unsupported('createRelationship', SUPPORTED)]);
  }
  return runRoute(ctx, 'createRelationship', input, route, refused);
}
