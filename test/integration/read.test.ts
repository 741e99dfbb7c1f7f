import { GetIdentitiesDocument, GetIdentityDocument, GetRelationshipsPageDocument } from '../../generated/graphql';
import { DEMO_PEOPLE } from '../../src/emulators/seed';
import { startStack, type Stack } from '../support/stack';

const alice = DEMO_PEOPLE[0];
const carol = DEMO_PEOPLE[2];

describe('reading one person across the four providers', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it("resolves an Auth0 user's profile, linked accounts in every provider, cluster and relationships", async () => {
    const result = await stack.gql(GetIdentityDocument, { id: `auth0:${alice.auth0UserId}` });

    expect(result.errors).toBeUndefined();
    const identity = result.data!.identity!;
    expect(identity).toMatchObject({ provider: 'AUTH0', displayName: 'Alice Martin', email: alice.email, status: 'ACTIVE' });
    const linked = Object.fromEntries(identity.linkedAccounts.map((account) => [account.id, account]));
    expect(linked[`auth0:google-oauth2|${alice.auth0LinkedSocial[0].userId}`]).toMatchObject({ via: 'PROVIDER_ACCOUNT', connection: 'google-oauth2', isSocial: true });
    expect(linked[`verifa:${alice.verifaId}`]).toMatchObject({ via: 'VERATO_CLUSTER', provider: 'VERIFA', identity: { displayName: 'Alice Martin', status: 'VERIFIED' } });
    expect(linked[`btcdirect:${alice.btcIdentifier}`]?.identity).toMatchObject({ displayName: 'Alice Martin' });
    expect(linked[`verato:CRM:${alice.crmId}`]?.identity).toMatchObject({ displayName: 'Alice Martin' });
    expect(identity.cluster).toMatchObject({ linkId: alice.veratoLinkId });
    expect(identity.cluster!.members.map((m) => m.source).sort()).toEqual(['AUTH0', 'BTCDIRECT', 'CRM', 'VERIFA']);
    // Hers, not only her Auth0 account's: her Verifa identity's three and her cluster's one.
    expect(identity.relationships!.totalCount).toBe(4);
    expect(identity.relationships!.nodes).toContainEqual(
      expect.objectContaining({ provider: 'VERATO', type: 'CUSTOM', label: 'is parent of', related: expect.objectContaining({ displayName: 'Carol Martin' }) }),
    );
  });

  it("lists a person's relationships in pages, over HTTP", async () => {
    const firstPage = await stack.gql(GetRelationshipsPageDocument, { id: `verifa:${alice.verifaId}`, first: 1 });
    expect(firstPage.errors).toBeUndefined();
    const connection = firstPage.data!.identity!.relationships!;
    expect(connection.edges).toHaveLength(1);
    expect(connection.pageInfo.hasNextPage).toBe(true);
    const total = connection.totalCount!;
    expect(total).toBeGreaterThanOrEqual(3);

    const seen = [connection.edges[0].node.id];
    let after = connection.pageInfo.endCursor;
    while (after) {
      const next = await stack.gql(GetRelationshipsPageDocument, { id: `verifa:${alice.verifaId}`, first: 2, after });
      const page = next.data!.identity!.relationships!;
      seen.push(...page.edges.map((edge) => edge.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    }
    expect(new Set(seen).size).toBe(total);
  });

  it('keeps the order of identities(ids:) and answers null for ids no provider knows', async () => {
    const ids = [`verifa:${carol.verifaId}`, 'verifa:idn_doesnotexist', `btcdirect:${carol.btcIdentifier}`, `verato:CRM:${carol.crmId}`, 'auth0:auth0|nobody'];
    const result = await stack.gql(GetIdentitiesDocument, { ids });
    expect(result.errors).toBeUndefined();
    expect(result.data!.identities.map((identity) => identity?.id ?? null)).toEqual([ids[0], null, ids[2], ids[3], null]);
  });

  it('rejects a malformed id with BAD_USER_INPUT naming the expected form, before any upstream call', async () => {
    stack.clearCalls();
    const result = await stack.gql(GetIdentityDocument, { id: 'idn_abc' });
    expect(result.data?.identity).toBeNull();
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(result.errors![0].message).toContain('"<provider>:<nativeId>"');
    expect(stack.emulators.all.reduce((n, e) => n + e.calls.length, 0)).toBe(0);
  });

  it('resolves entity references through the loaders (_entities) and serves its SDL with the @key', async () => {
    const result = await stack.gql(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Identity { id displayName } } _service { sdl } }`,
      { representations: [{ __typename: 'Identity', id: `verifa:${alice.verifaId}` }, { __typename: 'Identity', id: `auth0:${carol.auth0UserId}` }] },
    );
    expect(result.errors).toBeUndefined();
    const data = result.data as { _entities: { displayName: string }[]; _service: { sdl: string } };
    expect(data._entities.map((e) => e.displayName)).toEqual(['Alice Martin', 'Carol Martin']);
    expect(data._service.sdl).toContain('type Identity\n  @key(fields: "id")');
  });
});
