import { randomBytes } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import { startSubgraph, type RunningSubgraph } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { describeWithRedis, startTestRedis, type TestRedis } from '../support/redis';
import { startStack, type Stack } from '../support/stack';
import { startInProcess } from '../support/in-process';

/**
 * The provider-record cache below the loaders, across two replicas (two subgraph processes'
 * worth of wiring over one Redis and the same four emulators): what one replica read costs the
 * other no provider call, a mutation through one is read fresh through the other, errors are not
 * cached, and reads still answer with Redis stopped.
 */

const IDENTITY = 'query ($id: ID!) { identity(id: $id) { id displayName status } }';
const MERGE = `mutation ($input: MergeIdentitiesInput!) {
  mergeIdentities(input: $input) { userErrors { code message } secondary { id status } }
}`;

type Answer = ExecutionResult<{ identity: { id: string; displayName: string | null; status: string } | null }> & { status: number };

async function post(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { ...((await response.json()) as ExecutionResult<never>), status: response.status };
}

describeWithRedis('record cache shared by two replicas over one Redis', () => {
  let redis: TestRedis;
  let stack: Stack;
  let replicaB: RunningSubgraph;
  let token: string;
  const onA = (query: string, variables: Record<string, unknown>) => post(stack.url, token, query, variables);
  const onB = (query: string, variables: Record<string, unknown>) => post(replicaB.url, token, query, variables);
  const verifaGets = (id: string) => stack.emulators.verifa!.countCalls('GET', `/api/v1/identities/${id}`);
  const auth0Gets = (userId: string) => stack.emulators.auth0!.countCalls('GET', `/api/v2/users/${encodeURIComponent(userId)}`);

  beforeAll(async () => {
    redis = await startTestRedis();
    stack = await startStack({
      env: { REDIS_URL: redis.url, CACHE_TTL_SECONDS: '60', CACHE_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
    });
    replicaB = await startSubgraph(loadConfig(stack.env!));
    token = await stack.token();
  });
  afterAll(async () => {
    await replicaB?.close();
    await stack?.close();
    await redis?.close();
  });

  it('a record read through replica A costs no provider call on replica B', async () => {
    const verifa = stack.emulators.verifa!.store.addIdentity({ tags: ['cached'] });
    const auth0 = stack.emulators.auth0!.store.addUser({ userId: 'auth0|cachedacrossreplicas01', email: 'cached.across@example.com' });
    stack.clearCalls();
    const first = await Promise.all([onA(IDENTITY, { id: `verifa:${verifa.id}` }), onA(IDENTITY, { id: `auth0:${auth0.user_id}` })]);
    expect(first.map((answer) => answer.errors)).toEqual([undefined, undefined]);
    expect(verifaGets(verifa.id)).toBe(1);
    expect(auth0Gets(auth0.user_id)).toBe(1);

    const second = await Promise.all([onB(IDENTITY, { id: `verifa:${verifa.id}` }), onB(IDENTITY, { id: `auth0:${auth0.user_id}` })]);
    expect(second.map((answer) => answer.data)).toEqual(first.map((answer) => answer.data));
    expect(verifaGets(verifa.id)).toBe(1);
    expect(auth0Gets(auth0.user_id)).toBe(1);
  });

  it('a mutation through replica A is read fresh through replica B', async () => {
    const primary = stack.emulators.verifa!.store.addIdentity({ tags: ['p'] });
    const secondary = stack.emulators.verifa!.store.addIdentity({ tags: ['s'] });
    const before = await onB(IDENTITY, { id: `verifa:${secondary.id}` });
    expect(before.data!.identity!.status).not.toBe('REDACTED');
    await onB(IDENTITY, { id: `verifa:${secondary.id}` });
    expect(verifaGets(secondary.id)).toBe(1); // cached on B

    const merged = await post(stack.url, token, MERGE, { input: { primaryId: `verifa:${primary.id}`, secondaryId: `verifa:${secondary.id}`, redactSecondary: true } });
    expect(merged.errors).toBeUndefined();
    expect((merged.data as unknown as { mergeIdentities: { userErrors: unknown[] } }).mergeIdentities.userErrors).toEqual([]);

    const after = await onB(IDENTITY, { id: `verifa:${secondary.id}` });
    expect(after.data!.identity!.status).toBe('REDACTED');
  });

  it('does not cache a provider error: the next read asks the provider again', async () => {
    const identity = stack.emulators.verifa!.store.addIdentity({ tags: ['flaky'] });
    stack.emulators.verifa!.setFaults({ status: 503, pathPrefix: `/api/v1/identities/${identity.id}` });
    try {
      const failed = await onA(IDENTITY, { id: `verifa:${identity.id}` });
      expect(failed.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
    } finally {
      stack.emulators.verifa!.setFaults(null);
    }
    const calls = verifaGets(identity.id);
    const ok = await onB(IDENTITY, { id: `verifa:${identity.id}` });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.identity!.id).toBe(`verifa:${identity.id}`);
    expect(verifaGets(identity.id)).toBe(calls + 1);
  });

  it('with Redis stopped, reads still answer straight from the providers', async () => {
    const identity = stack.emulators.verifa!.store.addIdentity({ tags: ['outage'] });
    await redis.stop();
    try {
      for (const read of [onA, onB]) {
        const answer = await read(IDENTITY, { id: `verifa:${identity.id}` });
        expect(answer.errors).toBeUndefined();
        expect(answer.data!.identity!.id).toBe(`verifa:${identity.id}`);
      }
      expect(verifaGets(identity.id)).toBe(2);
    } finally {
      await redis.start();
    }
  });

  it('with Redis stopped, a mutation still answers (its cache invalidation fails and is logged)', async () => {
    const primary = stack.emulators.verifa!.store.addIdentity({ tags: ['p2'] });
    const secondary = stack.emulators.verifa!.store.addIdentity({ tags: ['s2'] });
    await redis.stop();
    try {
      const merged = await onA(MERGE, { input: { primaryId: `verifa:${primary.id}`, secondaryId: `verifa:${secondary.id}`, redactSecondary: true } });
      expect(merged.errors).toBeUndefined();
      expect(merged.data as unknown).toMatchObject({ mergeIdentities: { userErrors: [], secondary: { id: `verifa:${secondary.id}`, status: 'REDACTED' } } });
    } finally {
      await redis.start();
    }
  });
});

describe('record cache TTL per provider (in process)', () => {
  it('<P>_CACHE_TTL_SECONDS=0 turns off that provider\'s cache only; the default caches across requests', async () => {
    const subgraph = await startInProcess({ env: { CACHE_TTL_SECONDS: '60', VERIFA_CACHE_TTL_SECONDS: '0' } });
    try {
      const verifa = subgraph.emulators.verifa!.store.addIdentity({ tags: ['ttl'] });
      const auth0 = subgraph.emulators.auth0!.store.addUser({ userId: 'auth0|ttlcheck000000001', email: 'ttl.check@example.com' });
      for (let i = 0; i < 2; i++) {
        for (const id of [`verifa:${verifa.id}`, `auth0:${auth0.user_id}`]) {
          const answer = await subgraph.execute(IDENTITY, { id });
          expect(answer.errors).toBeUndefined();
        }
      }
      expect(subgraph.emulators.verifa!.countCalls('GET', `/api/v1/identities/${verifa.id}`)).toBe(2);
      expect(subgraph.emulators.auth0!.countCalls('GET', `/api/v2/users/${encodeURIComponent(auth0.user_id)}`)).toBe(1);
    } finally {
      await subgraph.close();
    }
  });
});

describeWithRedis('fleet-wide rate budget (AUTH0_RATE_LIMIT_RPS=5, AUTH0_RATE_LIMIT_BURST=5) over two replicas', () => {
  let redis: TestRedis;
  let stack: Stack;
  let replicaB: RunningSubgraph;
  let token: string;

  beforeAll(async () => {
    redis = await startTestRedis();
    stack = await startStack({
      env: {
        REDIS_URL: redis.url,
        CACHE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        AUTH0_RATE_LIMIT_RPS: '5',
        AUTH0_RATE_LIMIT_BURST: '5',
        REQUEST_DEADLINE_MS: '1500',
        AUTH0_TIMEOUT_MS: '1000',
      },
    });
    replicaB = await startSubgraph(loadConfig(stack.env!));
    token = await stack.token();
  });
  afterAll(async () => {
    await replicaB?.close();
    await stack?.close();
    await redis?.close();
  });

  it('concurrent reads of distinct users on both replicas stay within the budget; each answer is data or PROVIDER_RATE_LIMITED', async () => {
    const users = Array.from({ length: 16 }, (_, i) => stack.emulators.auth0!.store.addUser({ userId: `auth0|budget${String(i).padStart(12, '0')}`, email: `budget${i}@example.com` }));
    stack.clearCalls();
    const answers = await Promise.all(users.map((user, i) => post(i % 2 === 0 ? stack.url : replicaB.url, token, IDENTITY, { id: `auth0:${user.user_id}` })));
    const data = answers.filter((answer) => answer.data?.identity);
    const limited = answers.filter((answer) => answer.errors?.[0]?.extensions?.code === 'PROVIDER_RATE_LIMITED');
    expect(data.length + limited.length).toBe(users.length);
    expect(limited.length).toBeGreaterThan(0);
    for (const answer of limited) {
      expect(answer.errors![0].extensions).toMatchObject({ provider: 'AUTH0', retryable: true });
      expect(answer.errors![0].extensions!.retryAfter).toBeGreaterThanOrEqual(1);
    }
    // A refused read never reached Auth0; every call Auth0 got came out of the one fleet budget
    // (2 calls per one-second window for BURST 5; the 1.5 s deadline spans at most 3 windows).
    const userCalls = stack.emulators.auth0!.countCalls('GET', /^\/api\/v2\/users\//);
    expect(userCalls).toBe(data.length);
    expect(stack.emulators.auth0!.calls.length).toBeLessThanOrEqual(6);
  });
});
