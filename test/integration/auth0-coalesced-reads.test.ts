import { syntheticPerson, plantSyntheticPeople } from '../../src/emulators/synthetic';
import { startStack, type Stack } from '../support/stack';

const IDENTITY = `query One($id: ID!) { identity(id: $id) { id displayName } }`;
const PEOPLE = 6;

describe('Auth0 reads under a rate budget that makes them wait', () => {
  let stack: Stack;
  beforeAll(async () => {
    // One Auth0 call per one-second window: every read after the first waits for the next window.
    stack = await startStack({ env: { AUTH0_RATE_LIMIT_RPS: '1', AUTH0_RATE_LIMIT_BURST: '2', AUTH0_CACHE_TTL_SECONDS: '0', REQUEST_DEADLINE_MS: '8000' } });
    plantSyntheticPeople(stack.emulators, PEOPLE);
    // The management token (it draws from the same budget) is fetched before the measured reads.
    const warm = await stack.gql(IDENTITY, { id: `auth0:${syntheticPerson(0).auth0UserId}` });
    expect(warm.errors).toBeUndefined();
  });
  afterAll(() => stack.close());

  it('concurrent requests for distinct users share the calls that wait: every request answered, far fewer calls than users', async () => {
    stack.clearCalls();
    const people = Array.from({ length: PEOPLE }, (_, i) => syntheticPerson(i));

    const results = await Promise.all(people.map((person) => stack.gql<{ identity: { id: string; displayName: string } }>(IDENTITY, { id: `auth0:${person.auth0UserId}` })));

    results.forEach((result, i) => {
      expect(result.errors).toBeUndefined();
      expect(result.data?.identity).toEqual({ id: `auth0:${people[i].auth0UserId}`, displayName: `${people[i].givenName} ${people[i].familyName}` });
    });
    const userReads = stack.emulators.auth0!.calls.filter((call) => call.method === 'GET' && call.path.startsWith('/api/v2/users'));
    // Without coalescing: one call per user, one per second (six windows). With it: the first
    // read, then one search carrying the users asked while it waited.
    expect(userReads.length).toBeLessThanOrEqual(2);
    expect(userReads.some((call) => call.path === '/api/v2/users')).toBe(true);
  });
});
