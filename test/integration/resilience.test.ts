import { DEMO_CREDENTIALS, DEMO_PEOPLE } from '../../src/emulators/seed';
import { startStack, type Stack } from '../support/stack';

const alice = DEMO_PEOPLE[0];
const VERIFA_ALICE = `verifa:${alice.verifaId}`;
const AUTH0_ALICE = `auth0:${alice.auth0UserId}`;
const BOTH = `query Both($verifa: ID!, $auth0: ID!) { v: identity(id: $verifa) { id displayName } a: identity(id: $auth0) { id displayName } }`;
const VERIFA_IDENTITY = '/api/v1/identities';

type Result = Awaited<ReturnType<Stack['gql']>>;
const errorFor = (result: Result, alias: string) => result.errors?.find((error) => error.path?.[0] === alias);

async function metric(stack: Stack, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${stack.subgraph.port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('retries, rate limits and partial results', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { VERIFA_BACKOFF_BASE_MS: '20', VERIFA_BACKOFF_CAP_MS: '50', REQUEST_DEADLINE_MS: '3000' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.clearCalls();
    stack.emulators.all.forEach((emulator) => emulator.setFaults(null));
  });

  it('503 twice then 200: succeeds after 3 calls, and the retries show in /metrics', async () => {
    const retriesBefore = await metric(stack, 'identity_upstream_retries_total', 'provider="verifa"');
    stack.emulators.verifa!.setFaults({ status: 503, times: 2, pathPrefix: VERIFA_IDENTITY });

    const result = await stack.gql(BOTH, { verifa: VERIFA_ALICE, auth0: AUTH0_ALICE });

    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({ v: { displayName: 'Alice Martin' }, a: { displayName: 'Alice Martin' } });
    expect(stack.emulators.verifa!.countCalls('GET', VERIFA_IDENTITY)).toBe(3);
    expect(await metric(stack, 'identity_upstream_retries_total', 'provider="verifa"')).toBe(retriesBefore + 2);
  });

  it('400: one call, a PROVIDER_ERROR for that field, the other provider still answers', async () => {
    stack.emulators.verifa!.setFaults({ status: 400, body: { error: 'validation_error', detail: 'bad', status_code: 400 }, pathPrefix: VERIFA_IDENTITY });

    const result = await stack.gql(BOTH, { verifa: VERIFA_ALICE, auth0: AUTH0_ALICE });

    expect(stack.emulators.verifa!.countCalls('GET', VERIFA_IDENTITY)).toBe(1);
    expect(result.data).toMatchObject({ v: null, a: { displayName: 'Alice Martin' } });
    expect(errorFor(result, 'v')?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'VERIFA', retryable: false });
  });

  it('429 with Retry-After: 1 waits a second and then succeeds', async () => {
    stack.emulators.verifa!.setFaults({ status: 429, retryAfterSeconds: 1, times: 1, pathPrefix: VERIFA_IDENTITY });

    const result = await stack.gql(BOTH, { verifa: VERIFA_ALICE, auth0: AUTH0_ALICE });

    expect(result.errors).toBeUndefined();
    const attempts = stack.emulators.verifa!.calls.filter((call) => call.method === 'GET' && call.path.startsWith(VERIFA_IDENTITY));
    expect(attempts).toHaveLength(2);
    // The retry went out no sooner than the provider asked (times as the emulator recorded them).
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(1000);
  });

  it('429 asking for a wait longer than the deadline fails fast with PROVIDER_RATE_LIMITED', async () => {
    stack.emulators.verifa!.setFaults({ status: 429, retryAfterSeconds: 30, pathPrefix: VERIFA_IDENTITY });

    const retriesBefore = await metric(stack, 'identity_upstream_retries_total', 'provider="verifa"');
    const result = await stack.gql(BOTH, { verifa: VERIFA_ALICE, auth0: AUTH0_ALICE });

    // No wait and no retry: the one refused call is all Verifa saw.
    expect(stack.emulators.verifa!.countCalls('GET', VERIFA_IDENTITY)).toBe(1);
    expect(await metric(stack, 'identity_upstream_retries_total', 'provider="verifa"')).toBe(retriesBefore);
    expect(result.data).toMatchObject({ v: null, a: { displayName: 'Alice Martin' } });
    expect(errorFor(result, 'v')?.extensions).toMatchObject({ code: 'PROVIDER_RATE_LIMITED', provider: 'VERIFA', retryable: true });
  });

  it('Verato down: linkedAccounts still lists the Auth0 logins, with an error for the Verato part', async () => {
    stack.emulators.verato!.setFaults({ status: 500 });

    const result = await stack.gql(`{ identity(id: "${AUTH0_ALICE}") { displayName linkedAccounts { id via } } }`);

    const identity = (result.data as { identity: { linkedAccounts: { via: string }[] } }).identity;
    expect(identity.linkedAccounts.map((a) => a.via)).toEqual(['PROVIDER_ACCOUNT', 'PROVIDER_ACCOUNT']);
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({ path: ['identity', 'linkedAccounts'], extensions: { code: 'PROVIDER_UNAVAILABLE', provider: 'VERATO' } });
  });
});

describe('deadline', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { REQUEST_DEADLINE_MS: '1000', VERIFA_TIMEOUT_MS: '400', VERIFA_BACKOFF_BASE_MS: '10' } });
  });
  afterAll(() => stack.close());

  it('a hanging provider: the answer comes at the deadline, with the other providers\' data', async () => {
    stack.emulators.verifa!.setFaults({ hang: true, pathPrefix: VERIFA_IDENTITY });

    const result = await stack.gql(BOTH, { verifa: VERIFA_ALICE, auth0: AUTH0_ALICE });

    // 1 s of deadline holds at most three 400 ms attempts (the last one cut short by the deadline).
    const attempts = stack.emulators.verifa!.countCalls('GET', VERIFA_IDENTITY);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(3);
    expect(result.data).toMatchObject({ v: null, a: { displayName: 'Alice Martin' } });
    expect(errorFor(result, 'v')?.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'VERIFA', retryable: true });
  });
});

describe('one process through a sequence of provider faults', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: { VERIFA_BACKOFF_BASE_MS: '20', VERIFA_BACKOFF_CAP_MS: '50', REQUEST_DEADLINE_MS: '3000', AUTH0_TIMEOUT_MS: '500' },
    });
  });
  afterAll(() => stack.close());

  it('503, 503, 200 → 429 (Retry-After 1) → Auth0 hanging: each step behaves as it would alone', async () => {
    const verifa = stack.emulators.verifa!;
    const verifaBreaker = stack.subgraph.clients.verifa.transport.resilience;

    // Two blips, then the identity and its relationships: four Verifa calls, two of them failed.
    verifa.setFaults({ status: 503, times: 2, pathPrefix: VERIFA_IDENTITY });
    const afterBlips = await stack.gql(`{ identity(id: "${VERIFA_ALICE}") { displayName relationships(first: 1) { totalCount } } }`);
    expect(afterBlips.errors).toBeUndefined();
    expect(verifa.countCalls('GET', VERIFA_IDENTITY)).toBe(4);

    stack.clearCalls();
    verifa.setFaults({ status: 429, retryAfterSeconds: 1, times: 1, pathPrefix: VERIFA_IDENTITY });
    const afterRateLimit = await stack.gql(BOTH, { verifa: VERIFA_ALICE, auth0: AUTH0_ALICE });
    expect(afterRateLimit.errors).toBeUndefined();
    expect(afterRateLimit.data).toMatchObject({ v: { displayName: 'Alice Martin' } });
    expect(verifa.countCalls('GET', VERIFA_IDENTITY)).toBe(2);
    expect(verifaBreaker.breakerOpen).toBe(false);

    verifa.setFaults(null);
    stack.emulators.auth0!.setFaults({ hang: true, pathPrefix: '/api/v2/users' });
    const auth0Hanging = await stack.gql(BOTH, { verifa: VERIFA_ALICE, auth0: AUTH0_ALICE });
    expect(auth0Hanging.data).toMatchObject({ v: { displayName: 'Alice Martin' }, a: null });
    expect(auth0Hanging.errors).toHaveLength(1);
    expect(errorFor(auth0Hanging, 'a')?.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'AUTH0' });

    stack.emulators.auth0!.setFaults(null);
    const calm = await stack.gql(BOTH, { verifa: VERIFA_ALICE, auth0: AUTH0_ALICE });
    expect(calm.errors).toBeUndefined();
    expect(await metric(stack, 'identity_circuit_breaker_transitions_total', 'state="open"')).toBe(0);
  });
});

describe('credentials fetched through a provider with a single connection slot', () => {
  const dan = DEMO_PEOPLE.find((person) => person.key === 'dan')!;
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        REQUEST_DEADLINE_MS: '3000',
        AUTH0_CONCURRENCY: '1',
        BTCDIRECT_CONCURRENCY: '1',
        BTCDIRECT_API_KEY: '',
        BTCDIRECT_USERNAME: DEMO_CREDENTIALS.btcdirect.username,
        BTCDIRECT_PASSWORD: DEMO_CREDENTIALS.btcdirect.password,
      },
    });
  });
  afterAll(() => stack.close());

  it('Auth0: the management token (client credentials) is fetched, then the read answers', async () => {
    const result = await stack.gql(`{ identity(id: "${AUTH0_ALICE}") { displayName } }`);

    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ identity: { displayName: 'Alice Martin' } });
    expect(stack.emulators.auth0!.countCalls('POST', '/oauth/token')).toBe(1);
  });

  it('BTC Direct: the partner JWT (partner login) is fetched, then the read answers', async () => {
    const result = await stack.gql(`{ identity(id: "btcdirect:${dan.btcIdentifier}") { displayName } }`);

    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ identity: { displayName: `${dan.givenName} ${dan.familyName}` } });
    expect(stack.emulators.btcdirect!.countCalls('POST', '/api/v1/authenticate')).toBe(1);
  });
});

describe('circuit breaker', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        VERIFA_RETRIES: '0',
        VERIFA_BREAKER_WINDOW_MS: '5000',
        VERIFA_BREAKER_MIN_CALLS: '5',
        // Long enough that a loaded machine does not reach half-open before the open-circuit check.
        VERIFA_BREAKER_HALF_OPEN_MS: '3000',
      },
    });
  });
  afterAll(() => stack.close());

  it('opens on a failing provider, stops calling it and answers fast, then half-opens and recovers', async () => {
    const verifa = stack.emulators.verifa!;
    verifa.setFaults({ status: 503, pathPrefix: VERIFA_IDENTITY });

    for (let i = 0; i < 10; i++) await stack.gql(BOTH, { verifa: VERIFA_ALICE, auth0: AUTH0_ALICE });
    const callsWhenOpen = verifa.countCalls('GET', VERIFA_IDENTITY);
    expect(callsWhenOpen).toBeLessThan(10);

    const fast = await stack.gql(BOTH, { verifa: VERIFA_ALICE, auth0: AUTH0_ALICE });
    // An open circuit answers without calling the provider.
    expect(verifa.countCalls('GET', VERIFA_IDENTITY)).toBe(callsWhenOpen);
    expect(fast.data).toMatchObject({ v: null, a: { displayName: 'Alice Martin' } });
    expect(errorFor(fast, 'v')?.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'VERIFA' });
    expect(await metric(stack, 'identity_circuit_breaker_transitions_total', 'state="open"')).toBeGreaterThanOrEqual(1);
    expect((await fetch(`http://127.0.0.1:${stack.subgraph.port}/ready`)).status).toBe(200);

    verifa.setFaults(null);
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const recovered = await stack.gql(BOTH, { verifa: VERIFA_ALICE, auth0: AUTH0_ALICE });
    expect(recovered.errors).toBeUndefined();
    expect(await metric(stack, 'identity_circuit_breaker_transitions_total', 'state="half_open"')).toBeGreaterThanOrEqual(1);
    expect(await metric(stack, 'identity_circuit_breaker_transitions_total', 'state="closed"')).toBeGreaterThanOrEqual(1);
    expect(await metric(stack, 'identity_circuit_breaker_open', 'provider="verifa"')).toBe(0);
  });
});

describe('health and shutdown', () => {
  it('/ready turns 503 when every provider circuit is open, and back to 200 when one closes', async () => {
    const stack = await startStack();
    try {
      const ready = async () => (await fetch(`http://127.0.0.1:${stack.subgraph.port}/ready`)).status;
      const { verato, verifa, auth0, btcdirect } = stack.subgraph.clients;
      const held = [verato, verifa, auth0, btcdirect].map((client) => client.transport.resilience.breaker.isolate());
      expect(await ready()).toBe(503);
      held[0].dispose();
      expect(await ready()).toBe(200);
      held.slice(1).forEach((handle) => handle.dispose());
    } finally {
      await stack.close();
    }
  });

  it('serves /health and /ready, and on stop drains the requests in flight without waiting out the grace period', async () => {
    const stack = await startStack();
    try {
      const base = `http://127.0.0.1:${stack.subgraph.port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect(await (await fetch(`${base}/ready`)).json()).toEqual({ status: 'ready' });
      stack.emulators.verifa!.setFaults({ latencyMs: 300 });
      const inFlight = stack.gql(`{ identity(id: "${VERIFA_ALICE}") { displayName } }`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      // A grace period longer than the test's own timeout: stop() must resolve once the request is done.
      await stack.subgraph.app.stop(600_000);
      const drained = await inFlight;
      expect(drained.data).toEqual({ identity: { displayName: 'Alice Martin' } });
    } finally {
      await stack.close();
    }
  });
});
