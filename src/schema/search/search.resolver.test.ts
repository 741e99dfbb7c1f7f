import { DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS } from '../../emulators/seed';
import { SCOPES } from '../../security/scopes';
import { startInProcess, type InProcessSubgraph } from '../../../test/support/in-process';

/** searchIdentities resolved in process against the emulators. */

const [alice, bob] = DEMO_PEOPLE;
const AUTH0_BY_EMAIL = '/api/v2/users-by-email';
const VERIFA_SEARCH = '/api/v1/identities/search';
const VERATO_SEARCH = '/link-ws/svc/v2/demographicsSearch';

const SEARCH = `query ($input: SearchIdentitiesInput!, $first: Int, $after: String) {
  searchIdentities(input: $input, first: $first, after: $after) {
    totalCount
    edges { cursor node { matchedBy score identity { id } } }
    nodes { matchedBy score identity { id displayName linkedAccounts { id provider } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface SearchData {
  searchIdentities: {
    totalCount: number;
    edges: { cursor: string; node: { matchedBy: string[]; score: number; identity: { id: string } | null } }[];
    nodes: { matchedBy: string[]; score: number; identity: { id: string; displayName: string | null; linkedAccounts: { id: string; provider: string }[] } | null }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  } | null;
}

let subgraph: InProcessSubgraph;
beforeAll(async () => {
  const fastRetries = Object.fromEntries(['VERATO', 'VERIFA', 'AUTH0', 'BTCDIRECT'].flatMap((p) => [[`${p}_BACKOFF_BASE_MS`, '1'], [`${p}_BACKOFF_CAP_MS`, '5']]));
  subgraph = await startInProcess({ env: fastRetries });
});
afterAll(() => subgraph.close());
beforeEach(() => subgraph.reset());

const search = (variables: Record<string, unknown>, scopes?: readonly string[]) => subgraph.execute<SearchData>(SEARCH, variables, scopes ? { scopes } : undefined);

describe('searchIdentities', () => {
  it("finds one person by e-mail, in any case, whose linked accounts are all of theirs", async () => {
    const result = await search({ input: { email: alice.email.toUpperCase() } });

    expect(result.errors).toBeUndefined();
    const connection = result.data!.searchIdentities!;
    expect(connection.totalCount).toBe(1);
    const [node] = connection.nodes;
    expect(node.matchedBy).toEqual(['AUTH0', 'VERIFA', 'VERATO']);
    expect(node.score).toBe(1);
    expect(node.identity!.id).toBe(`auth0:${alice.auth0UserId}`);
    expect(node.identity!.linkedAccounts.map((account) => account.id)).toEqual(
      expect.arrayContaining([`verifa:${alice.verifaId}`, `btcdirect:${alice.btcIdentifier}`, `auth0:google-oauth2|${alice.auth0LinkedSocial[0].userId}`]),
    );
    // One search call per provider; the Auth0 address is sent lower-cased.
    expect(subgraph.emulators.auth0!.countCalls('GET', AUTH0_BY_EMAIL)).toBe(1);
    expect(subgraph.emulators.verifa!.countCalls('POST', VERIFA_SEARCH)).toBe(1);
    expect(subgraph.emulators.verato!.countCalls('POST', VERATO_SEARCH)).toBe(1);
    const auth0Call = subgraph.emulators.auth0!.calls.find((call) => call.path === AUTH0_BY_EMAIL)!;
    expect(auth0Call.query.email).toBe(alice.email);
  });

  it('finds people by name through Verato: one result per cluster, best first', async () => {
    const result = await search({ input: { name: 'Bob Jansen' } });

    expect(result.errors).toBeUndefined();
    const nodes = result.data!.searchIdentities!.nodes;
    // Bob's own cluster and the standalone Auth0 user Verato keeps under its own Link ID.
    expect(nodes.map((node) => node.identity!.id).sort()).toEqual([`auth0:${bob.auth0UserId}`, `auth0:${DEMO_STANDALONE_AUTH0_USERS[0].userId}`].sort());
    expect(nodes.every((node) => node.matchedBy.join() === 'VERATO' && node.score === 1)).toBe(true);
    // Verifa searches names only together with a birth date; Auth0 only by e-mail.
    expect(subgraph.emulators.verifa!.countCalls('POST', VERIFA_SEARCH)).toBe(0);
    expect(subgraph.emulators.auth0!.countCalls('GET', AUTH0_BY_EMAIL)).toBe(0);
  });

  it('name and birth date: Verifa and Verato both match the person', async () => {
    const result = await search({ input: { name: `${alice.givenName} ${alice.familyName}`, birthDate: alice.birthDate } });

    expect(result.errors).toBeUndefined();
    const [best, ...rest] = result.data!.searchIdentities!.nodes;
    expect(best).toMatchObject({ matchedBy: ['VERIFA', 'VERATO'], score: 1, identity: { id: `auth0:${alice.auth0UserId}` } });
    expect(rest.every((node) => node.score < 1)).toBe(true);
  });

  it('birthDate without identities:pii is FORBIDDEN before any upstream call', async () => {
    const result = await search({ input: { birthDate: alice.birthDate } }, [SCOPES.read]);

    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(result.data?.searchIdentities ?? null).toBeNull();
    expect(subgraph.upstreamCalls()).toBe(0);
  });

  it('needs identities:read', async () => {
    const result = await search({ input: { email: alice.email } }, []);
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(subgraph.upstreamCalls()).toBe(0);
  });

  it.each([[{}], [{ email: '  ', name: '' }]])('no criterion (%j) is BAD_USER_INPUT before any upstream call', async (input) => {
    const result = await search({ input });

    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(subgraph.upstreamCalls()).toBe(0);
  });

  it('one provider down: the others still answer, with a located error for the missing one', async () => {
    subgraph.emulators.verifa!.setFaults({ status: 503 });

    const result = await search({ input: { email: alice.email } });

    const connection = result.data!.searchIdentities!;
    expect(connection.nodes).toHaveLength(1);
    expect(connection.nodes[0]).toMatchObject({ matchedBy: ['AUTH0', 'VERATO'], identity: { id: `auth0:${alice.auth0UserId}` } });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({ path: ['searchIdentities'], extensions: { code: 'PROVIDER_UNAVAILABLE', provider: 'VERIFA' } });
  });

  it('pages forwards with first/after and opaque cursors', async () => {
    const all = await search({ input: { name: 'Martin' } });
    expect(all.errors).toBeUndefined();
    const everyone = all.data!.searchIdentities!.nodes.map((node) => node.identity!.id);
    expect(everyone.length).toBeGreaterThanOrEqual(2);

    const seen: string[] = [];
    let after: string | null = null;
    let hasPreviousPage = false;
    for (let page = 0; page < everyone.length; page++) {
      const result = await search({ input: { name: 'Martin' }, first: 1, after });
      expect(result.errors).toBeUndefined();
      const connection = result.data!.searchIdentities!;
      expect(connection.edges).toHaveLength(1);
      expect(connection.pageInfo.hasPreviousPage).toBe(hasPreviousPage);
      expect(connection.pageInfo.startCursor).toBe(connection.edges[0].cursor);
      expect(connection.pageInfo.endCursor).toBe(connection.edges[0].cursor);
      expect(connection.edges[0].cursor).not.toMatch(/offset/);
      seen.push(connection.edges[0].node.identity!.id);
      after = connection.pageInfo.endCursor;
      hasPreviousPage = true;
      expect(connection.pageInfo.hasNextPage).toBe(page < everyone.length - 1);
    }
    expect(seen).toEqual(everyone);

    const bad = await search({ input: { name: 'Martin' }, after: 'not-a-cursor' });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('searchIdentities and the rate budgets', () => {
  let limited: InProcessSubgraph;
  // One Verifa call a second, and a deadline far shorter than the wait for a second token.
  beforeAll(async () => {
    limited = await startInProcess({ env: { VERIFA_RATE_LIMIT_RPS: '1', VERIFA_RATE_LIMIT_BURST: '1', REQUEST_DEADLINE_MS: '800' } });
  });
  afterAll(() => limited.close());

  it("each search spends the provider's budget: the second Verifa search of a request is refused without reaching Verifa", async () => {
    const result = await limited.execute<{ a: { nodes: { matchedBy: string[] }[] }; b: { nodes: { matchedBy: string[] }[] } }>(
      `query ($email: String!) {
        a: searchIdentities(input: { email: $email }) { nodes { matchedBy } }
        b: searchIdentities(input: { email: $email }) { nodes { matchedBy } }
      }`,
      { email: bob.email },
    );

    expect(limited.emulators.verifa!.countCalls('POST', VERIFA_SEARCH)).toBe(1);
    // The refused search still answers with what the other providers gave (on a loaded machine they may miss the short deadline too).
    const refusal = result.errors?.find((error) => error.extensions?.code === 'PROVIDER_RATE_LIMITED');
    expect(refusal).toMatchObject({ extensions: { provider: 'VERIFA' }, path: [expect.stringMatching(/^[ab]$/)] });
    expect(result.data![refusal!.path![0] as 'a' | 'b']).toEqual({ nodes: expect.any(Array) });
  });
});
