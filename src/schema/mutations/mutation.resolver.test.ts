import {
  CreateRelationshipDocument,
  LinkIdentifierDocument,
  LinkIdentitiesDocument,
  MergeIdentitiesDocument,
  UnlinkIdentitiesDocument,
  type UserErrorFieldsFragment,
} from '../../../generated/graphql';
import { ERROR_CATALOG, type ErCode } from '../../emulators/btcdirect/errors';
import { DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS } from '../../emulators/seed';
import { SCOPES } from '../../security/scopes';
import { startInProcess, type InProcessSubgraph } from '../../../test/support/in-process';

/**
 * The original five mutations in process (the newer two: write-operations.test.ts) (executeOperation with a real context), against the four
 * emulators: each success payload read fresh after its write, business failures as userErrors,
 * idempotent replays, and the scope rules on the mutation and on its payload's identities.
 * The emulators keep their state across tests: each test uses people the others leave alone.
 */

const [alice, bob, carol, dan] = DEMO_PEOPLE;
const [bobWork] = DEMO_STANDALONE_AUTH0_USERS;
const VERATO = '/link-ws/svc';
const LINK_IDENTIFIER = '/api/v2/user/link-identifier';

/** A partner identifier BTC Direct accepts (36-255 letters or digits), unique per tag. */
const identifier = (tag: string) => `${tag}${'0123456789abcdef'.repeat(4)}`.slice(0, 48);

function onlyError(userErrors: readonly UserErrorFieldsFragment[]): UserErrorFieldsFragment {
  expect(userErrors).toHaveLength(1);
  return userErrors[0];
}

let subgraph: InProcessSubgraph;
beforeAll(async () => {
  subgraph = await startInProcess();
});
afterAll(() => subgraph.close());
beforeEach(() => subgraph.reset());

const verato = () => subgraph.emulators.verato!;
const verifa = () => subgraph.emulators.verifa!;
const btcdirect = () => subgraph.emulators.btcdirect!;
/** Calls that change something in a provider (not reads, not token requests). */
const writes = () =>
  subgraph.emulators.all.flatMap((emulator) =>
    emulator.calls.filter((call) => call.method !== 'GET' && !call.path.startsWith('/oauth/') && !call.path.includes('Query') && !call.path.includes('/login')).map((call) => `${emulator.name} ${call.method} ${call.path}`),
  );

describe('linkIdentities', () => {
  it('Verato + Verato: one link call; the fresh payload shows the shared cluster', async () => {
    const primaryId = `verato:CRM:${bob.crmId}`;
    const secondaryId = `verato:AUTH0:${bobWork.userId}`;
    const result = await subgraph.execute(LinkIdentitiesDocument, { input: { primaryId, secondaryId } });

    expect(result.errors).toBeUndefined();
    const payload = result.data!.linkIdentities;
    expect(payload).toMatchObject({ linkId: bob.veratoLinkId, userErrors: [], primary: { id: primaryId }, secondary: { id: secondaryId }, cluster: { linkId: bob.veratoLinkId } });
    expect(payload.cluster!.members).toContainEqual({ id: `auth0:${bobWork.userId}`, state: 'ACTIVE' });
    expect(payload.primary!.linkedAccounts).toContainEqual({ id: `auth0:${bobWork.userId}`, via: 'VERATO_CLUSTER' });
    expect(writes()).toEqual([`verato POST ${VERATO}/linkIdentities`]);
  });

  it('Verifa + Verifa: a user_linked relationship; linking again is ALREADY_LINKED with Verifa\'s code', async () => {
    const input = { primaryId: `verifa:${dan.verifaId}`, secondaryId: `verifa:${carol.verifaId}` };
    const first = await subgraph.execute(LinkIdentitiesDocument, { input });
    expect(first.errors).toBeUndefined();
    expect(first.data!.linkIdentities).toMatchObject({ linkId: null, userErrors: [], primary: { id: input.primaryId } });
    expect(verifa().store.relationshipsFrom(dan.verifaId).filter((r) => r.relationship_type === 'user_linked').map((r) => r.related_identity_id)).toEqual([carol.verifaId]);

    subgraph.reset();
    const again = await subgraph.execute(LinkIdentitiesDocument, { input });
    expect(again.errors).toBeUndefined();
    expect(again.data!.linkIdentities).toMatchObject({ linkId: null, primary: null, secondary: null, cluster: null });
    expect(onlyError(again.data!.linkIdentities.userErrors)).toMatchObject({ code: 'ALREADY_LINKED', field: 'secondaryId', provider: 'VERIFA', providerCode: 'validation_error', retryable: false });
    expect(writes()).toEqual([`verifa POST /api/v1/identities/${dan.verifaId}/relationships`]);
  });

  it('a combination no provider can do is UNSUPPORTED_OPERATION naming what is supported, without a call', async () => {
    const result = await subgraph.execute(LinkIdentitiesDocument, { input: { primaryId: `btcdirect:${alice.btcIdentifier}`, secondaryId: `btcdirect:${bob.btcIdentifier}` } });
    expect(result.errors).toBeUndefined();
    const error = onlyError(result.data!.linkIdentities.userErrors);
    expect(error).toMatchObject({ code: 'UNSUPPORTED_OPERATION', provider: null, retryable: false });
    expect(error.message).toMatch(/Supported: .*two Verato records.*two Auth0 users.*two Verifa identities.*different providers/);
    expect(subgraph.upstreamCalls()).toBe(0);
  });

  it('without identities:admin a caller links only its own Auth0 user: anything else is a FORBIDDEN userError, without a write', async () => {
    const asCarol = { subject: carol.auth0UserId, scopes: [SCOPES.read, SCOPES.link] };
    const notHers = await subgraph.execute(LinkIdentitiesDocument, { input: { primaryId: `auth0:${alice.auth0UserId}`, secondaryId: `auth0:${bobWork.userId}` } }, asCarol);
    expect(onlyError(notHers.data!.linkIdentities.userErrors)).toMatchObject({ code: 'FORBIDDEN', field: 'primaryId', provider: 'AUTH0' });

    const verato = await subgraph.execute(LinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${carol.crmId}`, secondaryId: `verato:CRM:${dan.crmId}` } }, asCarol);
    expect(onlyError(verato.data!.linkIdentities.userErrors)).toMatchObject({ code: 'FORBIDDEN', field: 'primaryId', provider: null });
    expect(verato.data!.linkIdentities.userErrors[0].message).toContain(SCOPES.admin);
    expect(writes()).toEqual([]);
  });
});

describe('unlinkIdentities', () => {
  it('Verato + Verato: one unlink call; the secondary comes back under a new Link ID', async () => {
    const input = { primaryId: `verato:CRM:${alice.crmId}`, secondaryId: `verato:VERIFA:${alice.verifaId}` };
    const result = await subgraph.execute(UnlinkIdentitiesDocument, { input });

    expect(result.errors).toBeUndefined();
    const payload = result.data!.unlinkIdentities;
    expect(payload.userErrors).toEqual([]);
    expect(payload.primary!.cluster!.linkId).toBe(alice.veratoLinkId);
    expect(payload.secondary!.cluster!.linkId).not.toBe(alice.veratoLinkId);
    expect(payload.primary!.linkedAccounts.map((account) => account.id)).not.toContain(`verifa:${alice.verifaId}`);
    expect(writes()).toEqual([`verato POST ${VERATO}/unlinkIdentities`]);

    subgraph.reset();
    const again = await subgraph.execute(UnlinkIdentitiesDocument, { input });
    expect(again.data!.unlinkIdentities).toMatchObject({ primary: null, secondary: null });
    // Verato's success:false, explained by the records now being in different Link IDs.
    expect(onlyError(again.data!.unlinkIdentities.userErrors)).toMatchObject({ code: 'NOT_LINKED', provider: 'VERATO', providerCode: 'success_false', retryable: false });
  });
});

describe('mergeIdentities', () => {
  it('Verifa dry run: previews the merge from reads only', async () => {
    const result = await subgraph.execute(MergeIdentitiesDocument, {
      input: { primaryId: `verifa:${dan.verifaId}`, secondaryId: `verifa:${alice.verifaId}`, dryRun: true, redactSecondary: true, transfer: { ipLinks: false } },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.mergeIdentities).toMatchObject({
      dryRun: true,
      userErrors: [],
      secondary: { id: `verifa:${alice.verifaId}`, status: 'REDACTED' },
      transferSummary: { sessions: true, screeningChecks: true, faceEmbeddings: true, ipLinks: false, deviceLinks: true },
    });
    expect(result.data!.mergeIdentities.primary!.tags.sort()).toEqual(['business', 'vip']);
    expect(writes()).toEqual([]);
    expect(verifa().store.findIdentity(alice.verifaId)!.status).toBe('approved');
  });

  it('Verifa: one merge call, the secondary MERGED; merging it again is MERGE_NOT_ALLOWED', async () => {
    const primary = verifa().store.addIdentity({ tags: ['a'] });
    const secondary = verifa().store.addIdentity({ tags: ['b'] });
    const input = { primaryId: `verifa:${primary.id}`, secondaryId: `verifa:${secondary.id}`, transfer: { faceEmbeddings: false } };
    const result = await subgraph.execute(MergeIdentitiesDocument, { input });

    expect(result.errors).toBeUndefined();
    expect(result.data!.mergeIdentities).toMatchObject({
      dryRun: false,
      userErrors: [],
      primary: { id: input.primaryId, tags: ['a', 'b'] },
      secondary: { id: input.secondaryId, status: 'MERGED' },
      transferSummary: { faceEmbeddings: false, sessions: true },
    });
    expect(writes()).toEqual(['verifa POST /api/v1/identities/merge']);
    expect(verifa().store.findIdentity(secondary.id)!.status).toBe('merged');

    const again = await subgraph.execute(MergeIdentitiesDocument, { input });
    expect(again.data!.mergeIdentities).toMatchObject({ primary: null, secondary: null, transferSummary: null });
    expect(onlyError(again.data!.mergeIdentities.userErrors)).toMatchObject({ code: 'MERGE_NOT_ALLOWED', field: 'secondaryId', provider: 'VERIFA', providerCode: 'validation_error' });
  });
});

describe('createRelationship', () => {
  it('Verifa: one create call; the payload holds the relationship as Verifa recorded it', async () => {
    const result = await subgraph.execute(CreateRelationshipDocument, {
      input: { sourceId: `verifa:${bob.verifaId}`, relatedId: `verifa:${carol.verifaId}`, type: 'SAME_HOUSEHOLD', note: 'Flatmates', metadata: { since: 2021 } },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.createRelationship).toEqual({
      relationship: { id: expect.stringMatching(/^verifa:rel_/), provider: 'VERIFA', type: 'SAME_HOUSEHOLD', label: 'same_household', note: 'Flatmates', metadata: { since: 2021 }, related: { id: `verifa:${carol.verifaId}` } },
      source: { id: `verifa:${bob.verifaId}` },
      userErrors: [],
    });
    expect(writes()).toEqual([`verifa POST /api/v1/identities/${bob.verifaId}/relationships`]);
  });

  it('Verifa: an unknown related identity is NOT_FOUND', async () => {
    const result = await subgraph.execute(CreateRelationshipDocument, { input: { sourceId: `verifa:${dan.verifaId}`, relatedId: 'verifa:idn_doesnotexist', type: 'FAMILY_MEMBER' } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.createRelationship.relationship).toBeNull();
    expect(onlyError(result.data!.createRelationship.userErrors)).toMatchObject({ code: 'NOT_FOUND', provider: 'VERIFA', providerCode: 'not_found' });
  });

  it('Verato: the verb from customType between the two Link IDs', async () => {
    const result = await subgraph.execute(CreateRelationshipDocument, { input: { sourceId: `verato:CRM:${dan.crmId}`, relatedId: `verato:CRM:${carol.crmId}`, customType: 'is next of kin for' } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.createRelationship).toMatchObject({ userErrors: [], relationship: { provider: 'VERATO', type: 'CUSTOM', label: 'is next of kin for' }, source: { id: `verato:CRM:${dan.crmId}` } });
    expect(result.data!.createRelationship.relationship!.related).not.toBeNull();
    expect(writes()).toEqual([`verato POST ${VERATO}/addRelationshipService`]);
  });

  it('Verato: a verb outside the configured relationship definitions is INVALID_INPUT naming them, with no call', async () => {
    const result = await subgraph.execute(CreateRelationshipDocument, { input: { sourceId: `verato:CRM:${dan.crmId}`, relatedId: `verato:CRM:${carol.crmId}`, customType: 'is neighbour of' } });
    const error = onlyError(result.data!.createRelationship.userErrors);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'customType', provider: 'VERATO' });
    expect(error.message).toContain('"is parent of"');
    expect(subgraph.upstreamCalls()).toBe(0);
  });

  it('with an idempotency key Verifa gets an Idempotency-Key and replays: one relationship for two requests', async () => {
    const input = { sourceId: `verifa:${dan.verifaId}`, relatedId: `verifa:${alice.verifaId}`, type: 'FAMILY_MEMBER', idempotencyKey: 'relationship-once' } as const;
    const before = verifa().store.relationshipsFrom(dan.verifaId).length;
    const first = await subgraph.execute(CreateRelationshipDocument, { input });
    const replay = await subgraph.execute(CreateRelationshipDocument, { input });

    expect(first.data!.createRelationship.userErrors).toEqual([]);
    expect(replay.data).toEqual(first.data);
    expect(verifa().store.relationshipsFrom(dan.verifaId)).toHaveLength(before + 1);
    const keys = verifa().calls.filter((call) => call.method === 'POST').map((call) => call.headers['idempotency-key']);
    expect(keys).toEqual([expect.stringMatching(/^\S{16,}$/), expect.any(String)]);
    // Derived from caller + mutation + key, never the caller's key itself.
    expect(keys[0]).toBe(keys[1]);
    expect(keys[0]).not.toBe(input.idempotencyKey);
  });
});

describe('linkIdentifier', () => {
  let bobToken: string;
  beforeAll(async () => {
    bobToken = await btcdirect().loginUser(bob.email, bob.btcPassword);
  });
  const asBob = () => ({ btcDirectUserAuthorization: `Bearer ${bobToken}` });

  it('links the identifier to the user of the forwarded token; the payload reads that user through it', async () => {
    const fresh = identifier('bobnew');
    const result = await subgraph.execute(LinkIdentifierDocument, { input: { identifier: fresh } }, asBob());
    expect(result).toEqual({ data: { linkIdentifier: { replayed: false, identity: { id: `btcdirect:${fresh}`, displayName: 'Bob Jansen' }, userErrors: [] } } });
    expect(btcdirect().store.ownerOf(fresh)?.email).toBe(bob.email);
    expect(btcdirect().countCalls('POST', LINK_IDENTIFIER)).toBe(1);
  });

  it("an identifier held by another user is IDENTIFIER_IN_USE (ER706) with BTC Direct's solution as hint", async () => {
    const result = await subgraph.execute(LinkIdentifierDocument, { input: { identifier: alice.btcIdentifier } }, asBob());
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
    expect(btcdirect().store.ownerOf(alice.btcIdentifier)?.email).toBe(alice.email);
  });

  it('without a forwarded user token: USER_TOKEN_INVALID (ER700), no call', async () => {
    const result = await subgraph.execute(LinkIdentifierDocument, { input: { identifier: identifier('notoken') } });
    expect(onlyError(result.data!.linkIdentifier.userErrors)).toMatchObject({ code: 'USER_TOKEN_INVALID', provider: 'BTCDIRECT', providerCode: 'ER700', retryable: false });
    expect(subgraph.upstreamCalls()).toBe(0);
  });

  it('idempotency: a replay answers the first result without a call; other input with the key is refused; keys are per caller', async () => {
    const input = { identifier: identifier('replay'), idempotencyKey: 'link-identifier-once' };
    const first = await subgraph.execute(LinkIdentifierDocument, { input }, asBob());
    expect(first.data!.linkIdentifier).toEqual({ replayed: false, identity: { id: `btcdirect:${input.identifier}`, displayName: 'Bob Jansen' }, userErrors: [] });

    const replay = await subgraph.execute(LinkIdentifierDocument, { input }, asBob());
    expect(replay).toEqual({ ...first, data: { linkIdentifier: { ...first.data!.linkIdentifier, replayed: true } } });

    const otherInput = await subgraph.execute(LinkIdentifierDocument, { input: { ...input, identifier: identifier('other') } }, asBob());
    expect(onlyError(otherInput.data!.linkIdentifier.userErrors)).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey', retryable: false });
    expect(btcdirect().countCalls('POST', LINK_IDENTIFIER)).toBe(1);

    // Another caller's same key is its own key: its request is sent (linking the same identifier again is a no-op success).
    const otherCaller = await subgraph.execute(LinkIdentifierDocument, { input }, { ...asBob(), subject: 'another-partner-service' });
    expect(otherCaller.data!.linkIdentifier).toMatchObject({ replayed: false, userErrors: [] });
    expect(btcdirect().countCalls('POST', LINK_IDENTIFIER)).toBe(2);
  });
});

describe('linkIdentifier: what BTC Direct answers', () => {
  let bobToken: string;
  beforeAll(async () => {
    bobToken = await btcdirect().loginUser(bob.email, bob.btcPassword);
  });
  const asBob = () => ({ btcDirectUserAuthorization: `Bearer ${bobToken}` });
  /** A BTC Direct error body with these codes, in this order, with BTC Direct's texts. */
  const erBody = (...codes: ErCode[]) => ({ errors: Object.fromEntries(codes.map((code) => [code, { code, ...ERROR_CATALOG[code] }])) });

  it('a success answered with an empty body, or with text/plain, is a success', async () => {
    const empty = identifier('emptyok');
    expect((await subgraph.execute(LinkIdentifierDocument, { input: { identifier: empty } }, asBob())).data!.linkIdentifier.userErrors).toEqual([]);
    expect(btcdirect().store.ownerOf(empty)?.email).toBe(bob.email);
    btcdirect().answers.linkIdentifierSuccess = 'text';
    try {
      const text = identifier('textok');
      const result = await subgraph.execute(LinkIdentifierDocument, { input: { identifier: text } }, asBob());
      expect(result).toEqual({ data: { linkIdentifier: { replayed: false, identity: { id: `btcdirect:${text}`, displayName: 'Bob Jansen' }, userErrors: [] } } });
    } finally {
      btcdirect().answers.linkIdentifierSuccess = 'empty';
    }
  });

  it('a body with several codes maps by the first actionable one: a general error gives way to ER706', async () => {
    btcdirect().setFaults({ status: 400, body: erBody('ER999', 'ER706'), times: 1, pathPrefix: LINK_IDENTIFIER });
    const result = await subgraph.execute(LinkIdentifierDocument, { input: { identifier: identifier('multi') } }, asBob());
    expect(result.errors).toBeUndefined();
    expect(onlyError(result.data!.linkIdentifier.userErrors)).toMatchObject({ code: 'IDENTIFIER_IN_USE', providerCode: 'ER706', field: 'identifier' });
  });

  it("a body naming the subgraph's own API key anywhere is a PROVIDER_ERROR, not a user error", async () => {
    btcdirect().setFaults({ status: 401, body: erBody('ER702', 'ER805'), times: 1, pathPrefix: LINK_IDENTIFIER });
    const result = await subgraph.execute(LinkIdentifierDocument, { input: { identifier: identifier('keyinbody') } }, asBob());
    expect(result.data).toBeNull();
    expect(result.errors).toMatchObject([{ path: ['linkIdentifier'], extensions: { code: 'PROVIDER_ERROR', provider: 'BTCDIRECT', retryable: false } }]);
  });
});

describe('linkIdentifier with a wrong BTC Direct API key', () => {
  let wrongKey: InProcessSubgraph;
  beforeAll(async () => {
    wrongKey = await startInProcess({ env: { BTCDIRECT_API_KEY: 'wrong-partner-key' } });
  });
  afterAll(() => wrongKey.close());

  it("is a located PROVIDER_ERROR naming BTC Direct, never a userErrors entry, and the key is not in it", async () => {
    const emulator = wrongKey.emulators.btcdirect!;
    const token = await emulator.loginUser(bob.email, bob.btcPassword);
    const input = { identifier: identifier('wrongkey'), idempotencyKey: 'wrong-key-link' };
    const result = await wrongKey.execute(LinkIdentifierDocument, { input }, { btcDirectUserAuthorization: `Bearer ${token}` });
    expect(result.data).toBeNull();
    expect(result.errors).toEqual([
      {
        message: "BTC Direct refused the subgraph's credentials; operators must check the configuration.",
        locations: [expect.objectContaining({ line: expect.any(Number) })],
        path: ['linkIdentifier'],
        extensions: { code: 'PROVIDER_ERROR', provider: 'BTCDIRECT', retryable: false, requestId: expect.any(String) },
      },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/wrong-partner-key|API key/);
    expect(emulator.countCalls('POST', LINK_IDENTIFIER)).toBe(1);
    expect(emulator.store.ownerOf(input.identifier)).toBeUndefined();

    // Nothing was pinned to the key: the same request is sent again (and refused again).
    const again = await wrongKey.execute(LinkIdentifierDocument, { input }, { btcDirectUserAuthorization: `Bearer ${token}` });
    expect(again.errors).toMatchObject([{ extensions: { code: 'PROVIDER_ERROR' } }]);
    expect(emulator.countCalls('POST', LINK_IDENTIFIER)).toBe(2);
  });
});

describe('scopes', () => {
  it('a mutation without its scope is FORBIDDEN as a whole, with no upstream call', async () => {
    const result = await subgraph.execute(LinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${carol.crmId}`, secondaryId: `verato:CRM:${dan.crmId}` } }, { scopes: [SCOPES.read, SCOPES.merge] });
    expect(result.data).toBeNull();
    expect(result.errors).toMatchObject([{ path: ['linkIdentities'], extensions: { code: 'FORBIDDEN' } }]);
    expect(subgraph.upstreamCalls()).toBe(0);
  });

  it("without identities:read the write is made and its userErrors answered, but the payload's identities are null with FORBIDDEN", async () => {
    const result = await subgraph.execute(
      `mutation ($input: CreateRelationshipInput!) { createRelationship(input: $input) { relationship { type related { id } } source { id } userErrors { code } } }`,
      { input: { sourceId: `verifa:${carol.verifaId}`, relatedId: `verifa:${dan.verifaId}`, type: 'BUSINESS_ASSOCIATE' } },
      { scopes: [SCOPES.relationshipsWrite] },
    );
    expect(result.data).toEqual({ createRelationship: { relationship: { type: 'BUSINESS_ASSOCIATE', related: null }, source: null, userErrors: [] } });
    expect(result.errors!.map((error) => [error.path!.join('.'), error.extensions!.code, error.extensions!.requiredScopes]).sort()).toEqual([
      ['createRelationship.relationship.related', 'FORBIDDEN', [SCOPES.read]],
      ['createRelationship.source', 'FORBIDDEN', [SCOPES.read]],
    ]);
    expect(writes()).toEqual([`verifa POST /api/v1/identities/${carol.verifaId}/relationships`]);
    // Nothing was read to fill the withheld identities.
    expect(verifa().countCalls('GET')).toBe(0);
  });
});

describe('transport failures', () => {
  it('Verato answering 503 once: without a key one call and PROVIDER_UNAVAILABLE; with a key it is retried and lands once', async () => {
    const input = { primaryId: `verato:CRM:${carol.crmId}`, secondaryId: `verato:CRM:${dan.crmId}` };
    verato().setFaults({ status: 503, times: 1, pathPrefix: `${VERATO}/linkIdentities` });
    const unkeyed = await subgraph.execute(LinkIdentitiesDocument, { input });
    expect(unkeyed.data).toBeNull();
    expect(unkeyed.errors).toMatchObject([{ path: ['linkIdentities'], message: 'Verato is unavailable right now.', extensions: { code: 'PROVIDER_UNAVAILABLE', provider: 'VERATO', retryable: true } }]);
    expect(verato().countCalls('POST', `${VERATO}/linkIdentities`)).toBe(1);

    subgraph.reset();
    verato().setFaults({ status: 503, times: 1, pathPrefix: `${VERATO}/linkIdentities` });
    const keyed = await subgraph.execute(LinkIdentitiesDocument, { input: { ...input, idempotencyKey: 'retry-me' } });
    expect(keyed.errors).toBeUndefined();
    expect(keyed.data!.linkIdentities).toMatchObject({ linkId: carol.veratoLinkId, userErrors: [] });
    expect(verato().countCalls('POST', `${VERATO}/linkIdentities`)).toBe(2);
  });
});
