import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RecordedCall } from '../../src/emulators/harness';
import { DEMO_PEOPLE } from '../../src/emulators/seed';
import { syntheticPerson } from '../../src/emulators/synthetic';
import { loadDevIssuer } from '../../src/security/dev-issuer';
import { ALL_SCOPES } from '../../src/security/scopes';
import { buildIfStale, envFromEmulatorOutput, startBuilt, type BuiltProcess } from '../support/processes';
import { describeWithRedis, dumpRedis, startTestRedis, type TestRedis } from '../support/redis';

/**
 * The production shape from outside: two subgraph processes (`node dist/src/index.js`, as
 * `npm start` runs it), one redis-server, and the provider emulators in a third process (as
 * `npm run emulators` runs them), observed only through HTTP: the replicas' GraphQL endpoints and
 * the emulators' call logs (GET /__emulator/calls).
 */

const SYNTHETIC_PEOPLE = 400;
const RATE = { rps: 5, burst: 5 };
const BURST_SECONDS = 3;

const IDENTITY = 'query ($id: ID!) { identity(id: $id) { id displayName status } }';
const LINK = `mutation ($input: LinkIdentitiesInput!) {
  linkIdentities(input: $input) { linkId userErrors { code field retryable message } }
}`;
const MERGE = `mutation ($input: MergeIdentitiesInput!) {
  mergeIdentities(input: $input) { userErrors { code message } }
}`;

interface Answer {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

describeWithRedis('two subgraph processes, one Redis, the emulators in a third process', () => {
  let redis: TestRedis;
  let emulatorProcess: BuiltProcess;
  const replicas: { process: BuiltProcess; url: string }[] = [];
  let providerUrls: Record<'verato' | 'verifa' | 'auth0' | 'btcdirect', string>;
  let token: string;

  const gql = async (replica: number, query: string, variables: Record<string, unknown>): Promise<Answer> => {
    const response = await fetch(replicas[replica].url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Answer;
  };
  const calls = async (provider: keyof typeof providerUrls): Promise<RecordedCall[]> => (await fetch(`${providerUrls[provider]}/__emulator/calls`)).json() as Promise<RecordedCall[]>;
  const clearCalls = () => Promise.all(Object.values(providerUrls).map((origin) => fetch(`${origin}/__emulator/calls`, { method: 'DELETE' })));
  const allCalls = async () => (await Promise.all((Object.keys(providerUrls) as (keyof typeof providerUrls)[]).map(calls))).flat();
  const setFaults = (provider: keyof typeof providerUrls, plan: object | null) =>
    fetch(`${providerUrls[provider]}/__emulator/faults`, plan ? { method: 'PUT', body: JSON.stringify(plan) } : { method: 'DELETE' });
  const linkWrites = async () => (await calls('verato')).filter((call) => call.method === 'POST' && call.path.endsWith('/linkIdentities'));

  // Each test takes its own synthetic people (each in a Verato cluster of its own).
  let nextPerson = 0;
  const takePerson = () => syntheticPerson(nextPerson++);

  beforeAll(async () => {
    buildIfStale();
    redis = await startTestRedis();
    emulatorProcess = startBuilt('dist/scripts/emulators.js', ['--port-base', '0', '--synthetic-people', String(SYNTHETIC_PEOPLE)], {});
    await emulatorProcess.waitFor(/Caller tokens for that issuer/);
    const env = envFromEmulatorOutput(emulatorProcess.output().stdout);
    const origin = (url: string) => new URL(url).origin;
    providerUrls = { verato: origin(env.VERATO_BASE_URL), verifa: origin(env.VERIFA_BASE_URL), auth0: origin(env.AUTH0_BASE_URL), btcdirect: origin(env.BTCDIRECT_BASE_URL) };
    const replicaEnv = {
      ...env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info', // for the "identity subgraph ready" line (the banner is only printed with embedded emulators)
      HOST: '127.0.0.1',
      PORT: '0',
      REDIS_URL: redis.url,
      CACHE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      AUTH0_RATE_LIMIT_RPS: String(RATE.rps),
      AUTH0_RATE_LIMIT_BURST: String(RATE.burst),
    };
    for (let i = 0; i < 2; i++) {
      const started = startBuilt('dist/src/index.js', [], replicaEnv);
      const [, url] = await started.waitFor(/"graphql":"(http:\/\/localhost:\d+\/graphql)"/);
      replicas.push({ process: started, url: url.replace('localhost', '127.0.0.1') });
    }
    const issuer = await loadDevIssuer();
    token = await issuer.mint({ sub: DEMO_PEOPLE[0].auth0UserId, scope: ALL_SCOPES.join(' ') });
  }, 240_000);

  afterAll(async () => {
    await Promise.all([...replicas.map((replica) => replica.process.stop()), emulatorProcess?.stop()]);
    await redis?.close();
  }, 30_000);

  it('a record read through replica A costs replica B no upstream call', async () => {
    const person = takePerson();
    const ids = [`verifa:${person.verifaId}`, `auth0:${person.auth0UserId}`, `btcdirect:${person.btcIdentifier}`];
    await clearCalls();
    const first = await Promise.all(ids.map((id) => gql(0, IDENTITY, { id })));
    expect(first.map((answer) => answer.errors)).toEqual(ids.map(() => undefined));
    expect(first.map((answer) => answer.data!.identity.id)).toEqual(ids);
    expect((await allCalls()).filter((call) => !call.path.includes('token') && !call.path.includes('authenticate')).length).toBeGreaterThanOrEqual(ids.length);

    await clearCalls();
    const second = await Promise.all(ids.map((id) => gql(1, IDENTITY, { id })));
    expect(second).toEqual(first);
    expect(await allCalls()).toEqual([]);
  });

  it('a write through replica A is read fresh through replica B', async () => {
    const [primary, secondary] = [takePerson(), takePerson()];
    const secondaryId = `verifa:${secondary.verifaId}`;
    const before = await gql(1, IDENTITY, { id: secondaryId });
    expect(before.data!.identity.status).not.toBe('REDACTED');
    await clearCalls();
    expect(await gql(1, IDENTITY, { id: secondaryId })).toEqual(before);
    expect(await allCalls()).toEqual([]); // cached on B

    const merged = await gql(0, MERGE, { input: { primaryId: `verifa:${primary.verifaId}`, secondaryId, redactSecondary: true } });
    expect(merged.errors).toBeUndefined();
    expect(merged.data!.mergeIdentities.userErrors).toEqual([]);

    const after = await gql(1, IDENTITY, { id: secondaryId });
    expect(after.data!.identity.status).toBe('REDACTED');
  });

  it('the same idempotencyKey sent to A and then to B writes once upstream; B replays the outcome', async () => {
    const input = { primaryId: `verato:CRM:${takePerson().crmId}`, secondaryId: `verato:CRM:${takePerson().crmId}`, idempotencyKey: `seq-${randomBytes(6).toString('hex')}` };
    await clearCalls();
    const first = await gql(0, LINK, { input });
    expect(first.errors).toBeUndefined();
    expect(first.data!.linkIdentities.userErrors).toEqual([]);
    const replay = await gql(1, LINK, { input });
    expect(replay.errors).toBeUndefined();
    expect(replay.data!.linkIdentities).toEqual(first.data!.linkIdentities);
    expect(await linkWrites()).toHaveLength(1);
  });

  it('the same idempotencyKey sent to A and B at the same instant writes once upstream', async () => {
    const input = { primaryId: `verato:CRM:${takePerson().crmId}`, secondaryId: `verato:CRM:${takePerson().crmId}`, idempotencyKey: `par-${randomBytes(6).toString('hex')}` };
    await clearCalls();
    // The write takes a while upstream, so both requests are in flight together.
    await setFaults('verato', { latencyMs: 500, pathPrefix: '/link-ws/svc/linkIdentities' });
    let results: Answer[];
    try {
      results = await Promise.all([gql(0, LINK, { input }), gql(1, LINK, { input })]);
    } finally {
      await setFaults('verato', null);
    }
    expect(results.map((result) => result.errors)).toEqual([undefined, undefined]);
    expect(results.map((result) => result.data!.linkIdentities.userErrors.map((error: { code: string }) => error.code)).sort()).toEqual([[], ['IN_PROGRESS']]);
    expect(await linkWrites()).toHaveLength(1);

    const winner = results.find((result) => result.data!.linkIdentities.userErrors.length === 0)!;
    const later = await gql(0, LINK, { input });
    expect(later.data!.linkIdentities.linkId).toBe(winner.data!.linkIdentities.linkId);
    expect(await linkWrites()).toHaveLength(1);
  });

  it(`${BURST_SECONDS} s of concurrent reads of distinct Auth0 users across both replicas stay within AUTH0_RATE_LIMIT_RPS=${RATE.rps} BURST=${RATE.burst}`, async () => {
    const users: string[] = [];
    const kept = SYNTHETIC_PEOPLE - 10; // for the tests after this one
    for (let i = nextPerson; i < kept; i++) users.push(`auth0:${syntheticPerson(i).auth0UserId}`);
    nextPerson = kept;
    await clearCalls();
    const answers: Answer[] = [];
    const started = Date.now();
    const until = started + BURST_SECONDS * 1000;
    // Eight readers, four per replica, each reading the next unread user until the time is up.
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        while (Date.now() < until && users.length > 0) answers.push(await gql(worker % 2, IDENTITY, { id: users.shift()! }));
      }),
    );
    expect(users.length).toBeGreaterThan(0); // the readers never ran out of distinct users

    const auth0Calls = await calls('auth0');
    const inWindow = auth0Calls.filter((call) => call.at >= started && call.at <= until);
    const read = answers.filter((answer) => answer.data?.identity && !answer.errors);
    const refused = answers.filter((answer) => answer.errors?.every((error) => error.extensions?.code === 'PROVIDER_RATE_LIMITED'));
    // Every answer is the record or PROVIDER_RATE_LIMITED: nothing else (no provider 429 passed on).
    expect({ other: answers.length - read.length - refused.length }).toEqual({ other: 0 });
    // The readers asked for more users than the budget has calls, so the budget bound them.
    expect(answers.length).toBeGreaterThan(RATE.burst + RATE.rps * BURST_SECONDS);
    expect(read.length).toBeGreaterThan(0);
    expect(inWindow.length).toBeLessThanOrEqual(RATE.burst + RATE.rps * BURST_SECONDS);
    // A reader that was waiting for budget at the end sends at most one more call each.
    expect(auth0Calls.length).toBeLessThanOrEqual(RATE.burst + RATE.rps * BURST_SECONDS + 8);
    // Records were distinct and none cached: every user answered was read, a refused one never
    // reached Auth0, and reads that waited for the budget together shared one search.
    const userReads = auth0Calls.filter((call) => call.path.startsWith('/api/v2/users')).length;
    expect(userReads).toBeGreaterThan(0);
    expect(userReads).toBeLessThanOrEqual(read.length);
  }, 60_000);

  it('keeps no demo person data in plain text in Redis (every key and value scanned)', async () => {
    // Records of every kind are cached by now; add the demo people's, read through both replicas.
    for (const [i, person] of DEMO_PEOPLE.entries()) {
      for (const id of [`verifa:${person.verifaId}`, `btcdirect:${person.btcIdentifier}`]) expect((await gql(i % 2, IDENTITY, { id })).errors).toBeUndefined();
    }
    const client = new Redis(redis.url, { lazyConnect: true });
    await client.connect();
    try {
      const { keys, values } = await dumpRedis(client);
      expect(keys.length).toBeGreaterThan(10);
      const stored = [...keys.map((key) => Buffer.from(key)), ...values];
      const secrets = [...DEMO_PEOPLE, syntheticPerson(0)].flatMap((person) => [person.email, `${person.givenName} ${person.familyName}`, person.familyName, person.birthDate, person.documentNumber, person.ssn]);
      for (const secret of secrets) {
        const found = stored.filter((value) => value.toString('latin1').toLowerCase().includes(secret.toLowerCase()));
        expect({ secret, found: found.length }).toEqual({ secret, found: 0 });
      }
    } finally {
      client.disconnect();
    }
  });

  describe('with Redis stopped', () => {
    beforeAll(() => redis.stop());

    it('reads still answer on both replicas', async () => {
      const person = takePerson();
      for (const replica of [0, 1]) {
        const answer = await gql(replica, IDENTITY, { id: `verifa:${person.verifaId}` });
        expect(answer.errors).toBeUndefined();
        expect(answer.data!.identity.id).toBe(`verifa:${person.verifaId}`);
      }
    });

    it('a keyed mutation is refused as retryable IDEMPOTENCY_UNAVAILABLE, sending nothing upstream', async () => {
      const input = { primaryId: `verato:CRM:${takePerson().crmId}`, secondaryId: `verato:CRM:${takePerson().crmId}`, idempotencyKey: `down-${randomBytes(6).toString('hex')}` };
      await clearCalls();
      for (const replica of [0, 1]) {
        const refused = await gql(replica, LINK, { input });
        expect(refused.errors).toBeUndefined();
        expect(refused.data!.linkIdentities.linkId).toBeNull();
        expect(refused.data!.linkIdentities.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_UNAVAILABLE', field: 'idempotencyKey', retryable: true })]);
      }
      expect(await linkWrites()).toEqual([]);
    });
  });
});
