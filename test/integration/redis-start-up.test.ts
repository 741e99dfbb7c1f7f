import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { DEMO_PEOPLE } from '../../src/emulators/seed';
import { REDIS_STARTUP_WAIT_MS } from '../../src/bootstrap';
import { describeWithRedis, freePort, startTestRedis, type TestRedis } from '../support/redis';
import { startStack, type Stack } from '../support/stack';

const PERSON = `query Person($id: ID!) { identity(id: $id) { id displayName } }`;
const alice = DEMO_PEOPLE[0];

/** A TCP relay to `port` that holds each new connection this long before it relays a byte: a Redis slow to answer at first. */
function slowToConnect(port: number, holdMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    sockets.add(client);
    client.pause();
    setTimeout(() => {
      const upstream = net.connect(port, '127.0.0.1', () => {
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    }, holdMs);
  });
  return new Promise((resolve) =>
    relay.listen(0, '127.0.0.1', () =>
      resolve({
        url: `redis://127.0.0.1:${(relay.address() as net.AddressInfo).port}`,
        close: () => {
          sockets.forEach((socket) => socket.destroy());
          return new Promise<void>((done) => relay.close(() => done()));
        },
      }),
    ),
  );
}

describeWithRedis('start-up with REDIS_URL', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('listens only once its Redis connection is ready', async () => {
    // Longer than start-up takes here, shorter than the suites' command timeout (Redis's ready check is a command).
    const relay = await slowToConnect(redis.port, 1_000);
    let stack: Stack | undefined;
    try {
      stack = await startStack({ env: { REDIS_URL: relay.url, CACHE_TTL_SECONDS: '60', CACHE_ENCRYPTION_KEY: randomBytes(32).toString('base64') } });
      expect(stack.subgraph.shared.redis!.ready).toBe(true);
    } finally {
      await stack?.close();
      await relay.close();
    }
  });

  it(`with Redis unreachable it still starts, after ${REDIS_STARTUP_WAIT_MS} ms, says so once, and answers from the providers`, async () => {
    const logLines: string[] = [];
    const stack = await startStack({ env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, CACHE_TTL_SECONDS: '60' }, logLines });
    try {
      expect(stack.subgraph.shared.redis!.ready).toBe(false);
      const warnings = logLines.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((line) => line.level === 'warn' && line.msg.startsWith('redis not ready'));
      expect(warnings).toHaveLength(1);
      const answer = await stack.gql(PERSON, { id: `verifa:${alice.verifaId}` });
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({ identity: { id: `verifa:${alice.verifaId}`, displayName: expect.any(String) } });
      expect(stack.emulators.verifa!.receivedCalls()).toBeGreaterThan(0);
    } finally {
      await stack.close();
    }
  }, REDIS_STARTUP_WAIT_MS + 15_000);
});
