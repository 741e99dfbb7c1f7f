import { DEMO_PEOPLE } from '../emulators/seed';
import { SCOPES } from '../security/scopes';
import { startInProcess, type InProcessSubgraph } from '../../test/support/in-process';

/** Entity resolution (`_entities`, what the router sends) in process, against the four emulators. */

const [alice, bob, carol] = DEMO_PEOPLE;
const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Identity { id provider displayName } } }`;
const identity = (id: string) => ({ __typename: 'Identity', id });

type Entities = { _entities: ({ id: string; provider: string; displayName: string } | null)[] };

let subgraph: InProcessSubgraph;
beforeAll(async () => {
  subgraph = await startInProcess();
});
afterAll(() => subgraph.close());
beforeEach(() => subgraph.reset());

describe('_entities', () => {
  it("resolves a representation of each provider, in order, through that provider's loader", async () => {
    const ids = [`verato:CRM:${alice.crmId}`, `verifa:${alice.verifaId}`, `auth0:${carol.auth0UserId}`, `btcdirect:${bob.btcIdentifier}`];
    const result = await subgraph.execute<Entities>(ENTITIES, { representations: ids.map(identity) });

    expect(result.errors).toBeUndefined();
    expect(result.data!._entities).toEqual([
      { id: ids[0], provider: 'VERATO', displayName: 'Alice Martin' },
      { id: ids[1], provider: 'VERIFA', displayName: 'Alice Martin' },
      { id: ids[2], provider: 'AUTH0', displayName: 'Carol Martin' },
      { id: ids[3], provider: 'BTCDIRECT', displayName: 'Bob Jansen' },
    ]);
  });

  it('puts every representation of one request in one loader batch: one Auth0 search for three users', async () => {
    const ids = DEMO_PEOPLE.slice(0, 3).map((person) => `auth0:${person.auth0UserId}`);
    const result = await subgraph.execute<Entities>(ENTITIES, { representations: [...ids, ids[0]].map(identity) });

    expect(result.errors).toBeUndefined();
    expect(result.data!._entities.map((entity) => entity?.id)).toEqual([...ids, ids[0]]);
    expect(subgraph.emulators.auth0!.countCalls('GET', /^\/api\/v2\/users$/)).toBe(1);
  });

  it('answers null, without an error, for ids their provider does not know', async () => {
    const result = await subgraph.execute<Entities>(ENTITIES, {
      representations: [identity('verifa:idn_doesnotexist'), identity(`verifa:${carol.verifaId}`), identity('auth0:auth0|nobody'), identity('verato:CRM:CRM-404')],
    });
    expect(result).toEqual({
      data: { _entities: [null, { id: `verifa:${carol.verifaId}`, provider: 'VERIFA', displayName: 'Carol Martin' }, null, null] },
    });
  });

  it('a malformed id is null with BAD_USER_INPUT at its index; the other representations resolve', async () => {
    const result = await subgraph.execute<Entities>(ENTITIES, { representations: [identity(`verifa:${bob.verifaId}`), identity('nonsense')] });

    expect(result.data!._entities).toEqual([{ id: `verifa:${bob.verifaId}`, provider: 'VERIFA', displayName: 'Bob Jansen' }, null]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({ path: ['_entities', 1], extensions: { code: 'BAD_USER_INPUT', field: 'id' } });
    expect(result.errors![0].message).toContain('"<provider>:<nativeId>"');
  });

  it('without identities:read each representation is FORBIDDEN, with no upstream read', async () => {
    const result = await subgraph.execute<Entities>(ENTITIES, { representations: [identity(`verifa:${alice.verifaId}`), identity(`auth0:${alice.auth0UserId}`)] }, { scopes: [SCOPES.link, SCOPES.pii] });

    expect(result.data).toEqual({ _entities: [null, null] });
    expect(result.errors!.map((error) => [error.path!.join('.'), error.extensions!.code, error.extensions!.requiredScopes])).toEqual([
      ['_entities.0', 'FORBIDDEN', [SCOPES.read]],
      ['_entities.1', 'FORBIDDEN', [SCOPES.read]],
    ]);
    expect(subgraph.upstreamCalls()).toBe(0);
  });

  it('field scopes hold on entities too: birthDate needs identities:pii', async () => {
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Identity { id birthDate } } }`;
    const representations = [identity(`verifa:${alice.verifaId}`)];

    const readOnly = await subgraph.execute(query, { representations }, { scopes: [SCOPES.read] });
    expect(readOnly.data).toEqual({ _entities: [{ id: `verifa:${alice.verifaId}`, birthDate: null }] });
    expect(readOnly.errors).toMatchObject([{ path: ['_entities', 0, 'birthDate'], extensions: { code: 'FORBIDDEN', requiredScopes: [SCOPES.pii] } }]);

    const withPii = await subgraph.execute(query, { representations }, { scopes: [SCOPES.read, SCOPES.pii] });
    expect(withPii).toEqual({ data: { _entities: [{ id: `verifa:${alice.verifaId}`, birthDate: alice.birthDate }] } });
  });

  it('serves the subgraph SDL with the @key', async () => {
    const result = await subgraph.execute<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(result.errors).toBeUndefined();
    expect(result.data!._service.sdl).toContain('type Identity\n  @key(fields: "id")');
  });
});
