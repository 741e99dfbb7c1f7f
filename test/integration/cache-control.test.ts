import { startStack, type Stack } from '../support/stack';

const ALICE_AUTH0 = 'auth0|65a1a1a1a1a1a1a1a1a1a001';
const ALICE = `auth0:${ALICE_AUTH0}`;
const BOB_VERIFA = 'verifa:idn_bob00000000000002';
const DAN_VERATO = 'verato:CRM:CRM-1004';

/** A TTL per provider, all different, so the header's max-age tells which providers' data the response held. */
const TTLS = { AUTH0_CACHE_TTL_SECONDS: '30', VERIFA_CACHE_TTL_SECONDS: '45', BTCDIRECT_CACHE_TTL_SECONDS: '90', VERATO_CACHE_TTL_SECONDS: '120' };

describe('Cache-Control of GraphQL responses (for the router response cache)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: TTLS });
  });
  afterAll(() => stack.close());

  async function cacheControl(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
    const result = await stack.gql(query, variables, headers);
    return { result, header: result.headers.get('cache-control') };
  }

  it('a read of public fields: max-age of the one provider read, public (also for an authenticated caller)', async () => {
    const { result, header } = await cacheControl(`{ identity(id: "${ALICE}") { id displayName status } }`);
    expect(result.errors).toBeUndefined();
    expect(header).toBe('max-age=30, public');
  });

  it('a read across providers: the smallest TTL of them', async () => {
    const verato = await cacheControl(`{ identity(id: "${DAN_VERATO}") { displayName } }`);
    expect(verato.header).toBe('max-age=120, public');
    // Bob's Verifa identity plus his Verato cluster.
    const both = await cacheControl(`{ identity(id: "${BOB_VERIFA}") { displayName cluster { linkId } } }`);
    expect(both.result.errors).toBeUndefined();
    expect(both.result.data).toMatchObject({ identity: { cluster: { linkId: expect.any(String) } } });
    expect(both.header).toBe('max-age=45, public');
  });

  it('a read with a field behind identities:pii: private', async () => {
    const { result, header } = await cacheControl(`{ identity(id: "${DAN_VERATO}") { displayName birthDate } }`);
    expect(result.errors).toBeUndefined();
    expect(header).toBe('max-age=120, private');
  });

  it('_entities: the TTL of the providers resolved, public unless a pii field is asked (also inside a fragment)', async () => {
    const entities = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Identity { id displayName } } }';
    const publicRead = await cacheControl(entities, { r: [{ __typename: 'Identity', id: ALICE }, { __typename: 'Identity', id: BOB_VERIFA }] });
    expect(publicRead.result.errors).toBeUndefined();
    expect(publicRead.header).toBe('max-age=30, public');

    const personal = await cacheControl(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Identity { id ...Personal } } } fragment Personal on Identity { birthDate }',
      { r: [{ __typename: 'Identity', id: BOB_VERIFA }] },
    );
    expect(personal.result.errors).toBeUndefined();
    expect(personal.header).toBe('max-age=45, private');
  });

  it('a mutation: no-store', async () => {
    const { result, header } = await cacheControl(
      `mutation { linkIdentities(input: { primaryId: "not-an-id", secondaryId: "${ALICE}" }) { userErrors { code } } }`,
    );
    expect(result.data).toMatchObject({ linkIdentities: { userErrors: [{ code: 'INVALID_INPUT' }] } });
    expect(header).toBe('no-store');
  });

  it('errors: no-store (a GraphQL error, a scope the caller lacks, a refused token)', async () => {
    const badId = await cacheControl(`{ identity(id: "nope") { id } }`);
    expect(badId.result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(badId.header).toBe('no-store');

    const readOnly = await stack.token({ scopes: ['identities:read'] });
    const forbidden = await cacheControl(`{ identity(id: "${DAN_VERATO}") { displayName birthDate } }`, undefined, { authorization: `Bearer ${readOnly}` });
    expect(forbidden.result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(forbidden.header).toBe('no-store');

    const refused = await cacheControl(`{ identity(id: "${ALICE}") { id } }`, undefined, { authorization: 'Bearer not-a-token' });
    expect(refused.result.status).toBe(401);
    expect(refused.header).toBe('no-store');
  });
});

describe('Cache-Control with a provider cache turned off', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { ...TTLS, VERATO_CACHE_TTL_SECONDS: '0' } });
  });
  afterAll(() => stack.close());

  it('a response holding that provider`s data is no-store; one without it keeps its max-age', async () => {
    expect((await stack.gql(`{ identity(id: "${BOB_VERIFA}") { displayName cluster { linkId } } }`)).headers.get('cache-control')).toBe('no-store');
    expect((await stack.gql(`{ identity(id: "${BOB_VERIFA}") { displayName } }`)).headers.get('cache-control')).toBe('max-age=45, public');
  });
});
