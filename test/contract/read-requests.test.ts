import { credentialMarker } from '../../src/emulators/call-log';
import type { RecordedCall } from '../../src/emulators/harness';
import { DEMO_CREDENTIALS, DEMO_PEOPLE, DEMO_VERATO_RELATIONSHIPS } from '../../src/emulators/seed';
import { startStack, type Stack } from '../support/stack';

/**
 * Read-side contract: after a GraphQL query, the exact upstream requests each provider emulator
 * recorded (method, path, query, headers, body), checked against the reference contracts.
 */

const [alice, , carol] = DEMO_PEOPLE;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let stack: Stack;
/** The subgraph verifies callers here (providers outside its process): a read-only token. */
let readOnly: string;

beforeAll(async () => {
  stack = await startStack();
  readOnly = `Bearer ${await stack.token({ scopes: ['identities:read'] })}`;
});

afterAll(async () => {
  await stack.close();
});

/** POSTs a query and answers the data and the x-request-id the subgraph answered with. */
async function query(source: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: readOnly, ...headers },
    body: JSON.stringify({ query: source, variables }),
  });
  const result = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
  expect(result.errors).toBeUndefined();
  expect(response.status).toBe(200);
  const requestId = response.headers.get('x-request-id');
  expect(requestId).toBeTruthy();
  return { data: result.data!, requestId: requestId! };
}

const callsOf = (provider: 'verato' | 'verifa' | 'auth0' | 'btcdirect'): RecordedCall[] => stack.emulators[provider]!.calls;
const summary = (calls: RecordedCall[]) => calls.map((c) => `${c.method} ${c.path}`);

describe('Auth0 (client-credentials token, then the Management API)', () => {
  // First in the file: no Auth0 token has been fetched yet.
  it('fetches one token, searches several users in one call and reads a single user by its encoded id', async () => {
    stack.clearCalls();
    const auth0BaseUrl = stack.emulators.auth0!.baseUrl;

    const batch = await query('query ($ids: [ID!]!) { identities(ids: $ids) { id displayName } }', {
      ids: [`auth0:${alice.auth0UserId}`, `auth0:${carol.auth0UserId}`],
    });
    expect(batch.data.identities.map((i: { displayName: string }) => i.displayName)).toEqual(['Alice Martin', 'Carol Martin']);

    const single = await query('query ($id: ID!) { identity(id: $id) { id email } }', { id: `auth0:${alice.auth0UserId}` });
    expect(single.data.identity).toEqual({ id: `auth0:${alice.auth0UserId}`, email: alice.email });

    const calls = callsOf('auth0');
    expect(summary(calls)).toEqual(['POST /oauth/token', 'GET /api/v2/users', `GET /api/v2/users/${alice.auth0UserId.replace('|', '%7C')}`]);
    const [token, search, get] = calls;

    // POST /oauth/token: the client-credentials grant for the Management API audience, without a bearer.
    expect(token.body).toEqual({
      grant_type: 'client_credentials',
      client_id: DEMO_CREDENTIALS.auth0.clientId,
      client_secret: credentialMarker(DEMO_CREDENTIALS.auth0.clientSecret),
      audience: `${auth0BaseUrl}/api/v2/`,
    });
    expect(token.headers['content-type']).toBe('application/json');
    expect(token.headers).not.toHaveProperty('authorization');
    expect(token.headers['x-request-id']).toBe(batch.requestId);

    // GET /api/v2/users: one Lucene search over the quoted user ids.
    expect(search.query).toEqual({
      q: `user_id:("${alice.auth0UserId}" OR "${carol.auth0UserId}")`,
      search_engine: 'v3',
      per_page: '50',
    });
    expect(search.path).toBe('/api/v2/users');
    expect(search.body).toBeUndefined();
    expect(search.headers['x-request-id']).toBe(batch.requestId);

    // GET /api/v2/users/{id}: the pipe percent-encoded.
    expect(get.path).toBe('/api/v2/users/auth0%7C65a1a1a1a1a1a1a1a1a1a001');
    expect(get.query).toEqual({});
    expect(get.headers['x-request-id']).toBe(single.requestId);
    expect(single.requestId).not.toBe(batch.requestId);

    // Both Management calls carry the same cached bearer token (the call log keeps only its fingerprint;
    // the emulator answered, so it accepted the token for the API audience).
    const bearer = search.headers.authorization;
    expect(bearer).toMatch(/^Bearer \[redacted [0-9a-f]{16}\]$/);
    expect(get.headers.authorization).toBe(bearer);
    expect(search.headers.accept).toBe('application/json');
  });

  it('keeps reusing the token on later requests', async () => {
    stack.clearCalls();
    await query('query ($id: ID!) { identity(id: $id) { id } }', { id: `auth0:${carol.auth0UserId}` });
    expect(summary(callsOf('auth0'))).toEqual([`GET /api/v2/users/${carol.auth0UserId.replace('|', '%7C')}`]);
    expect(stack.emulators.auth0!.countCalls('POST', '/oauth/token')).toBe(0);
  });
});

describe('Verato (POST envelopes on the Person stack)', () => {
  it('nativeIdQuery with the source record, both formats and the request id as trackingId; then searchRelationshipsService by Link ID', async () => {
    stack.clearCalls();
    const { data, requestId } = await query(
      'query ($id: ID!) { identity(id: $id) { id cluster { linkId } relationships(first: 10) { totalCount nodes { provider } } } }',
      { id: `verato:CRM:${alice.crmId}` },
    );
    expect(requestId).toMatch(UUID);
    expect(data.identity.cluster.linkId).toBe(alice.veratoLinkId);
    const aliceEdges = DEMO_VERATO_RELATIONSHIPS.filter((r) => r.subject === 'alice' || r.object === 'alice');
    expect(data.identity.relationships.nodes.filter((node: { provider: string }) => node.provider === 'VERATO')).toHaveLength(aliceEdges.length);

    const calls = callsOf('verato');
    expect(summary(calls)).toEqual(['POST /link-ws/svc/v2/nativeIdQuery', 'POST /link-ws/svc/searchRelationshipsService']);
    const [nativeIdQuery, search] = calls;
    for (const call of calls) {
      expect(call.headers.authorization).toBe(credentialMarker(`Bearer ${DEMO_CREDENTIALS.verato.token}`));
      expect(call.headers['content-type']).toBe('application/json');
      expect(call.headers.accept).toBe('application/json');
      expect(call.headers['x-request-id']).toBe(requestId);
      expect(call.query).toEqual({});
    }
    expect(nativeIdQuery.body).toEqual({
      trackingId: requestId,
      content: { source: { name: 'CRM', id: alice.crmId }, responseIdentityFormatNames: ['DEFAULT', 'GROUP_BY_SOURCE'] },
    });
    expect(search.body).toEqual({
      trackingId: requestId,
      content: { relationshipFilter: { filterBySubjectOrObjectVeratoId: alice.veratoLinkId } },
    });
  });

  it('uses the caller-supplied x-request-id as trackingId', async () => {
    stack.clearCalls();
    const { requestId } = await query('query ($id: ID!) { identity(id: $id) { id } }', { id: `verato:CRM:${carol.crmId}` }, { 'x-request-id': 'router-req-0042' });
    expect(requestId).toBe('router-req-0042');
    expect(callsOf('verato')).toHaveLength(1);
    expect(callsOf('verato')[0].body).toMatchObject({ trackingId: 'router-req-0042', content: { source: { name: 'CRM', id: carol.crmId } } });
  });
});

describe('Verato change feed (the notification poller)', () => {
  it('searchNotifications with every required field: page 0 of a window of ISO date-times, the poll id as trackingId', async () => {
    stack.clearCalls();
    await stack.subgraph.app.veratoNotifications.pollOnce();
    const calls = callsOf('verato');
    expect(summary(calls)).toEqual(['POST /link-ws/svc/searchNotifications']);
    const [call] = calls;
    expect(call.headers.authorization).toBe(credentialMarker(`Bearer ${DEMO_CREDENTIALS.verato.token}`));
    expect(call.headers['content-type']).toBe('application/json');
    const body = call.body as { trackingId: string; content: { startDate: string; endDate: string } };
    expect(body).toEqual({
      trackingId: expect.stringMatching(/^verato-notifications-/),
      content: { pageNumber: 0, pageSize: 100, startDate: expect.any(String), endDate: expect.any(String) },
    });
    for (const date of [body.content.startDate, body.content.endDate]) expect(new Date(date).toISOString()).toBe(date);
    expect(Date.parse(body.content.startDate)).toBeLessThanOrEqual(Date.parse(body.content.endDate));
  });
});

describe('Verifa (REST GETs with pinned headers)', () => {
  it('GET /identities/{id} and its relationships with limit/offset (read whole, in pages of 100), X-API-Key, Verifa-Version and Key-Inflection: snake', async () => {
    stack.clearCalls();
    const source = 'query ($id: ID!, $after: String) { identity(id: $id) { id displayName relationships(first: 2, after: $after) { totalCount pageInfo { endCursor } } } }';
    const first = await query(source, { id: `verifa:${alice.verifaId}` });
    expect(first.data.identity.displayName).toBe('Alice Martin');
    await query(source, { id: `verifa:${alice.verifaId}`, after: first.data.identity.relationships.pageInfo.endCursor });

    const calls = callsOf('verifa');
    const identityPath = `/api/v1/identities/${alice.verifaId}`;
    expect(summary(calls)).toEqual([`GET ${identityPath}`, `GET ${identityPath}/relationships`, `GET ${identityPath}`, `GET ${identityPath}/relationships`]);
    // A person's relationships are assembled from several lists, so each list is read whole and paged here.
    expect(calls.map((c) => c.query)).toEqual([{}, { limit: '100', offset: '0' }, {}, { limit: '100', offset: '0' }]);
    for (const call of calls) {
      expect(call.headers).toMatchObject({
        'x-api-key': credentialMarker(DEMO_CREDENTIALS.verifa.apiKey),
        'verifa-version': DEMO_CREDENTIALS.verifa.version,
        'key-inflection': 'snake',
        accept: 'application/json',
      });
      expect(call.headers).not.toHaveProperty('authorization');
      expect(call.headers).not.toHaveProperty('content-type');
      expect(call.body).toBeUndefined();
    }
    expect(calls[0].headers['x-request-id']).toBe(first.requestId);
    // Of the others, only Verato: the person's cluster and its relationships, once per request.
    expect(summary(callsOf('verato'))).toEqual([1, 2].flatMap(() => ['POST /link-ws/svc/v2/nativeIdQuery', 'POST /link-ws/svc/searchRelationshipsService']));
    expect(callsOf('auth0')).toHaveLength(0);
  });
});

describe('searchIdentities (one search request per provider that can search)', () => {
  it('Auth0 GET /api/v2/users-by-email, Verifa POST /identities/search (inferred body), Verato POST /v2/demographicsSearch', async () => {
    stack.clearCalls();
    const { data, requestId } = await query(
      'query ($input: SearchIdentitiesInput!) { searchIdentities(input: $input) { nodes { matchedBy identity { id } } } }',
      { input: { email: 'Alice.Martin@Example.com' } },
    );
    expect(data.searchIdentities.nodes).toEqual([{ matchedBy: ['AUTH0', 'VERIFA', 'VERATO'], identity: { id: `auth0:${alice.auth0UserId}` } }]);

    const [byEmail] = callsOf('auth0').filter((call) => call.path === '/api/v2/users-by-email');
    expect(byEmail.method).toBe('GET');
    expect(byEmail.query).toEqual({ email: alice.email });
    expect(byEmail.headers.authorization).toMatch(/^Bearer /);
    expect(byEmail.headers['x-request-id']).toBe(requestId);
    expect(byEmail.body).toBeUndefined();

    const [verifaSearch] = callsOf('verifa').filter((call) => call.path === '/api/v1/identities/search');
    expect(verifaSearch.method).toBe('POST');
    expect(verifaSearch.body).toEqual({ email: alice.email, limit: 100 });
    expect(verifaSearch.headers).toMatchObject({
      'x-api-key': credentialMarker(DEMO_CREDENTIALS.verifa.apiKey),
      'verifa-version': DEMO_CREDENTIALS.verifa.version,
      'key-inflection': 'snake',
      'content-type': 'application/json',
      'x-request-id': requestId,
    });

    const [veratoSearch] = callsOf('verato').filter((call) => call.path === '/link-ws/svc/v2/demographicsSearch');
    expect(veratoSearch.method).toBe('POST');
    expect(veratoSearch.body).toEqual({
      trackingId: requestId,
      content: { identity: { emails: [{ email: 'Alice.Martin@Example.com' }] }, maxSearchResults: 100 },
    });
    expect(veratoSearch.headers.authorization).toBe(credentialMarker(`Bearer ${DEMO_CREDENTIALS.verato.token}`));
    // Each provider was searched once; the hits were placed in their clusters through the loaders.
    expect(callsOf('auth0').filter((call) => call.path === '/api/v2/users-by-email')).toHaveLength(1);
    expect(callsOf('verifa').filter((call) => call.path === '/api/v1/identities/search')).toHaveLength(1);
    expect(callsOf('verato').filter((call) => call.path === '/link-ws/svc/v2/demographicsSearch')).toHaveLength(1);
    expect(callsOf('btcdirect')).toHaveLength(0);
  });

  it('by name and birth date: Verifa gets the three name fields, Verato the demographic values, Auth0 nothing', async () => {
    stack.clearCalls();
    const pii = `Bearer ${await stack.token({ scopes: ['identities:read', 'identities:pii'] })}`;
    const { requestId } = await query(
      'query ($input: SearchIdentitiesInput!) { searchIdentities(input: $input, first: 1) { nodes { score } } }',
      { input: { name: 'Alice Martin', birthDate: alice.birthDate } },
      { authorization: pii },
    );
    expect(callsOf('auth0').filter((call) => call.path === '/api/v2/users-by-email')).toHaveLength(0);
    const [verifaSearch] = callsOf('verifa').filter((call) => call.path === '/api/v1/identities/search');
    expect(verifaSearch.body).toEqual({ first_name: 'Alice', last_name: 'Martin', date_of_birth: alice.birthDate, limit: 100 });
    const [veratoSearch] = callsOf('verato').filter((call) => call.path === '/link-ws/svc/v2/demographicsSearch');
    expect(veratoSearch.body).toEqual({
      trackingId: requestId,
      content: { identity: { names: [{ first: 'Alice', last: 'Martin' }], datesOfBirth: [{ dateOfBirth: alice.birthDate }] }, maxSearchResults: 100 },
    });
  });
});

describe('BTC Direct (one client authentication method, the user named by header)', () => {
  it('GET /api/v1/user/info with X-Api-Key and User-Identifier, and no Authorization header', async () => {
    stack.clearCalls();
    const { data, requestId } = await query('query ($id: ID!) { identity(id: $id) { id displayName email } }', { id: `btcdirect:${alice.btcIdentifier}` });
    expect(data.identity).toEqual({ id: `btcdirect:${alice.btcIdentifier}`, displayName: 'Alice Martin', email: alice.email });

    const calls = callsOf('btcdirect');
    expect(summary(calls)).toEqual(['GET /api/v1/user/info']);
    const [info] = calls;
    expect(info.query).toEqual({});
    expect(info.body).toBeUndefined();
    expect(info.headers).toMatchObject({
      'x-api-key': credentialMarker(DEMO_CREDENTIALS.btcdirect.apiKey),
      'user-identifier': alice.btcIdentifier,
      accept: 'application/json',
      'x-request-id': requestId,
    });
    // Never two client authentication methods (ER803), and no user token on a read.
    expect(info.headers).not.toHaveProperty('authorization');
    expect(info.headers).not.toHaveProperty('user-authorization');
  });
});

describe('all four providers in one request', () => {
  it('hands the same request id to every upstream call', async () => {
    stack.clearCalls();
    const ids = [`verifa:${carol.verifaId}`, `btcdirect:${carol.btcIdentifier}`, `verato:CRM:${carol.crmId}`, `auth0:${carol.auth0UserId}`];
    const { data, requestId } = await query('query ($ids: [ID!]!) { identities(ids: $ids) { id } }', { ids }, { 'x-request-id': 'router-req-all-4' });
    expect(requestId).toBe('router-req-all-4');
    expect(data.identities.map((i: { id: string }) => i.id)).toEqual(ids);
    for (const provider of ['verato', 'verifa', 'auth0', 'btcdirect'] as const) {
      expect(callsOf(provider)).toHaveLength(1);
      expect(callsOf(provider)[0].headers['x-request-id']).toBe('router-req-all-4');
    }
    expect(stack.emulators.auth0!.countCalls('POST', '/oauth/token')).toBe(0);
  });
});
