import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * A redis-server of a suite's own: a free port, no persistence (`--save "" --appendonly no`), so
 * suites never share state and leave nothing on disk. `stop()` and `start()` again (same port)
 * simulate an outage and its end; `close()` stops it for good.
 *
 * Without the binary the Redis suites are skipped on a workstation, with the install instruction,
 * and fail under CI=true: use `describeWithRedis` in place of `describe`.
 */

export const REDIS_SERVER = 'redis-server';

/**
 * Command timeout for suites that assert shared behaviour: a loaded machine can take longer than
 * the 100 ms default, and a timed-out command falls back to per-process state (the outage path).
 */
export const LOADED_MACHINE_REDIS_TIMEOUT_MS = 2000;
export const REDIS_MISSING = `redis-server not found: install it with "apt-get install -y redis-server" (the Redis suites are skipped without it)`;

export const redisInstalled = spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0;
if (!redisInstalled && !process.env.CI) console.warn(REDIS_MISSING);

/** `describe` when redis-server is there (or under CI, where its absence must fail), else `describe.skip`. */
export const describeWithRedis: jest.Describe = redisInstalled || process.env.CI ? describe : describe.skip;

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** Whether the server is running now. */
  readonly running: boolean;
  /** Starts the server (again) on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops the server (an outage); resolves once the process has exited. */
  stop(): Promise<void>;
  /** Stops it for good. */
  close(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis> {
  if (!redisInstalled) throw new Error(REDIS_MISSING);
  const port = await freePort();
  let child: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    if (child) return;
    const started = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          started.stdout?.off('data', onData);
          started.stdout?.resume();
          resolve();
        }
      };
      started.stdout?.on('data', onData);
      started.stderr?.resume();
      started.once('exit', (code) => {
        if (child === started) child = null;
        reject(new Error(`redis-server exited (${code}) before it was ready: ${output.slice(-500)}`));
      });
      started.once('error', reject);
    });
  };

  const stop = async (): Promise<void> => {
    const running = child;
    if (!running) return;
    child = null;
    if (running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    get running() {
      return child !== null;
    },
    start,
    stop,
    close: stop,
  };
}

/** A loopback port nothing listens on (just now). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Every key of the server and its value (strings and hashes, as raw bytes), for at-rest checks. */
export async function dumpRedis(client: import('ioredis').Redis): Promise<{ keys: string[]; values: Buffer[] }> {
  const keys: string[] = [];
  const values: Buffer[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'COUNT', 500);
    cursor = next;
    for (const key of batch) {
      keys.push(key);
      const type = await client.type(key);
      if (type === 'string') values.push((await client.getBuffer(key)) ?? Buffer.alloc(0));
      else if (type === 'hash') values.push(...Object.values(await client.hgetallBuffer(key)));
      else if (type === 'zset' || type === 'list' || type === 'set') values.push(Buffer.from(JSON.stringify(await client.dump(key))));
    }
  } while (cursor !== '0');
  return { keys, values };
}

/** Polls `check` (up to `attempts` times, `intervalMs` apart) until it is true; false if it never was. */
export async function eventually(check: () => Promise<boolean> | boolean, attempts = 100, intervalMs = 50): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return false;
}
