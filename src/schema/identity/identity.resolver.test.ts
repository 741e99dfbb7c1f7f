import type { FormattedExecutionResult } from 'graphql';
import { GetIdentitiesDocument, GetIdentityDocument, GetRelationshipsPageDocument, type GetRelationshipsPageQuery } from '../../../generated/graphql';
import { DEMO_PEOPLE } from '../../emulators/seed';
import { SCOPES } from '../../security/scopes';
import { startInProcess, type InProcessSubgraph } from '../../../test/support/in-process';

/** Queries resolved in process (executeOperation with a real context), against the four emulators. */

const [alice, bob, carol, dan] = DEMO_PEOPLE;
const AUTH0_ALICE = `auth0:${alice.auth0UserId}`;
const VERIFA_ALICE = `verifa:${alice.verifaId}`;
const VERIFA_IDENTITY = '/api/v1/identities/';
const AUTH0_SEARCH = /^\/api\/v2\/users$/;
const VERATO_NATIVE_ID_QUERY = '/link-ws/svc/v2/nativeIdQuery';
const BTCDIRECT_USER_INFO = '/api/v1/user/info';

let subgraph: InProcessSubgraph;
beforeAll(async () => {
  // Fast retries: the fault tests below make providers fail on every attempt.
  const fastRetries = Object.fromEntries(['VERATO', 'VERIFA', 'AUTH0', 'BTCDIRECT'].flatMap((p) => [[`${p}_BACKOFF_BASE_MS`, '1'], [`${p}_BACKOFF_CAP_MS`, '5']]));
  subgraph = await startInProcess({ env: fastRetries });
});
afterAll(() => subgraph.close());
beforeEach(() => subgraph.reset());

const countCalls = (provider: 'verato' | 'verifa' | 'auth0' | 'btcdirect', method: string, path: string | RegExp) => subgraph.emulators[provider]!.countCalls(method, path);

describe('identity(id:)', () => {
  it('reads each provider from its own API, one call each', async () => {
    const ids = {
      verato: `verato:CRM:${bob.crmId}`,
      verifa: `verifa:${bob.verifaId}`,
      auth0: `auth0:${bob.auth0UserId}`,
      btcdirect: `btcdirect:${bob.btcIdentifier}`,
    };
    for (const [provider, id] of Object.entries(ids)) {
      subgraph.reset();
      const result = await subgraph.execute(`query ($id: ID!) { identity(id: $id) { id provider nativeId displayName } }`, { id });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ identity: { id, provider: provider.toUpperCase(), nativeId: id.slice(provider.length + 1), displayName: 'Bob Jansen' } });
      expect(subgraph.emulators.all.filter((emulator) => emulator.calls.length > 0).map((emulator) => emulator.name)).toEqual([provider]);
    }
    expect(countCalls('btcdirect', 'GET', BTCDIRECT_USER_INFO)).toBe(1);
  });

  it("resolves an Auth0 user's linked accounts in every provider, cluster and relationships", async () => {
    const result = await subgraph.execute(GetIdentityDocument, { id: AUTH0_ALICE });

    expect(result.errors).toBeUndefined();
    const identity = result.data!.identity!;
    expect(identity).toMatchObject({ id: AUTH0_ALICE, provider: 'AUTH0', displayName: 'Alice Martin', email: alice.email, status: 'ACTIVE' });
    expect(identity.linkedAccounts.map(({ id, via, provider }) => ({ id, via, provider }))).toEqual([
      { id: `auth0:google-oauth2|${alice.auth0LinkedSocial[0].userId}`, via: 'PROVIDER_ACCOUNT', provider: 'AUTH0' },
      { id: `auth0:github|${alice.auth0LinkedSocial[1].userId}`, via: 'PROVIDER_ACCOUNT', provider: 'AUTH0' },
      { id: VERIFA_ALICE, via: 'VERATO_CLUSTER', provider: 'VERIFA' },
      { id: `btcdirect:${alice.btcIdentifier}`, via: 'VERATO_CLUSTER', provider: 'BTCDIRECT' },
      { id: `verato:CRM:${alice.crmId}`, via: 'VERATO_CLUSTER', provider: 'VERATO' },
    ]);
    const linkedIdentity = Object.fromEntries(identity.linkedAccounts.map((account) => [account.id, account.identity]));
    expect(linkedIdentity[VERIFA_ALICE]).toEqual({ id: VERIFA_ALICE, displayName: 'Alice Martin', status: 'VERIFIED' });
    // A login linked into an Auth0 user has no record of its own.
    expect(linkedIdentity[`auth0:google-oauth2|${alice.auth0LinkedSocial[0].userId}`]).toBeNull();
    expect(identity.cluster!.linkId).toBe(alice.veratoLinkId);
    expect(identity.cluster!.members.map((member) => member.source).sort()).toEqual(['AUTH0', 'BTCDIRECT', 'CRM', 'VERIFA']);
    // Alice's: those of her Verifa identity (her cluster's Verifa member) and of her cluster.
    expect(identity.relationships).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: false } });
    expect(identity.relationships!.nodes).toContainEqual(
      expect.objectContaining({ provider: 'VERATO', type: 'CUSTOM', label: 'is parent of', related: { id: `auth0:${carol.auth0UserId}`, displayName: 'Carol Martin' } }),
    );
    expect(identity.relationships!.nodes).toContainEqual(
      expect.objectContaining({ provider: 'VERIFA', type: 'FAMILY_MEMBER', label: 'family_member', related: { id: `verifa:${carol.verifaId}`, displayName: 'Carol Martin' } }),
    );

    // One upstream round per provider per level: the person, then the linked accounts' identities.
    // Verifa: her identity and her relationships, then the two people they name (Bob, Carol), each once.
    expect(subgraph.emulators.verifa!.calls.map((call) => `${call.method} ${call.path}`).sort()).toEqual([
      `GET ${VERIFA_IDENTITY}${alice.verifaId}`,
      `GET ${VERIFA_IDENTITY}${alice.verifaId}/relationships`,
      `GET ${VERIFA_IDENTITY}${bob.verifaId}`,
      `GET ${VERIFA_IDENTITY}${carol.verifaId}`,
    ]);
    expect(countCalls('btcdirect', 'GET', BTCDIRECT_USER_INFO)).toBe(1);
  });

  it('answers null, without an error, for an id its provider does not know', async () => {
    const result = await subgraph.execute(`{ identity(id: "verifa:idn_doesnotexist") { id } }`);
    expect(result).toEqual({ data: { identity: null } });
    expect(countCalls('verifa', 'GET', `${VERIFA_IDENTITY}idn_doesnotexist`)).toBe(1);
  });

  it.each([
    ['no provider prefix', 'idn_abc', '"<provider>:<nativeId>"'],
    ['an unknown provider', 'okta:00u1', '"<provider>:<nativeId>"'],
    ['a Verifa id outside its grammar', 'verifa:idn_a/b', 'a Verifa id is "verifa:idn_<letters or digits>"'],
    ['a path separator in an Auth0 user id', 'auth0:auth0|a/b', 'may not be "." or ".." nor hold "/"'],
    ['a dot segment for a BTC Direct identifier', 'btcdirect:..', 'a BTC Direct id is "btcdirect:<36-255 letters or digits>"'],
  ])('refuses a malformed id (%s) with BAD_USER_INPUT before any upstream call', async (_case, id, named) => {
    const result = await subgraph.execute(`query ($id: ID!) { identity(id: $id) { id } }`, { id });
    expect(result.data).toEqual({ identity: null });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({ path: ['identity'], extensions: { code: 'BAD_USER_INPUT', field: 'id' } });
    expect(result.errors![0].message).toContain(named);
    expect(subgraph.upstreamCalls()).toBe(0);
  });
});

describe('identities(ids:)', () => {
  it('keeps the order, answers null for unknown ids, and reads each provider once for the whole list', async () => {
    const ids = [`verifa:${carol.verifaId}`, 'verifa:idn_doesnotexist', `btcdirect:${carol.btcIdentifier}`, `verato:CRM:${carol.crmId}`, 'auth0:auth0|nobody', `auth0:${carol.auth0UserId}`, `verifa:${carol.verifaId}`];
    const result = await subgraph.execute(GetIdentitiesDocument, { ids });

    expect(result.errors).toBeUndefined();
    expect(result.data!.identities.map((identity) => identity && [identity.id, identity.provider, identity.displayName])).toEqual([
      [ids[0], 'VERIFA', 'Carol Martin'],
      null,
      [ids[2], 'BTCDIRECT', 'Carol Martin'],
      [ids[3], 'VERATO', 'Carol Martin'],
      null,
      [ids[5], 'AUTH0', 'Carol Martin'],
      [ids[0], 'VERIFA', 'Carol Martin'],
    ]);
    // Duplicates collapse; both Auth0 ids go in one search.
    expect(countCalls('verifa', 'GET', `${VERIFA_IDENTITY}${carol.verifaId}`)).toBe(1);
    expect(countCalls('auth0', 'GET', AUTH0_SEARCH)).toBe(1);
    expect(countCalls('verato', 'POST', VERATO_NATIVE_ID_QUERY)).toBe(1);
  });

  it('refuses the whole list when one id is malformed, naming its index, before any upstream call', async () => {
    const result = await subgraph.execute(GetIdentitiesDocument, { ids: [VERIFA_ALICE, 'bad'] });
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({ path: ['identities'], extensions: { code: 'BAD_USER_INPUT', field: 'ids[1]' } });
    expect(subgraph.upstreamCalls()).toBe(0);
  });
});

describe('relationships', () => {
  type Page = NonNullable<NonNullable<GetRelationshipsPageQuery['identity']>['relationships']>;
  const page = async (variables: { first?: number; after?: string | null; last?: number; before?: string | null }): Promise<Page> => {
    const result: FormattedExecutionResult<GetRelationshipsPageQuery> = await subgraph.execute(GetRelationshipsPageDocument, { id: VERIFA_ALICE, ...variables });
    expect(result.errors).toBeUndefined();
    return result.data!.identity!.relationships!;
  };

  it("pages through the person's relationships forwards with first/after and backwards with last/before, each once", async () => {
    const everything = await page({ first: 100 });
    const total = everything.totalCount!;
    // Her Verifa identity's (family_member, business_associate, same_address) and her cluster's (is parent of).
    expect(everything.edges.map((edge) => edge.node.label).sort()).toEqual(['business_associate', 'family_member', 'is parent of', 'same_address']);
    expect(total).toBe(4);

    const forwards: Page[] = [];
    let after: string | null = null;
    do {
      const next = await page({ first: 1, after });
      expect(next.totalCount).toBe(total);
      expect(next.edges).toHaveLength(1);
      expect(next.pageInfo).toMatchObject({ hasPreviousPage: forwards.length > 0, startCursor: next.edges[0].cursor, endCursor: next.edges[0].cursor });
      forwards.push(next);
      after = next.pageInfo.hasNextPage ? next.pageInfo.endCursor : null;
    } while (after && forwards.length < 10);
    expect(forwards.map((p) => p.edges[0].node.id)).toEqual(everything.edges.map((edge) => edge.node.id));

    const backwards: Page[] = [];
    let before: string | null = null;
    do {
      const previous = await page({ last: 1, before });
      expect(previous.edges).toHaveLength(1);
      expect(previous.pageInfo.hasNextPage).toBe(backwards.length > 0);
      backwards.push(previous);
      before = previous.pageInfo.hasPreviousPage ? previous.pageInfo.startCursor : null;
    } while (before && backwards.length < 10);
    expect(backwards.map((p) => p.edges[0].node.id).reverse()).toEqual(everything.edges.map((edge) => edge.node.id));
    // Edge cursors are the page cursors, and the same whichever way the page was reached.
    expect(backwards.map((p) => p.edges[0].cursor).reverse()).toEqual(everything.edges.map((edge) => edge.cursor));
  });

  it('windows between two cursors, and cuts first then last (Relay)', async () => {
    const everything = await page({ first: 100 });
    const [e0, e1, e2, e3] = everything.edges;
    const between = await page({ after: e0.cursor, before: e3.cursor });
    expect(between.edges.map((edge) => edge.cursor)).toEqual([e1.cursor, e2.cursor]);
    expect(between.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const firstThenLast = await page({ first: 3, last: 1 });
    expect(firstThenLast.edges.map((edge) => edge.cursor)).toEqual([e2.cursor]);
    const pastTheEnd = await page({ first: 2, after: e3.cursor });
    expect(pastTheEnd).toMatchObject({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null } });
  });

  it('lists the Verifa and the Verato relationships of the person for any of their accounts, with the related identity', async () => {
    const result = await subgraph.execute(`{ identity(id: "btcdirect:${dan.btcIdentifier}") { relationships(first: 5) { totalCount nodes { provider type label inverseType related { id displayName } } } } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      identity: {
        relationships: {
          totalCount: 2,
          nodes: [
            { provider: 'VERIFA', type: 'AUTHORIZED_REPRESENTATIVE', label: 'authorized_representative', inverseType: null, related: { id: `verifa:${bob.verifaId}`, displayName: 'Bob Jansen' } },
            { provider: 'VERATO', type: 'CUSTOM', label: 'employs', inverseType: 'is employed by', related: { id: `auth0:${bob.auth0UserId}`, displayName: 'Bob Jansen' } },
          ],
        },
      },
    });
  });

  it.each([
    ['first below 1', 'first: 0', 'first'],
    ['first above 100', 'first: 101', 'first'],
    ['a cursor it did not hand out', 'first: 1, after: "zzz"', 'after'],
    ['last below 1', 'last: 0', 'last'],
    ['last above 100', 'last: 101', 'last'],
    ['a before cursor it did not hand out', 'last: 1, before: "zzz"', 'before'],
  ])('refuses %s with BAD_USER_INPUT on the field, keeping the rest of the identity', async (_case, args, field) => {
    const result = await subgraph.execute(`{ identity(id: "${VERIFA_ALICE}") { id relationships(${args}) { totalCount } } }`);
    expect(result.data).toEqual({ identity: { id: VERIFA_ALICE, relationships: null } });
    expect(result.errors).toMatchObject([{ path: ['identity', 'relationships'], extensions: { code: 'BAD_USER_INPUT', field } }]);
  });
});

describe('cluster', () => {
  it("is the Verato golden record of a Verifa identity's source record, its members named by their provider ids", async () => {
    const result = await subgraph.execute(`{ identity(id: "${VERIFA_ALICE}") { cluster { linkId members { id source state identity { displayName } } } } }`);
    expect(result.errors).toBeUndefined();
    const cluster = (result.data as { identity: { cluster: { linkId: string; members: { id: string; source: string; state: string; identity: { displayName: string } | null }[] } } }).identity.cluster;
    expect(cluster.linkId).toBe(alice.veratoLinkId);
    expect(cluster.members).toEqual(
      expect.arrayContaining([
        { id: AUTH0_ALICE, source: 'AUTH0', state: 'ACTIVE', identity: { displayName: 'Alice Martin' } },
        { id: VERIFA_ALICE, source: 'VERIFA', state: 'ACTIVE', identity: { displayName: 'Alice Martin' } },
        { id: `verato:CRM:${alice.crmId}`, source: 'CRM', state: 'ACTIVE', identity: { displayName: 'Alice Martin' } },
      ]),
    );
  });

  it('is null for an identity Verato does not know', async () => {
    const unclustered = subgraph.emulators.verifa!.store.addIdentity({ tags: [] });
    const result = await subgraph.execute(`{ identity(id: "verifa:${unclustered.id}") { id cluster { linkId } linkedAccounts { id } } }`);
    expect(result).toEqual({ data: { identity: { id: `verifa:${unclustered.id}`, cluster: null, linkedAccounts: [] } } });
  });
});

describe('scopes', () => {
  const PII_QUERY = `{ identity(id: "${VERIFA_ALICE}") { id ssnLast4 birthDate documentNumber } }`;

  it('birthDate and documentNumber need identities:pii: null with a FORBIDDEN error each, the rest resolves', async () => {
    const result = await subgraph.execute(PII_QUERY, undefined, { scopes: [SCOPES.read] });
    expect(result.data).toEqual({ identity: { id: VERIFA_ALICE, ssnLast4: alice.ssn.slice(-4), birthDate: null, documentNumber: null } });
    expect(result.errors!.map((error) => [error.path!.join('.'), error.extensions!.code, error.extensions!.requiredScopes])).toEqual([
      ['identity.birthDate', 'FORBIDDEN', [SCOPES.pii]],
      ['identity.documentNumber', 'FORBIDDEN', [SCOPES.pii]],
    ]);
  });

  it('with identities:pii they resolve (never the full SSN)', async () => {
    const result = await subgraph.execute(PII_QUERY, undefined, { scopes: [SCOPES.read, SCOPES.pii] });
    expect(result).toEqual({ data: { identity: { id: VERIFA_ALICE, ssnLast4: alice.ssn.slice(-4), birthDate: alice.birthDate, documentNumber: alice.documentNumber } } });
    expect(JSON.stringify(result)).not.toContain(alice.ssn);
  });

  it('without identities:read a query is FORBIDDEN with no upstream call', async () => {
    const result = await subgraph.execute(`{ identity(id: "${VERIFA_ALICE}") { id } }`, undefined, { scopes: [SCOPES.pii] });
    expect(result.data).toEqual({ identity: null });
    expect(result.errors).toMatchObject([{ path: ['identity'], extensions: { code: 'FORBIDDEN' } }]);
    expect(subgraph.upstreamCalls()).toBe(0);
  });
});

describe('one provider failing', () => {
  it('Verato down: linkedAccounts still lists the Auth0 logins, with an error for the Verato part of it', async () => {
    subgraph.emulators.verato!.setFaults({ status: 500 });
    const result = await subgraph.execute(`{ identity(id: "${AUTH0_ALICE}") { displayName linkedAccounts { id via } cluster { linkId } } }`);

    expect(result.data).toEqual({
      identity: {
        displayName: 'Alice Martin',
        linkedAccounts: alice.auth0LinkedSocial.map((social) => ({ id: `auth0:${social.connection}|${social.userId}`, via: 'PROVIDER_ACCOUNT' })),
        cluster: null,
      },
    });
    expect(result.errors!.map((error) => [error.path!.join('.'), error.extensions!.code, error.extensions!.provider]).sort()).toEqual([
      ['identity.cluster', 'PROVIDER_UNAVAILABLE', 'VERATO'],
      ['identity.linkedAccounts', 'PROVIDER_UNAVAILABLE', 'VERATO'],
    ]);
  });

  it("Verifa refusing: only the Verifa identity is null, the other providers' fields resolve", async () => {
    subgraph.emulators.verifa!.setFaults({ status: 400, body: { error: 'validation_error', detail: 'bad', status_code: 400 }, pathPrefix: '/api/v1/identities' });
    const result = await subgraph.execute(`{ v: identity(id: "${VERIFA_ALICE}") { id } a: identity(id: "${AUTH0_ALICE}") { displayName } }`);

    expect(result.data).toEqual({ v: null, a: { displayName: 'Alice Martin' } });
    expect(result.errors).toMatchObject([{ path: ['v'], extensions: { code: 'PROVIDER_ERROR', provider: 'VERIFA', retryable: false } }]);
    expect(countCalls('verifa', 'GET', VERIFA_IDENTITY)).toBe(1);
  });
});
