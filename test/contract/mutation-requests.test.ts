import {
  CreateRelationshipDocument,
  DeleteRelationshipDocument,
  GetRelationshipsPageDocument,
  LinkIdentifierDocument,
  LinkIdentitiesDocument,
  MergeIdentitiesDocument,
  UnlinkIdentitiesDocument,
  UnmergeIdentitiesDocument,
} from '../../generated/graphql';
import { credentialMarker } from '../../src/emulators/call-log';
import type { RecordedCall } from '../../src/emulators/harness';
import { DEMO_CREDENTIALS, DEMO_PEOPLE } from '../../src/emulators/seed';
import { idempotencyScope } from '../../src/mutations/idempotency';
import { componentSchema, loadSpec, undeclaredFields, type Schema } from '../support/openapi-subset';
import { startStack, type Stack } from '../support/stack';

/**
 * Write-side contract: for each mutation route, the exact upstream request the provider emulator
 * recorded (method, path, the headers that matter, body) and that it was sent exactly once; then
 * the idempotency rules (the subgraph's own store for Verato, Auth0 and BTC Direct; Verifa's
 * Idempotency-Key header, derived per caller and mutation).
 */

const [alice, bob] = DEMO_PEOPLE;
/** A bearer credential as the emulators' call log keeps it: the scheme and a fingerprint, never the token. */
const MASKED_BEARER = /^Bearer \[redacted [0-9a-f]{16}\]$/;

type Provider = 'verato' | 'verifa' | 'auth0' | 'btcdirect';

let stack: Stack;
let sequence = 0;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack.close();
});

beforeEach(() => {
  stack.emulators.all.forEach((emulator) => emulator.setFaults(null));
  stack.clearCalls();
});

/** A name no other test uses. */
const unique = (prefix: string) => `${prefix}${++sequence}${Date.now().toString(36)}`;
const callsOf = (provider: Provider): RecordedCall[] => stack.emulators[provider]!.calls;
/** The calls that are not reads of the payload (Verato queries, GETs) nor the Auth0 token. */
const writesOf = (provider: Provider): RecordedCall[] =>
  callsOf(provider).filter((call) => call.method !== 'GET' && call.path !== '/oauth/token' && !/Query$|searchRelationshipsService$/.test(call.path));

/** The one write a mutation sent; fails when there were none or several. */
function theWrite(provider: Provider): RecordedCall {
  const writes = writesOf(provider);
  expect(writes.map((call) => `${call.method} ${call.path}`)).toHaveLength(1);
  return writes[0];
}

/** No write reached any provider. */
function expectNoWrites(): void {
  for (const provider of ['verato', 'verifa', 'auth0', 'btcdirect'] as const) expect(writesOf(provider)).toEqual([]);
}

function expectVeratoHeaders(call: RecordedCall, requestId: string): void {
  expect(call.headers).toMatchObject({
    authorization: credentialMarker(`Bearer ${DEMO_CREDENTIALS.verato.token}`),
    'content-type': 'application/json',
    accept: 'application/json',
    'x-request-id': requestId,
  });
  expect(call.headers).not.toHaveProperty('idempotency-key');
  expect(call.query).toEqual({});
}

function expectVerifaHeaders(call: RecordedCall, requestId: string, options: { body: boolean }): void {
  expect(call.headers).toMatchObject({
    'x-api-key': credentialMarker(DEMO_CREDENTIALS.verifa.apiKey),
    'verifa-version': DEMO_CREDENTIALS.verifa.version,
    'key-inflection': 'snake',
    accept: 'application/json',
    'x-request-id': requestId,
  });
  expect(call.headers).not.toHaveProperty('authorization');
  if (options.body) expect(call.headers['content-type']).toBe('application/json');
  else expect(call.headers).not.toHaveProperty('content-type');
}

function expectAuth0Headers(call: RecordedCall, requestId: string, options: { body: boolean }): void {
  expect(call.headers.authorization).toMatch(MASKED_BEARER);
  expect(call.headers['x-request-id']).toBe(requestId);
  expect(call.headers).not.toHaveProperty('idempotency-key');
  if (options.body) expect(call.headers['content-type']).toBe('application/json');
  else expect(call.headers).not.toHaveProperty('content-type');
  expect(call.query).toEqual({});
}

/** The Verato request envelope against the vendored spec: no field it does not declare. */
function expectVeratoSpecBody(operation: string, body: unknown): void {
  const doc = loadSpec(`verato-${operation.toLowerCase()}-api-openapi.yml`);
  expect(undeclaredFields(body, componentSchema(doc, `ServiceRequest_${operation}`), doc)).toEqual([]);
}

describe('linkIdentities', () => {
  it('Verato + Verato: POST /link-ws/svc/linkIdentities {trackingId, content:{linkToSource, source}}', async () => {
    const verato = stack.emulators.verato!.store;
    const primary = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-LINK-A') } });
    const secondary = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-LINK-B') } });
    const requestId = unique('ct-link-verato-');

    const result = await stack.gql(
      LinkIdentitiesDocument,
      { input: { primaryId: `verato:CRM:${primary.source.id}`, secondaryId: `verato:CRM:${secondary.source.id}` } },
      { 'x-request-id': requestId },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.linkIdentities).toMatchObject({ linkId: primary.linkId, userErrors: [] });

    const call = theWrite('verato');
    expect(call.method).toBe('POST');
    expect(call.path).toBe('/link-ws/svc/linkIdentities');
    expectVeratoHeaders(call, requestId);
    expect(call.body).toEqual({ trackingId: requestId, content: { linkToSource: primary.source, source: secondary.source } });
    expectVeratoSpecBody('linkIdentities', call.body);
  });

  it('mixed providers: the Verato link of both source records under the default VERATO_SOURCE_MAP', async () => {
    const verato = stack.emulators.verato!.store;
    const auth0Id = `auth0|${unique('ctmixed')}`;
    const btcIdentifier = `${unique('ctmixed')}${'0'.repeat(40)}`;
    verato.addSourceRecord({ source: { name: 'AUTH0', id: auth0Id } });
    verato.addSourceRecord({ source: { name: 'BTCDIRECT', id: btcIdentifier } });
    const requestId = unique('ct-link-mixed-');

    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `auth0:${auth0Id}`, secondaryId: `btcdirect:${btcIdentifier}` } }, { 'x-request-id': requestId });
    expect(result.data!.linkIdentities.userErrors).toEqual([]);

    const call = theWrite('verato');
    expect(`${call.method} ${call.path}`).toBe('POST /link-ws/svc/linkIdentities');
    expectVeratoHeaders(call, requestId);
    expect(call.body).toEqual({ trackingId: requestId, content: { linkToSource: { name: 'AUTH0', id: auth0Id }, source: { name: 'BTCDIRECT', id: btcIdentifier } } });
    // Nothing was asked of the identities' own providers.
    expect(writesOf('auth0')).toEqual([]);
    expect(writesOf('btcdirect')).toEqual([]);
  });

  it('mixed providers, neither in Verato yet: postIdentity of each (demographics from its provider), then linkIdentities', async () => {
    const auth0 = stack.emulators.auth0!.store.addUser({
      userId: `auth0|${unique('ctunreg')}`,
      email: `${unique('unreg')}@example.com`,
      givenName: 'Una',
      familyName: 'Registered',
    });
    const verifa = stack.emulators.verifa!.store.addIdentity({
      country: 'NL',
      extracted_data: {
        ...stack.emulators.verifa!.store.findIdentity(alice.verifaId)!.extracted_data!,
        first_name: 'Una',
        last_name: 'Registered',
        date_of_birth: '1991-07-08',
        address: { line1: 'Damrak 1', line2: null, city: 'Amsterdam', state: null, zip: '1012 LG' },
      },
    });
    const requestId = unique('ct-link-unregistered-');

    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `auth0:${auth0.user_id}`, secondaryId: `verifa:${verifa.id}` } }, { 'x-request-id': requestId });
    expect(result.errors).toBeUndefined();
    expect(result.data!.linkIdentities.userErrors).toEqual([]);

    const writes = writesOf('verato');
    expect(writes.map((call) => `${call.method} ${call.path}`)).toEqual([
      'POST /link-ws/svc/v2/postIdentity',
      'POST /link-ws/svc/v2/postIdentity',
      'POST /link-ws/svc/linkIdentities',
    ]);
    writes.forEach((call) => expectVeratoHeaders(call, requestId));
    expect(writes[0].body).toEqual({
      trackingId: requestId,
      content: { identity: { sources: [{ name: 'AUTH0', id: auth0.user_id }], names: [{ first: 'Una', last: 'Registered' }], emails: [{ email: auth0.email }] } },
    });
    expect(writes[1].body).toEqual({
      trackingId: requestId,
      content: {
        identity: {
          sources: [{ name: 'VERIFA', id: verifa.id }],
          names: [{ first: 'Una', last: 'Registered' }],
          datesOfBirth: [{ dateOfBirth: '1991-07-08' }],
          addresses: [{ line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG', country: 'NL' }],
        },
      },
    });
    expect(writes[2].body).toEqual({ trackingId: requestId, content: { linkToSource: { name: 'AUTH0', id: auth0.user_id }, source: { name: 'VERIFA', id: verifa.id } } });
    const personSpec = loadSpec('verato/verato-person-openapi.yml');
    for (const call of writes.slice(0, 2)) {
      expect(undeclaredFields(call.body, componentSchema(personSpec, 'ServiceRequest_v2__postIdentity'), personSpec)).toEqual([]);
    }
    // The spec's own fields are checked, not an empty schema: a field it does not declare is reported.
    expect(undeclaredFields({ content: { identity: { sources: [], nickname: 'x' } } }, componentSchema(personSpec, 'ServiceRequest_v2__postIdentity'), personSpec)).toEqual([
      '$.content.identity.nickname',
    ]);
    // Both records now share the primary's Link ID.
    const verato = stack.emulators.verato!.store;
    expect(verato.findRecord({ name: 'VERIFA', id: verifa.id })!.linkId).toBe(verato.findRecord({ name: 'AUTH0', id: auth0.user_id })!.linkId);
    expect(writesOf('auth0')).toEqual([]);
    expect(writesOf('verifa')).toEqual([]);
  });

  it('Auth0 + Auth0: POST /api/v2/users/{primary, | encoded}/identities {provider, user_id after the |}', async () => {
    const auth0 = stack.emulators.auth0!.store;
    const primary = auth0.addUser({ userId: `auth0|${unique('ctprimary')}`, email: `${unique('p')}@example.com` });
    const secondary = auth0.addUser({ userId: `google-oauth2|${unique('1100')}`, email: `${unique('s')}@example.com` });
    const requestId = unique('ct-link-auth0-');

    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `auth0:${primary.user_id}`, secondaryId: `auth0:${secondary.user_id}` } }, { 'x-request-id': requestId });
    expect(result.data!.linkIdentities.userErrors).toEqual([]);

    const call = theWrite('auth0');
    expect(call.method).toBe('POST');
    expect(call.path).toBe(`/api/v2/users/${primary.user_id.replace('|', '%7C')}/identities`);
    expectAuth0Headers(call, requestId, { body: true });
    expect(call.body).toEqual({ provider: 'google-oauth2', user_id: secondary.user_id.split('|')[1] });
    const doc = loadSpec('DERIVED-auth0-management-users-identities.subset.openapi.yaml');
    expect(undeclaredFields(call.body, componentSchema(doc, 'LinkUserIdentityRequestContent'), doc)).toEqual([]);
  });

  it('Auth0 admin link with connectionId: {provider, user_id, connection_id} with the machine token', async () => {
    const auth0 = stack.emulators.auth0!;
    const primary = auth0.store.addUser({ userId: `auth0|${unique('ctcprimary')}`, email: `${unique('p')}@example.com` });
    const secondary = auth0.store.addUser({ userId: `auth0|${unique('ctcsecondary')}`, email: `${unique('s')}@example.com` });
    const requestId = unique('ct-link-auth0-con-');

    const result = await stack.gql(
      LinkIdentitiesDocument,
      { input: { primaryId: `auth0:${primary.user_id}`, secondaryId: `auth0:${secondary.user_id}`, connectionId: 'con_Db00000000000001' } },
      { 'x-request-id': requestId },
    );
    expect(result.data!.linkIdentities.userErrors).toEqual([]);

    const call = theWrite('auth0');
    expectAuth0Headers(call, requestId, { body: true });
    expect(call.body).toEqual({ provider: 'auth0', user_id: secondary.user_id.split('|')[1], connection_id: 'con_Db00000000000001' });
    const doc = loadSpec('DERIVED-auth0-management-users-identities.subset.openapi.yaml');
    expect(undeclaredFields(call.body, componentSchema(doc, 'LinkUserIdentityRequestContent'), doc)).toEqual([]);
    // The emulator accepted it: the secondary is an identity of the primary now.
    expect(auth0.store.getUser(primary.user_id)!.identities.map((identity) => identity.user_id)).toContain(secondary.user_id.split('|')[1]);
  });

  it('Auth0 self-service link: {link_with} and nothing else, with the forwarded user token as Authorization', async () => {
    const auth0 = stack.emulators.auth0!;
    const primary = auth0.store.addUser({ userId: `auth0|${unique('ctlwprimary')}`, email: `${unique('p')}@example.com` });
    const secondary = auth0.store.addUser({ userId: `auth0|${unique('ctlwsecondary')}`, email: `${unique('s')}@example.com` });
    const idToken = await auth0.mintIdToken(secondary.user_id);
    const userToken = await auth0.mintUserToken(primary.user_id);
    const requestId = unique('ct-link-auth0-lw-');

    const result = await stack.gql(
      LinkIdentitiesDocument,
      { input: { primaryId: `auth0:${primary.user_id}`, secondaryId: `auth0:${secondary.user_id}`, linkWith: idToken } },
      { 'x-request-id': requestId, 'x-auth0-user-authorization': `Bearer ${userToken}` },
    );
    expect(result.data!.linkIdentities.userErrors).toEqual([]);

    const call = theWrite('auth0');
    expect(`${call.method} ${call.path}`).toBe(`POST /api/v2/users/${encodeURIComponent(primary.user_id)}/identities`);
    expectAuth0Headers(call, requestId, { body: true });
    expect(call.headers.authorization).toBe(credentialMarker(`Bearer ${userToken}`));
    expect(call.headers).not.toHaveProperty('x-auth0-user-authorization');
    expect(call.body).toEqual({ link_with: credentialMarker(idToken) });
    expect(auth0.store.getUser(secondary.user_id)).toBeUndefined();
  });

  it("Auth0 refuses link_with whose aud is not the user token's azp: INVALID_LINK_TOKEN", async () => {
    const auth0 = stack.emulators.auth0!;
    const primary = auth0.store.addUser({ userId: `auth0|${unique('ctazprimary')}`, email: `${unique('p')}@example.com` });
    const secondary = auth0.store.addUser({ userId: `auth0|${unique('ctazsecondary')}`, email: `${unique('s')}@example.com` });
    const idToken = await auth0.mintIdToken(secondary.user_id);
    const otherApp = await auth0.mintUserToken(primary.user_id, { azp: 'another-frontend' });

    const result = await stack.gql(
      LinkIdentitiesDocument,
      { input: { primaryId: `auth0:${primary.user_id}`, secondaryId: `auth0:${secondary.user_id}`, linkWith: idToken } },
      { 'x-auth0-user-authorization': `Bearer ${otherApp}` },
    );
    expect(result.data!.linkIdentities.userErrors).toMatchObject([
      { code: 'INVALID_LINK_TOKEN', field: 'linkWith', provider: 'AUTH0', message: "JWT (link_with) must have an aud claim that matches that of the calling token's azp." },
    ]);
    expect(theWrite('auth0').headers.authorization).toBe(credentialMarker(`Bearer ${otherApp}`));
    expect(auth0.store.getUser(secondary.user_id)).toBeDefined();
  });

  it('Auth0: linkWith without the user token, with the token of another user, or a malformed connectionId costs no request', async () => {
    const auth0 = stack.emulators.auth0!;
    const primary = auth0.store.addUser({ userId: `auth0|${unique('ctnoprimary')}`, email: `${unique('p')}@example.com` });
    const secondary = auth0.store.addUser({ userId: `auth0|${unique('ctnosecondary')}`, email: `${unique('s')}@example.com` });
    const input = { primaryId: `auth0:${primary.user_id}`, secondaryId: `auth0:${secondary.user_id}`, linkWith: await auth0.mintIdToken(secondary.user_id) };

    const missing = await stack.gql(LinkIdentitiesDocument, { input });
    expect(missing.data!.linkIdentities.userErrors).toMatchObject([{ code: 'USER_TOKEN_INVALID', provider: 'AUTH0', message: expect.stringContaining('x-auth0-user-authorization') }]);
    const ofAlice = await auth0.mintUserToken(alice.auth0UserId);
    const other = await stack.gql(LinkIdentitiesDocument, { input }, { 'x-auth0-user-authorization': `Bearer ${ofAlice}` });
    expect(other.data!.linkIdentities.userErrors).toMatchObject([{ code: 'FORBIDDEN', field: 'primaryId', provider: 'AUTH0' }]);
    const badConnection = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: input.primaryId, secondaryId: input.secondaryId, connectionId: 'con_tooShort' } });
    expect(badConnection.data!.linkIdentities.userErrors).toMatchObject([{ code: 'INVALID_INPUT', field: 'connectionId', provider: 'AUTH0' }]);
    expectNoWrites();
    expect(auth0.calls).toEqual([]);
  });

  it("Verifa + Verifa: POST /api/v1/identities/{primary}/relationships {related_identity_id, relationship_type:'user_linked', note}", async () => {
    const verifa = stack.emulators.verifa!.store;
    const primary = verifa.addIdentity();
    const secondary = verifa.addIdentity();
    const requestId = unique('ct-link-verifa-');

    const result = await stack.gql(
      LinkIdentitiesDocument,
      { input: { primaryId: `verifa:${primary.id}`, secondaryId: `verifa:${secondary.id}`, reason: 'same face, two signups' } },
      { 'x-request-id': requestId },
    );
    expect(result.data!.linkIdentities.userErrors).toEqual([]);

    const call = theWrite('verifa');
    expect(`${call.method} ${call.path}`).toBe(`POST /api/v1/identities/${primary.id}/relationships`);
    expectVerifaHeaders(call, requestId, { body: true });
    // Without an idempotencyKey there is no Idempotency-Key.
    expect(call.headers).not.toHaveProperty('idempotency-key');
    expect(call.query).toEqual({});
    expect(call.body).toEqual({ related_identity_id: secondary.id, relationship_type: 'user_linked', note: 'same face, two signups' });
  });

  it('BTC Direct + BTC Direct: UNSUPPORTED_OPERATION and no request at all', async () => {
    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `btcdirect:${alice.btcIdentifier}`, secondaryId: `btcdirect:${bob.btcIdentifier}` } });
    expect(result.data!.linkIdentities.userErrors.map((e) => e.code)).toEqual(['UNSUPPORTED_OPERATION']);
    expect(stack.emulators.all.map((emulator) => emulator.calls.length)).toEqual([0, 0, 0, 0]);
  });
});

describe('linkIdentities with a custom VERATO_SOURCE_MAP', () => {
  let mapped: Stack;
  beforeAll(async () => {
    mapped = await startStack({ env: { VERATO_SOURCE_MAP: 'IDP=auth0,KYC=verifa,BROKER=btcdirect' } });
  });
  afterAll(() => mapped.close());

  it('names the source records with the configured source codes', async () => {
    mapped.emulators.verato!.store.addSourceRecord({ source: { name: 'IDP', id: 'auth0|ctmapped0001' } });
    mapped.emulators.verato!.store.addSourceRecord({ source: { name: 'KYC', id: 'idn_ctmapped0001' } });
    const result = await mapped.gql(LinkIdentitiesDocument, { input: { primaryId: 'auth0:auth0|ctmapped0001', secondaryId: 'verifa:idn_ctmapped0001' } }, { 'x-request-id': 'ct-mapped-1' });
    expect(result.data!.linkIdentities.userErrors).toEqual([]);

    const writes = mapped.emulators.verato!.calls.filter((call) => call.path === '/link-ws/svc/linkIdentities');
    expect(writes).toHaveLength(1);
    expect(writes[0].body).toEqual({ trackingId: 'ct-mapped-1', content: { linkToSource: { name: 'IDP', id: 'auth0|ctmapped0001' }, source: { name: 'KYC', id: 'idn_ctmapped0001' } } });
  });
});

describe('unlinkIdentities', () => {
  it('Verato: POST /link-ws/svc/unlinkIdentities {trackingId, content:{unlinkFromSource, source}}', async () => {
    const verato = stack.emulators.verato!.store;
    const staying = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-UNLINK-A') } });
    const leaving = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-UNLINK-B') }, linkId: staying.linkId });
    const requestId = unique('ct-unlink-verato-');

    const result = await stack.gql(UnlinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${staying.source.id}`, secondaryId: `verato:CRM:${leaving.source.id}` } }, { 'x-request-id': requestId });
    expect(result.data!.unlinkIdentities.userErrors).toEqual([]);

    const call = theWrite('verato');
    expect(`${call.method} ${call.path}`).toBe('POST /link-ws/svc/unlinkIdentities');
    expectVeratoHeaders(call, requestId);
    expect(call.body).toEqual({ trackingId: requestId, content: { unlinkFromSource: staying.source, source: leaving.source } });
    expectVeratoSpecBody('unlinkIdentities', call.body);
  });

  it('Auth0: DELETE /api/v2/users/{primary}/identities/{provider}/{user_id} without a body', async () => {
    const auth0 = stack.emulators.auth0!.store;
    const primary = auth0.addUser({ userId: `auth0|${unique('ctunlinkp')}`, email: `${unique('p')}@example.com` });
    const secondaryUserId = unique('2200');
    auth0.addUser({ userId: `github|${secondaryUserId}`, email: `${unique('s')}@example.com` });
    expect(auth0.link(primary.user_id, `github|${secondaryUserId}`).ok).toBe(true);
    const requestId = unique('ct-unlink-auth0-');

    const result = await stack.gql(UnlinkIdentitiesDocument, { input: { primaryId: `auth0:${primary.user_id}`, secondaryId: `auth0:github|${secondaryUserId}` } }, { 'x-request-id': requestId });
    expect(result.data!.unlinkIdentities.userErrors).toEqual([]);

    const call = theWrite('auth0');
    expect(call.method).toBe('DELETE');
    expect(call.path).toBe(`/api/v2/users/${primary.user_id.replace('|', '%7C')}/identities/github/${secondaryUserId}`);
    expectAuth0Headers(call, requestId, { body: false });
    expect(call.body).toBeUndefined();
  });

  it('Verifa: finds the user_linked relationship, then DELETE /api/v1/identities/{primary}/relationships/{id}', async () => {
    const verifa = stack.emulators.verifa!.store;
    const primary = verifa.addIdentity();
    const secondary = verifa.addIdentity();
    verifa.addRelationship({ source_identity_id: primary.id, related_identity_id: secondary.id, relationship_type: 'family_member' });
    const relationship = verifa.addRelationship({ source_identity_id: primary.id, related_identity_id: secondary.id, relationship_type: 'user_linked' });
    const requestId = unique('ct-unlink-verifa-');

    const result = await stack.gql(UnlinkIdentitiesDocument, { input: { primaryId: `verifa:${primary.id}`, secondaryId: `verifa:${secondary.id}` } }, { 'x-request-id': requestId });
    expect(result.data!.unlinkIdentities.userErrors).toEqual([]);

    const [lookup] = callsOf('verifa');
    expect(`${lookup.method} ${lookup.path}`).toBe(`GET /api/v1/identities/${primary.id}/relationships`);
    expect(lookup.query).toEqual({ limit: '100', offset: '0', type: 'user_linked' });
    const call = theWrite('verifa');
    expect(`${call.method} ${call.path}`).toBe(`DELETE /api/v1/identities/${primary.id}/relationships/${relationship.id}`);
    expectVerifaHeaders(call, requestId, { body: false });
    expect(call.body).toBeUndefined();
    // The family_member relationship is left alone.
    expect(verifa.relationshipsFrom(primary.id).map((r) => r.relationship_type)).toEqual(['family_member']);
  });
});

describe('mergeIdentities', () => {
  it('Verifa: POST /api/v1/identities/merge with every transfer toggle, redact_secondary and reason', async () => {
    const verifa = stack.emulators.verifa!.store;
    const primary = verifa.addIdentity();
    const secondary = verifa.addIdentity();
    const requestId = unique('ct-merge-verifa-');

    const result = await stack.gql(
      MergeIdentitiesDocument,
      {
        input: {
          primaryId: `verifa:${primary.id}`,
          secondaryId: `verifa:${secondary.id}`,
          transfer: { sessions: false, deviceLinks: false },
          redactSecondary: true,
          reason: 'duplicate account',
        },
      },
      { 'x-request-id': requestId },
    );
    expect(result.data!.mergeIdentities).toMatchObject({ userErrors: [], secondary: { status: 'REDACTED' } });

    const call = theWrite('verifa');
    expect(`${call.method} ${call.path}`).toBe('POST /api/v1/identities/merge');
    expectVerifaHeaders(call, requestId, { body: true });
    expect(call.headers).not.toHaveProperty('idempotency-key');
    expect(call.body).toEqual({
      primary_identity_id: primary.id,
      secondary_identity_id: secondary.id,
      transfer: { sessions: false, screening_checks: true, face_embeddings: true, ip_links: true, device_links: false },
      redact_secondary: true,
      reason: 'duplicate account',
    });
  });

  it('Verifa: without options every toggle is sent true, redact_secondary false and no reason', async () => {
    const verifa = stack.emulators.verifa!.store;
    const primary = verifa.addIdentity();
    const secondary = verifa.addIdentity();
    await stack.gql(MergeIdentitiesDocument, { input: { primaryId: `verifa:${primary.id}`, secondaryId: `verifa:${secondary.id}` } });
    expect(theWrite('verifa').body).toEqual({
      primary_identity_id: primary.id,
      secondary_identity_id: secondary.id,
      transfer: { sessions: true, screening_checks: true, face_embeddings: true, ip_links: true, device_links: true },
      redact_secondary: false,
    });
  });

  it('Verifa dry run: no write request at all', async () => {
    const verifa = stack.emulators.verifa!.store;
    const primary = verifa.addIdentity();
    const secondary = verifa.addIdentity();
    const result = await stack.gql(MergeIdentitiesDocument, { input: { primaryId: `verifa:${primary.id}`, secondaryId: `verifa:${secondary.id}`, dryRun: true, idempotencyKey: unique('dry') } });
    expect(result.data!.mergeIdentities).toMatchObject({ dryRun: true, userErrors: [] });
    expect(callsOf('verifa').map((call) => call.method)).toEqual(['GET', 'GET']);
    expectNoWrites();
  });

  it('Verato: POST /link-ws/svc/mergeIdentities {trackingId, content:{toSurviveSource, toRetireSource}}', async () => {
    const verato = stack.emulators.verato!.store;
    const survivor = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-MERGE-A') } });
    const retiring = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-MERGE-B') } });
    const requestId = unique('ct-merge-verato-');

    const result = await stack.gql(MergeIdentitiesDocument, { input: { primaryId: `verato:CRM:${survivor.source.id}`, secondaryId: `verato:CRM:${retiring.source.id}` } }, { 'x-request-id': requestId });
    expect(result.data!.mergeIdentities).toMatchObject({ userErrors: [], linkId: survivor.linkId });

    const call = theWrite('verato');
    expect(`${call.method} ${call.path}`).toBe('POST /link-ws/svc/mergeIdentities');
    expectVeratoHeaders(call, requestId);
    expect(call.body).toEqual({ trackingId: requestId, content: { toSurviveSource: survivor.source, toRetireSource: retiring.source } });
    expectVeratoSpecBody('mergeIdentities', call.body);
  });
});

describe('createRelationship', () => {
  it('Verifa: POST /api/v1/identities/{source}/relationships {related_identity_id, relationship_type, note, metadata}', async () => {
    const verifa = stack.emulators.verifa!.store;
    const source = verifa.addIdentity();
    const related = verifa.addIdentity();
    const requestId = unique('ct-rel-verifa-');

    const result = await stack.gql(
      CreateRelationshipDocument,
      { input: { sourceId: `verifa:${source.id}`, relatedId: `verifa:${related.id}`, type: 'POWER_OF_ATTORNEY', note: 'signed 2024', metadata: { document: 'poa-1', pages: 3 } } },
      { 'x-request-id': requestId },
    );
    expect(result.data!.createRelationship.userErrors).toEqual([]);

    const call = theWrite('verifa');
    expect(`${call.method} ${call.path}`).toBe(`POST /api/v1/identities/${source.id}/relationships`);
    expectVerifaHeaders(call, requestId, { body: true });
    expect(call.headers).not.toHaveProperty('idempotency-key');
    expect(call.body).toEqual({ related_identity_id: related.id, relationship_type: 'power_of_attorney', note: 'signed 2024', metadata: { document: 'poa-1', pages: 3 } });
  });

  it('Verifa: a custom type goes by name; without note or metadata neither is sent', async () => {
    const verifa = stack.emulators.verifa!.store;
    verifa.addCustomRelationshipType('guarantor');
    const source = verifa.addIdentity();
    const related = verifa.addIdentity();
    await stack.gql(CreateRelationshipDocument, { input: { sourceId: `verifa:${source.id}`, relatedId: `verifa:${related.id}`, customType: 'guarantor' } });
    expect(theWrite('verifa').body).toEqual({ related_identity_id: related.id, relationship_type: 'guarantor' });
  });

  it('Verato: POST /link-ws/svc/addRelationshipService with both Link IDs and the verb from customType', async () => {
    const verato = stack.emulators.verato!.store;
    const subject = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-REL-A') } });
    const object = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-REL-B') } });
    const requestId = unique('ct-rel-verato-');

    const result = await stack.gql(
      CreateRelationshipDocument,
      { input: { sourceId: `verato:CRM:${subject.source.id}`, relatedId: `verato:CRM:${object.source.id}`, customType: 'is guardian for' } },
      { 'x-request-id': requestId },
    );
    expect(result.data!.createRelationship.userErrors).toEqual([]);

    const call = theWrite('verato');
    expect(`${call.method} ${call.path}`).toBe('POST /link-ws/svc/addRelationshipService');
    expectVeratoHeaders(call, requestId);
    expect(call.body).toEqual({
      trackingId: requestId,
      content: { relationship: { relationshipVerb: 'is guardian for', subjectVeratoId: subject.linkId, objectVeratoId: object.linkId, domain: 'Person', status: 'active' } },
    });
    expectVeratoSpecBody('addRelationshipService', call.body);
  });

  it('a system type is refused without a request', async () => {
    const result = await stack.gql(CreateRelationshipDocument, { input: { sourceId: `verifa:${alice.verifaId}`, relatedId: `verifa:${bob.verifaId}`, customType: 'same_ssn' } });
    expect(result.data!.createRelationship.userErrors.map((e) => e.code)).toEqual(['INVALID_INPUT']);
    expect(stack.emulators.all.map((emulator) => emulator.calls.length)).toEqual([0, 0, 0, 0]);
  });
});

describe('deleteRelationship', () => {
  /** The relationship ids an identity's relationships list (read before the calls a test looks at). */
  async function relationshipIdsOf(identityId: string): Promise<string[]> {
    const result = await stack.gql(GetRelationshipsPageDocument, { id: identityId, first: 10 });
    return result.data!.identity!.relationships!.edges.map((edge) => edge.node.id);
  }

  it('Verifa: the id read from one end; GET the pair\'s Verifa end\'s relationships of that type, then one DELETE /api/v1/identities/{identity}/relationships/{relationship_id} without a body; both ends lose it', async () => {
    const verifa = stack.emulators.verifa!.store;
    const source = verifa.addIdentity();
    const related = verifa.addIdentity();
    verifa.addRelationship({ source_identity_id: source.id, related_identity_id: related.id, relationship_type: 'family_member' });
    const [id] = await relationshipIdsOf(`verifa:${related.id}`);
    expect(await relationshipIdsOf(`verifa:${source.id}`)).toEqual([id]);
    stack.clearCalls();
    const requestId = unique('ct-delrel-verifa-');

    const result = await stack.gql(DeleteRelationshipDocument, { input: { id } }, { 'x-request-id': requestId });
    expect(result.data!.deleteRelationship).toMatchObject({ deletedId: id, userErrors: [] });
    expect(result.data!.deleteRelationship.identities.map((identity) => identity.relationships?.nodes)).toEqual([[], []]);

    // The id names the pair sorted: the first (a Verifa identity) is the end whose record goes.
    const [end] = [source.id, related.id].sort();
    const [lookup] = callsOf('verifa');
    expect(`${lookup.method} ${lookup.path}`).toBe(`GET /api/v1/identities/${end}/relationships`);
    expect(lookup.query).toEqual({ limit: '100', offset: '0', type: 'family_member' });
    const call = theWrite('verifa');
    expect(call.path).toMatch(new RegExp(`^/api/v1/identities/${end}/relationships/idrel_[0-9a-f]+$`));
    expect(call.method).toBe('DELETE');
    expectVerifaHeaders(call, requestId, { body: false });
    expect(call.body).toBeUndefined();
    expect(verifa.relationshipsFrom(source.id)).toEqual([]);
    expect(verifa.relationshipsFrom(related.id)).toEqual([]);
  });

  it("Verifa: a system relationship is refused with Verifa's 422, answered as a userError; it stays", async () => {
    const verifa = stack.emulators.verifa!.store;
    const source = verifa.addIdentity();
    const related = verifa.addIdentity();
    const relationship = verifa.addRelationship({ source_identity_id: source.id, related_identity_id: related.id, relationship_type: 'same_address' });
    const [id] = await relationshipIdsOf(`verifa:${source.id}`);
    stack.clearCalls();

    const result = await stack.gql(DeleteRelationshipDocument, { input: { id } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.deleteRelationship.userErrors).toMatchObject([{ code: 'INVALID_INPUT', field: 'id', provider: 'VERIFA', providerCode: 'validation_error' }]);
    expect(theWrite('verifa').method).toBe('DELETE');
    expect(verifa.relationshipsFrom(source.id).map((r) => r.id)).toEqual([relationship.id]);
  });

  it('Verifa: a relationship no longer there is NOT_FOUND, without a DELETE', async () => {
    const verifa = stack.emulators.verifa!.store;
    const source = verifa.addIdentity();
    const related = verifa.addIdentity();
    const relationship = verifa.addRelationship({ source_identity_id: source.id, related_identity_id: related.id, relationship_type: 'family_member' });
    const [id] = await relationshipIdsOf(`verifa:${source.id}`);
    verifa.deleteRelationship(relationship.id);
    stack.clearCalls();

    const result = await stack.gql(DeleteRelationshipDocument, { input: { id } });
    expect(result.data!.deleteRelationship.userErrors).toMatchObject([{ code: 'NOT_FOUND', field: 'id', provider: 'VERIFA' }]);
    expect(writesOf('verifa')).toEqual([]);
  });

  it('Verato: POST /link-ws/svc/deleteRelationshipService {trackingId, content:{id}} with the id Relationship.id carries', async () => {
    const verato = stack.emulators.verato!.store;
    const subject = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-DELREL-A') } });
    const object = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-DELREL-B') } });
    const relationship = verato.addRelationship({ relationshipVerb: 'is guardian for', subjectVeratoId: subject.linkId, objectVeratoId: object.linkId, domain: 'Person' });
    const [id] = await relationshipIdsOf(`verato:CRM:${object.source.id}`);
    expect(id).toBe(`verato:${relationship.id}`);
    stack.clearCalls();
    const requestId = unique('ct-delrel-verato-');

    const result = await stack.gql(DeleteRelationshipDocument, { input: { id } }, { 'x-request-id': requestId });
    expect(result.data!.deleteRelationship).toMatchObject({ deletedId: id, identities: [], userErrors: [] });
    expect(await relationshipIdsOf(`verato:CRM:${subject.source.id}`)).toEqual([]);

    const call = theWrite('verato');
    expect(`${call.method} ${call.path}`).toBe('POST /link-ws/svc/deleteRelationshipService');
    expectVeratoHeaders(call, requestId);
    expect(call.body).toEqual({ trackingId: requestId, content: { id: relationship.id } });
    expectVeratoSpecBody('deleteRelationshipService', call.body);
  });

  it('Verato: an unknown relationship id is refused (success:false) and answered NOT_FOUND', async () => {
    const result = await stack.gql(DeleteRelationshipDocument, { input: { id: 'verato:R-unknown' } });
    expect(result.data!.deleteRelationship.userErrors).toMatchObject([{ code: 'NOT_FOUND', field: 'id', provider: 'VERATO' }]);
  });
});

describe('unmergeIdentities', () => {
  it('Verato: POST /link-ws/svc/unmergeIdentities {trackingId, content:{unmergeFromSource, unmergeSource}, auditLogMap:{reason}}', async () => {
    const verato = stack.emulators.verato!.store;
    const survivor = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-UNMERGE-A') } });
    const retired = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-UNMERGE-B') } });
    verato.mergeIdentities(survivor.source, retired.source);
    const requestId = unique('ct-unmerge-verato-');

    const result = await stack.gql(
      UnmergeIdentitiesDocument,
      { input: { primaryId: `verato:CRM:${survivor.source.id}`, secondaryId: `verato:CRM:${retired.source.id}`, reason: 'different people' } },
      { 'x-request-id': requestId },
    );
    const payload = result.data!.unmergeIdentities;
    expect(payload).toMatchObject({ userErrors: [], unmergedFromLinkId: survivor.linkId, secondary: { status: 'ACTIVE', cluster: { linkId: payload.unmergedLinkId } } });
    expect(payload.unmergedLinkId).not.toBe(survivor.linkId);

    const call = theWrite('verato');
    expect(`${call.method} ${call.path}`).toBe('POST /link-ws/svc/unmergeIdentities');
    expectVeratoHeaders(call, requestId);
    expect(call.body).toEqual({ trackingId: requestId, content: { unmergeFromSource: survivor.source, unmergeSource: retired.source }, auditLogMap: { reason: 'different people' } });
    // auditLogMap is a portal-only envelope field (inferred); the rest is as the spec declares.
    const { auditLogMap: _audit, ...declared } = call.body as Record<string, unknown>;
    expectVeratoSpecBody('unmergeIdentities', declared);
  });

  it('Verato: a record that is not merged is refused and answered NOT_MERGED', async () => {
    const verato = stack.emulators.verato!.store;
    const a = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-UNMERGE-C') } });
    const b = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-UNMERGE-D') }, linkId: a.linkId });
    const result = await stack.gql(UnmergeIdentitiesDocument, { input: { primaryId: `verato:CRM:${a.source.id}`, secondaryId: `verato:CRM:${b.source.id}` } });
    expect(result.data!.unmergeIdentities.userErrors).toMatchObject([{ code: 'NOT_MERGED', field: 'secondaryId', provider: 'VERATO' }]);
    expect(theWrite('verato').body).not.toHaveProperty('auditLogMap');
  });

  it('Verifa identities: UNSUPPORTED_OPERATION and no request', async () => {
    const result = await stack.gql(UnmergeIdentitiesDocument, { input: { primaryId: `verifa:${alice.verifaId}`, secondaryId: `verifa:${bob.verifaId}` } });
    expect(result.data!.unmergeIdentities.userErrors.map((e) => e.code)).toEqual(['UNSUPPORTED_OPERATION']);
    expectNoWrites();
  });
});

describe('unlinkIdentities of a Verifa pair over several pages of relationships', () => {
  it('reads every page first, then deletes every user_linked edge to the secondary', async () => {
    const verifa = stack.emulators.verifa!.store;
    const primary = verifa.addIdentity();
    const secondary = verifa.addIdentity();
    const first = verifa.addRelationship({ source_identity_id: primary.id, related_identity_id: secondary.id, relationship_type: 'user_linked' });
    for (let i = 0; i < 100; i++) {
      verifa.addRelationship({ source_identity_id: primary.id, related_identity_id: verifa.addIdentity().id, relationship_type: 'user_linked' });
    }
    // The secondary's own user_linked edge to the primary: its opposite direction is on the primary's list, after the first page.
    const second = verifa.addRelationship({ source_identity_id: secondary.id, related_identity_id: primary.id, relationship_type: 'user_linked' });

    const result = await stack.gql(UnlinkIdentitiesDocument, { input: { primaryId: `verifa:${primary.id}`, secondaryId: `verifa:${secondary.id}` } });
    expect(result.data!.unlinkIdentities.userErrors).toEqual([]);

    const lists = callsOf('verifa').filter((call) => call.method === 'GET' && call.path === `/api/v1/identities/${primary.id}/relationships`);
    expect(lists.slice(0, 2).map((call) => call.query.offset)).toEqual(['0', '100']);
    expect(writesOf('verifa').map((call) => call.method)).toEqual(['DELETE', 'DELETE']);
    expect(writesOf('verifa')[0].path).toBe(`/api/v1/identities/${primary.id}/relationships/${first.id}`);
    expect(verifa.relationshipsFrom(primary.id).filter((r) => r.related_identity_id === secondary.id)).toEqual([]);
    expect(verifa.relationshipsFrom(secondary.id)).toEqual([]);
    expect(verifa.findRelationship(second.id)).toBeUndefined();
    expect(verifa.relationshipsFrom(primary.id)).toHaveLength(100);
  });
});

describe('linkIdentifier', () => {
  it('POST /api/v2/user/link-identifier {identifier} with the forwarded user token and the partner X-Api-Key only', async () => {
    const btc = stack.emulators.btcdirect!;
    const token = await btc.loginUser(bob.email, bob.btcPassword);
    const identifier = `ct${unique('link')}${'9'.repeat(40)}`;
    const requestId = unique('ct-identifier-');

    const result = await stack.gql(LinkIdentifierDocument, { input: { identifier } }, { 'x-request-id': requestId, 'x-btcdirect-user-authorization': `Bearer ${token}` });
    expect(result.data!.linkIdentifier.userErrors).toEqual([]);

    const call = theWrite('btcdirect');
    expect(`${call.method} ${call.path}`).toBe('POST /api/v2/user/link-identifier');
    expect(call.query).toEqual({});
    expect(call.headers).toMatchObject({
      'user-authorization': credentialMarker(`Bearer ${token}`),
      'x-api-key': credentialMarker(DEMO_CREDENTIALS.btcdirect.apiKey),
      'content-type': 'application/json',
      accept: 'application/json',
      'x-request-id': requestId,
    });
    // One client authentication method (ER803 otherwise); the user only ever comes from the token.
    expect(call.headers).not.toHaveProperty('authorization');
    expect(call.headers).not.toHaveProperty('user-identifier');
    expect(call.headers).not.toHaveProperty('idempotency-key');
    expect(call.body).toEqual({ identifier });
    const doc = loadSpec('DERIVED-btcdirect-identity.subset.openapi.yaml');
    const schema = (doc.paths['/api/v2/user/link-identifier'].post as { requestBody: { content: Record<string, { schema: Schema }> } }).requestBody.content['application/json'].schema;
    expect(undeclaredFields(call.body, schema, doc)).toEqual([]);
  });

  it('a missing user token or an invalid identifier costs no request', async () => {
    const noToken = await stack.gql(LinkIdentifierDocument, { input: { identifier: 'x'.repeat(40) } });
    expect(noToken.data!.linkIdentifier.userErrors.map((e) => e.providerCode)).toEqual(['ER700']);
    const tooShort = await stack.gql(LinkIdentifierDocument, { input: { identifier: 'short' } }, { 'x-btcdirect-user-authorization': 'Bearer whatever' });
    expect(tooShort.data!.linkIdentifier.userErrors.map((e) => e.providerCode)).toEqual(['ER102']);
    expect(stack.emulators.all.map((emulator) => emulator.calls.length)).toEqual([0, 0, 0, 0]);
  });
});

describe('linkIdentifier: what BTC Direct answers', () => {
  it('a success answered as text/plain (its body is undocumented) is a success', async () => {
    const btc = stack.emulators.btcdirect!;
    const token = await btc.loginUser(bob.email, bob.btcPassword);
    const identifier = `ct${unique('text')}${'8'.repeat(40)}`;
    btc.answers.linkIdentifierSuccess = 'text';
    try {
      const result = await stack.gql(LinkIdentifierDocument, { input: { identifier } }, { 'x-btcdirect-user-authorization': `Bearer ${token}` });
      expect(result.errors).toBeUndefined();
      expect(result.data!.linkIdentifier.userErrors).toEqual([]);
    } finally {
      btc.answers.linkIdentifierSuccess = 'empty';
    }
    expect(theWrite('btcdirect').body).toEqual({ identifier });
    expect(btc.store.ownerOf(identifier)?.email).toBe(bob.email);
  });
});

describe('linkIdentifier with a wrong BTC Direct API key', () => {
  const WRONG_KEY = 'ct-wrong-partner-key-0001';
  let wrongKey: Stack;
  beforeAll(async () => {
    wrongKey = await startStack({ env: { BTCDIRECT_API_KEY: WRONG_KEY } });
  });
  afterAll(() => wrongKey.close());

  it('sends the configured key once; BTC Direct answers ER805 and the subgraph answers a GraphQL PROVIDER_ERROR, no userErrors', async () => {
    const btc = wrongKey.emulators.btcdirect!;
    const token = await btc.loginUser(bob.email, bob.btcPassword);
    const identifier = `ct${unique('wrongkey')}${'7'.repeat(40)}`;
    const result = await wrongKey.gql(LinkIdentifierDocument, { input: { identifier } }, { 'x-btcdirect-user-authorization': `Bearer ${token}` });

    expect(result.data).toBeNull();
    expect(result.errors).toMatchObject([
      {
        message: "BTC Direct refused the subgraph's credentials; operators must check the configuration.",
        path: ['linkIdentifier'],
        locations: [{ line: expect.any(Number), column: expect.any(Number) }],
        extensions: { code: 'PROVIDER_ERROR', provider: 'BTCDIRECT', retryable: false },
      },
    ]);
    expect(JSON.stringify(result)).not.toContain(WRONG_KEY);
    expect(JSON.stringify(result)).not.toMatch(/API key|ER805/);

    const writes = btc.calls.filter((call) => call.path === '/api/v2/user/link-identifier');
    expect(writes).toHaveLength(1);
    expect(writes[0].headers['x-api-key']).toBe(credentialMarker(WRONG_KEY));
    expect(btc.store.ownerOf(identifier)).toBeUndefined();

    // What the emulator answered that request: BTC Direct's own ER805 body.
    const direct = await fetch(`${btc.url}/api/v2/user/link-identifier`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': WRONG_KEY, 'user-authorization': `Bearer ${token}` },
      body: JSON.stringify({ identifier }),
    });
    expect(Object.keys(((await direct.json()) as { errors: object }).errors)).toEqual(['ER805']);
  });
});

describe('idempotency in the subgraph store (Verato, Auth0, BTC Direct)', () => {
  it('the same key and input replays the first payload without a second upstream write', async () => {
    const verato = stack.emulators.verato!.store;
    const primary = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-IDEM-A') } });
    const secondary = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-IDEM-B') } });
    const input = { primaryId: `verato:CRM:${primary.source.id}`, secondaryId: `verato:CRM:${secondary.source.id}`, idempotencyKey: unique('key-') };

    const first = await stack.gql(LinkIdentitiesDocument, { input });
    expect(first.data!.linkIdentities.userErrors).toEqual([]);
    const replay = await stack.gql(LinkIdentitiesDocument, { input: { ...input } });
    expect(replay.errors).toBeUndefined();
    expect(replay.data).toEqual(first.data);
    expect(writesOf('verato')).toHaveLength(1);
    // The subgraph keeps Verato's idempotency itself: no key goes upstream.
    expect(writesOf('verato')[0].headers).not.toHaveProperty('idempotency-key');
  });

  it('Auth0 and BTC Direct replays make no second call either', async () => {
    const auth0 = stack.emulators.auth0!.store;
    const primary = auth0.addUser({ userId: `auth0|${unique('ctidemp')}`, email: `${unique('p')}@example.com` });
    const secondary = auth0.addUser({ userId: `auth0|${unique('ctidems')}`, email: `${unique('s')}@example.com` });
    const linkInput = { primaryId: `auth0:${primary.user_id}`, secondaryId: `auth0:${secondary.user_id}`, idempotencyKey: unique('key-') };
    const firstLink = await stack.gql(LinkIdentitiesDocument, { input: linkInput });
    expect(firstLink.data!.linkIdentities.userErrors).toEqual([]);
    const replayedLink = await stack.gql(LinkIdentitiesDocument, { input: linkInput });
    // Without the store, the second link would be Auth0's 409 "Specified identity already exists."
    expect(replayedLink.data).toEqual(firstLink.data);
    expect(writesOf('auth0')).toHaveLength(1);

    const token = await stack.emulators.btcdirect!.loginUser(alice.email, alice.btcPassword);
    const headers = { 'x-btcdirect-user-authorization': `Bearer ${token}` };
    const identifierInput = { identifier: `ctidem${'7'.repeat(40)}`, idempotencyKey: unique('key-') };
    const firstIdentifier = await stack.gql(LinkIdentifierDocument, { input: identifierInput }, headers);
    expect(firstIdentifier.data!.linkIdentifier.userErrors).toEqual([]);
    const replayedIdentifier = await stack.gql(LinkIdentifierDocument, { input: identifierInput }, headers);
    expect(replayedIdentifier.data!.linkIdentifier).toEqual({ ...firstIdentifier.data!.linkIdentifier, replayed: true });
    expect(writesOf('btcdirect')).toHaveLength(1);
  });

  it('keys are scoped per caller: the same key and input from another caller is its own request', async () => {
    const verato = stack.emulators.verato!.store;
    const primary = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-SCOPE-A') } });
    const secondary = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-SCOPE-B') } });
    const input = { primaryId: `verato:CRM:${primary.source.id}`, secondaryId: `verato:CRM:${secondary.source.id}`, idempotencyKey: unique('shared-key-') };

    const first = await stack.gql(LinkIdentitiesDocument, { input }, { authorization: `Bearer ${await stack.token({ sub: 'scope-caller-1' })}` });
    expect(first.data!.linkIdentities.userErrors).toEqual([]);
    const second = await stack.gql(LinkIdentitiesDocument, { input }, { authorization: `Bearer ${await stack.token({ sub: 'scope-caller-2' })}` });
    expect(second.data!.linkIdentities.userErrors).toEqual([]);
    // Not a replay of caller 1's result: caller 2's request went to Verato (relinking is a no-op there).
    expect(writesOf('verato')).toHaveLength(2);
  });

  it('a refusal is replayed too, as the same userError', async () => {
    const input = { primaryId: `auth0:${alice.auth0UserId}`, secondaryId: 'auth0:auth0|ctnobody000001', idempotencyKey: unique('key-') };
    const first = await stack.gql(LinkIdentitiesDocument, { input });
    expect(first.data!.linkIdentities.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    const replay = await stack.gql(LinkIdentitiesDocument, { input });
    expect(replay.data).toEqual(first.data);
    expect(writesOf('auth0')).toHaveLength(1);
  });

  it('the same key with other input is IDEMPOTENCY_KEY_REUSED, without any upstream call', async () => {
    const verato = stack.emulators.verato!.store;
    const a = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-REUSE-A') } });
    const b = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-REUSE-B') } });
    const c = verato.addSourceRecord({ source: { name: 'CRM', id: unique('CT-REUSE-C') } });
    const idempotencyKey = unique('key-');
    const first = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${a.source.id}`, secondaryId: `verato:CRM:${b.source.id}`, idempotencyKey } });
    expect(first.data!.linkIdentities.userErrors).toEqual([]);
    stack.clearCalls();

    const reused = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${a.source.id}`, secondaryId: `verato:CRM:${c.source.id}`, idempotencyKey } });
    expect(reused.errors).toBeUndefined();
    expect(reused.data!.linkIdentities).toMatchObject({ linkId: null, primary: null, secondary: null, cluster: null });
    expect(reused.data!.linkIdentities.userErrors).toEqual([
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey', retryable: false }),
    ]);
    expect(stack.emulators.all.map((emulator) => emulator.calls.length)).toEqual([0, 0, 0, 0]);

    // The same key on another mutation is another key.
    const unlinked = await stack.gql(UnlinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${a.source.id}`, secondaryId: `verato:CRM:${b.source.id}`, idempotencyKey } });
    expect(unlinked.data!.unlinkIdentities.userErrors).toEqual([]);
    expect(theWrite('verato').path).toBe('/link-ws/svc/unlinkIdentities');
  });

  it('a concurrent duplicate is IN_PROGRESS (retryable) while the first is still running; one write goes out', async () => {
    const verato = stack.emulators.verato!;
    const primary = verato.store.addSourceRecord({ source: { name: 'CRM', id: unique('CT-RACE-A') } });
    const secondary = verato.store.addSourceRecord({ source: { name: 'CRM', id: unique('CT-RACE-B') } });
    const input = { primaryId: `verato:CRM:${primary.source.id}`, secondaryId: `verato:CRM:${secondary.source.id}`, idempotencyKey: unique('key-') };
    verato.setFaults({ latencyMs: 300, pathPrefix: '/link-ws/svc/linkIdentities' });

    const results = await Promise.all([stack.gql(LinkIdentitiesDocument, { input }), stack.gql(LinkIdentitiesDocument, { input })]);
    verato.setFaults(null);
    const codes = results.map((result) => result.data!.linkIdentities.userErrors.map((e) => e.code));
    expect(codes.sort()).toEqual([[], ['IN_PROGRESS']]);
    const inProgress = results.find((result) => result.data!.linkIdentities.userErrors.length > 0)!.data!.linkIdentities;
    expect(inProgress.userErrors[0]).toMatchObject({ field: 'idempotencyKey', retryable: true });
    expect(inProgress.linkId).toBeNull();
    expect(writesOf('verato')).toHaveLength(1);

    // Once the first is done, the duplicate gets its result.
    const winner = results.find((result) => result.data!.linkIdentities.userErrors.length === 0)!;
    const later = await stack.gql(LinkIdentitiesDocument, { input });
    expect(later.data).toEqual(winner.data);
    expect(writesOf('verato')).toHaveLength(1);
  });

  it('the same holds for BTC Direct link-identifier under latency', async () => {
    const btc = stack.emulators.btcdirect!;
    const token = await btc.loginUser(bob.email, bob.btcPassword);
    const headers = { 'x-btcdirect-user-authorization': `Bearer ${token}` };
    const input = { identifier: `ctrace${'5'.repeat(40)}`, idempotencyKey: unique('key-') };
    btc.setFaults({ latencyMs: 300, pathPrefix: '/api/v2/user/link-identifier' });

    const results = await Promise.all([stack.gql(LinkIdentifierDocument, { input }, headers), stack.gql(LinkIdentifierDocument, { input }, headers)]);
    btc.setFaults(null);
    expect(results.map((result) => result.data!.linkIdentifier.userErrors.map((e) => e.code)).sort()).toEqual([[], ['IN_PROGRESS']]);
    expect(writesOf('btcdirect')).toHaveLength(1);
  });
});

describe('idempotency after a transport failure', () => {
  let own: Stack;
  beforeAll(async () => {
    own = await startStack();
  });
  afterAll(() => own.close());

  it('a key whose attempt failed without an outcome is released: the retry is sent, not refused or replayed', async () => {
    const verato = own.emulators.verato!;
    const primary = verato.store.addSourceRecord({ source: { name: 'CRM', id: 'CT-RELEASE-A' } });
    const secondary = verato.store.addSourceRecord({ source: { name: 'CRM', id: 'CT-RELEASE-B' } });
    const input = { primaryId: `verato:CRM:${primary.source.id}`, secondaryId: `verato:CRM:${secondary.source.id}`, idempotencyKey: 'released-key' };

    verato.setFaults({ status: 503, pathPrefix: '/link-ws/svc/linkIdentities' });
    const failed = await own.gql(LinkIdentitiesDocument, { input });
    expect(failed.data).toBeNull();
    expect(failed.errors![0].extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'VERATO' });
    // With a key the write may be retried: the first attempt and the policy's two retries.
    expect(verato.countCalls('POST', '/link-ws/svc/linkIdentities')).toBe(3);

    verato.setFaults(null);
    verato.clearCalls();
    const retried = await own.gql(LinkIdentitiesDocument, { input });
    expect(retried.errors).toBeUndefined();
    expect(retried.data!.linkIdentities).toMatchObject({ linkId: primary.linkId, userErrors: [] });
    expect(verato.countCalls('POST', '/link-ws/svc/linkIdentities')).toBe(1);
  });
});

describe('idempotency at Verifa (Idempotency-Key header)', () => {
  it('sends a derived key: present, at most 255 characters, not the raw key, scoped to caller and mutation', async () => {
    const verifa = stack.emulators.verifa!.store;
    const source = verifa.addIdentity();
    const related = verifa.addIdentity();
    const rawKey = unique('client-key-');
    const asCaller1 = { authorization: `Bearer ${await stack.token({ sub: 'contract-caller-1' })}` };

    const result = await stack.gql(
      CreateRelationshipDocument,
      { input: { sourceId: `verifa:${source.id}`, relatedId: `verifa:${related.id}`, type: 'RELATED_ACCOUNT', idempotencyKey: rawKey } },
      asCaller1,
    );
    expect(result.data!.createRelationship.userErrors).toEqual([]);

    const sent = theWrite('verifa').headers['idempotency-key'];
    expect(sent).toBeDefined();
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThanOrEqual(255);
    expect(sent).not.toBe(rawKey);
    expect(sent).not.toContain(rawKey);
    // Derived from who asked (the token subject), which mutation, and the key.
    expect(sent).toBe(idempotencyScope('contract-caller-1', 'createRelationship', rawKey));

    // Another caller with the same raw key gets another upstream key (no replay of someone else's result).
    stack.clearCalls();
    const asCaller2 = { authorization: `Bearer ${await stack.token({ sub: 'contract-caller-2' })}` };
    const third = verifa.addIdentity();
    await stack.gql(CreateRelationshipDocument, { input: { sourceId: `verifa:${source.id}`, relatedId: `verifa:${third.id}`, type: 'RELATED_ACCOUNT', idempotencyKey: rawKey } }, asCaller2);
    const otherCallerKey = theWrite('verifa').headers['idempotency-key'];
    expect(otherCallerKey).toBe(idempotencyScope('contract-caller-2', 'createRelationship', rawKey));
    expect(otherCallerKey).not.toBe(sent);

    // The same raw key on another mutation is another upstream key.
    stack.clearCalls();
    const other = verifa.addIdentity();
    await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `verifa:${source.id}`, secondaryId: `verifa:${other.id}`, idempotencyKey: rawKey } }, asCaller1);
    const linkKey = theWrite('verifa').headers['idempotency-key'];
    expect(linkKey).toBe(idempotencyScope('contract-caller-1', 'linkIdentities', rawKey));
    expect(linkKey).not.toBe(sent);
  });

  it('a replay sends the same Idempotency-Key; Verifa answers the stored reply and creates nothing new', async () => {
    const verifa = stack.emulators.verifa!.store;
    const source = verifa.addIdentity();
    const related = verifa.addIdentity();
    const input = { sourceId: `verifa:${source.id}`, relatedId: `verifa:${related.id}`, type: 'BENEFICIAL_OWNER' as const, note: 'replay me', idempotencyKey: unique('key-') };

    const first = await stack.gql(CreateRelationshipDocument, { input });
    const replay = await stack.gql(CreateRelationshipDocument, { input });
    expect(first.data!.createRelationship.userErrors).toEqual([]);
    expect(replay.data).toEqual(first.data);

    const writes = writesOf('verifa');
    expect(writes).toHaveLength(2);
    expect(writes[1].headers['idempotency-key']).toBe(writes[0].headers['idempotency-key']);
    expect(writes[1].body).toEqual(writes[0].body);
    expect(verifa.relationshipsFrom(source.id)).toHaveLength(1);
  });

  it('merge carries the key too, and a replay answers the same merge', async () => {
    const verifa = stack.emulators.verifa!.store;
    const primary = verifa.addIdentity();
    const secondary = verifa.addIdentity();
    const input = { primaryId: `verifa:${primary.id}`, secondaryId: `verifa:${secondary.id}`, idempotencyKey: unique('key-') };
    const asMerger = { authorization: `Bearer ${await stack.token({ sub: 'contract-merger' })}` };

    const first = await stack.gql(MergeIdentitiesDocument, { input }, asMerger);
    expect(first.data!.mergeIdentities.userErrors).toEqual([]);
    const replay = await stack.gql(MergeIdentitiesDocument, { input }, asMerger);
    // Without the key, Verifa would refuse to merge an already merged secondary.
    expect(replay.data).toEqual(first.data);
    const writes = writesOf('verifa');
    expect(writes.map((call) => call.headers['idempotency-key'])).toEqual([
      idempotencyScope('contract-merger', 'mergeIdentities', input.idempotencyKey),
      idempotencyScope('contract-merger', 'mergeIdentities', input.idempotencyKey),
    ]);
  });

  it('the same key with other input: Verifa 422 idempotency_mismatch becomes IDEMPOTENCY_KEY_REUSED', async () => {
    const verifa = stack.emulators.verifa!.store;
    const source = verifa.addIdentity();
    const related = verifa.addIdentity();
    const idempotencyKey = unique('key-');
    const base = { sourceId: `verifa:${source.id}`, relatedId: `verifa:${related.id}`, idempotencyKey };

    const first = await stack.gql(CreateRelationshipDocument, { input: { ...base, type: 'SAME_HOUSEHOLD' } });
    expect(first.data!.createRelationship.userErrors).toEqual([]);
    const reused = await stack.gql(CreateRelationshipDocument, { input: { ...base, type: 'FAMILY_MEMBER' } });
    expect(reused.errors).toBeUndefined();
    expect(reused.data!.createRelationship.relationship).toBeNull();
    expect(reused.data!.createRelationship.userErrors).toEqual([
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey', provider: 'VERIFA', providerCode: 'idempotency_mismatch', retryable: false }),
    ]);
    expect(verifa.relationshipsFrom(source.id).map((r) => r.relationship_type)).toEqual(['same_household']);
  });
});
