import { randomBytes } from 'node:crypto';
import { startSubgraph, type RunningSubgraph } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { DEMO_CREDENTIALS, DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS } from '../../src/emulators/seed';
import type { RunningVeratoEmulator } from '../../src/emulators/verato/emulator';
import { startInProcess, type InProcessSubgraph } from '../support/in-process';
import { describeWithRedis, startTestRedis, type TestRedis } from '../support/redis';
import { startStack, type Stack } from '../support/stack';

/**
 * Changes made in Verato outside the subgraph: the poller of Verato's `/searchNotifications`
 * feed drops the cached Verato records once a poll has seen them, so the next read shows them
 * long before the cache TTL (an hour here). Polls are driven with `pollOnce`; the one test of the
 * timer waits for the change to show (bounded by a number of reads, not by a clock).
 */

const [alice, bob] = DEMO_PEOPLE;
const [bobWork] = DEMO_STANDALONE_AUTH0_USERS;
const CLUSTER = 'query ($id: ID!) { identity(id: $id) { id status cluster { linkId members { id } } } }';
const LONG_CACHE = { CACHE_TTL_SECONDS: '3600' };

type Person = { id: string; status: string; cluster: { linkId: string; members: { id: string }[] } | null };

/** A write straight to the emulator's REST API, as another system of the tenant would make it. */
async function veratoDirectly(verato: RunningVeratoEmulator, operation: string, content: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${verato.baseUrl}/${operation}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_CREDENTIALS.verato.token}` },
    body: JSON.stringify({ content }),
  });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { success: boolean }).success).toBe(true);
}

const linkBobWork = (verato: RunningVeratoEmulator) =>
  veratoDirectly(verato, 'linkIdentities', { linkToSource: { name: 'CRM', id: bob.crmId }, source: { name: 'AUTH0', id: bobWork.userId } });

const feedCalls = (verato: RunningVeratoEmulator) => verato.countCalls('POST', /\/searchNotifications$/);

describe('Verato notification poller (in process)', () => {
  let subgraph: InProcessSubgraph;
  const members = async (id: string) => {
    const answer = await subgraph.execute<{ identity: Person }>(CLUSTER, { id });
    expect(answer.errors).toBeUndefined();
    return answer.data!.identity.cluster!.members.map((member) => member.id);
  };

  afterEach(async () => {
    await subgraph?.close();
  });

  it('a link made directly in Verato shows in the next read after one poll, with the cache on and a long TTL', async () => {
    subgraph = await startInProcess({ env: { ...LONG_CACHE, VERATO_NOTIFICATIONS_POLL_SECONDS: '3600' } });
    const verato = subgraph.emulators.verato!;
    const otherMember = `verato:VERIFA:${bob.verifaId}`;
    expect(await members(otherMember)).not.toContain(`auth0:${bobWork.userId}`);

    await linkBobWork(verato);
    // Cached: the change is not seen yet, and the read asks Verato nothing.
    subgraph.reset();
    expect(await members(otherMember)).not.toContain(`auth0:${bobWork.userId}`);
    expect(verato.receivedCalls()).toBe(0);

    expect(await subgraph.pollVeratoNotifications()).toBe('changed');
    expect(await members(otherMember)).toContain(`auth0:${bobWork.userId}`);
  });

  it('a poll that finds nothing keeps the cache; the next one reads on from where the last ended', async () => {
    subgraph = await startInProcess({ env: { ...LONG_CACHE, VERATO_NOTIFICATIONS_POLL_SECONDS: '3600' } });
    const verato = subgraph.emulators.verato!;
    const id = `verato:CRM:${alice.crmId}`;
    await members(id);
    subgraph.reset();
    expect(await subgraph.pollVeratoNotifications()).toBe('unchanged');
    expect(await subgraph.pollVeratoNotifications()).toBe('unchanged');
    await members(id);
    const feed = verato.calls.filter((call) => call.path.endsWith('/searchNotifications'));
    expect(feed).toHaveLength(2);
    // Only the two feed requests: the person read is still cached.
    expect(verato.receivedCalls()).toBe(2);
    const [first, second] = feed.map((call) => (call.body as { content: { startDate: string; endDate: string; pageNumber: number; pageSize: number } }).content);
    expect(second.startDate).toBe(first.endDate);
    expect(first).toMatchObject({ pageNumber: 0, pageSize: expect.any(Number) });
  });

  it('with a short period the timer polls by itself: a direct unlink shows without any explicit poll', async () => {
    subgraph = await startInProcess({ env: { ...LONG_CACHE, VERATO_NOTIFICATIONS_POLL_SECONDS: '1' } });
    const verato = subgraph.emulators.verato!;
    const id = `verato:AUTH0:${alice.auth0UserId}`;
    expect(await members(id)).toContain(`verifa:${alice.verifaId}`);
    await veratoDirectly(verato, 'unlinkIdentities', { unlinkFromSource: { name: 'CRM', id: alice.crmId }, source: { name: 'VERIFA', id: alice.verifaId } });
    // Each read between polls is a cache hit; the timer's poll makes the next one read Verato.
    let seen = await members(id);
    for (let attempt = 0; attempt < 200 && seen.includes(`verifa:${alice.verifaId}`); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await members(id);
    }
    expect(seen).not.toContain(`verifa:${alice.verifaId}`);
    expect(feedCalls(verato)).toBeGreaterThan(0);
  });

  it('VERATO_NOTIFICATIONS_POLL_SECONDS=0: no timer, so Verato is never asked for its feed', async () => {
    subgraph = await startInProcess({ env: { ...LONG_CACHE, VERATO_NOTIFICATIONS_POLL_SECONDS: '0' } });
    const verato = subgraph.emulators.verato!;
    await linkBobWork(verato);
    // Reads still answer; only an explicit poll would ask the feed.
    await members(`verato:CRM:${bob.crmId}`);
    expect(feedCalls(verato)).toBe(0);
  });

  it('a failed poll (Verato down) leaves the subgraph serving, and the next poll catches up', async () => {
    subgraph = await startInProcess({ env: { ...LONG_CACHE, VERATO_NOTIFICATIONS_POLL_SECONDS: '3600' } });
    const verato = subgraph.emulators.verato!;
    const otherMember = `verato:VERIFA:${bob.verifaId}`;
    await members(otherMember);
    await linkBobWork(verato);

    verato.setFaults({ status: 503, pathPrefix: `${new URL(verato.baseUrl).pathname}/searchNotifications` });
    expect(await subgraph.pollVeratoNotifications()).toBe('failed');
    // Still serving (from the cache), without the change.
    expect(await members(otherMember)).not.toContain(`auth0:${bobWork.userId}`);

    verato.setFaults(null);
    expect(await subgraph.pollVeratoNotifications()).toBe('changed');
    expect(await members(otherMember)).toContain(`auth0:${bobWork.userId}`);
  });
});

describeWithRedis('Verato notification poller on two replicas over one Redis', () => {
  let redis: TestRedis;
  let stack: Stack;
  let replicaB: RunningSubgraph;

  beforeAll(async () => {
    redis = await startTestRedis();
    stack = await startStack({
      env: { REDIS_URL: redis.url, ...LONG_CACHE, CACHE_ENCRYPTION_KEY: randomBytes(32).toString('base64'), VERATO_NOTIFICATIONS_POLL_SECONDS: '3600' },
    });
    replicaB = await startSubgraph(loadConfig(stack.env!));
    await Promise.all([stack.subgraph, replicaB].map((replica) => replica.shared.redis!.waitUntilReady(5_000)));
  });
  afterAll(async () => {
    await replicaB?.close();
    await stack?.close();
    await redis?.close();
  });

  it('only one replica polls per period; the other continues from the shared cursor the next period, and a change is read fresh on both', async () => {
    const verato = stack.emulators.verato!;
    const pollers = [stack.subgraph.app.veratoNotifications, replicaB.app.veratoNotifications];
    const otherMember = `verato:VERIFA:${bob.verifaId}`;
    const membersOn = async (url: string) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await stack.token()}` },
        body: JSON.stringify({ query: CLUSTER, variables: { id: otherMember } }),
      });
      const answer = (await response.json()) as { data?: { identity: Person }; errors?: unknown };
      expect(answer.errors).toBeUndefined();
      return answer.data!.identity.cluster!.members.map((member) => member.id);
    };
    for (const url of [stack.url, replicaB.url]) expect(await membersOn(url)).not.toContain(`auth0:${bobWork.userId}`);
    stack.clearCalls();

    await linkBobWork(verato);
    const results = await Promise.all(pollers.map((poller) => poller.pollOnce()));
    expect([...results].sort()).toEqual(['changed', 'skipped']);
    expect(feedCalls(verato)).toBe(1);
    for (const url of [stack.url, replicaB.url]) expect(await membersOn(url)).toContain(`auth0:${bobWork.userId}`);

    // Another replica again within the period: skipped, no call.
    expect(await Promise.all(pollers.map((poller) => poller.pollOnce()))).toEqual(['skipped', 'skipped']);
    expect(feedCalls(verato)).toBe(1);

    // The next period (the lease ends): whichever replica polls reads on from where the first stopped.
    const client = stack.subgraph.shared.redis!.client;
    const lockKeys = await client.keys('*verato-notifications:lock');
    expect(lockKeys).toHaveLength(1);
    await client.del(lockKeys[0]);
    const other = results[0] === 'changed' ? 1 : 0;
    expect(await pollers[other].pollOnce()).toBe('unchanged');
    const [first, second] = verato.calls
      .filter((call) => call.path.endsWith('/searchNotifications'))
      .map((call) => (call.body as { content: { startDate: string; endDate: string } }).content);
    expect(second.startDate).toBe(first.endDate);
  });
});
