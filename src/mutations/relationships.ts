import type { Context } from '../context';
import type { GlobalId } from '../domain/global-id';
import type { RelationshipRecord } from '../domain/identity';
import { deleteRelationshipRouteFor } from './dispatch';
import { parseIdArgument, parsePair, runPairRoute, runRoute } from './run';
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
  /** The provider's relationship id, as Relationship.id reads it. */
  id: string;
  /** The identity whose relationships listed it (its provider routes the delete). */
  identityId: string;
  idempotencyKey?: string | null;
}

export interface DeleteRelationshipOutcome extends Outcome {
  identityId: string | null;
  deletedId: string | null;
}

/** What the route of the identity's provider is handed. */
export interface DeleteRelationshipRequest<Id extends GlobalId = GlobalId> {
  input: DeleteRelationshipInput;
  identity: Id;
  done(): DeleteRelationshipOutcome;
}

/** deleteRelationship: one relationship of an identity is removed, by the route of the identity's provider. */
export async function deleteRelationship(ctx: Context, input: DeleteRelationshipInput): Promise<DeleteRelationshipOutcome> {
  const refused = (userErrors: UserErrorRecord[]): DeleteRelationshipOutcome => ({ identityId: null, deletedId: null, userErrors });
  const identity = parseIdArgument(input.identityId, 'identityId');
  if (isUserError(identity)) return refused([identity]);
  if (!RELATIONSHIP_ID.test(input.id)) return refused([userError('INVALID_INPUT', 'id is not a relationship id (Relationship.id).', { field: 'id' })]);
  const route = deleteRelationshipRouteFor(identity);
  if (isUserError(route)) return refused([route]);
  const done = (): DeleteRelationshipOutcome => ({ identityId: input.identityId, deletedId: input.id, userErrors: [] });
  const write = route(ctx, { input, identity, done });
  if (isUserError(write)) return refused([write]);
  return runRoute(ctx, 'deleteRelationship', input, { ...write, touches: [input.identityId] }, refused);
}

/** (inferred) Provider relationship ids are short tokens; this keeps path and body tricks out before dispatch. */
const RELATIONSHIP_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
