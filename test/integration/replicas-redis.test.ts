import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { GetIdentityDocument, LinkIdentitiesDocument } from '../../generated/graphql';
import type { RecordedCall } from '../../src/emulators/harness';
import { DEMO_CREDENTIALS, DEMO_PEOPLE } from '../../src/emulators/seed';
import { describeWithRedis, dumpRedis, eventually, startTestRedis, type TestRedis } from '../support/redis';
import { startReplicas, type Stack } from '../support/stack';

/**
 * Two replicas of the subgraph in this process, over the same four emulators and one Redis (the
 * production shape behind the router): keyed writes go out once for the fleet, the Auth0
 * management token is fetched once for both, a Redis outage refuses keyed writes as retryable,
 * and nothing in Redis reads as a person's data.
 */
describeWithRedis('two replicas sharing one Redis', () => {
  let redis: TestRedis;
  let fleet: Awaited<ReturnType<typeof startReplicas>>;
  let a: Stack;
  let b: Stack;
  let sequence = 0;
  const unique = (prefix: string) => `${prefix}${++sequence}${Date.now().toString(36)}`;

  const LINK_PATH = '/link-ws/svc/linkIdentities';
  const linkWrites = (): RecordedCall[] => fleet.emulators.verato!.calls.filter((call) => call.path === LINK_PATH);
  const twoRecords = () => {
    const verato = fleet.emulators.verato!;
    const primary = verato.store.addSourceRecord({ source: { name: 'CRM', id: unique('RP-A') } });
    const secondary = verato.store.addSourceRecord({ source: { name: 'CRM', id: unique('RP-B') } });
    return { primaryId: `verato:CRM:${primary.source.id}`, secondaryId: `verato:CRM:${secondary.source.id}` };
  };

  beforeAll(async () => {
    redis = await startTestRedis();
    const env = { REDIS_URL: redis.url, CACHE_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    fleet = await startReplicas(2, { env });
    [a, b] = fleet.replicas;
    await Promise.all(fleet.replicas.map((replica) => replica.subgraph.shared.redis!.waitUntilReady(5_000)));
  });
  afterAll(async () => {
    await fleet?.close();
    await redis?.close();
  });

  it('fetches the Auth0 management token once for both replicas', async () => {
    fleet.clearCalls();
    const alice = DEMO_PEOPLE[0];
    const usersCalls = () => fleet.emulators.auth0!.countCalls('GET', '/api/v2/users');
    const first = await a.gql(GetIdentityDocument, { id: `auth0:${alice.auth0UserId}` });
    const afterFirst = usersCalls();
    const second = await b.gql(GetIdentityDocument, { id: `auth0:${DEMO_PEOPLE[1].auth0UserId}` });
    // Both replicas called the Management API, each with a token.
    expect(afterFirst).toBeGreaterThanOrEqual(1);
    expect(usersCalls()).toBeGreaterThan(afterFirst);
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    expect(first.data!.identity).toMatchObject({ email: alice.email });
    expect(fleet.emulators.auth0!.countCalls('POST', '/oauth/token')).toBe(1);
  });

  it('the same key sent to one replica and then the other writes once; the second answers the first outcome', async () => {
    const input = { ...twoRecords(), idempotencyKey: unique('key-') };
    fleet.clearCalls();
    const first = await a.gql(LinkIdentitiesDocument, { input });
    expect(first.data!.linkIdentities.userErrors).toEqual([]);
    const replay = await b.gql(LinkIdentitiesDocument, { input });
    expect(replay.errors).toBeUndefined();
    expect(replay.data!.linkIdentities.linkId).toBe(first.data!.linkIdentities.linkId);
    expect(replay.data!.linkIdentities.userErrors).toEqual([]);
    expect(linkWrites()).toHaveLength(1);
  });

  it('the same key sent to both replicas at the same instant writes once (the other is IN_PROGRESS, then replays)', async () => {
    const verato = fleet.emulators.verato!;
    const input = { ...twoRecords(), idempotencyKey: unique('key-') };
    fleet.clearCalls();
    verato.setFaults({ latencyMs: 300, pathPrefix: LINK_PATH });
    const results = await Promise.all([a.gql(LinkIdentitiesDocument, { input }), b.gql(LinkIdentitiesDocument, { input })]);
    verato.setFaults(null);
    expect(results.map((result) => result.data!.linkIdentities.userErrors.map((error) => error.code)).sort()).toEqual([[], ['IN_PROGRESS']]);
    expect(linkWrites()).toHaveLength(1);

    const winner = results.find((result) => result.data!.linkIdentities.userErrors.length === 0)!;
    const later = await b.gql(LinkIdentitiesDocument, { input });
    expect(later.data!.linkIdentities.linkId).toBe(winner.data!.linkIdentities.linkId);
    expect(linkWrites()).toHaveLength(1);
  });

  it('keeps no person data in plain text in Redis (keys and values)', async () => {
    // Something of every kind is there by now: idempotency outcomes, the provider tokens.
    for (const person of DEMO_PEOPLE.slice(0, 3)) await a.gql(GetIdentityDocument, { id: `auth0:${person.auth0UserId}` });
    const client = new Redis(redis.url, { lazyConnect: true });
    await client.connect();
    try {
      const { keys, values } = await dumpRedis(client);
      expect(keys.length).toBeGreaterThan(0);
      const stored = [...keys.map((key) => Buffer.from(key)), ...values];
      // Full names, not bare given names: a three-letter name turns up by chance in enough ciphertext.
      const secrets = DEMO_PEOPLE.flatMap((person) => [person.email, `${person.givenName} ${person.familyName}`, person.familyName, person.birthDate, person.documentNumber, person.ssn]);
      for (const secret of secrets) {
        const found = stored.filter((value) => value.includes(Buffer.from(secret)) || value.toString('latin1').toLowerCase().includes(secret.toLowerCase()));
        expect({ secret, found: found.length }).toEqual({ secret, found: 0 });
      }
    } finally {
      client.disconnect();
    }
  });

  describe('while Redis is down', () => {
    beforeAll(async () => {
      await redis.stop();
      expect(await eventually(() => fleet.replicas.every((replica) => !replica.subgraph.shared.redis!.ready))).toBe(true);
    });
    afterAll(async () => {
      if (!redis.running) await redis.start();
    });

    it('refuses a keyed mutation as retryable IDEMPOTENCY_UNAVAILABLE, sending nothing', async () => {
      const input = { ...twoRecords(), idempotencyKey: unique('key-') };
      fleet.clearCalls();
      const refused = await a.gql(LinkIdentitiesDocument, { input });
      expect(refused.errors).toBeUndefined();
      expect(refused.data!.linkIdentities).toMatchObject({ linkId: null });
      expect(refused.data!.linkIdentities.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_UNAVAILABLE', field: 'idempotencyKey', retryable: true })]);
      expect(fleet.emulators.all.map((emulator) => emulator.calls.length)).toEqual([0, 0, 0, 0]);
    });

    it('still runs a mutation without a key, and still answers reads', async () => {
      fleet.clearCalls();
      const linked = await b.gql(LinkIdentitiesDocument, { input: twoRecords() });
      expect(linked.errors).toBeUndefined();
      expect(linked.data!.linkIdentities.userErrors).toEqual([]);
      expect(linkWrites()).toHaveLength(1);

      const alice = DEMO_PEOPLE[0];
      const read = await a.gql(GetIdentityDocument, { id: `auth0:${alice.auth0UserId}` });
      expect(read.errors).toBeUndefined();
      expect(read.data!.identity).toMatchObject({ email: alice.email });
    });

    it('takes keyed mutations again once Redis is back, deduplicated across replicas', async () => {
      await redis.start();
      expect(await eventually(() => fleet.replicas.every((replica) => replica.subgraph.shared.redis!.ready), 200)).toBe(true);
      const input = { ...twoRecords(), idempotencyKey: unique('key-') };
      fleet.clearCalls();
      const first = await b.gql(LinkIdentitiesDocument, { input });
      expect(first.data!.linkIdentities.userErrors).toEqual([]);
      const replay = await a.gql(LinkIdentitiesDocument, { input });
      expect(replay.data!.linkIdentities.linkId).toBe(first.data!.linkIdentities.linkId);
      expect(linkWrites()).toHaveLength(1);
    });
  });
});

describeWithRedis('two replicas sharing one Redis, BTC Direct with a partner login', () => {
  let redis: TestRedis;
  let fleet: Awaited<ReturnType<typeof startReplicas>>;

  beforeAll(async () => {
    redis = await startTestRedis();
    const env = {
      REDIS_URL: redis.url,
      CACHE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      BTCDIRECT_API_KEY: '',
      BTCDIRECT_USERNAME: DEMO_CREDENTIALS.btcdirect.username,
      BTCDIRECT_PASSWORD: DEMO_CREDENTIALS.btcdirect.password,
    };
    fleet = await startReplicas(2, { env });
    await Promise.all(fleet.replicas.map((replica) => replica.subgraph.shared.redis!.waitUntilReady(5_000)));
  });
  afterAll(async () => {
    await fleet?.close();
    await redis?.close();
  });

  it('logs in once for both replicas (one partner JWT for the fleet)', async () => {
    fleet.clearCalls();
    const btc = fleet.emulators.btcdirect!;
    const userInfoCalls = () => btc.countCalls('GET', '/api/v1/user/info');
    for (const [replica, person] of [[fleet.replicas[0], DEMO_PEOPLE[0]], [fleet.replicas[1], DEMO_PEOPLE[1]]] as const) {
      const before = userInfoCalls();
      const read = await replica.gql(GetIdentityDocument, { id: `btcdirect:${person.btcIdentifier}` });
      expect(read.errors).toBeUndefined();
      expect(read.data!.identity).not.toBeNull();
      expect(userInfoCalls()).toBeGreaterThan(before);
    }
    expect(btc.countCalls('POST', '/api/v1/authenticate')).toBe(1);
  });
});
