import {
  notFound,
  optionalObject,
  optionalString,
  pageOf,
  parsePage,
  requireIdentity,
  requireString,
  validationError,
  type Route,
  type RouteContext,
  type RouteResult,
} from './route';
import { isSystemRelationshipType, USER_RELATIONSHIP_TYPES, type VerifaStore } from './store';

const DEFAULT_RELATIONSHIP_TYPE = 'user_linked';

/** GET /identities/:identity_id/relationships — only those where the identity is the source. */
function listRelationships({ params, query, store }: RouteContext): RouteResult {
  const identity = requireIdentity(store, params.identity_id);
  const page = parsePage(query); // (inferred) same 1–100 / default 25 limits as the identity list
  const type = query.get('type');
  const matches = store
    .relationshipsFrom(identity.id)
    .filter((relationship) => type === null || relationship.relationship_type === type);
  return { status: 200, body: pageOf(matches, page) };
}

/** POST /identities/:identity_id/relationships — a user relationship, stored in both directions. */
function createRelationship({ params, body, store }: RouteContext): RouteResult {
  const relatedId = requireString(body, 'related_identity_id');
  const type = optionalString(body, 'relationship_type') ?? DEFAULT_RELATIONSHIP_TYPE;
  const note = optionalString(body, 'note');
  const metadata = optionalObject(body, 'metadata');

  const source = requireIdentity(store, params.identity_id);
  // (inferred) the related identity may also be given by external_ref, like path identity ids.
  const related = requireIdentity(store, relatedId);
  requireCreatableType(store, type);
  if (source.id === related.id) throw validationError('An identity cannot be related to itself.'); // (inferred)
  const duplicate = store
    .relationshipsFrom(source.id)
    .some((relationship) => relationship.related_identity_id === related.id && relationship.relationship_type === type);
  if (duplicate) throw validationError('This relationship already exists.'); // (inferred)

  const relationship = store.addRelationship({
    source_identity_id: source.id,
    related_identity_id: related.id,
    relationship_type: type,
    note,
    metadata,
  });
  return { status: 201, body: relationship }; // (inferred) 201
}

/** DELETE /identities/:identity_id/relationships/:relationship_id — both directions; system ones are kept. */
function deleteRelationship({ params, store }: RouteContext): RouteResult {
  const identity = requireIdentity(store, params.identity_id);
  const relationship = store.findRelationship(params.relationship_id);
  if (!relationship || relationship.source_identity_id !== identity.id) throw notFound('Relationship not found.');
  if (isSystemRelationshipType(relationship.relationship_type)) {
    throw validationError('System relationships cannot be deleted.');
  }
  store.deleteRelationship(relationship.id);
  return { status: 200, body: { deleted: true } };
}

export const RELATIONSHIP_ROUTES: Route[] = [
  { method: 'GET', pattern: ['identities', ':identity_id', 'relationships'], handle: listRelationships },
  { method: 'POST', pattern: ['identities', ':identity_id', 'relationships'], handle: createRelationship },
  {
    method: 'DELETE',
    pattern: ['identities', ':identity_id', 'relationships', ':relationship_id'],
    handle: deleteRelationship,
  },
];

/** Built-in user types and active custom types may be created; system types never. */
function requireCreatableType(store: VerifaStore, type: string): void {
  if (isSystemRelationshipType(type)) {
    throw validationError(`System relationship type ${type} cannot be created via the API.`);
  }
  if (!USER_RELATIONSHIP_TYPES.includes(type) && !store.isActiveCustomType(type)) {
    throw validationError(`Unknown or inactive relationship type ${type}.`);
  }
}
