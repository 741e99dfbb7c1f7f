import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { PROVIDERS, type ProviderName } from '../../src/domain/provider-name';
import { DEMO_CREDENTIALS } from '../../src/emulators/seed';
import { Child, type Reply } from './children';
import { redisServerInstalled } from './perf';
import { BENCH_LATENCY_MS, syntheticPersonBody, zeroCalls, type Calls } from './scenarios';
import { ceilings, type Calibration } from './calibration';
import { postLoad } from './load';

/**
 * The fleet scenario (`npm run bench -- --only fleet`): two subgraph processes over one Redis, the
 * emulators (with latency, N synthetic people, and Auth0's Management API quota enforced) in a
 * third process, and a Zipf-distributed mix of person queries split over both replicas. Measured
 * with the record cache on, then off (the baseline), plus a fully cached person query on one
 * replica. Writes its own section of BENCHMARKS.md (between FLEET_BEGIN and FLEET_END).
 */

export const FLEET_KEY = 'fleet';
export const FLEET_BEGIN = '<!-- bench:fleet:begin (written by `npm run bench -- --only fleet`) -->';
export const FLEET_END = '<!-- bench:fleet:end -->';

export interface FleetOptions {
  duration: number;
  warmup: number;
  /** CACHE_TTL_SECONDS of the cache-on replicas. */
  ttl: number;
  /** Warm-up of the cache-on run: at least one TTL, so that the records first read have expired once. */
  cacheWarmup: number;
  /** Measured window of the cache-on run: one TTL, so that it holds one whole round of records expiring and read again (steady state). */
  cacheMeasure: number;
  connections: number;
  people: number;
  /** Auth0's quota as the emulator enforces it. */
  quota: { perSecond: number; burst: number };
  /** The fleet's Auth0 budget (AUTH0_RATE_LIMIT_RPS / _BURST). */
  budget: { perSecond: number; burst: number };
  zipfExponent: number;
}

export const FLEET_TARGETS = { quotaMultiple: 20, callsPerRequest: 0.1, cachedP50Ms: 5 } as const;

interface FleetRun {
  label: string;
  reqPerSec: number;
  completed: number;
  executed: number;
  p50: number;
  p99: number;
  errors: number;
  rateLimited: number;
  calls: Calls;
  rejected: Calls;
  callsPerRequest: number;
  hitRatio: number | null;
  budgetWaits: number;
  budgetRefusals: number;
  seconds: number;
}

export interface FleetResult {
  options: FleetOptions;
  on: FleetRun;
  off: FleetRun;
  cached: FleetRun;
  redis: { usedMemoryBytes: number; keys: number; recordKeys: number; bytesPerRecord: number | null; sampled: number };
  machine: string;
}

interface Env {
  callerEnv: Record<string, string>;
  headers: Record<string, string>;
  routerSecret: string;
  dist: string;
}

export async function runFleet(options: FleetOptions, env: Env): Promise<FleetResult | null> {
  if (!redisServerInstalled()) {
    console.error('fleet: redis-server not found (apt-get install -y redis-server): scenario skipped');
    return null;
  }
  const redis = await startRedis();
  const emulators = await Child.start('fleet emulators', join(env.dist, 'bench', 'emulators.js'), {
    env: { PATH: process.env.PATH, NODE_ENV: 'production' },
    args: ['--synthetic-people', String(options.people), '--auth0-rate-limit', `${options.quota.perSecond},${options.quota.burst}`],
  });
  await emulators.child.request({ type: 'latency', ms: BENCH_LATENCY_MS });
  const providerEnv = emulators.ready.env as Record<string, string>;
  const cacheKey = randomBytes(32).toString('base64');
  const startReplicas = async (cacheTtl: number) =>
    Promise.all(
      [0, 1].map(async (i) => {
        const { child, ready } = await Child.start(`fleet subgraph ${i} (cache ${cacheTtl ? 'on' : 'off'})`, join(env.dist, 'bench', 'subgraph.js'), {
          env: {
            PATH: process.env.PATH,
            NODE_ENV: 'production',
            LOG_LEVEL: 'warn',
            HOST: '127.0.0.1',
            PORT: '0',
            ...env.callerEnv,
            ROUTER_SECRET: env.routerSecret,
            ...providerEnv,
            VERATO_TOKEN: DEMO_CREDENTIALS.verato.token,
            VERIFA_API_KEY: DEMO_CREDENTIALS.verifa.apiKey,
            AUTH0_CLIENT_ID: DEMO_CREDENTIALS.auth0.clientId,
            AUTH0_CLIENT_SECRET: DEMO_CREDENTIALS.auth0.clientSecret,
            BTCDIRECT_API_KEY: DEMO_CREDENTIALS.btcdirect.apiKey,
            REDIS_URL: redis.url,
            CACHE_ENCRYPTION_KEY: cacheKey,
            CACHE_TTL_SECONDS: String(cacheTtl),
            AUTH0_RATE_LIMIT_RPS: String(options.budget.perSecond),
            AUTH0_RATE_LIMIT_BURST: String(options.budget.burst),
            BENCH_LOADERS: 'on',
          },
        });
        return { child, url: ready.url as string };
      }),
    );

  const bodies = zipfBodies(options.people);
  const sampler = zipfSampler(options.people, options.zipfExponent);
  const counts = async () => emulators.child.request<Reply & { calls: Calls; rejected: Calls }>({ type: 'counts' });

  const measure = async (label: string, urls: string[], pick: () => string, seconds: number, connections: number): Promise<FleetRun> => {
    const before = await Promise.all(urls.map(scrape));
    const countsBefore = await counts();
    const outcomes = await Promise.all(urls.map((url, i) => load(url, env.headers, pick, seconds, Math.max(1, Math.floor(connections / urls.length) + (i < connections % urls.length ? 1 : 0)))));
    await sleep(500);
    const countsAfter = await counts();
    const after = await Promise.all(urls.map(scrape));
    const diff = (key: keyof Scrape) => after.reduce((sum, s, i) => sum + s[key] - before[i][key], 0);
    const calls = zeroCalls();
    const rejected = zeroCalls();
    for (const p of PROVIDERS) {
      calls[p] = countsAfter.calls[p] - countsBefore.calls[p];
      rejected[p] = countsAfter.rejected[p] - countsBefore.rejected[p];
    }
    const executed = diff('operations');
    const lookups = diff('hits') + diff('misses');
    const duration = Math.max(...outcomes.map((o) => o.result.duration));
    const run: FleetRun = {
      label,
      seconds: duration,
      reqPerSec: outcomes.reduce((sum, o) => sum + o.result.requests.total, 0) / duration,
      completed: outcomes.reduce((sum, o) => sum + o.result.requests.total, 0),
      executed,
      // Per-replica histograms cannot be merged exactly: the slower replica's figure is reported.
      p50: Math.max(...outcomes.map((o) => o.result.latency.p50)),
      p99: Math.max(...outcomes.map((o) => o.result.latency.p99)),
      errors: outcomes.reduce((sum, o) => sum + o.errors + o.result.non2xx + o.result.errors, 0),
      rateLimited: outcomes.reduce((sum, o) => sum + o.rateLimited, 0),
      calls,
      rejected,
      callsPerRequest: executed > 0 ? PROVIDERS.reduce((sum, p) => sum + calls[p], 0) / executed : 0,
      hitRatio: lookups > 0 ? diff('hits') / lookups : null,
      budgetWaits: diff('waits'),
      budgetRefusals: diff('refusals'),
    };
    console.log(
      `fleet ${label.padEnd(22)} ${run.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${run.p50} ms  p99 ${run.p99} ms  calls/req ${run.callsPerRequest.toFixed(3)}  ` +
        `hit ratio ${run.hitRatio === null ? 'n/a' : run.hitRatio.toFixed(3)}  auth0 ${(calls.auth0 / duration).toFixed(1)}/s  429s ${PROVIDERS.map((p) => rejected[p]).reduce((a, b) => a + b, 0)}  ` +
        `rate-limited answers ${run.rateLimited}  errors ${run.errors}`,
    );
    return run;
  };

  try {
    let replicas = await startReplicas(options.ttl);
    const zipf = () => bodies[sampler()];
    if (options.cacheWarmup > 0) await measure('cache on (warm-up)', replicas.map((r) => r.url), zipf, options.cacheWarmup, options.connections);
    const on = await measure('cache on', replicas.map((r) => r.url), zipf, options.cacheMeasure, options.connections);
    const hot = bodies[0];
    await load(replicas[0].url, env.headers, () => hot, 1, 1);
    const cached = await measure('fully cached person', [replicas[0].url], () => hot, Math.max(3, Math.ceil(options.duration / 2)), 10);
    const memory = await redisMemory(redis.url);
    await Promise.all(replicas.map((r) => r.child.stop()));

    replicas = await startReplicas(0);
    if (options.warmup > 0) await measure('cache off (warm-up)', replicas.map((r) => r.url), zipf, options.warmup, options.connections);
    const off = await measure('cache off (baseline)', replicas.map((r) => r.url), zipf, options.duration, options.connections);
    await Promise.all(replicas.map((r) => r.child.stop()));
    return { options, on, off, cached, redis: memory, machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), shared with other work` };
  } finally {
    await emulators.child.stop();
    await redis.stop();
  }
}

// ---------------------------------------------------------------------------------------------

function zipfBodies(people: number): string[] {
  return Array.from({ length: people }, (_, r) => syntheticPersonBody(r));
}

/** Ranks 0..n-1 with P(r) proportional to 1/(r+1)^s. */
function zipfSampler(n: number, s: number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) cumulative[r] = total += 1 / Math.pow(r + 1, s);
  return () => {
    const x = Math.random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

async function load(url: string, headers: Record<string, string>, pick: () => string, seconds: number, connections: number) {
  let errors = 0;
  let rateLimited = 0;
  const result = await postLoad({
    url,
    headers,
    body: pick,
    connections,
    seconds,
    onResponse(_status, body) {
      if (!body.includes('"errors"')) return;
      if (body.includes('PROVIDER_RATE_LIMITED')) rateLimited++;
      else errors++;
    },
  });
  return { result, errors, rateLimited };
}

interface Scrape {
  operations: number;
  hits: number;
  misses: number;
  waits: number;
  refusals: number;
}

async function scrape(graphqlUrl: string): Promise<Scrape> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
  const sum = (pattern: RegExp) => [...text.matchAll(pattern)].reduce((total, match) => total + Number(match[1]), 0);
  return {
    operations: sum(/^identity_graphql_operation_duration_seconds_count\{[^}]*\} (\d+)$/gm),
    hits: sum(/^identity_cache_lookups_total\{[^}]*result="hit"[^}]*\} (\d+)$/gm),
    misses: sum(/^identity_cache_lookups_total\{[^}]*result="(?:miss|error)"[^}]*\} (\d+)$/gm),
    waits: sum(/^identity_rate_budget_waits_total\{[^}]*\} (\d+)$/gm),
    refusals: sum(/^identity_rate_budget_refusals_total\{[^}]*\} (\d+)$/gm),
  };
}

/** Redis memory after the cached run: INFO memory, and MEMORY USAGE of (up to 500) record-cache keys. */
async function redisMemory(url: string): Promise<FleetResult['redis']> {
  const client = new Redis(url);
  try {
    const info = await client.info('memory');
    const usedMemoryBytes = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    const keys = await client.dbsize();
    let recordKeys = 0;
    let sampledBytes = 0;
    let sampled = 0;
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', '*rec:*', 'COUNT', 1000);
      cursor = next;
      recordKeys += batch.length;
      for (const key of batch) {
        if (sampled >= 500) break;
        sampledBytes += Number(await client.memory('USAGE', key)) || 0;
        sampled++;
      }
    } while (cursor !== '0');
    return { usedMemoryBytes, keys, recordKeys, bytesPerRecord: sampled > 0 ? sampledBytes / sampled : null, sampled };
  } finally {
    client.disconnect();
  }
}

export async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${seen.slice(-300)}`)));
  });
  child.stdout!.resume();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// BENCHMARKS.md section

export function fleetMarkdown(result: FleetResult, command: string, at: Date, calibration: Calibration | null = null): string {
  const { options, on, off, cached, redis } = result;
  const rejected = (run: FleetRun) => PROVIDERS.reduce((sum, p) => sum + run.rejected[p], 0);
  const verdict = (met: boolean, figure: string) => `${met ? 'met' : '**not met**'} (${figure})`;
  const quotaMultiple = on.reqPerSec / options.quota.perSecond;
  const person = calibration?.anchors['fleet-person'];
  // The fully cached person is measured on one replica: the bound of one process.
  const bound = calibration && ceilings(calibration, 0, 'fleet-person');
  const row = (run: FleetRun) =>
    `| ${run.label} | ${run.reqPerSec.toFixed(0)} | ${run.p50} | ${run.p99} | ${run.callsPerRequest.toFixed(3)} | ${run.hitRatio === null ? 'n/a' : `${(run.hitRatio * 100).toFixed(1)} %`} | ` +
    `${PROVIDERS.map((p) => `${p} ${(run.calls[p] / run.seconds).toFixed(1)}`).join(', ')} | ${rejected(run)} | ${run.rateLimited} | ${run.errors} |`;
  return [
    FLEET_BEGIN,
    '## Fleet: two replicas, one Redis, Auth0 quota enforced',
    '',
    `Measured ${at.toISOString()} on ${result.machine}; command: \`${command}\`.`,
    `Two subgraph processes (loaders on) over one redis-server; the emulators in a third process with latency ` +
      `(${PROVIDERS.map((p) => `${p} ${BENCH_LATENCY_MS[p]} ms`).join(', ')}), ${options.people} synthetic people (one Verato cluster each) ` +
      `and Auth0's Management API quota enforced at ${options.quota.perSecond} requests/s sustained, ${options.quota.burst} burst; the fleet's Auth0 budget ` +
      `AUTH0_RATE_LIMIT_RPS=${options.budget.perSecond} AUTH0_RATE_LIMIT_BURST=${options.budget.burst}. Load: the person query (identity, linked accounts, relationships) ` +
      `for a Zipf-distributed (s = ${options.zipfExponent}) person, by one of their four ids, ${options.connections} connections split over both replicas. ` +
      `Cache on: CACHE_TTL_SECONDS=${options.ttl}, ${options.cacheWarmup} s warm-up, then ${options.cacheMeasure} s measured ` +
      `${options.cacheWarmup >= options.ttl && options.cacheMeasure >= options.ttl ? '(a TTL each: the window holds one whole round of records expiring and read again, i.e. steady state)' : '(**shorter than a TTL each: not steady state**)'}. ` +
      `Cache off: CACHE_TTL_SECONDS=0, ${options.warmup} s warm-up, ${options.duration} s measured. p50/p99 are the slower replica's.`,
    '',
    '| Run | req/s | p50 ms | p99 ms | upstream calls / request | cache hit ratio | provider calls/s | provider 429s | PROVIDER_RATE_LIMITED answers | other errors |',
    '|---|---|---|---|---|---|---|---|---|---|',
    row(on),
    row(off),
    row(cached),
    '',
    `Auth0 against its quota: ${(on.calls.auth0 / on.seconds).toFixed(1)} calls/s with the cache on, ${(off.calls.auth0 / off.seconds).toFixed(1)} with it off (quota ${options.quota.perSecond}/s); ` +
      `budget waits ${on.budgetWaits} / ${off.budgetWaits}, refusals ${on.budgetRefusals} / ${off.budgetRefusals} (cache on / off).`,
    '',
    'Targets (cache on):',
    `- 0 provider 429s while serving at least ${FLEET_TARGETS.quotaMultiple}x Auth0's quota in GraphQL requests: ` +
      verdict(rejected(on) === 0 && quotaMultiple >= FLEET_TARGETS.quotaMultiple, `${rejected(on)} 429s at ${on.reqPerSec.toFixed(0)} req/s = ${quotaMultiple.toFixed(1)}x the quota`),
    `- at most ${FLEET_TARGETS.callsPerRequest} upstream calls per request at steady state: ${verdict(on.callsPerRequest <= FLEET_TARGETS.callsPerRequest, `${on.callsPerRequest.toFixed(3)}`)}`,
    `- p50 of a fully cached person query at most ${FLEET_TARGETS.cachedP50Ms} ms at 10 connections: ${verdict(cached.p50 <= FLEET_TARGETS.cachedP50Ms, `${cached.p50} ms`)}` +
      (bound && person
        ? `; what this machine allows (the plain-resolver anchor on this same query, ${person.cpuMsPerRequest.toFixed(2)} ms CPU and ${person.loadGeneratorMsPerRequest.toFixed(2)} ms of autocannon per request, ` +
          `one replica, Redis not counted): at most ${bound.machineReqPerSec.toFixed(0)} req/s, so a mean latency of at least ${bound.meanLatencyFloorMs(options.connections).toFixed(1)} ms at ${options.connections} connections`
        : ''),
    '',
    `Redis after the cached run: used_memory ${(redis.usedMemoryBytes / 1024 / 1024).toFixed(1)} MiB, ${redis.keys} keys of which ${redis.recordKeys} cached records; ` +
      `MEMORY USAGE of a cached record ${redis.bytesPerRecord === null ? 'n/a' : `${Math.round(redis.bytesPerRecord)} bytes`} (mean of ${redis.sampled} keys).`,
    FLEET_END,
  ].join('\n');
}

/** `markdown` with its fleet section replaced by `section` (appended when it has none). */
export function withFleetSection(markdown: string, section: string): string {
  const begin = markdown.indexOf(FLEET_BEGIN);
  const end = markdown.indexOf(FLEET_END);
  if (begin < 0 || end < begin) return `${markdown.trimEnd()}\n\n${section}\n`;
  return markdown.slice(0, begin) + section + markdown.slice(end + FLEET_END.length);
}

/** The fleet section of `markdown`, if it has one. */
export function fleetSectionOf(markdown: string): string | null {
  const begin = markdown.indexOf(FLEET_BEGIN);
  const end = markdown.indexOf(FLEET_END);
  return begin < 0 || end < begin ? null : markdown.slice(begin, end + FLEET_END.length);
}
