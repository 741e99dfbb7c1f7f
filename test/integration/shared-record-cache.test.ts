import { randomBytes } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import { startSubgraph, type RunningSubgraph } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { describeWithRedis, startTestRedis, type TestRedis } from '../support/redis';
import { startStack, type Stack } from '../support/stack';
import type { Emulators } from '../support/emulator-env';
import { startInProcess } from '../support/in-process';
import { DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS } from '../../src/emulators/seed';

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

/** Every call the emulators logged, as `METHOD path body`: a failing expectation names each one. */
function callLines(emulators: Emulators): string[] {
  return emulators.all.flatMap((e) => e.calls.map((c) => `${c.method} ${c.path} ${JSON.stringify(c.body)}`));
}

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
    const other = answers.filter((answer) => !answer.data?.identity && answer.errors?.[0]?.extensions?.code !== "PROVIDER_RATE_LIMITED");
    expect(other.map((answer) => answer.errors?.[0])).toEqual([]);
    expect(data.length + limited.length).toBe(users.length);
    for (const answer of limited) {
      expect(answer.errors![0].extensions).toMatchObject({ provider: 'AUTH0', retryable: true });
      expect(answer.errors![0].extensions!.retryAfter).toBeGreaterThanOrEqual(1);
    }
    // A refused read never reached Auth0 (reads that waited together share one search, so there
    // are at most as many user reads as users answered); every call Auth0 got came out of the one
    // fleet budget: 2 calls per one-second window for BURST 5, over the windows the calls spanned
    // (on a quiet machine the 1.5 s deadline spans 3; a loaded one may start the reads later, never faster).
    const userCalls = stack.emulators.auth0!.countCalls('GET', /^\/api\/v2\/users(\/|$)/);
    expect(userCalls).toBeGreaterThan(0);
    expect(userCalls).toBeLessThanOrEqual(data.length);
    // More users than the budget has calls: each read was refused or shared a call with others.
    expect(userCalls).toBeLessThan(users.length);
    const times = stack.emulators.auth0!.calls.map((call) => call.at);
    const windowsSpanned = Math.ceil((Math.max(...times) - Math.min(...times)) / 1000) + 1;
    expect(times.length).toBeLessThanOrEqual(2 * windowsSpanned);
  });
});

const [alice, bob, carol, dan] = DEMO_PEOPLE;
const [bobWork] = DEMO_STANDALONE_AUTH0_USERS;

/** What a person page reads: the identity, its cluster, its linked accounts' identities, its relationships and who they name. */
const PERSON = `query ($id: ID!) {
  identity(id: $id) {
    id status
    cluster { linkId members { id state } }
    linkedAccounts { id identity { id displayName } }
    relationships(first: 20) { totalCount nodes { type related { id } } }
  }
}`;
const LINK = 'mutation ($input: LinkIdentitiesInput!) { linkIdentities(input: $input) { userErrors { code message } } }';
const UNLINK = 'mutation ($input: UnlinkIdentitiesInput!) { unlinkIdentities(input: $input) { userErrors { code message } } }';
const RELATE = 'mutation ($input: CreateRelationshipInput!) { createRelationship(input: $input) { userErrors { code message } } }';

interface Person {
  id: string;
  status: string;
  cluster: { linkId: string; members: { id: string; state: string }[] } | null;
  linkedAccounts: { id: string; identity: { id: string } | null }[];
  relationships: { totalCount: number | null; nodes: { type: string; related: { id: string } | null }[] } | null;
}

describe('Verato records, clusters and relationship pages in the record cache (in process)', () => {
  const personOf = (answer: { data?: unknown; errors?: unknown }) => {
    expect(answer.errors).toBeUndefined();
    return (answer.data as { identity: Person }).identity;
  };

  it('a person query read moments ago costs no upstream call; with VERATO_CACHE_TTL_SECONDS=0 its Verato reads are made again', async () => {
    const cached = await startInProcess({ env: { CACHE_TTL_SECONDS: '60' } });
    const veratoOff = await startInProcess({ env: { CACHE_TTL_SECONDS: '60', VERATO_CACHE_TTL_SECONDS: '0' } });
    try {
      for (const id of [`verifa:${alice.verifaId}`, `verato:CRM:${bob.crmId}`]) {
        const first = personOf(await cached.execute(PERSON, { id }));
        expect(first.relationships!.nodes.length).toBeGreaterThan(0);
        expect(first.cluster!.members.length).toBeGreaterThan(1);
        cached.reset();
        expect(personOf(await cached.execute(PERSON, { id }))).toEqual(first);
        expect(callLines(cached.emulators)).toEqual([]);

        await veratoOff.execute(PERSON, { id });
        veratoOff.reset();
        expect(personOf(await veratoOff.execute(PERSON, { id }))).toEqual(first);
        expect(veratoOff.emulators.verato!.receivedCalls()).toBeGreaterThan(0);
        // The other providers' records are still cached.
        expect(veratoOff.upstreamCalls()).toBe(veratoOff.emulators.verato!.receivedCalls());
      }
    } finally {
      await cached.close();
      await veratoOff.close();
    }
  });

  it('CACHE_TTL_SECONDS=0: the same person query costs the same upstream calls every time', async () => {
    const off = await startInProcess({ env: { CACHE_TTL_SECONDS: '0' } });
    try {
      const id = `verato:CRM:${bob.crmId}`;
      await off.execute(PERSON, { id });
      const counts: number[] = [];
      for (let i = 0; i < 2; i++) {
        off.reset();
        personOf(await off.execute(PERSON, { id }));
        counts.push(off.upstreamCalls());
      }
      expect(counts[0]).toBeGreaterThan(0);
      expect(counts[1]).toBe(counts[0]);
    } finally {
      await off.close();
    }
  });
});

describeWithRedis('read-your-writes for clusters and relationships across two replicas over one Redis', () => {
  let redis: TestRedis;
  let stack: Stack;
  let replicaB: RunningSubgraph;
  let token: string;
  const onA = (query: string, variables: Record<string, unknown>) => post(stack.url, token, query, variables);
  const onB = (query: string, variables: Record<string, unknown>) => post(replicaB.url, token, query, variables);

  /** Reads a person on B twice: the second read must cost nothing (it is cached), so what follows reads through the cache. */
  async function cachedOnB(id: string): Promise<Person> {
    const first = await onB(PERSON, { id });
    expect(first.errors).toBeUndefined();
    stack.clearCalls();
    const second = await onB(PERSON, { id });
    expect(callLines(stack.emulators)).toEqual([]);
    expect(second.data).toEqual(first.data);
    return (second.data as unknown as { identity: Person }).identity;
  }
  const readOnB = async (id: string) => {
    const answer = await onB(PERSON, { id });
    expect(answer.errors).toBeUndefined();
    return (answer.data as unknown as { identity: Person }).identity;
  };
  async function writeOnA(mutation: string, input: Record<string, unknown>) {
    const answer = await onA(mutation, { input });
    expect(answer.errors).toBeUndefined();
    expect(Object.values(answer.data as unknown as Record<string, { userErrors: unknown[] }>)[0].userErrors).toEqual([]);
  }
  const memberIds = (person: Person) => person.cluster!.members.map((member) => member.id);

  beforeAll(async () => {
    redis = await startTestRedis();
    stack = await startStack({ env: { REDIS_URL: redis.url, CACHE_TTL_SECONDS: '60', CACHE_ENCRYPTION_KEY: randomBytes(32).toString('base64') } });
    replicaB = await startSubgraph(loadConfig(stack.env!));
    token = await stack.token();
  });
  afterAll(async () => {
    await replicaB?.close();
    await stack?.close();
    await redis?.close();
  });

  it('a person query read on A costs B no upstream call', async () => {
    for (const id of [`verifa:${alice.verifaId}`, `verato:CRM:${dan.crmId}`]) {
      const onReplicaA = await onA(PERSON, { id });
      expect(onReplicaA.errors).toBeUndefined();
      stack.clearCalls();
      expect((await onB(PERSON, { id })).data).toEqual(onReplicaA.data);
      // The calls themselves, not their count: a failure names what B had to ask for.
      expect(callLines(stack.emulators)).toEqual([]);
    }
  });

  it('link: another member of the cluster, read on B, shows the linked record', async () => {
    // Bob's Verifa identity is in his cluster, and not named by the mutation.
    const before = await cachedOnB(`verifa:${bob.verifaId}`);
    expect(before.linkedAccounts.map((account) => account.id)).not.toContain(`auth0:${bobWork.userId}`);
    const otherMember = await cachedOnB(`verato:VERIFA:${bob.verifaId}`);
    expect(memberIds(otherMember)).not.toContain(`auth0:${bobWork.userId}`);
    await writeOnA(LINK, { primaryId: `verato:CRM:${bob.crmId}`, secondaryId: `verato:AUTH0:${bobWork.userId}` });
    expect(memberIds(await readOnB(`verato:VERIFA:${bob.verifaId}`))).toContain(`auth0:${bobWork.userId}`);
    expect((await readOnB(`verifa:${bob.verifaId}`)).linkedAccounts.map((account) => account.id)).toContain(`auth0:${bobWork.userId}`);
  });

  it('unlink: another member of the cluster, read on B, no longer lists the unlinked record', async () => {
    const otherMember = await cachedOnB(`verato:AUTH0:${alice.auth0UserId}`);
    expect(memberIds(otherMember)).toContain(`verifa:${alice.verifaId}`);
    await writeOnA(UNLINK, { primaryId: `verato:CRM:${alice.crmId}`, secondaryId: `verato:VERIFA:${alice.verifaId}` });
    expect(memberIds(await readOnB(`verato:AUTH0:${alice.auth0UserId}`))).not.toContain(`verifa:${alice.verifaId}`);
    expect((await readOnB(`verato:VERIFA:${alice.verifaId}`)).cluster!.linkId).not.toBe(otherMember.cluster!.linkId);
  });

  it('merge: the merged record, read on B, shows its new status', async () => {
    const secondary = `verato:CRM:${dan.crmId}`;
    expect((await cachedOnB(secondary)).status).not.toBe('MERGED');
    await writeOnA(MERGE, { primaryId: `verato:CRM:${carol.crmId}`, secondaryId: secondary });
    expect((await readOnB(secondary)).status).toBe('MERGED');
  });

  it('relationship create (Verato and Verifa): the source, read on B, lists the new edge', async () => {
    const veratoSource = `verato:CRM:${bob.crmId}`;
    const veratoBefore = await cachedOnB(veratoSource);
    await writeOnA(RELATE, { sourceId: veratoSource, relatedId: `verato:CRM:${alice.crmId}`, customType: 'is sibling to' });
    expect((await readOnB(veratoSource)).relationships!.nodes.length).toBe(veratoBefore.relationships!.nodes.length + 1);

    const verifaSource = `verifa:${dan.verifaId}`;
    const relatedId = `verifa:${stack.emulators.verifa!.store.addIdentity({ tags: ['related'] }).id}`;
    const verifaBefore = await cachedOnB(verifaSource);
    expect(verifaBefore.relationships!.nodes.map((node) => node.related?.id)).not.toContain(relatedId);
    await writeOnA(RELATE, { sourceId: verifaSource, relatedId, type: 'FAMILY_MEMBER' });
    expect((await readOnB(verifaSource)).relationships!.nodes.map((node) => node.related?.id)).toContain(relatedId);
  });
});
