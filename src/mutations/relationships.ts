import type { Context } from '../context';
import type { RelationshipRecord } from '../domain/identity';
import { parsePair, runPairRoute } from './run';
import type { Outcome } from './route';
import { isUserError, userError, type UserErrorRecord } from './user-errors';

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

/** createRelationship: a typed edge from the source to the related identity, by the route of their provider. */
export async function createRelationship(ctx: Context, input: CreateRelationshipInput): Promise<RelationshipOutcome> {
  const refused = (userErrors: UserErrorRecord[]): RelationshipOutcome => ({ sourceId: null, relationship: null, userErrors });
  const ids = parsePair({ primaryId: input.sourceId, secondaryId: input.relatedId });
  if (isUserError(ids)) return refused([{ ...ids, field: ids.field === 'primaryId' ? 'sourceId' : 'relatedId' }]);
  const [source, related] = ids;
  if (input.type && input.customType) {
    return refused([userError('INVALID_INPUT', 'Give either type or customType, not both.', { field: 'customType' })]);
  }
  const done = (relationship: RelationshipRecord): RelationshipOutcome => ({ sourceId: input.sourceId, relationship, userErrors: [] });
  return runPairRoute(ctx, 'createRelationship', { input, primary: source, secondary: related, done, refused }, [input.sourceId, input.relatedId]);
}
