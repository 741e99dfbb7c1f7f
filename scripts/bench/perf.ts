import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import type { RunResult, SoakResult } from '../bench';
import { calibrationMarkdown, ceilings, type AnchorOperation, type Calibration } from './calibration';
import { INTERLEAVE, type Interleaved } from './interleaved';
import { totalCalls, type BenchMode } from './scenarios';

/**
 * The request-path performance section of BENCHMARKS.md (issue 15): CPU per request under the
 * default configuration beside the production one, the warm-cache path (in process and in Redis),
 * and the targets, each met or not with its figure. The main matrix (bench.ts) measures the
 * production settings cold; the variants here are subgraphs of their own beside it.
 */

export type Variant = 'default' | 'warm-memory' | 'warm-redis';

export interface VariantSpec {
  label: string;
  /** Records served from the provider-record cache, warmed by the preflight and warm-up: zero upstream calls expected. */
  warm: boolean;
  scenarios: string[];
  modes: BenchMode[];
  /** The subgraph's environment, from the main matrix's (production settings, record cache off). */
  env(base: NodeJS.ProcessEnv, redisUrl: string | null): NodeJS.ProcessEnv;
}

/** Long enough that no warmed record expires during a run. */
const WARM_TTL_SECONDS = '3600';

export const VARIANTS: Record<Variant, VariantSpec> = {
  default: {
    label: 'default settings (NODE_ENV and LOG_LEVEL unset), record cache off',
    warm: false,
    scenarios: ['person', 'entities-10'],
    modes: ['latency', 'zero'],
    env: (base) => {
      const env = { ...base };
      delete env.NODE_ENV;
      delete env.LOG_LEVEL;
      return env;
    },
  },
  'warm-memory': {
    label: 'production settings, record cache in process, warm',
    warm: true,
    scenarios: ['person', 'entities-10', 'entities-50', 'entities-100'],
    modes: ['latency'],
    env: (base) => ({ ...base, CACHE_TTL_SECONDS: WARM_TTL_SECONDS }),
  },
  'warm-redis': {
    label: 'production settings, record cache in Redis (one private redis-server), warm',
    warm: true,
    scenarios: ['person', 'entities-10', 'entities-50', 'entities-100'],
    modes: ['latency'],
    env: (base, redisUrl) => ({ ...base, CACHE_TTL_SECONDS: WARM_TTL_SECONDS, REDIS_URL: redisUrl!, CACHE_ENCRYPTION_KEY: randomBytes(32).toString('base64') }),
  },
};

/**
 * The variant windows measured once more beside the plain-resolver anchor (scripts/bench/interleaved.ts):
 * the cold throughput target and the warm ones, each against what one Node thread serialises for
 * the same answer at the same moment.
 */
export const BESIDE_ANCHOR: readonly { variant: Variant; scenario: AnchorOperation; mode: BenchMode }[] = [
  { variant: 'default', scenario: 'entities-10', mode: 'zero' },
  { variant: 'warm-memory', scenario: 'person', mode: 'latency' },
  { variant: 'warm-memory', scenario: 'entities-10', mode: 'latency' },
  { variant: 'warm-memory', scenario: 'entities-100', mode: 'latency' },
  { variant: 'warm-redis', scenario: 'entities-10', mode: 'latency' },
];

export interface BesideAnchor {
  variant: Variant;
  scenario: AnchorOperation;
  mode: BenchMode;
  result: Interleaved;
}

export const redisServerInstalled = () => spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

export interface Target {
  target: string;
  result: string;
  met: boolean | null;
  /** What this machine allows for it (from the calibration), when measured. */
  ceiling?: string;
}

const T = {
  cpuPerRequestMs: 1.5,
  p50Factor: 1.15,
  coldZeroReqPerSec: 1330,
  warmMemoryReqPerSec: 2500,
  warmMemoryP50Ms: 4,
  warmRedisReqPerSec: 1500,
  warm100P50Ms: 15,
  rssTolerance: 0.1,
  soakSeconds: 300,
};

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const dec = (n: number, digits = 2) => n.toFixed(digits);

export function perfTargets(main: RunResult[], variants: RunResult[], soak: SoakResult | null, calibration: Calibration | null = null, beside: readonly BesideAnchor[] = []): Target[] {
  const find = (runs: RunResult[], variant: RunResult['variant'], key: string, mode: BenchMode) =>
    runs.find((r) => r.variant === variant && r.scenario.key === key && r.mode === mode && r.loaders === 'on');
  /** The calibration's bound, then the interleaved measurement's (the same moment's host), when this run has them. */
  const allows = (bound: string | undefined, variant: Variant, key: string, mode: BenchMode) => {
    const pair = beside.find((b) => b.variant === variant && b.scenario === key && b.mode === mode);
    const interleavedNote = pair && `interleaved with the anchor: ${int(pair.result.subgraph.reqPerSec)} against ${int(pair.result.anchor.reqPerSec)} req/s (${share(pair.result)})`;
    return [bound, interleavedNote].filter(Boolean).join('; ') || undefined;
  };
  const targets: Target[] = [];
  const missing = (target: string) => targets.push({ target, result: 'not measured in this run', met: null });

  const cpu = find(variants, 'default', 'entities-10', 'latency');
  const cpuTarget = `CPU per request, _entities ×10 cold (${cpu ? dec(totalCalls(cpu.expectedCalls), 0) : 8} upstream calls), default settings, with latency: ≤ ${T.cpuPerRequestMs} ms`;
  const cold = calibration && ceilings(calibration, cpu ? totalCalls(cpu.expectedCalls) : 8);
  const warm = calibration && ceilings(calibration, 0);
  if (cpu) targets.push({ target: cpuTarget, result: `${dec(cpu.cpuMsPerRequest)} ms at ${int(cpu.reqPerSec)} req/s`, met: cpu.cpuMsPerRequest <= T.cpuPerRequestMs, ceiling: cold ? `≥ ${dec(cold.floorCpuMs)} ms` : undefined });
  else missing(cpuTarget);

  for (const key of ['person', 'entities-10']) {
    const run = find(variants, 'default', key, 'latency');
    const target = `p50 ≤ ${T.p50Factor} × latency bound at ${run?.connections ?? 10} connections, ${key}, default settings`;
    if (run) targets.push({ target, result: `p50 ${run.latency.p50} ms, bound ${run.boundMs} ms, ratio ${dec(run.latency.p50 / run.boundMs!)}`, met: run.latency.p50 <= T.p50Factor * run.boundMs! });
    else missing(target);
  }

  const zero = find(main, 'production', 'entities-10', 'zero');
  const zeroDefault = find(variants, 'default', 'entities-10', 'zero');
  const zeroTarget = `_entities ×10 cold, zero-latency emulators: ≥ ${int(T.coldZeroReqPerSec)} req/s`;
  if (zero || zeroDefault) {
    const best = [zero, zeroDefault].filter((r): r is RunResult => !!r);
    targets.push({
      target: zeroTarget,
      result: best.map((r) => `${int(r.reqPerSec)} req/s (${r.variant === 'default' ? 'default' : 'production'} settings, ${dec(r.cpuMsPerRequest)} ms CPU/req)`).join('; '),
      met: best.every((r) => r.reqPerSec >= T.coldZeroReqPerSec),
      ceiling: allows(cold ? `≤ ${int(cold.machineReqPerSec)} req/s` : undefined, 'default', 'entities-10', 'zero'),
    });
  } else missing(zeroTarget);

  for (const variant of ['warm-memory', 'warm-redis'] as const) {
    for (const key of ['person', 'entities-10']) {
      const run = find(variants, variant, key, 'latency');
      const target = `zero upstream calls, ${key}, ${variant === 'warm-memory' ? 'cache in process' : 'cache in Redis'}, warm`;
      if (run) targets.push({ target, result: `${dec(run.totalCallsPerRequest)} calls per request`, met: run.totalCallsPerRequest === 0 });
      else missing(target);
    }
  }
  const warm10 = find(variants, 'warm-memory', 'entities-10', 'latency');
  const warmTarget = `_entities ×10, cache in process, warm: ≥ ${int(T.warmMemoryReqPerSec)} req/s and p50 ≤ ${T.warmMemoryP50Ms} ms`;
  const warmCeiling = warm ? `≤ ${int(warm.machineReqPerSec)} req/s, mean ≥ ${dec(warm.meanLatencyFloorMs(warm10?.connections ?? 10), 1)} ms` : undefined;
  if (warm10) targets.push({ target: warmTarget, result: `${int(warm10.reqPerSec)} req/s, p50 ${warm10.latency.p50} ms`, met: warm10.reqPerSec >= T.warmMemoryReqPerSec && warm10.latency.p50 <= T.warmMemoryP50Ms, ceiling: allows(warmCeiling, 'warm-memory', 'entities-10', 'latency') });
  else missing(warmTarget);
  const redis10 = find(variants, 'warm-redis', 'entities-10', 'latency');
  const redisTarget = `_entities ×10, cache in Redis, warm: ≥ ${int(T.warmRedisReqPerSec)} req/s`;
  if (redis10) targets.push({ target: redisTarget, result: `${int(redis10.reqPerSec)} req/s, p50 ${redis10.latency.p50} ms`, met: redis10.reqPerSec >= T.warmRedisReqPerSec, ceiling: allows(warm ? `≤ ${int(warm.machineReqPerSec)} req/s (before Redis)` : undefined, 'warm-redis', 'entities-10', 'latency') });
  else missing(redisTarget);
  const warm100 = find(variants, 'warm-memory', 'entities-100', 'latency');
  const warm100Target = `mixed _entities ×100, cache in process, warm: p50 ≤ ${T.warm100P50Ms} ms`;
  const warm100Bound = calibration && ceilings(calibration, 0, 'entities-100');
  if (warm100) {
    targets.push({
      target: warm100Target,
      result: `p50 ${warm100.latency.p50} ms (${int(warm100.reqPerSec)} req/s, ${dec(warm100.totalCallsPerRequest)} calls/req)`,
      met: warm100.latency.p50 <= T.warm100P50Ms,
      ceiling: allows(warm100Bound ? `≤ ${int(warm100Bound.machineReqPerSec)} req/s, mean ≥ ${dec(warm100Bound.meanLatencyFloorMs(warm100.connections), 1)} ms` : undefined, 'warm-memory', 'entities-100', 'latency'),
    });
  }
  else missing(warm100Target);

  const soakTarget = `RSS flat (± ${T.rssTolerance * 100} %) over a ${T.soakSeconds} s soak, record cache on`;
  if (soak) {
    targets.push({
      target: soakTarget,
      result: `largest deviation ${dec(soak.maxDeviation * 100, 1)} % over ${soak.seconds} s${soak.seconds < T.soakSeconds ? ` (a shorter soak: \`--soak ${T.soakSeconds}\` for the target's)` : ''}`,
      met: soak.seconds >= T.soakSeconds ? soak.maxDeviation <= T.rssTolerance : soak.maxDeviation <= T.rssTolerance ? null : false,
    });
  } else missing(soakTarget);
  return targets;
}

export const PERF_BEGIN = '<!-- bench:perf:begin (written by `npm run bench`) -->';
export const PERF_END = '<!-- bench:perf:end -->';

/** The subgraph's throughput as a share of the anchor's, and its CPU per request as a multiple. */
const throughputShare = ({ subgraph, anchor }: Interleaved) => `${dec((100 * subgraph.reqPerSec) / anchor.reqPerSec, 0)} %`;
const cpuMultiple = ({ subgraph, anchor }: Interleaved) => `${dec(subgraph.cpuMsPerRequest / anchor.cpuMsPerRequest, 1)}×`;
const share = (pair: Interleaved) => `${throughputShare(pair)} of its throughput, ${cpuMultiple(pair)} its CPU per request`;

function interleavedMarkdown(beside: readonly BesideAnchor[]): string[] {
  if (beside.length === 0) return [];
  const rows = beside.map(({ variant, scenario, mode, result }) => {
    const { subgraph, anchor, stealCores } = result;
    const failed = subgraph.failed + anchor.failed;
    return (
      `| ${scenario} | ${mode} | ${variant} | ${int(subgraph.reqPerSec)} | ${int(anchor.reqPerSec)} | ${throughputShare(result)} | ` +
      `${dec(subgraph.cpuMsPerRequest)} | ${dec(anchor.cpuMsPerRequest)} | ${cpuMultiple(result)} | ${subgraph.p50} / ${anchor.p50} | ${stealCores === null ? '?' : dec(stealCores)} | ${failed ? `**${failed}**` : 0} |`
    );
  });
  return [
    '### Beside the plain-resolver anchor, interleaved',
    '',
    `Right after its own window, the variant subgraph and the plain-resolver anchor (see the calibration below) answered the same operation in alternating windows, ` +
      `${INTERLEAVE.rounds} of ${INTERLEAVE.seconds} s each, at the same connections (scripts/bench/interleaved.ts). The host's speed changes within a minute here, ` +
      'so a figure and a floor measured minutes apart do not compare; these pairs met the same host. ' +
      "The warm rows' gap in CPU is what the subgraph adds to the anchor's work for the same answer: its gates, loaders, record-cache reads, metrics and plugins. " +
      "The anchor makes no upstream call, so the cold row's gap also holds its 8 calls, and its throughput gap the emulators serving them on the same cores.",
    '',
    '| scenario | mode | settings | subgraph req/s | anchor req/s | subgraph / anchor throughput | subgraph CPU ms/req | anchor CPU ms/req | CPU × the anchor | p50 ms subgraph / anchor | host steal cores | failed |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ];
}

const status = (met: boolean | null) => (met === null ? 'not settled' : met ? '**met**' : '**not met**');

export function perfMarkdown(main: RunResult[], variants: RunResult[], soak: SoakResult | null, notes: string[], calibration: Calibration | null, beside: readonly BesideAnchor[] = []): string {
  const out: string[] = [PERF_BEGIN, '## Request path: CPU per request, default settings, warm caches', ''];
  const line = (text = '') => out.push(text);
  line('CPU per request = subgraph CPU seconds (user + system, its own process) ÷ GraphQL operations it executed in the window.');
  line('The main tables above are the production settings (`NODE_ENV=production`, `LOG_LEVEL=warn`) with the record cache off.');
  line('Variants measured here, each a subgraph process of its own beside the main ones, batched:');
  line();
  for (const [name, spec] of Object.entries(VARIANTS)) line(`- **${name}**: ${spec.label}; ${spec.scenarios.join(', ')} (${spec.modes.join(', ')})${spec.warm ? '. The preflight and the warm-up fill the cache; the measured window must make no upstream call' : ''}.`);
  line();
  line('| scenario | mode | settings | req/s | p50 ms | p99 ms | calls/req | CPU ms/req | CPU sg cores | other cores | failed |');
  line('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const rows = [...main.filter((r) => r.loaders === 'on' && VARIANTS.default.scenarios.includes(r.scenario.key)), ...variants];
  for (const run of rows) {
    const failed = run.non2xx + run.graphqlErrors + run.socketErrors + run.timeouts + (run.preflightProblem ? 1 : 0);
    line(`| ${run.scenario.key} | ${run.mode} | ${run.variant} | ${int(run.reqPerSec)} | ${run.latency.p50} | ${run.latency.p99} | ${dec(run.totalCallsPerRequest)} | ${dec(run.cpuMsPerRequest)} | ${dec(run.cpu.subgraph)} | ${run.cpu.other === null ? '?' : dec(run.cpu.other)} | ${failed ? `**${failed}**` : 0} |`);
  }
  line();
  line('"other cores" = CPU used outside the processes of the benchmark during the window (from /proc/stat: other processes, and the steal time of the host): above 0.25 the figures of that row understate the subgraph.');
  line();
  for (const note of notes) line(`- ${note}`);
  if (notes.length) line();
  for (const text of interleavedMarkdown(beside)) line(text);
  if (calibration) for (const text of calibrationMarkdown(calibration, 8)) line(text);
  line('### Targets (request path)');
  line();
  line('| target | result | status | what this machine allows |');
  line('|---|---|---|---|');
  for (const t of perfTargets(main, variants, soak, calibration, beside)) line(`| ${t.target} | ${t.result} | ${status(t.met)} | ${t.ceiling ?? (calibration ? '–' : 'not calibrated in this run')} |`);
  line();
  line(
    'Where a target is not met, the CPU profiles above (`--profile`: one per cold-path target) name where the time goes, and the last column says what the machine allows: ' +
      'a target above that bound cannot be met on this machine by any implementation, only approached.',
  );
  line(PERF_END);
  return out.join('\n');
}

export function printTargets(main: RunResult[], variants: RunResult[], soak: SoakResult | null, calibration: Calibration | null, beside: readonly BesideAnchor[] = []): void {
  console.log('\ntargets (request path):');
  for (const t of perfTargets(main, variants, soak, calibration, beside)) console.log(`  ${(t.met === null ? 'NOT SETTLED' : t.met ? 'met' : 'NOT MET').padEnd(11)} ${t.target}: ${t.result}${t.ceiling ? ` (this machine: ${t.ceiling})` : ''}`);
}
