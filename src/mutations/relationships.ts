import type { Context } from '../context';
import type { RelationshipRecord } from '../domain/identity';
import { deleteRelationshipRouteFor } from './dispatch';
import { parsePair, runPairRoute, runRoute } from './run';
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

export interface DeleteRelationshipInput {
  /** The relationship, as Relationship.id reads it from either end (`verifa:rel_…`, `verato:<id>`). */
  id: string;
  idempotencyKey?: string | null;
}

export interface DeleteRelationshipOutcome extends Outcome {
  /** The identities at its ends this subgraph can name (the Verifa ones; a Verato id names none). */
  identityIds: string[];
  deletedId: string | null;
}

/** What the route of the relationship's provider is handed: the native part of its id, still to be parsed by that provider. */
export interface DeleteRelationshipRequest {
  input: DeleteRelationshipInput;
  nativeId: string;
  done(identityIds: string[]): DeleteRelationshipOutcome;
}

/** deleteRelationship: the relationship is removed from both ends, by the route of the provider its id names. */
export async function deleteRelationship(ctx: Context, input: DeleteRelationshipInput): Promise<DeleteRelationshipOutcome> {
  const refused = (userErrors: UserErrorRecord[]): DeleteRelationshipOutcome => ({ identityIds: [], deletedId: null, userErrors });
  const colon = input.id.indexOf(':');
  const route = colon > 0 ? deleteRelationshipRouteFor(input.id.slice(0, colon)) : undefined;
  const write = route?.(ctx, { input, nativeId: input.id.slice(colon + 1), done: (identityIds) => ({ identityIds, deletedId: input.id, userErrors: [] }) });
  if (!write) return refused([userError('INVALID_INPUT', 'id is not a relationship id (Relationship.id of a Verifa or Verato relationship).', { field: 'id' })]);
  if (isUserError(write)) return refused([write]);
  return runRoute(ctx, 'deleteRelationship', input, write, refused);
}
