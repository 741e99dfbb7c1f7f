import {
  CreateRelationshipDocument,
  LinkIdentifierDocument,
  LinkIdentitiesDocument,
  MergeIdentitiesDocument,
  UnlinkIdentitiesDocument,
  type UserErrorFieldsFragment,
} from '../../generated/graphql';
import { startAuth0Emulator, type Auth0EmulatorOptions } from '../../src/emulators/auth0/emulator';
import { credentialMarker } from '../../src/emulators/call-log';
import { startBtcDirectEmulator, type BtcDirectEmulatorOptions } from '../../src/emulators/btcdirect/emulator';
import { DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS } from '../../src/emulators/seed';
import { startVeratoEmulator } from '../../src/emulators/verato/emulator';
import { startVerifaEmulator } from '../../src/emulators/verifa/emulator';
import { startStack, startStackOver, type Stack } from '../support/stack';

/**
 * The write side against the four emulators: each mutation's success payload (read fresh after
 * the write) and each documented failure, as a typed userError or, for transport failures, a
 * GraphQL error with a PROVIDER_* code.
 */

const [alice, bob, carol, dan] = DEMO_PEOPLE;
const [bobWork, danGoogle] = DEMO_STANDALONE_AUTH0_USERS;

const totalCalls = (stack: Stack) => stack.emulators.all.reduce((n, emulator) => n + emulator.calls.length, 0);
const writesTo = (stack: Stack, provider: 'verato' | 'verifa' | 'auth0' | 'btcdirect') =>
  stack.emulators[provider]!.calls.filter((call) => call.method !== 'GET' && !call.path.startsWith('/oauth/') && !call.path.includes('Query'));

/** A partner identifier BTC Direct accepts (36-255 letters or digits), unique per tag. */
const identifier = (tag: string) => `${tag}${'0123456789abcdef'.repeat(4)}`.slice(0, 48);

/** Asserts exactly one userError and answers it. */
function onlyError(userErrors: readonly UserErrorFieldsFragment[]): UserErrorFieldsFragment {
  expect(userErrors).toHaveLength(1);
  return userErrors[0];
}

/**
 * Like startStack() (same configuration, same dev-issuer admin token on every request unless
 * `headers.authorization` says otherwise), but with emulator options: Auth0 search lag, BTC
 * Direct token lifetimes.
 */
async function startStackWith(options: { auth0?: Auth0EmulatorOptions; btcdirect?: BtcDirectEmulatorOptions }): Promise<Stack> {
  const [verato, verifa, auth0, btcdirect] = await Promise.all([
    startVeratoEmulator(),
    startVerifaEmulator(),
    startAuth0Emulator(options.auth0),
    startBtcDirectEmulator(options.btcdirect),
  ]);
  const all = [verato, verifa, auth0, btcdirect];
  return startStackOver({ verato, verifa, auth0, btcdirect, all, close: async () => void (await Promise.all(all.map((e) => e.close()))) });
}

describe('linkIdentities', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearCalls());

  it('Verato + Verato: links the source records; the payload shows the shared cluster', async () => {
    const primaryId = `verato:CRM:${bob.crmId}`;
    const secondaryId = `verato:AUTH0:${bobWork.userId}`;
    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId, secondaryId } });

    expect(result.errors).toBeUndefined();
    const payload = result.data!.linkIdentities;
    expect(payload.userErrors).toEqual([]);
    expect(payload.linkId).toBe(bob.veratoLinkId);
    expect(payload.primary!.id).toBe(primaryId);
    expect(payload.secondary!.id).toBe(secondaryId);
    expect(payload.cluster!.linkId).toBe(bob.veratoLinkId);
    // Cluster members are named by the provider identity their source record stands for.
    expect(payload.cluster!.members).toContainEqual({ id: `auth0:${bobWork.userId}`, state: 'ACTIVE' });
    expect(payload.primary!.linkedAccounts).toContainEqual({ id: `auth0:${bobWork.userId}`, via: 'VERATO_CLUSTER' });
    expect(stack.emulators.verato!.countCalls('POST', '/link-ws/svc/linkIdentities')).toBe(1);
  });

  it('mixed providers: links the two Verato source records named through VERATO_SOURCE_MAP', async () => {
    const primaryId = `verifa:${dan.verifaId}`;
    const secondaryId = `auth0:${danGoogle.userId}`;
    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId, secondaryId } });

    expect(result.errors).toBeUndefined();
    const payload = result.data!.linkIdentities;
    expect(payload.userErrors).toEqual([]);
    expect(payload.linkId).toBe(dan.veratoLinkId);
    expect(payload.cluster!.members.map((m) => m.id)).toEqual(expect.arrayContaining([secondaryId, primaryId]));
    expect(payload.primary!.linkedAccounts).toContainEqual({ id: secondaryId, via: 'VERATO_CLUSTER' });
    const [link] = writesTo(stack, 'verato');
    expect(link.body).toMatchObject({ content: { linkToSource: { name: 'VERIFA', id: dan.verifaId }, source: { name: 'AUTH0', id: danGoogle.userId } } });
    expect(writesTo(stack, 'verato')).toHaveLength(1);
  });

  it('Verato refusing the link (unknown source record) is a NOT_FOUND userError on that id, not a 500', async () => {
    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${carol.crmId}`, secondaryId: 'verato:CRM:CRM-404' } });
    expect(result.errors).toBeUndefined();
    expect(result.status).toBe(200);
    expect(result.data!.linkIdentities).toMatchObject({ linkId: null, primary: null, secondary: null, cluster: null });
    expect(onlyError(result.data!.linkIdentities.userErrors)).toMatchObject({ code: 'NOT_FOUND', field: 'secondaryId', provider: 'VERATO', providerCode: 'success_false', retryable: false });
    // Verato's free-text message (it may name people) is not passed on.
    expect(result.data!.linkIdentities.userErrors[0].message).not.toContain('CRM-404');
  });

  it('Verifa + Verifa: creates a user_linked relationship (reason as note), visible in the fresh payload', async () => {
    const primaryId = `verifa:${bob.verifaId}`;
    const secondaryId = `verifa:${carol.verifaId}`;
    const result = await stack.gql(
      `mutation ($input: LinkIdentitiesInput!) {
        linkIdentities(input: $input) {
          linkId
          primary { id relationships(first: 20) { nodes { type label note related { id } } } }
          userErrors { code }
        }
      }`,
      { input: { primaryId, secondaryId, reason: 'same person, second account' } },
    );
    expect(result.errors).toBeUndefined();
    const payload = (result.data as { linkIdentities: { linkId: null; primary: { id: string; relationships: { nodes: unknown[] } }; userErrors: unknown[] } }).linkIdentities;
    expect(payload.userErrors).toEqual([]);
    expect(payload.linkId).toBeNull();
    expect(payload.primary.relationships.nodes).toContainEqual({ type: 'USER_LINKED', label: 'user_linked', note: 'same person, second account', related: { id: secondaryId } });
    expect(stack.emulators.verifa!.countCalls('POST', `/api/v1/identities/${bob.verifaId}/relationships`)).toBe(1);
  });

  it('Verifa: linking the same two identities again is ALREADY_LINKED (Verifa answers 422)', async () => {
    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `verifa:${bob.verifaId}`, secondaryId: `verifa:${carol.verifaId}` } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.linkIdentities).toMatchObject({ primary: null, secondary: null, linkId: null });
    expect(onlyError(result.data!.linkIdentities.userErrors)).toMatchObject({
      code: 'ALREADY_LINKED',
      field: 'secondaryId',
      provider: 'VERIFA',
      providerCode: 'validation_error',
      retryable: false,
    });
    expect(writesTo(stack, 'verifa')).toHaveLength(1);
  });

  it("Auth0 + Auth0 with linkWith: sends the ID token with the primary user's own token; the linked account shows on the primary", async () => {
    const idToken = await stack.emulators.auth0!.mintIdToken(danGoogle.userId);
    const userToken = await stack.emulators.auth0!.mintUserToken(dan.auth0UserId);
    // danGoogle was linked in Verato above; in Auth0 it is still a standalone user.
    const result = await stack.gql(
      LinkIdentitiesDocument,
      { input: { primaryId: `auth0:${dan.auth0UserId}`, secondaryId: `auth0:${danGoogle.userId}`, linkWith: idToken } },
      { 'x-auth0-user-authorization': `Bearer ${userToken}` },
    );
    expect(result.errors).toBeUndefined();
    const payload = result.data!.linkIdentities;
    expect(payload.userErrors).toEqual([]);
    expect(payload.primary!.linkedAccounts).toContainEqual({ id: `auth0:${danGoogle.userId}`, via: 'PROVIDER_ACCOUNT' });
    // Auth0 folds the secondary into the primary: it no longer exists as a user.
    expect(payload.secondary).toBeNull();
    expect(writesTo(stack, 'auth0').map((c) => [c.headers.authorization, c.body])).toEqual([[credentialMarker(`Bearer ${userToken}`), { link_with: credentialMarker(idToken) }]]);
  });

  it('Auth0: an ID token the tenant refuses is INVALID_LINK_TOKEN on linkWith', async () => {
    const secondary = stack.emulators.auth0!.store.addUser({ userId: 'auth0|linkwithrefused01', email: 'refused@example.com' });
    const forged = await stack.emulators.auth0!.mintIdToken(secondary.user_id, { alg: 'HS256' });
    const userToken = await stack.emulators.auth0!.mintUserToken(carol.auth0UserId);
    const result = await stack.gql(
      LinkIdentitiesDocument,
      { input: { primaryId: `auth0:${carol.auth0UserId}`, secondaryId: `auth0:${secondary.user_id}`, linkWith: forged } },
      { 'x-auth0-user-authorization': `Bearer ${userToken}` },
    );
    expect(result.errors).toBeUndefined();
    expect(onlyError(result.data!.linkIdentities.userErrors)).toMatchObject({
      code: 'INVALID_LINK_TOKEN',
      field: 'linkWith',
      provider: 'AUTH0',
      providerCode: 'invalid_link_with',
      message: 'JWT (link_with) must have an alg of RS256.',
      hint: expect.any(String),
      retryable: false,
    });
    expect(writesTo(stack, 'auth0')).toHaveLength(1);
  });

  it('Auth0: an identity already linked elsewhere is ALREADY_LINKED', async () => {
    const googleOfAlice = `google-oauth2|${alice.auth0LinkedSocial[0].userId}`;
    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `auth0:${carol.auth0UserId}`, secondaryId: `auth0:${googleOfAlice}` } });
    expect(result.errors).toBeUndefined();
    expect(onlyError(result.data!.linkIdentities.userErrors)).toMatchObject({ code: 'ALREADY_LINKED', provider: 'AUTH0', providerCode: 'identity_already_exists', retryable: false });
    expect(writesTo(stack, 'auth0')).toHaveLength(1);
  });

  it('Auth0: an unknown primary or secondary is NOT_FOUND on the right field', async () => {
    const unknownPrimary = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: 'auth0:auth0|nobody000000000001', secondaryId: `auth0:${carol.auth0UserId}` } });
    expect(onlyError(unknownPrimary.data!.linkIdentities.userErrors)).toMatchObject({ code: 'NOT_FOUND', field: 'primaryId', provider: 'AUTH0', providerCode: 'inexistent_user' });
    const unknownSecondary = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `auth0:${carol.auth0UserId}`, secondaryId: 'auth0:auth0|nobody000000000002' } });
    expect(onlyError(unknownSecondary.data!.linkIdentities.userErrors)).toMatchObject({
      code: 'NOT_FOUND',
      field: 'secondaryId',
      provider: 'AUTH0',
      providerCode: 'inexistent_identity_needs_connection',
      message: 'Linking to an inexistent identity requires a connection.',
    });
    expect(writesTo(stack, 'auth0')).toHaveLength(2);
  });

  it('BTC Direct + BTC Direct is UNSUPPORTED_OPERATION naming what is supported, without a call', async () => {
    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `btcdirect:${alice.btcIdentifier}`, secondaryId: `btcdirect:${bob.btcIdentifier}` } });
    expect(result.errors).toBeUndefined();
    const error = onlyError(result.data!.linkIdentities.userErrors);
    expect(error).toMatchObject({ code: 'UNSUPPORTED_OPERATION', provider: null, retryable: false });
    expect(error.message).toMatch(/Supported: .*two Verato records.*two Auth0 users.*two Verifa identities.*different providers/);
    expect(totalCalls(stack)).toBe(0);
  });

  it('refuses bad input before any call: malformed id, the same id twice, linkWith outside Auth0, a bad idempotency key', async () => {
    const malformed = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: 'idn_abc', secondaryId: `verifa:${bob.verifaId}` } });
    expect(onlyError(malformed.data!.linkIdentities.userErrors)).toMatchObject({ code: 'INVALID_INPUT', field: 'primaryId' });
    expect(malformed.data!.linkIdentities.userErrors[0].message).toContain('"<provider>:<nativeId>"');

    const same = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `verifa:${bob.verifaId}`, secondaryId: `verifa:${bob.verifaId}` } });
    expect(onlyError(same.data!.linkIdentities.userErrors)).toMatchObject({ code: 'SAME_IDENTITY', field: 'secondaryId' });

    const linkWith = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${bob.crmId}`, secondaryId: `verifa:${bob.verifaId}`, linkWith: 'eyJ.x.y' } });
    expect(onlyError(linkWith.data!.linkIdentities.userErrors)).toMatchObject({ code: 'INVALID_INPUT', field: 'linkWith' });

    const badKey = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${bob.crmId}`, secondaryId: `verato:CRM:${carol.crmId}`, idempotencyKey: 'has space' } });
    expect(onlyError(badKey.data!.linkIdentities.userErrors)).toMatchObject({ code: 'INVALID_INPUT', field: 'idempotencyKey' });

    expect(totalCalls(stack)).toBe(0);
  });
});

describe('linkIdentities: Auth0 read-after-write while the user search lags', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStackWith({ auth0: { searchLagMs: 60_000 } });
    // The seeded users become searchable now; every later write stays invisible to search for a minute.
    stack.emulators.auth0!.store.refreshSearchIndex();
  });
  afterAll(() => stack.close());

  it('links by provider + user_id and reads the primary with GET /users/{id}, so the secondary shows at once', async () => {
    const primaryId = `auth0:${bob.auth0UserId}`;
    const secondaryId = `auth0:${bobWork.userId}`;
    stack.clearCalls();
    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId, secondaryId } });

    expect(result.errors).toBeUndefined();
    const payload = result.data!.linkIdentities;
    expect(payload.userErrors).toEqual([]);
    expect(payload.linkId).toBeNull();
    expect(payload.primary!.id).toBe(primaryId);
    expect(payload.primary!.linkedAccounts).toContainEqual({ id: secondaryId, via: 'PROVIDER_ACCOUNT' });
    expect(payload.secondary).toBeNull();

    const auth0 = stack.emulators.auth0!;
    expect(auth0.countCalls('POST', '/api/v2/users/auth0%7C65a1a1a1a1a1a1a1a1a1a002/identities')).toBe(1);
    expect(auth0.countCalls('GET', '/api/v2/users/auth0%7C65a1a1a1a1a1a1a1a1a1a002')).toBe(1);
    // No read of a written user went through the lagging search.
    expect(auth0.countCalls('GET', /^\/api\/v2\/users$/)).toBe(0);

    // The search still shows the pre-link state: the payload did not come from it.
    const searched = auth0.store.searchableUsers().find((user) => user.user_id === bob.auth0UserId)!;
    expect(searched.identities).toHaveLength(1);
  });

  it('replaying the link by idempotency key answers the same fresh payload without a second write', async () => {
    const input = { primaryId: `auth0:${carol.auth0UserId}`, secondaryId: 'auth0:auth0|carolsecond00000001', idempotencyKey: 'lagging-search-replay' };
    stack.emulators.auth0!.store.addUser({ userId: 'auth0|carolsecond00000001', email: 'carol.second@example.com' });
    const first = await stack.gql(LinkIdentitiesDocument, { input });
    expect(first.data!.linkIdentities.userErrors).toEqual([]);
    expect(first.data!.linkIdentities.primary!.linkedAccounts).toContainEqual({ id: input.secondaryId, via: 'PROVIDER_ACCOUNT' });

    const replay = await stack.gql(LinkIdentitiesDocument, { input });
    expect(replay.errors).toBeUndefined();
    expect(replay.data).toEqual(first.data);
    expect(stack.emulators.auth0!.countCalls('POST', /\/identities$/)).toBe(2);
  });
});

describe('unlinkIdentities', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearCalls());

  it('Verato + Verato: splits the secondary into a new Link ID', async () => {
    const primaryId = `verato:CRM:${alice.crmId}`;
    const secondaryId = `verato:VERIFA:${alice.verifaId}`;
    const result = await stack.gql(UnlinkIdentitiesDocument, { input: { primaryId, secondaryId } });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.unlinkIdentities;
    expect(payload.userErrors).toEqual([]);
    expect(payload.primary!.cluster!.linkId).toBe(alice.veratoLinkId);
    expect(payload.secondary!.cluster!.linkId).not.toBe(alice.veratoLinkId);
    expect(payload.primary!.linkedAccounts.map((a) => a.id)).not.toContain(`verifa:${alice.verifaId}`);
    expect(stack.emulators.verato!.countCalls('POST', '/link-ws/svc/unlinkIdentities')).toBe(1);
  });

  it('Verato: records in different clusters cannot be unlinked (NOT_LINKED)', async () => {
    const result = await stack.gql(UnlinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${alice.crmId}`, secondaryId: `verato:VERIFA:${alice.verifaId}` } });
    expect(result.errors).toBeUndefined();
    expect(onlyError(result.data!.unlinkIdentities.userErrors)).toMatchObject({ code: 'NOT_LINKED', provider: 'VERATO', providerCode: 'success_false' });
  });

  it('mixed providers: unlinks their Verato source records', async () => {
    const result = await stack.gql(UnlinkIdentitiesDocument, { input: { primaryId: `auth0:${carol.auth0UserId}`, secondaryId: `btcdirect:${carol.btcIdentifier}` } });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.unlinkIdentities;
    expect(payload.userErrors).toEqual([]);
    expect(payload.primary!.cluster!.linkId).toBe(carol.veratoLinkId);
    expect(payload.secondary!.cluster!.linkId).not.toBe(carol.veratoLinkId);
    const [unlink] = writesTo(stack, 'verato');
    expect(unlink.body).toMatchObject({ content: { unlinkFromSource: { name: 'AUTH0', id: carol.auth0UserId }, source: { name: 'BTCDIRECT', id: carol.btcIdentifier } } });
  });

  it('Auth0: removes the linked identity, which comes back as a standalone user', async () => {
    const github = alice.auth0LinkedSocial[1];
    const secondaryId = `auth0:github|${github.userId}`;
    const result = await stack.gql(UnlinkIdentitiesDocument, { input: { primaryId: `auth0:${alice.auth0UserId}`, secondaryId } });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.unlinkIdentities;
    expect(payload.userErrors).toEqual([]);
    expect(payload.primary!.linkedAccounts.map((a) => a.id)).not.toContain(secondaryId);
    expect(payload.primary!.linkedAccounts.map((a) => a.id)).toContain(`auth0:google-oauth2|${alice.auth0LinkedSocial[0].userId}`);
    expect(payload.secondary!.id).toBe(secondaryId);
    expect(stack.emulators.auth0!.countCalls('DELETE', '/api/v2/users/')).toBe(1);
  });

  it('Auth0: an identity that is not linked is NOT_LINKED', async () => {
    const result = await stack.gql(UnlinkIdentitiesDocument, { input: { primaryId: `auth0:${alice.auth0UserId}`, secondaryId: `auth0:github|${alice.auth0LinkedSocial[1].userId}` } });
    expect(result.errors).toBeUndefined();
    expect(onlyError(result.data!.unlinkIdentities.userErrors)).toMatchObject({ code: 'NOT_LINKED', field: 'secondaryId', provider: 'AUTH0', providerCode: 'not_linked' });
    expect(stack.emulators.auth0!.countCalls('DELETE', '/api/v2/users/')).toBe(1);
  });

  it('Verifa: deletes the user_linked relationship; without one it is NOT_LINKED and nothing is deleted', async () => {
    const linked = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `verifa:${dan.verifaId}`, secondaryId: `verifa:${carol.verifaId}` } });
    expect(linked.data!.linkIdentities.userErrors).toEqual([]);
    stack.clearCalls();

    const input = { primaryId: `verifa:${dan.verifaId}`, secondaryId: `verifa:${carol.verifaId}` };
    const result = await stack.gql(UnlinkIdentitiesDocument, { input });
    expect(result.errors).toBeUndefined();
    expect(result.data!.unlinkIdentities.userErrors).toEqual([]);
    expect(stack.emulators.verifa!.countCalls('DELETE', `/api/v1/identities/${dan.verifaId}/relationships/`)).toBe(1);
    expect(stack.emulators.verifa!.store.relationshipsFrom(dan.verifaId).map((r) => r.relationship_type)).not.toContain('user_linked');

    stack.clearCalls();
    const again = await stack.gql(UnlinkIdentitiesDocument, { input });
    expect(again.errors).toBeUndefined();
    expect(onlyError(again.data!.unlinkIdentities.userErrors)).toMatchObject({ code: 'NOT_LINKED', provider: 'VERIFA', field: 'secondaryId' });
    expect(stack.emulators.verifa!.countCalls('DELETE')).toBe(0);
    expect(again.data!.unlinkIdentities).toMatchObject({ primary: null, secondary: null });
  });

  it('BTC Direct + BTC Direct is UNSUPPORTED_OPERATION without a call', async () => {
    const result = await stack.gql(UnlinkIdentitiesDocument, { input: { primaryId: `btcdirect:${alice.btcIdentifier}`, secondaryId: `btcdirect:${bob.btcIdentifier}` } });
    expect(onlyError(result.data!.unlinkIdentities.userErrors)).toMatchObject({ code: 'UNSUPPORTED_OPERATION' });
    expect(result.data!.unlinkIdentities.userErrors[0].message).toContain('Supported:');
    expect(totalCalls(stack)).toBe(0);
  });
});

describe('mergeIdentities', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearCalls());

  it('Verifa dry run: previews the merge from reads only, with no write call at all', async () => {
    const result = await stack.gql(MergeIdentitiesDocument, {
      input: { primaryId: `verifa:${dan.verifaId}`, secondaryId: `verifa:${alice.verifaId}`, dryRun: true, redactSecondary: true, transfer: { ipLinks: false } },
    });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.mergeIdentities;
    expect(payload.userErrors).toEqual([]);
    expect(payload.dryRun).toBe(true);
    expect(payload.secondary).toEqual({ id: `verifa:${alice.verifaId}`, status: 'REDACTED' });
    expect(payload.transferSummary).toEqual({ sessions: true, screeningChecks: true, faceEmbeddings: true, ipLinks: false, deviceLinks: true });
    expect(payload.primary!.tags.sort()).toEqual(['business', 'vip']);
    expect(stack.emulators.verifa!.countCalls('POST')).toBe(0);
    expect(stack.emulators.verifa!.store.findIdentity(alice.verifaId)!.status).toBe('approved');
  });

  it('Verifa: merges with the transfer toggles; the secondary is MERGED and the summary says what moved', async () => {
    const result = await stack.gql(MergeIdentitiesDocument, {
      input: { primaryId: `verifa:${dan.verifaId}`, secondaryId: `verifa:${bob.verifaId}`, transfer: { faceEmbeddings: false }, reason: 'duplicate signup' },
    });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.mergeIdentities;
    expect(payload.userErrors).toEqual([]);
    expect(payload).toMatchObject({
      dryRun: false,
      linkId: null,
      primary: { id: `verifa:${dan.verifaId}`, status: 'VERIFIED', tags: ['business'] },
      secondary: { id: `verifa:${bob.verifaId}`, status: 'MERGED' },
      transferSummary: { sessions: true, screeningChecks: true, faceEmbeddings: false, ipLinks: true, deviceLinks: true },
    });
    expect(stack.emulators.verifa!.countCalls('POST', '/api/v1/identities/merge')).toBe(1);
    expect(stack.emulators.verifa!.store.findIdentity(bob.verifaId)!.status).toBe('merged');
  });

  it('Verifa: redactSecondary leaves the secondary REDACTED', async () => {
    const primary = stack.emulators.verifa!.store.addIdentity({ tags: ['a'] });
    const secondary = stack.emulators.verifa!.store.addIdentity({ tags: ['b'] });
    const result = await stack.gql(MergeIdentitiesDocument, { input: { primaryId: `verifa:${primary.id}`, secondaryId: `verifa:${secondary.id}`, redactSecondary: true } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.mergeIdentities).toMatchObject({ userErrors: [], secondary: { status: 'REDACTED' }, primary: { tags: ['a', 'b'] } });
  });

  it('Verifa: an already merged secondary is MERGE_NOT_ALLOWED (Verifa 422), and the dry run says so without writing', async () => {
    const input = { primaryId: `verifa:${dan.verifaId}`, secondaryId: `verifa:${bob.verifaId}` };
    const result = await stack.gql(MergeIdentitiesDocument, { input });
    expect(result.errors).toBeUndefined();
    expect(result.data!.mergeIdentities).toMatchObject({ primary: null, secondary: null, transferSummary: null });
    expect(onlyError(result.data!.mergeIdentities.userErrors)).toMatchObject({
      code: 'MERGE_NOT_ALLOWED',
      field: 'secondaryId',
      provider: 'VERIFA',
      providerCode: 'validation_error',
      retryable: false,
    });
    expect(stack.emulators.verifa!.countCalls('POST', '/api/v1/identities/merge')).toBe(1);

    stack.clearCalls();
    const dryRun = await stack.gql(MergeIdentitiesDocument, { input: { ...input, dryRun: true } });
    expect(onlyError(dryRun.data!.mergeIdentities.userErrors)).toMatchObject({ code: 'MERGE_NOT_ALLOWED', field: 'secondaryId', provider: 'VERIFA' });
    expect(dryRun.data!.mergeIdentities.dryRun).toBe(true);
    expect(stack.emulators.verifa!.countCalls('POST')).toBe(0);
  });

  it('Verifa: an unknown identity is NOT_FOUND', async () => {
    const result = await stack.gql(MergeIdentitiesDocument, { input: { primaryId: `verifa:${dan.verifaId}`, secondaryId: 'verifa:idn_doesnotexist' } });
    expect(result.errors).toBeUndefined();
    expect(onlyError(result.data!.mergeIdentities.userErrors)).toMatchObject({ code: 'NOT_FOUND', provider: 'VERIFA', providerCode: 'not_found' });
  });

  it('Verato: retires the secondary record into the primary; the payload names the surviving Link ID', async () => {
    const dryRun = await stack.gql(MergeIdentitiesDocument, { input: { primaryId: `verato:CRM:${carol.crmId}`, secondaryId: `verato:CRM:${dan.crmId}`, dryRun: true } });
    expect(dryRun.data!.mergeIdentities).toMatchObject({ dryRun: true, linkId: carol.veratoLinkId, userErrors: [], secondary: { status: 'MERGED' } });
    expect(stack.emulators.verato!.countCalls('POST', '/link-ws/svc/mergeIdentities')).toBe(0);

    const result = await stack.gql(MergeIdentitiesDocument, { input: { primaryId: `verato:CRM:${carol.crmId}`, secondaryId: `verato:CRM:${dan.crmId}` } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.mergeIdentities).toEqual({
      dryRun: false,
      linkId: carol.veratoLinkId,
      primary: expect.objectContaining({ id: `verato:CRM:${carol.crmId}` }),
      secondary: { id: `verato:CRM:${dan.crmId}`, status: 'MERGED' },
      transferSummary: null,
      userErrors: [],
    });
    expect(stack.emulators.verato!.countCalls('POST', '/link-ws/svc/mergeIdentities')).toBe(1);
  });

  it('other combinations are UNSUPPORTED_OPERATION naming what is supported, without a call', async () => {
    for (const [primaryId, secondaryId] of [
      [`auth0:${alice.auth0UserId}`, `auth0:${bob.auth0UserId}`],
      [`verifa:${alice.verifaId}`, `verato:CRM:${alice.crmId}`],
      [`btcdirect:${alice.btcIdentifier}`, `btcdirect:${bob.btcIdentifier}`],
    ]) {
      const result = await stack.gql(MergeIdentitiesDocument, { input: { primaryId, secondaryId } });
      const error = onlyError(result.data!.mergeIdentities.userErrors);
      expect(error.code).toBe('UNSUPPORTED_OPERATION');
      expect(error.message).toContain('two Verifa identities');
      expect(error.message).toContain('two Verato source records');
    }
    expect(totalCalls(stack)).toBe(0);
  });
});

describe('createRelationship', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearCalls());

  it('Verifa with a built-in type: the payload holds the relationship as Verifa recorded it', async () => {
    const result = await stack.gql(CreateRelationshipDocument, {
      input: { sourceId: `verifa:${bob.verifaId}`, relatedId: `verifa:${carol.verifaId}`, type: 'SAME_HOUSEHOLD', note: 'Flatmates', metadata: { since: 2021 } },
    });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.createRelationship;
    expect(payload.userErrors).toEqual([]);
    expect(payload.source).toEqual({ id: `verifa:${bob.verifaId}` });
    expect(payload.relationship).toEqual({
      id: expect.stringMatching(/^verifa:rel_/),
      provider: 'VERIFA',
      type: 'SAME_HOUSEHOLD',
      label: 'same_household',
      note: 'Flatmates',
      metadata: { since: 2021 },
      related: { id: `verifa:${carol.verifaId}` },
    });
    expect(stack.emulators.verifa!.countCalls('POST', `/api/v1/identities/${bob.verifaId}/relationships`)).toBe(1);
  });

  it('Verifa with an active custom type by name; an inactive one is refused by Verifa as INVALID_INPUT', async () => {
    stack.emulators.verifa!.store.addCustomRelationshipType('mentor');
    stack.emulators.verifa!.store.addCustomRelationshipType('old_type', false);
    const ok = await stack.gql(CreateRelationshipDocument, { input: { sourceId: `verifa:${dan.verifaId}`, relatedId: `verifa:${carol.verifaId}`, customType: 'mentor' } });
    expect(ok.data!.createRelationship.userErrors).toEqual([]);
    expect(ok.data!.createRelationship.relationship).toMatchObject({ type: 'CUSTOM', label: 'mentor', provider: 'VERIFA' });

    const inactive = await stack.gql(CreateRelationshipDocument, { input: { sourceId: `verifa:${dan.verifaId}`, relatedId: `verifa:${carol.verifaId}`, customType: 'old_type' } });
    expect(inactive.errors).toBeUndefined();
    expect(inactive.data!.createRelationship.relationship).toBeNull();
    expect(onlyError(inactive.data!.createRelationship.userErrors)).toMatchObject({ code: 'INVALID_INPUT', provider: 'VERIFA', providerCode: 'validation_error' });
    expect(stack.emulators.verifa!.countCalls('POST')).toBe(2);
  });

  it('Verifa: a system type, or type and customType together, is INVALID_INPUT without a call', async () => {
    const system = await stack.gql(CreateRelationshipDocument, { input: { sourceId: `verifa:${dan.verifaId}`, relatedId: `verifa:${carol.verifaId}`, customType: 'same_email' } });
    expect(onlyError(system.data!.createRelationship.userErrors)).toMatchObject({ code: 'INVALID_INPUT', field: 'customType', provider: 'VERIFA' });
    expect(system.data!.createRelationship.userErrors[0].message).toContain('same_email');

    const both = await stack.gql(CreateRelationshipDocument, { input: { sourceId: `verifa:${dan.verifaId}`, relatedId: `verifa:${carol.verifaId}`, type: 'FAMILY_MEMBER', customType: 'mentor' } });
    expect(onlyError(both.data!.createRelationship.userErrors)).toMatchObject({ code: 'INVALID_INPUT', field: 'customType' });

    const malformed = await stack.gql(CreateRelationshipDocument, { input: { sourceId: `verifa:${dan.verifaId}`, relatedId: 'nope' } });
    expect(onlyError(malformed.data!.createRelationship.userErrors)).toMatchObject({ code: 'INVALID_INPUT', field: 'relatedId' });
    expect(totalCalls(stack)).toBe(0);
  });

  it('Verifa: an unknown related identity is NOT_FOUND', async () => {
    const result = await stack.gql(CreateRelationshipDocument, { input: { sourceId: `verifa:${dan.verifaId}`, relatedId: 'verifa:idn_doesnotexist', type: 'FAMILY_MEMBER' } });
    expect(result.errors).toBeUndefined();
    expect(onlyError(result.data!.createRelationship.userErrors)).toMatchObject({ code: 'NOT_FOUND', provider: 'VERIFA', providerCode: 'not_found' });
  });

  it('Verato: adds a relationship between the two Link IDs with the verb from customType', async () => {
    const result = await stack.gql(CreateRelationshipDocument, { input: { sourceId: `verato:CRM:${bob.crmId}`, relatedId: `verato:CRM:${carol.crmId}`, customType: 'is sibling to' } });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.createRelationship;
    expect(payload.userErrors).toEqual([]);
    expect(payload.relationship).toMatchObject({ id: expect.stringMatching(/^verato:/), provider: 'VERATO', type: 'CUSTOM', label: 'is sibling to', note: null });
    expect(payload.relationship!.related).not.toBeNull();
    expect(payload.source).toEqual({ id: `verato:CRM:${bob.crmId}` });
    expect(stack.emulators.verato!.countCalls('POST', '/link-ws/svc/addRelationshipService')).toBe(1);
  });

  it('Verato: without a verb it is INVALID_INPUT, and an unknown record is NOT_FOUND, neither writes', async () => {
    const noVerb = await stack.gql(CreateRelationshipDocument, { input: { sourceId: `verato:CRM:${bob.crmId}`, relatedId: `verato:CRM:${carol.crmId}`, type: 'FAMILY_MEMBER' } });
    expect(onlyError(noVerb.data!.createRelationship.userErrors)).toMatchObject({ code: 'INVALID_INPUT', field: 'customType', provider: 'VERATO' });
    expect(totalCalls(stack)).toBe(0);

    const unknown = await stack.gql(CreateRelationshipDocument, { input: { sourceId: `verato:CRM:${bob.crmId}`, relatedId: 'verato:CRM:CRM-404', customType: 'employs' } });
    expect(onlyError(unknown.data!.createRelationship.userErrors)).toMatchObject({ code: 'NOT_FOUND', field: 'relatedId', provider: 'VERATO' });
    expect(stack.emulators.verato!.countCalls('POST', '/link-ws/svc/addRelationshipService')).toBe(0);
  });

  it('mixed providers are UNSUPPORTED_OPERATION without a call', async () => {
    const result = await stack.gql(CreateRelationshipDocument, { input: { sourceId: `verifa:${bob.verifaId}`, relatedId: `auth0:${carol.auth0UserId}`, type: 'FAMILY_MEMBER' } });
    const error = onlyError(result.data!.createRelationship.userErrors);
    expect(error.code).toBe('UNSUPPORTED_OPERATION');
    expect(error.message).toContain('two Verifa identities');
    expect(totalCalls(stack)).toBe(0);
  });
});

describe('linkIdentifier', () => {
  let stack: Stack;
  let bobToken: string;
  beforeAll(async () => {
    stack = await startStack();
    bobToken = await stack.emulators.btcdirect!.loginUser(bob.email, bob.btcPassword);
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearCalls());

  const link = (value: string, headers: Record<string, string> = {}) => stack.gql(LinkIdentifierDocument, { input: { identifier: value } }, headers);

  it('links the identifier to the user of the forwarded token; the payload reads that user through it', async () => {
    const fresh = identifier('bobnew');
    const result = await link(fresh, { 'x-btcdirect-user-authorization': `Bearer ${bobToken}` });
    expect(result.errors).toBeUndefined();
    expect(result.data!.linkIdentifier).toEqual({ replayed: false, identity: { id: `btcdirect:${fresh}`, displayName: 'Bob Jansen' }, userErrors: [] });
    expect(stack.emulators.btcdirect!.store.ownerOf(fresh)?.email).toBe(bob.email);
    expect(stack.emulators.btcdirect!.countCalls('POST', '/api/v2/user/link-identifier')).toBe(1);
  });

  it('accepts the forwarded token without the Bearer scheme, and linking the same identifier again is a no-op success', async () => {
    const result = await link(bob.btcIdentifier, { 'x-btcdirect-user-authorization': bobToken });
    expect(result.errors).toBeUndefined();
    expect(result.data!.linkIdentifier.userErrors).toEqual([]);
    expect(stack.emulators.btcdirect!.calls.find((c) => c.method === 'POST')!.headers['user-authorization']).toBe(credentialMarker(`Bearer ${bobToken}`));
  });

  it.each([
    ['too short (ER102)', 'abc123', 'ER102', 'Provide a user identifier with a minimum of 36 characters and a maximum of 255.'],
    ['too long (ER102)', 'a'.repeat(256), 'ER102', 'Provide a user identifier with a minimum of 36 characters and a maximum of 255.'],
    ['not alphanumeric (ER707)', `${identifier('dash')}-x`, 'ER707', 'Please provide an identifier, consisting of 36 - 255 characters, numeric or alphanumeric only.'],
  ])('validates the identifier before any call: %s', async (_case, value, providerCode, hint) => {
    const result = await link(value, { 'x-btcdirect-user-authorization': `Bearer ${bobToken}` });
    expect(result.errors).toBeUndefined();
    expect(result.data!.linkIdentifier.identity).toBeNull();
    expect(onlyError(result.data!.linkIdentifier.userErrors)).toMatchObject({ code: 'INVALID_INPUT', field: 'identifier', provider: 'BTCDIRECT', providerCode, hint, retryable: false });
    expect(totalCalls(stack)).toBe(0);
  });

  it('without the forwarded user token: USER_TOKEN_INVALID (ER700) and no call', async () => {
    for (const headers of [{}, { 'x-btcdirect-user-authorization': 'Bearer   ' }] as Record<string, string>[]) {
      const result = await link(identifier('notoken'), headers);
      expect(result.errors).toBeUndefined();
      expect(onlyError(result.data!.linkIdentifier.userErrors)).toMatchObject({
        code: 'USER_TOKEN_INVALID',
        provider: 'BTCDIRECT',
        providerCode: 'ER700',
        hint: 'Provide a user authorization token.',
        retryable: false,
      });
      expect(result.data!.linkIdentifier.userErrors[0].message).toContain('x-btcdirect-user-authorization');
    }
    expect(totalCalls(stack)).toBe(0);
  });

  it('a token BTC Direct finds invalid is USER_TOKEN_INVALID with ER702', async () => {
    const result = await link(identifier('badtoken'), { 'x-btcdirect-user-authorization': 'Bearer not-a-real-token' });
    expect(result.errors).toBeUndefined();
    expect(onlyError(result.data!.linkIdentifier.userErrors)).toMatchObject({
      code: 'USER_TOKEN_INVALID',
      provider: 'BTCDIRECT',
      providerCode: 'ER702',
      message: 'User authorization token is invalid.',
      hint: 'Provide a valid user authorization token.',
    });
    expect(stack.emulators.btcdirect!.countCalls('POST', '/api/v2/user/link-identifier')).toBe(1);
  });

  it("an identifier held by another user is IDENTIFIER_IN_USE (ER706) with BTC Direct's solution as hint", async () => {
    const result = await link(alice.btcIdentifier, { 'x-btcdirect-user-authorization': `Bearer ${bobToken}` });
    expect(result.errors).toBeUndefined();
    expect(result.data!.linkIdentifier.identity).toBeNull();
    expect(onlyError(result.data!.linkIdentifier.userErrors)).toMatchObject({
      code: 'IDENTIFIER_IN_USE',
      field: 'identifier',
      provider: 'BTCDIRECT',
      providerCode: 'ER706',
      hint: 'Provide a valid user identifier, a unique identifier string for the user account that is not already in use.',
      retryable: false,
    });
    expect(stack.emulators.btcdirect!.store.ownerOf(alice.btcIdentifier)?.email).toBe(alice.email);
  });

  it('a user with a pending document is PENDING_REVIEW (ER708), retryable', async () => {
    const btc = stack.emulators.btcdirect!;
    btc.store.addUser({ email: 'pending@example.com', password: 'pw-pending', firstName: 'Pat', lastName: 'Pending' });
    btc.store.setPendingDocument('pending@example.com');
    const token = await btc.loginUser('pending@example.com', 'pw-pending');
    const result = await link(identifier('pending'), { 'x-btcdirect-user-authorization': `Bearer ${token}` });
    expect(result.errors).toBeUndefined();
    expect(onlyError(result.data!.linkIdentifier.userErrors)).toMatchObject({
      code: 'PENDING_REVIEW',
      provider: 'BTCDIRECT',
      providerCode: 'ER708',
      hint: 'Wait for the pending document to be reviewed.',
      retryable: true,
    });
  });

  it('a general BTC Direct error (ER999 with HTTP 500) is a retryable PROVIDER_REJECTED user error, not pinned to its idempotency key', async () => {
    const btc = stack.emulators.btcdirect!;
    const er999 = { errors: { ER999: { code: 'ER999', message: 'A general error has occurred. Please contact our support team.', solution: 'Contact our support team.' } } };
    btc.setFaults({ status: 500, body: er999, times: 1, pathPrefix: '/api/v2/user/link-identifier' });
    const headers = { 'x-btcdirect-user-authorization': `Bearer ${bobToken}` };
    const input = { identifier: identifier('general'), idempotencyKey: 'er999-once' };
    const first = await stack.gql(LinkIdentifierDocument, { input }, headers);
    expect(first.errors).toBeUndefined();
    expect(onlyError(first.data!.linkIdentifier.userErrors)).toMatchObject({
      code: 'PROVIDER_REJECTED',
      provider: 'BTCDIRECT',
      providerCode: 'ER999',
      hint: 'Contact our support team.',
      retryable: true,
    });
    const retried = await stack.gql(LinkIdentifierDocument, { input }, headers);
    expect(retried.data!.linkIdentifier.userErrors).toEqual([]);
    expect(btc.countCalls('POST', '/api/v2/user/link-identifier')).toBeGreaterThanOrEqual(2);
  });

  it('a deleted user is NOT_FOUND (ER709)', async () => {
    const btc = stack.emulators.btcdirect!;
    btc.store.addUser({ email: 'gone@example.com', password: 'pw-gone', firstName: 'Gus', lastName: 'Gone' });
    const token = await btc.loginUser('gone@example.com', 'pw-gone');
    btc.store.markDeleted('gone@example.com');
    const result = await link(identifier('gone'), { 'x-btcdirect-user-authorization': `Bearer ${token}` });
    expect(result.errors).toBeUndefined();
    expect(onlyError(result.data!.linkIdentifier.userErrors)).toMatchObject({
      code: 'NOT_FOUND',
      provider: 'BTCDIRECT',
      providerCode: 'ER709',
      hint: 'Provide a valid user identifier.',
    });
  });
});

describe('linkIdentifier with an expired user token', () => {
  let stack: Stack;
  beforeAll(async () => {
    // User tokens are born expired.
    stack = await startStackWith({ btcdirect: { userTokenTtlSeconds: -60 } });
  });
  afterAll(() => stack.close());

  it('is USER_TOKEN_INVALID with ER701 and the refresh hint', async () => {
    const token = await stack.emulators.btcdirect!.loginUser(carol.email, carol.btcPassword);
    const result = await stack.gql(LinkIdentifierDocument, { input: { identifier: identifier('expired') } }, { 'x-btcdirect-user-authorization': `Bearer ${token}` });
    expect(result.errors).toBeUndefined();
    expect(onlyError(result.data!.linkIdentifier.userErrors)).toMatchObject({
      code: 'USER_TOKEN_INVALID',
      provider: 'BTCDIRECT',
      providerCode: 'ER701',
      hint: 'Request a new authorization token, or refresh the token.',
    });
  });
});

describe('transport failures stay GraphQL errors, and a write without a key is sent once', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.clearCalls();
    stack.emulators.all.forEach((emulator) => emulator.setFaults(null));
  });

  it('Verato answering 503 once: exactly one linkIdentities call and PROVIDER_UNAVAILABLE', async () => {
    stack.emulators.verato!.setFaults({ status: 503, times: 1, pathPrefix: '/link-ws/svc/linkIdentities' });
    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${alice.crmId}`, secondaryId: `verato:CRM:${bob.crmId}` } });
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'VERATO', retryable: true });
    expect(result.errors![0].message).toBe('Verato is unavailable right now.');
    expect(stack.emulators.verato!.countCalls('POST', '/link-ws/svc/linkIdentities')).toBe(1);
  });

  it('with an idempotency key the same failure is retried, and the write lands once', async () => {
    stack.emulators.verato!.setFaults({ status: 503, times: 1, pathPrefix: '/link-ws/svc/linkIdentities' });
    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${alice.crmId}`, secondaryId: `verato:CRM:${bob.crmId}`, idempotencyKey: 'retry-me-1' } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.linkIdentities).toMatchObject({ linkId: alice.veratoLinkId, userErrors: [] });
    expect(stack.emulators.verato!.countCalls('POST', '/link-ws/svc/linkIdentities')).toBe(2);
  });

  it('Auth0 answering 503 once: one link call, PROVIDER_UNAVAILABLE', async () => {
    stack.emulators.auth0!.setFaults({ status: 503, times: 1, pathPrefix: '/api/v2/users/auth0%7C65a1a1a1a1a1a1a1a1a1a002/identities' });
    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `auth0:${bob.auth0UserId}`, secondaryId: `auth0:${bobWork.userId}` } });
    expect(result.data).toBeNull();
    expect(result.errors![0].extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'AUTH0' });
    expect(stack.emulators.auth0!.countCalls('POST', /\/identities$/)).toBe(1);
  });

  it('Verifa answering 503 once: one merge call, PROVIDER_UNAVAILABLE, nothing merged', async () => {
    stack.emulators.verifa!.setFaults({ status: 503, times: 1, pathPrefix: '/api/v1/identities/merge' });
    const result = await stack.gql(MergeIdentitiesDocument, { input: { primaryId: `verifa:${alice.verifaId}`, secondaryId: `verifa:${carol.verifaId}` } });
    expect(result.data).toBeNull();
    expect(result.errors![0].extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'VERIFA' });
    expect(stack.emulators.verifa!.countCalls('POST', '/api/v1/identities/merge')).toBe(1);
    expect(stack.emulators.verifa!.store.findIdentity(carol.verifaId)!.status).toBe('pending');
  });

  it('Verifa answering 503 once to the unlink DELETE: one DELETE, PROVIDER_UNAVAILABLE', async () => {
    const verifa = stack.emulators.verifa!;
    verifa.store.addRelationship({ source_identity_id: alice.verifaId, related_identity_id: dan.verifaId, relationship_type: 'user_linked' });
    verifa.setFaults({ status: 503, times: 1, pathPrefix: `/api/v1/identities/${alice.verifaId}/relationships/` });
    const result = await stack.gql(UnlinkIdentitiesDocument, { input: { primaryId: `verifa:${alice.verifaId}`, secondaryId: `verifa:${dan.verifaId}` } });
    expect(result.data).toBeNull();
    expect(result.errors![0].extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'VERIFA' });
    expect(verifa.countCalls('DELETE')).toBe(1);
  });

  it('BTC Direct answering 503 once: one link-identifier call, PROVIDER_UNAVAILABLE', async () => {
    const token = await stack.emulators.btcdirect!.loginUser(dan.email, dan.btcPassword);
    stack.emulators.btcdirect!.setFaults({ status: 503, times: 1, pathPrefix: '/api/v2/user/link-identifier' });
    const result = await stack.gql(LinkIdentifierDocument, { input: { identifier: identifier('down') } }, { 'x-btcdirect-user-authorization': `Bearer ${token}` });
    expect(result.data).toBeNull();
    expect(result.errors![0].extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'BTCDIRECT' });
    expect(stack.emulators.btcdirect!.countCalls('POST', '/api/v2/user/link-identifier')).toBe(1);
  });

  it('a 429 is PROVIDER_RATE_LIMITED, still sent once', async () => {
    stack.emulators.verifa!.setFaults({ status: 429, times: 1, retryAfterSeconds: 1, pathPrefix: `/api/v1/identities/${dan.verifaId}/relationships` });
    const result = await stack.gql(CreateRelationshipDocument, { input: { sourceId: `verifa:${dan.verifaId}`, relatedId: `verifa:${alice.verifaId}`, type: 'RELATED_ACCOUNT' } });
    expect(result.data).toBeNull();
    expect(result.errors![0].extensions).toMatchObject({ code: 'PROVIDER_RATE_LIMITED', provider: 'VERIFA', retryable: true });
    expect(stack.emulators.verifa!.countCalls('POST')).toBe(1);
  });
});

describe('Auth0 behind a custom domain (AUTH0_MGMT_AUDIENCE, AUTH0_ID_TOKEN_ISSUER)', () => {
  const CANONICAL_AUDIENCE = 'https://acme.eu.auth0.com/api/v2/';
  const CUSTOM_ISSUER = 'https://login.acme.example/';
  let stack: Stack;
  beforeAll(async () => {
    // The tenant answers on its own URL (AUTH0_BASE_URL) but issues tokens as the custom domain,
    // and its Management API audience is the canonical tenant's.
    const [verato, verifa, auth0, btcdirect] = await Promise.all([
      startVeratoEmulator(),
      startVerifaEmulator(),
      startAuth0Emulator({ issuer: CUSTOM_ISSUER, managementAudience: CANONICAL_AUDIENCE }),
      startBtcDirectEmulator(),
    ]);
    const all = [verato, verifa, auth0, btcdirect];
    stack = await startStackOver(
      { verato, verifa, auth0, btcdirect, all, close: async () => void (await Promise.all(all.map((e) => e.close()))) },
      { env: { AUTH0_MGMT_AUDIENCE: CANONICAL_AUDIENCE, AUTH0_ID_TOKEN_ISSUER: CUSTOM_ISSUER } },
    );
  });
  afterAll(() => stack.close());

  it('asks for the configured audience, and a self-service link passes the ID token issuer check', async () => {
    const auth0 = stack.emulators.auth0!;
    const secondary = auth0.store.addUser({ userId: 'auth0|customdomain000001', email: 'custom.domain@example.com' });
    const headers = {
      authorization: `Bearer ${await stack.token({ sub: carol.auth0UserId, scopes: ['identities:read', 'identities:link'] })}`,
      'x-auth0-user-authorization': `Bearer ${await auth0.mintUserToken(carol.auth0UserId)}`,
    };
    const input = { primaryId: `auth0:${carol.auth0UserId}`, secondaryId: `auth0:${secondary.user_id}`, linkWith: await auth0.mintIdToken(secondary.user_id) };
    const result = await stack.gql(LinkIdentitiesDocument, { input }, headers);
    expect(result.errors).toBeUndefined();
    expect(result.data!.linkIdentities.userErrors).toEqual([]);
    // The payload re-read the primary with the machine token, obtained for the canonical audience.
    expect(result.data!.linkIdentities.primary!.linkedAccounts).toContainEqual({ id: `auth0:${secondary.user_id}`, via: 'PROVIDER_ACCOUNT' });
    const [tokenRequest] = auth0.calls.filter((call) => call.path === '/oauth/token');
    expect(tokenRequest.body).toMatchObject({ grant_type: 'client_credentials', audience: CANONICAL_AUDIENCE });
  });
});
