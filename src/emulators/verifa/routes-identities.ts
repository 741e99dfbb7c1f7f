import {
  optionalBoolean,
  optionalObject,
  optionalString,
  pageOf,
  parsePage,
  requireIdentity,
  requireString,
  validationError,
  VerifaApiError,
  type Route,
  type RouteContext,
  type RouteResult,
} from './route';
import type { VerifaIdentity } from './store';

const TRANSFER_KINDS = ['sessions', 'screening_checks', 'face_embeddings', 'ip_links', 'device_links'] as const;
type TransferSummary = Record<(typeof TRANSFER_KINDS)[number], boolean>;

/** GET /identities — filters `status`, `q` (external_ref search), `include_archived`; offset pagination. */
function listIdentities({ query, store }: RouteContext): RouteResult {
  const page = parsePage(query);
  const status = query.get('status');
  const search = query.get('q')?.toLowerCase();
  const includeArchived = query.get('include_archived') === 'true';
  const matches = store
    .listIdentities()
    .filter(
      (identity) =>
        (status === null || identity.status === status) &&
        // (inferred) `q` matches external_ref case-insensitively as a substring.
        (search === undefined || (identity.external_ref ?? '').toLowerCase().includes(search)) &&
        (includeArchived || identity.archived_at === null),
    );
  return { status: 200, body: pageOf(matches, page) };
}

/** POST /identities — a stub by external_ref; an existing one is a 409 unless `upsert` is set. */
function createIdentity({ body, store }: RouteContext): RouteResult {
  const externalRef = requireString(body, 'external_ref');
  const upsert = optionalBoolean(body, 'upsert', false);
  const existing = store.findByExternalRef(externalRef);
  if (existing) {
    // (inferred) error code for the documented 409.
    if (!upsert) throw new VerifaApiError(409, 'conflict', 'An identity with this external_ref already exists.');
    return { status: 200, body: creationReply(existing, true) };
  }
  // (inferred) 201 on create.
  return { status: 201, body: creationReply(store.addIdentity({ external_ref: externalRef }), false) };
}

/** GET /identities/:identity_id — by `idn_*` id or external_ref. */
function getIdentity({ params, store }: RouteContext): RouteResult {
  return { status: 200, body: requireIdentity(store, params.identity_id) };
}

/** The fields `POST /identities/search` matches on (contract); the three name fields only together. */
const SEARCH_FIELDS = ['external_ref', 'status', 'country', 'first_name', 'last_name', 'date_of_birth', 'document_number', 'ssn', 'email', 'phone', 'city', 'state', 'zip_code'];
const NAME_FIELDS = ['first_name', 'last_name', 'date_of_birth'];
const EMULATED_SEARCH_FIELDS = new Set(['external_ref', 'status', 'country', 'first_name', 'last_name', 'date_of_birth', 'email']);

/**
 * POST /identities/search (path inferred) — every given field must match: `external_ref`, `status`,
 * `country` directly, `first_name`+`last_name`+`date_of_birth` (all three together) and `email` by
 * their search hashes, which the emulator models as case-insensitive equality (inferred).
 * Archived, merged and redacted identities are not found (inferred). `limit`/`offset` in the body.
 */
function searchIdentities({ body, store }: RouteContext): RouteResult {
  const unknown = Object.keys(body).filter((field) => !SEARCH_FIELDS.includes(field) && field !== 'limit' && field !== 'offset');
  // (inferred) Verifa's wording for unknown and ill-typed search fields.
  if (unknown.length > 0) throw validationError(`Unknown search field(s): ${unknown.join(', ')}.`);
  const criteria = new Map<string, string>();
  for (const field of SEARCH_FIELDS) {
    const value = optionalString(body, field);
    if (value !== null && value.trim() !== '') criteria.set(field, value.trim());
  }
  const names = NAME_FIELDS.filter((field) => criteria.has(field));
  if (names.length > 0 && names.length < NAME_FIELDS.length) {
    throw validationError('first_name, last_name and date_of_birth must be given together.');
  }
  if (criteria.size === 0) throw validationError('At least one search field is required.');
  const unsupported = [...criteria.keys()].filter((field) => !EMULATED_SEARCH_FIELDS.has(field));
  // The emulator holds no hashes of these; refusing beats answering "no match" wrongly.
  if (unsupported.length > 0) throw validationError(`The emulator cannot search on ${unsupported.join(', ')}.`, 400);
  const page = parsePage(new URLSearchParams(pageParams(body)));
  const equal = (a: string | null | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();
  const matches = store.listIdentities().filter((identity) => {
    if (identity.archived_at !== null || identity.status === 'merged' || identity.status === 'redacted') return false;
    const data = identity.extracted_data;
    return [...criteria].every(([field, value]) => {
      switch (field) {
        case 'external_ref': return identity.external_ref === value;
        case 'status': return identity.status === value;
        case 'country': return equal(identity.country, value);
        case 'first_name': return equal(data?.first_name, value);
        case 'last_name': return equal(data?.last_name, value);
        case 'date_of_birth': return data?.date_of_birth === value;
        default: return equal(store.searchEmailOf(identity.id), value);
      }
    });
  });
  return { status: 200, body: pageOf(matches, page) };
}

function pageParams(body: Record<string, unknown>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const field of ['limit', 'offset'] as const) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number') throw validationError(`${field} must be an integer.`);
    params[field] = String(value);
  }
  return params;
}

/** POST /identities/merge — folds the secondary into the primary. */
function mergeIdentities({ body, store }: RouteContext): RouteResult {
  const primaryId = requireString(body, 'primary_identity_id');
  const secondaryId = requireString(body, 'secondary_identity_id');
  const transfer = transferOptions(optionalObject(body, 'transfer'));
  const redactSecondary = optionalBoolean(body, 'redact_secondary', false);
  const reason = optionalString(body, 'reason');

  const primary = requireIdentity(store, primaryId);
  const secondary = requireIdentity(store, secondaryId);
  if (primary.id === secondary.id) throw validationError('Cannot merge an identity into itself.');
  requireMergeable(secondary, 'secondary');
  requireMergeable(primary, 'primary'); // (inferred) a merged/redacted primary is refused too

  store.mergeIdentities(primary, secondary, { transferSessions: transfer.sessions, redactSecondary });
  return {
    status: 200,
    body: {
      primary,
      secondary: { id: secondary.id, status: secondary.status },
      transfer_summary: transfer,
      redacted_secondary: redactSecondary,
      reason,
    },
  };
}

export const IDENTITY_ROUTES: Route[] = [
  { method: 'GET', pattern: ['identities'], handle: listIdentities },
  { method: 'POST', pattern: ['identities'], handle: createIdentity },
  { method: 'POST', pattern: ['identities', 'search'], handle: searchIdentities },
  { method: 'POST', pattern: ['identities', 'merge'], handle: mergeIdentities },
  { method: 'GET', pattern: ['identities', ':identity_id'], handle: getIdentity },
];

function creationReply(identity: VerifaIdentity, upserted: boolean): Record<string, unknown> {
  const { id, external_ref, status, is_sandbox, created_at } = identity;
  return { id, external_ref, status, is_sandbox, created_at, upserted };
}

/** Per-kind transfer toggles, each defaulting to true; unknown kinds are refused (inferred). */
function transferOptions(transfer: Record<string, unknown>): TransferSummary {
  const unknownKinds = Object.keys(transfer).filter((kind) => !(TRANSFER_KINDS as readonly string[]).includes(kind));
  if (unknownKinds.length > 0) throw validationError(`Unknown transfer option(s): ${unknownKinds.join(', ')}.`);
  const summary = {} as TransferSummary;
  for (const kind of TRANSFER_KINDS) summary[kind] = optionalBoolean(transfer, kind, true);
  return summary;
}

function requireMergeable(identity: VerifaIdentity, role: 'primary' | 'secondary'): void {
  if (identity.status === 'merged' || identity.status === 'redacted') {
    throw validationError(`The ${role} identity is already ${identity.status} and cannot be merged.`);
  }
}
