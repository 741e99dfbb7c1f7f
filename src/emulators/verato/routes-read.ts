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

/** (inferred) the tenant's name in every notification and reply. */
const CUSTOMER_ID = 'emulator';
/** (inferred) the largest page the service serves. */
const MAX_NOTIFICATION_PAGE_SIZE = 1000;

/**
 * searchNotifications: the change feed between `startDate` (inclusive) and `endDate` (exclusive),
 * oldest first, one page of it (`pageNumber` from 0). The bounds' inclusiveness and the page base
 * are (inferred).
 */
const searchNotifications: VeratoOperation = {
  run(content, store) {
    const pageNumber = requireInteger(content, 'pageNumber', 0, Number.MAX_SAFE_INTEGER);
    const pageSize = requireInteger(content, 'pageSize', 1, MAX_NOTIFICATION_PAGE_SIZE);
    const start = requireDate(content, 'startDate');
    const end = requireDate(content, 'endDate');
    if (end < start) throw new VeratoBusinessError('endDate must not be before startDate');
    const matching = store.notifications().filter((notification) => {
      const ts = Date.parse(notification.ts);
      return ts >= start && ts < end;
    });
    const page = matching.slice(pageNumber * pageSize, (pageNumber + 1) * pageSize);
    return {
      message: '',
      content: {
        customerId: CUSTOMER_ID,
        hasNext: (pageNumber + 1) * pageSize < matching.length,
        totalElements: matching.length,
        notifications: page.map((notification) => ({
          partitionKey: CUSTOMER_ID,
          service: 'link-ws',
          customerId: CUSTOMER_ID,
          notificationType: notification.notificationType,
          body: JSON.stringify(notification.body),
          notificationLowerCaseBody: notification.body,
          ts: notification.ts,
          username: 'emulator',
        })),
      },
    };
  },
};

export const READ_OPERATIONS: Record<string, VeratoOperation> = {
  '/v2/identityIdQuery': identityIdQuery,
  '/v2/nativeIdQuery': nativeIdQuery,
  '/v2/demographicsSearch': demographicsSearch,
  '/searchRelationshipsService': searchRelationshipsService,
  '/searchNotifications': searchNotifications,
};

function requireInteger(content: RequestContent, field: string, min: number, max: number): number {
  const value = content[field];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new VeratoBusinessError(`${field} is required`);
  if (value < min || value > max) throw new VeratoBusinessError(`${field} must be between ${min} and ${max}`);
  return value;
}

function requireDate(content: RequestContent, field: string): number {
  const value = requireString(content, field);
  const epochMs = Date.parse(value);
  if (Number.isNaN(epochMs)) throw new VeratoBusinessError(`${field} must be a date-time`);
  return epochMs;
}

function responseFormatNames(content: RequestContent): string[] {
  const names = content.responseIdentityFormatNames;
  if (names === undefined || names === null) return ['DEFAULT'];
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
    throw new VeratoBusinessError('responseIdentityFormatNames must be a list of format names');
  }
  return names;
}
