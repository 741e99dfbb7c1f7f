import { PROVIDERS } from '../../src/domain/provider-name';
import { seedBenchData, SCENARIOS, totalCalls, zeroCalls, type Calls, type Scenario } from '../../scripts/bench/scenarios';
import { startStack, type Stack } from '../support/stack';

/**
 * Regression guard for the benchmark (`npm run bench`): the upstream calls one request of each
 * benchmark scenario costs, counted in the emulators' call logs. Deterministic, no timing. The
 * minimum per scenario and its derivation live in scripts/bench/scenarios.ts.
 */

async function callsOf(stack: Stack, scenario: Scenario): Promise<Calls> {
  stack.clearCalls();
  const response = await stack.gql(scenario.query, scenario.variables);
  expect(response.status).toBe(200);
  expect(scenario.check(response)).toBeNull();
  const calls = zeroCalls();
  for (const provider of PROVIDERS) calls[provider] = stack.emulators[provider]!.calls.length;
  return calls;
}

async function startSeededStack(loaderOptions?: { batch: boolean; cache: boolean }, env?: Record<string, string>): Promise<Stack> {
  const stack = await startStack({ loaderOptions, env });
  const { verifa, auth0, btcdirect, verato } = stack.emulators;
  seedBenchData({ verifa: verifa!.store, auth0: auth0!.store, btcdirect: btcdirect!.store, verato: verato!.store });
  // The Auth0 management token is fetched once per process, not per request: take it out of the counts.
  await stack.gql('query Warm($id: ID!) { identity(id: $id) { id } }', { id: 'auth0:auth0|bench0000' });
  return stack;
}

describe('benchmark scenarios: upstream calls per request', () => {
  describe('batching and caching on (as deployed)', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startSeededStack();
    });
    afterAll(() => stack.close());

    it.each(SCENARIOS.map((scenario) => [scenario.key, scenario] as const))('%s costs its minimum', async (_key, scenario) => {
      expect(await callsOf(stack, scenario)).toEqual(scenario.minimumCalls);
    });

  });

  // The suites above and below run with the record cache off (CACHE_TTL_SECONDS=0, the stack's
  // default), so they count the path to the providers; this one counts what the cache saves.
  describe('record cache on (CACHE_TTL_SECONDS=60)', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startSeededStack(undefined, { CACHE_TTL_SECONDS: '60' });
    });
    afterAll(() => stack.close());

    it.each(SCENARIOS.map((scenario) => [scenario.key, scenario] as const))('%s read again costs no upstream call', async (_key, scenario) => {
      expect(totalCalls(await callsOf(stack, scenario))).toBeLessThanOrEqual(totalCalls(scenario.minimumCalls));
      expect(await callsOf(stack, scenario)).toEqual(zeroCalls());
    });
  });

  describe('baseline: batching and caching off', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startSeededStack({ batch: false, cache: false });
    });
    afterAll(() => stack.close());

    it.each(SCENARIOS.map((scenario) => [scenario.key, scenario] as const))('%s costs one call per load', async (_key, scenario) => {
      expect(await callsOf(stack, scenario)).toEqual(scenario.baselineCalls);
    });

    it('costs more than batching for every multi-id scenario', () => {
      for (const scenario of SCENARIOS.filter((s) => s.key !== 'person')) {
        expect(totalCalls(scenario.baselineCalls)).toBeGreaterThan(totalCalls(scenario.minimumCalls));
      }
    });
  });
});
