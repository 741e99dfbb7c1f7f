import { demographicsSearch } from './demographics-search';
import { identityQueryContent } from './identity-views';
import {
  isObject,
  optionalString,
  requireSource,
  requireString,
  type RequestContent,
  type VeratoOperation,
} from './operation';
import { notFoundMessage, VeratoBusinessError, type RelationshipFilter } from './store';

const FOUND_MESSAGE = 'Identity found!';

/** identityIdQuery: the cluster behind a Link ID, answered under its current Link ID after links/merges. */
const identityIdQuery: VeratoOperation = {
  run(content, store) {
    const requestedLinkId = requireString(content, 'linkId');
    const formatNames = responseFormatNames(content);
    const linkId = store.currentLinkId(requestedLinkId);
    const members = store.members(linkId);
    // Not found is still a success, with an empty message and no identity.
    if (members.length === 0) return { message: '', content: { requestedLinkId } };
    return { message: '', content: { ...identityQueryContent(linkId, members, formatNames), requestedLinkId } };
  },
};

/** nativeIdQuery: the cluster holding a Source + Native ID, retired (merged) records included. */
const nativeIdQuery: VeratoOperation = {
  run(content, store) {
    const source = requireSource(content, 'source');
    const formatNames = responseFormatNames(content);
    const record = store.findRecord(source);
    // (inferred) not-found content carries no fields.
    if (!record) return { message: notFoundMessage(source), content: {} };
    return { message: FOUND_MESSAGE, content: identityQueryContent(record.linkId, store.members(record.linkId), formatNames) };
  },
};

/** searchRelationshipsService: every relationship matching all given filters, unpaginated. */
const searchRelationshipsService: VeratoOperation = {
  run(content, store) {
    const filterObject = isObject(content.relationshipFilter) ? content.relationshipFilter : {};
    const filter: RelationshipFilter = {
      filterBySubjectVeratoId: optionalString(filterObject, 'filterBySubjectVeratoId'),
      filterByObjectVeratoId: optionalString(filterObject, 'filterByObjectVeratoId'),
      filterBySubjectOrObjectVeratoId: optionalString(filterObject, 'filterBySubjectOrObjectVeratoId'),
      filterByRelationshipVerb: optionalString(filterObject, 'filterByRelationshipVerb'),
    };
    // (inferred) success message; an empty filter returns every relationship.
    return { message: 'Relationships found!', content: { relationships: store.searchRelationships(filter) } };
  },
};

export const READ_OPERATIONS: Record<string, VeratoOperation> = {
  '/v2/identityIdQuery': identityIdQuery,
  '/v2/nativeIdQuery': nativeIdQuery,
  '/v2/demographicsSearch': demographicsSearch,
  '/searchRelationshipsService': searchRelationshipsService,
};

function responseFormatNames(content: RequestContent): string[] {
  const names = content.responseIdentityFormatNames;
  if (names === undefined || names === null) return ['DEFAULT'];
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
    throw new VeratoBusinessError('responseIdentityFormatNames must be a list of format names');
  }
  return names;
}
