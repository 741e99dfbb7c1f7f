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
