import type { EmulatorRequest, EmulatorResponse } from '../harness';
import { insufficientScope, invalidBody, invalidQuery, managementError, userNotFound } from './errors';
import { parseUserQuery } from './search';
import type { Auth0Store, Auth0User, LinkOutcome } from './store';
import type { AccessTokenClaims, Auth0Tenant } from './tokens';

/** One authenticated, scope-checked Management API call. */
export interface ManagementCall {
  req: EmulatorRequest;
  /** Percent-decoded path parameters. */
  params: Record<string, string>;
  caller: AccessTokenClaims;
  store: Auth0Store;
  tenant: Auth0Tenant;
}

/** UserIdentityProviderEnum (contract B5). */
const PROVIDERS = new Set([
  'ad', 'adfs', 'amazon', 'apple', 'dropbox', 'bitbucket', 'auth0-oidc', 'auth0', 'baidu', 'bitly', 'box', 'custom',
  'daccount', 'dwolla', 'email', 'evernote-sandbox', 'evernote', 'exact', 'facebook', 'fitbit', 'github',
  'google-apps', 'google-oauth2', 'instagram', 'ip', 'line', 'linkedin', 'oauth1', 'oauth2', 'office365', 'oidc',
  'okta', 'paypal', 'paypal-sandbox', 'pingfederate', 'planningcenter', 'salesforce-community', 'salesforce-sandbox',
  'salesforce', 'samlp', 'sharepoint', 'shopify', 'shop', 'sms', 'soundcloud', 'thirtysevensignals', 'twitter',
  'untappd', 'vkontakte', 'waad', 'weibo', 'windowslive', 'wordpress', 'yahoo', 'yandex',
]);

const CONNECTION_ID_PATTERN = /^con_[A-Za-z0-9]{16}$/;
const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 50;
const PAGING_CEILING = 1000;
const PAGING_LIMIT_DOCS = 'https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation';
const LINK_FIELDS = new Set(['provider', 'user_id', 'connection_id', 'link_with']);

/** GET /api/v2/users/{id} */
export function getUser(call: ManagementCall): EmulatorResponse {
  const user = call.store.getUser(call.params.id);
  if (!user) return userNotFound();
  return { status: 200, json: project(user, readProjection(call.req.query)) };
}

/** GET /api/v2/users: list or Lucene search (v3) over the eventually consistent search index. */
export function listUsers(call: ManagementCall): EmulatorResponse {
  const query = call.req.query;
  const paging = readPaging(query);
  if ('status' in paging) return paging;

  const engine = query.get('search_engine');
  // (inferred) wording of the search-engine refusals; only v3 is served, as on current tenants.
  if (engine !== null && engine !== 'v3') return invalidQuery(`You are not allowed to use search_engine=${engine}.`);
  let users = call.store.searchableUsers();
  const q = query.get('q');
  if (q !== null) {
    if (engine !== 'v3') return invalidQuery('The q parameter requires search_engine=v3.');
    const parsed = parseUserQuery(q);
    if (!parsed.ok) return invalidQuery(`Query validation error: ${parsed.reason} in q.`);
    users = users.filter(parsed.matches);
  }
  const sort = query.get('sort');
  if (sort !== null) {
    const sorted = sortUsers(users, sort);
    if (!sorted) return invalidQuery(`Query validation error: invalid sort ${sort}; use field:1 or field:-1.`);
    users = sorted;
  }

  const start = paging.page * paging.perPage;
  const projection = readProjection(query);
  const pageOfUsers = users.slice(start, start + paging.perPage).map((user) => project(user, projection));
  const json = paging.includeTotals
    ? { start, limit: paging.perPage, length: pageOfUsers.length, total: users.length, users: pageOfUsers }
    : pageOfUsers;
  return { status: 200, json };
}

/**
 * GET /api/v2/users-by-email?email=: a bare array of the users with exactly that e-mail. The
 * contract calls the match case-sensitive; Auth0 stores e-mails lower-cased, so callers send them
 * lower-cased (inferred). `email` is required.
 */
export function usersByEmail(call: ManagementCall): EmulatorResponse {
  const email = call.req.query.get('email');
  // (inferred) wording of the missing-parameter refusal.
  if (email === null || email === '') return invalidQuery('Query validation error: missing required parameter email.');
  const projection = readProjection(call.req.query);
  return { status: 200, json: call.store.usersByEmail(email).map((user) => project(user, projection)) };
}

/** POST /api/v2/users/{id}/identities: link a secondary account into the primary `{id}`. */
export async function linkIdentity(call: ManagementCall): Promise<EmulatorResponse> {
  const body = readLinkBody(call.req);
  if ('status' in body) return body;
  if (!call.store.getUser(call.params.id)) return userNotFound();

  const secondary = 'linkWith' in body ? await secondaryFromIdToken(call, body.linkWith) : secondaryFromFields(call, body);
  if (typeof secondary !== 'string') return secondary;
  const outcome = call.store.link(call.params.id, secondary);
  if (!outcome.ok && outcome.reason === 'secondary-missing' && !('linkWith' in body)) return inexistentIdentity(body);
  return linkAnswer(outcome);
}

/** DELETE /api/v2/users/{id}/identities/{provider}/{user_id}: unlink into a standalone user. */
export function unlinkIdentity(call: ManagementCall): EmulatorResponse {
  const { id, provider, user_id: identityUserId } = call.params;
  // (inferred) wording and errorCode for a provider outside the enum.
  if (!PROVIDERS.has(provider)) {
    return managementError(400, `Path validation error: invalid provider ${provider}.`, 'invalid_uri');
  }
  const outcome = call.store.unlink(id, provider, identityUserId);
  if (outcome.ok) return { status: 200, json: outcome.identities };
  if (outcome.reason === 'primary-missing') return userNotFound();
  // (inferred) errorCode of both refusals; the "not linked" case is undocumented (contract B3).
  if (outcome.reason === 'main-identity') return managementError(400, 'Main identity cannot be removed.', 'invalid_uri');
  return managementError(400, 'The identity is not linked to this user.', 'invalid_uri');
}

type LinkBody = { linkWith: string } | { provider: string; userId: string | number; connectionId?: string };

/** Validates the link body against LinkUserIdentityRequestContent (contract B3). */
function readLinkBody(req: EmulatorRequest): LinkBody | EmulatorResponse {
  const fields = readBodyFields(req);
  // (inferred) every payload message below follows Auth0's "Payload validation error" style.
  if (!fields) return invalidBody('Invalid request payload JSON format');
  const extra = Object.keys(fields).filter((name) => !LINK_FIELDS.has(name));
  if (extra.length > 0) return invalidBody(`Payload validation error: 'Additional properties not allowed: ${extra.join(',')}'.`);

  const { link_with: linkWith, provider, user_id: userId, connection_id: connectionId } = fields;
  if (linkWith !== undefined) {
    if (provider !== undefined || userId !== undefined || connectionId !== undefined) {
      return invalidBody("Payload validation error: 'link_with must not be sent with provider, user_id or connection_id'.");
    }
    if (typeof linkWith !== 'string' || linkWith === '') {
      return invalidBody("Payload validation error: 'Expected type string' on property link_with.");
    }
    return { linkWith };
  }
  if (provider === undefined) return invalidBody("Payload validation error: 'Missing required property: provider'.");
  if (typeof provider !== 'string' || !PROVIDERS.has(provider)) {
    return invalidBody(`Payload validation error: 'Invalid value ${JSON.stringify(provider)}' on property provider.`);
  }
  if (userId === undefined) return invalidBody("Payload validation error: 'Missing required property: user_id'.");
  if (!(typeof userId === 'string' && userId.length > 0) && !Number.isInteger(userId)) {
    return invalidBody("Payload validation error: 'Expected type string (minLength 1) or integer' on property user_id.");
  }
  if (connectionId !== undefined && (typeof connectionId !== 'string' || !CONNECTION_ID_PATTERN.test(connectionId))) {
    const pattern = CONNECTION_ID_PATTERN.source;
    return invalidBody(`Payload validation error: 'String does not match pattern ${pattern}: ${String(connectionId)}' on property connection_id.`);
  }
  return { provider, userId: userId as string | number, connectionId };
}

/** The body as a field map: JSON object or form; undefined when it is neither. */
function readBodyFields(req: EmulatorRequest): Record<string, unknown> | undefined {
  if (String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(req.rawBody));
  }
  if (req.rawBody === '') return {};
  const isObject = typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body);
  return isObject ? (req.body as Record<string, unknown>) : undefined;
}

/** Mode (a): the secondary is the `sub` of a verified ID token. */
async function secondaryFromIdToken(call: ManagementCall, linkWith: string): Promise<string | EmulatorResponse> {
  const check = await call.tenant.verifyLinkWith(linkWith, call.caller);
  return check.ok ? check.sub : invalidBody(check.message);
}

/** Mode (b): the secondary is `{provider}|{user_id}`; needs update:users. */
function secondaryFromFields(
  call: ManagementCall,
  body: { provider: string; userId: string | number; connectionId?: string },
): string | EmulatorResponse {
  // (inferred) a token holding only update:current_user_identities cannot use mode (b).
  if (!call.caller.scopes.has('update:users')) {
    return insufficientScope('Insufficient scope; expected: update:users, update:current_user_identities.');
  }
  const notConfigured = invalidBody('The provider/connection is not configured.');
  if (!call.store.hasConnectionFor(body.provider)) return notConfigured;
  const secondaryUserId = `${body.provider}|${body.userId}`;
  if (body.connectionId === undefined) return secondaryUserId;

  const connection = call.store.connectionById(body.connectionId);
  if (!connection || connection.strategy !== body.provider) return notConfigured;
  const secondary = call.store.getUser(secondaryUserId);
  if (secondary && secondary.identities[0].connection !== connection.name) {
    return invalidBody('Provided secondary account not found.');
  }
  return secondaryUserId;
}

/**
 * Mode (b) naming an account the tenant does not hold: (inferred) an `auth0` database identity
 * without `connection_id` gets "… requires a connection.", any other "… is not allowed." (the
 * documented texts; when Auth0 sends which is not documented).
 */
function inexistentIdentity(body: { provider: string; connectionId?: string }): EmulatorResponse {
  return body.provider === 'auth0' && body.connectionId === undefined
    ? invalidBody('Linking to an inexistent identity requires a connection.')
    : invalidBody('Linking to an inexistent identity is not allowed.');
}

function linkAnswer(outcome: LinkOutcome): EmulatorResponse {
  if (outcome.ok) return { status: 201, json: outcome.identities };
  switch (outcome.reason) {
    case 'primary-missing':
      return userNotFound();
    case 'same-account':
      return invalidBody('Main identity and the new one are the same.');
    case 'identity-exists':
      // (inferred) errorCode of the 409.
      return managementError(409, 'Specified identity already exists.', 'identity_conflict');
    case 'secondary-missing':
      return invalidBody('Provided secondary account not found.');
    case 'secondary-has-links':
      return invalidBody('Unable to link with the secondary account.');
  }
}

interface Paging {
  page: number;
  perPage: number;
  includeTotals: boolean;
}

function readPaging(query: URLSearchParams): Paging | EmulatorResponse {
  const page = readCount(query.get('page'), 0);
  // (inferred) wording of the paging validation messages.
  if (page === undefined) return invalidQuery("Query validation error: 'page' must be an integer >= 0.");
  const perPage = readCount(query.get('per_page'), DEFAULT_PER_PAGE);
  if (perPage === undefined || perPage > MAX_PER_PAGE) {
    return invalidQuery(`Query validation error: 'per_page' must be an integer between 0 and ${MAX_PER_PAGE}.`);
  }
  const includeTotals = query.get('include_totals') ?? 'false';
  if (includeTotals !== 'true' && includeTotals !== 'false') {
    return invalidQuery("Query validation error: 'include_totals' must be true or false.");
  }
  // (inferred) a page is refused as soon as it would reach past record 1000; the tail of the
  // message is the documentation link the contract elides.
  if ((page + 1) * perPage > PAGING_CEILING) {
    return invalidQuery(`You can only page through the first ${PAGING_CEILING} records. See ${PAGING_LIMIT_DOCS}`);
  }
  return { page, perPage, includeTotals: includeTotals === 'true' };
}

function readCount(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

/** `sort=field:1` ascending, `field:-1` descending, on a root field. */
function sortUsers(users: readonly Auth0User[], sort: string): Auth0User[] | undefined {
  const match = /^(\w+):(1|-1)$/.exec(sort);
  if (!match) return undefined;
  const [, field, direction] = match;
  const valueOf = (user: Auth0User) => String((user as unknown as Record<string, unknown>)[field] ?? '');
  const sign = direction === '1' ? 1 : -1;
  return [...users].sort((a, b) => sign * valueOf(a).localeCompare(valueOf(b)));
}

interface Projection {
  fields: string[];
  include: boolean;
}

/** `fields` (comma list) with `include_fields` (default true) picks or drops root fields. */
function readProjection(query: URLSearchParams): Projection | undefined {
  const fields = query.get('fields');
  if (!fields) return undefined;
  return { fields: fields.split(',').map((field) => field.trim()), include: query.get('include_fields') !== 'false' };
}

function project(user: Auth0User, projection: Projection | undefined): Partial<Auth0User> {
  if (!projection) return user;
  return Object.fromEntries(
    Object.entries(user).filter(([field]) => projection.fields.includes(field) === projection.include),
  );
}
