import { join } from 'node:path';
import { Child, type Reply } from './children';
import { cpuMs, machineElapsed, machineTimes, type MachineTimes } from './machine';
import { SCENARIOS, syntheticPersonBody } from './scenarios';
import { postLoad } from './load';

/**
 * Machine calibration: what this machine charges for the two things every request of the
 * subgraph is made of, measured beside the scenarios so that a target can be read against what the
 * machine allows.
 *
 * - The plain-resolver anchor: the subgraph's own SDL under Apollo Server's standalone server with
 *   constant resolvers, loaded with the `_entities` ×10 operation exactly as the scenarios send it.
 *   Its CPU per request is what parsing, validating, executing and serialising that operation
 *   costs on this machine with no gates, loaders, plugins or upstream calls.
 * - A bare upstream call: undici (as the transport uses it) to a node:http server answering a
 *   provider-sized JSON body, 32 calls in flight, each side in its own process. Its client CPU per
 *   call is the least one upstream call can cost the subgraph; its server CPU per call is the least
 *   it can cost the emulators on the same cores.
 *
 * From these, `ceilings` gives floors and ceilings for a request with N upstream calls.
 */

/** The operations the anchor serves, each as its scenario sends it. */
export const ANCHOR_OPERATIONS = ['entities-10', 'entities-100', 'person', 'fleet-person'] as const;
export type AnchorOperation = (typeof ANCHOR_OPERATIONS)[number];

export interface AnchorResult {
  reqPerSec: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
  loadGeneratorMsPerRequest: number;
  failed: number;
  /** Cores the host took as steal time in the window (null off Linux): the floor is read at what the machine gave then. */
  stealCores: number | null;
}

export interface Calibration {
  cores: number;
  seconds: number;
  /** The anchor on every operation measured (`_entities` ×10 gives the cold and warm bounds of the targets). */
  anchors: Partial<Record<AnchorOperation, AnchorResult>>;
  /** null when only the anchor was measured (`--only fleet`). */
  upstream: { callsPerSec: number; clientUsPerCall: number; serverUsPerCall: number; stealCores: number | null } | null;
}

export interface Ceiling {
  /** Least subgraph CPU per request: the anchor's plus N bare client calls (ms). */
  floorCpuMs: number;
  /** What one Node thread could serve at that CPU per request (req/s). */
  threadReqPerSec: number;
  /** What all cores could serve when the subgraph, the upstream servers and autocannon share them, each at its floor (req/s). */
  machineReqPerSec: number;
  /** Little's law: with C connections in a closed loop, the mean latency cannot be below C ÷ throughput (ms). */
  meanLatencyFloorMs(connections: number): number;
}

/** The bounds for a request of `operation` with N upstream calls; null when this run did not measure what they need. */
export function ceilings(calibration: Calibration, upstreamCalls: number, operation: AnchorOperation = 'entities-10'): Ceiling | null {
  const { upstream, cores } = calibration;
  const anchor = calibration.anchors[operation];
  if (!anchor || (upstreamCalls > 0 && !upstream)) return null;
  const floorCpuMs = anchor.cpuMsPerRequest + (upstreamCalls * (upstream?.clientUsPerCall ?? 0)) / 1000;
  const machineMsPerRequest = floorCpuMs + (upstreamCalls * (upstream?.serverUsPerCall ?? 0)) / 1000 + anchor.loadGeneratorMsPerRequest;
  const threadReqPerSec = 1000 / floorCpuMs;
  const machineReqPerSec = Math.min(threadReqPerSec, (cores * 1000) / machineMsPerRequest);
  return { floorCpuMs, threadReqPerSec, machineReqPerSec, meanLatencyFloorMs: (connections) => (connections * 1000) / machineReqPerSec };
}

export interface CalibrationOptions {
  dist: string;
  duration: number;
  warmup: number;
  /** More warm-up for each fresh process's first run, as the subgraphs get (0). */
  processWarmup?: number;
  connections: number;
  cores: number;
  /** The anchor's operations (default: all). */
  operations?: readonly AnchorOperation[];
  /** Also measure a bare upstream call (default true). */
  upstream?: boolean;
}

/** A calibration child (scripts/bench/calibration-child.ts) in a process of its own. */
function startRole(dist: string, role: 'anchor' | 'upstream' | 'client'): Promise<{ child: Child; ready: Reply }> {
  const env = { PATH: process.env.PATH, NODE_ENV: 'production' };
  return Child.start(`calibration ${role}`, join(dist, 'bench', 'calibration-child.js'), { env, args: ['--role', role] });
}

/** The plain-resolver anchor on its own, for measurements beside the subgraph's (scripts/bench/interleaved.ts). */
export async function startAnchor(dist: string): Promise<{ child: Child; url: string }> {
  const { child, ready } = await startRole(dist, 'anchor');
  return { child, url: ready.url as string };
}

export async function runCalibration(options: CalibrationOptions): Promise<Calibration> {
  const start = (role: 'anchor' | 'upstream' | 'client') => startRole(options.dist, role);

  const operations = options.operations ?? ANCHOR_OPERATIONS;
  const anchors: Partial<Record<AnchorOperation, AnchorResult>> = {};
  const anchor = await start('anchor');
  try {
    const url = anchor.ready.url as string;
    for (const operation of operations) {
      const body = anchorBody(operation);
      let failed = 0;
      const run = (seconds: number) =>
        postLoad({
          url,
          headers: { 'content-type': 'application/json' },
          body,
          connections: options.connections,
          seconds,
          onResponse(status, responseBody) {
            if (status !== 200 || !responseBody.startsWith('{"data"') || responseBody.includes('"errors"')) failed++;
          },
        });
      const warmup = options.warmup + (operation === operations[0] ? (options.processWarmup ?? 0) : 0);
      if (warmup > 0) await run(warmup);
      failed = 0;
      const before = await readingOf(anchor.child);
      const result = await run(options.duration);
      const after = await readingOf(anchor.child);
      const requests = result.requests.total;
      anchors[operation] = {
        reqPerSec: requests / result.duration,
        p50: result.latency.p50,
        p99: result.latency.p99,
        cpuMsPerRequest: cpuMs(before.child, after.child) / requests,
        loadGeneratorMsPerRequest: cpuMs(before.self, after.self) / requests,
        failed: failed + result.non2xx + result.errors,
        stealCores: stealCores(before, after),
      };
    }
  } finally {
    await anchor.child.stop();
  }
  const anchorLine = operations.map((operation) => `${operation} ${anchors[operation]!.reqPerSec.toFixed(0)} req/s, ${anchors[operation]!.cpuMsPerRequest.toFixed(2)} ms CPU/req${stealNote(anchors[operation]!.stealCores)}`).join('; ');
  if (options.upstream === false) {
    console.log(`calibration: plain-resolver anchor ${anchorLine}`);
    return { cores: options.cores, seconds: options.duration, anchors, upstream: null };
  }

  const [server, client] = await Promise.all([start('upstream'), start('client')]);
  try {
    const url = server.ready.url as string;
    const warmup = options.warmup + (options.processWarmup ?? 0);
    if (warmup > 0) await client.child.request({ type: 'calls', url, seconds: warmup, inFlight: 32 }, (warmup + 15) * 1000);
    const before = await readingOf(server.child);
    const calls = await client.child.request<Reply & { calls: number; cpu: NodeJS.CpuUsage }>({ type: 'calls', url, seconds: options.duration, inFlight: 32 }, (options.duration + 15) * 1000);
    const after = await readingOf(server.child);
    const upstream = {
      callsPerSec: calls.calls / options.duration,
      clientUsPerCall: ((calls.cpu.user + calls.cpu.system) / calls.calls) as number,
      serverUsPerCall: (cpuMs(before.child, after.child) * 1000) / calls.calls,
      stealCores: stealCores(before, after),
    };
    const calibration: Calibration = { cores: options.cores, seconds: options.duration, anchors, upstream };
    const cold = ceilings(calibration, 8);
    console.log(
      `calibration: plain-resolver anchor ${anchorLine}; ` +
        `bare upstream call ${upstream.clientUsPerCall.toFixed(0)} µs client + ${upstream.serverUsPerCall.toFixed(0)} µs server CPU${stealNote(upstream.stealCores)}; ` +
        (cold ? `_entities ×10 with 8 calls: floor ${cold.floorCpuMs.toFixed(2)} ms CPU/req, ceiling ${cold.machineReqPerSec.toFixed(0)} req/s` : ''),
    );
    return calibration;
  } finally {
    await Promise.all([server.child.stop(), client.child.stop()]);
  }
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** What a window is measured between: the measured child's CPU, this process's (autocannon's), the machine's, and the time. */
export interface Reading {
  child: NodeJS.CpuUsage;
  self: NodeJS.CpuUsage;
  machine: MachineTimes | null;
  at: number;
}

export async function readingOf(child: Child): Promise<Reading> {
  const { cpu } = await child.request<Reply & { cpu: NodeJS.CpuUsage }>({ type: 'cpu' });
  return { child: cpu, self: process.cpuUsage(), machine: machineTimes(), at: performance.now() };
}

/** Cores the host took as steal time between two readings (null where /proc/stat is missing). */
export function stealCores(before: Reading, after: Reading): number | null {
  const machine = machineElapsed(before.machine, after.machine);
  return machine && machine.stealMs / (after.at - before.at);
}
const stealNote = (cores: number | null) => (cores === null ? '' : ` (host steal ${cores.toFixed(2)} cores)`);

const ANCHOR_LABELS: Record<AnchorOperation, string> = {
  'entities-10': '`_entities` ×10',
  'entities-100': '`_entities` ×100 (mixed)',
  person: 'the person query (an identity, 3 linked accounts and 4 relationships, each with its identity)',
  'fleet-person': "the fleet's hottest person (a synthetic one: an identity and 3 linked accounts with theirs, no relationship)",
};

export function anchorBody(operation: AnchorOperation): string {
  if (operation === 'fleet-person') return syntheticPersonBody(0);
  const scenario = SCENARIOS.find((s) => s.key === operation)!;
  return JSON.stringify({ query: scenario.query, variables: scenario.variables });
}

export function calibrationMarkdown(calibration: Calibration, coldCalls: number): string[] {
  const { upstream } = calibration;
  const rows = (label: string, bound: Ceiling | null) =>
    bound ? [`| ${label} | ${bound.floorCpuMs.toFixed(2)} ms | ${int(bound.threadReqPerSec)} req/s | ${int(bound.machineReqPerSec)} req/s | ${bound.meanLatencyFloorMs(10).toFixed(1)} ms |`] : [];
  const measured = ANCHOR_OPERATIONS.filter((operation) => calibration.anchors[operation]);
  return [
    '### What this machine allows (calibration)',
    '',
    `Measured in this run, ${calibration.seconds} s each, by scripts/bench/calibration.ts:`,
    '',
    "- **Plain-resolver anchor**: the subgraph's own SDL (schema/identity.graphql) under Apollo Server's standalone server with constant resolvers, each operation as its scenario sends it:",
    ...measured.map((operation) => {
      const anchor = calibration.anchors[operation]!;
      return (
        `  - ${ANCHOR_LABELS[operation]}, ${anchor.failed ? `**${anchor.failed} failed**` : 'none failed'}: **${int(anchor.reqPerSec)} req/s**, p50 ${anchor.p50} ms, p99 ${anchor.p99} ms, ` +
        `${anchor.cpuMsPerRequest.toFixed(2)} ms of its CPU per request (autocannon: ${anchor.loadGeneratorMsPerRequest.toFixed(2)} ms per request)${stealNote(anchor.stealCores)}.`
      );
    }),
    upstream
      ? `- **Bare upstream call**: undici to a node:http server answering a provider-sized JSON body, 32 in flight, client and server in processes of their own: ` +
        `${int(upstream.callsPerSec)} calls/s, **${upstream.clientUsPerCall.toFixed(0)} µs of client CPU** and ${upstream.serverUsPerCall.toFixed(0)} µs of server CPU per call${stealNote(upstream.stealCores)}.`
      : '- Bare upstream call: not measured in this run.',
    '',
    'What follows for a request (each figure a bound no implementation on this machine can beat; the subgraph adds its gates, loaders, resilience and mapping on top):',
    '',
    "| request | least subgraph CPU per request | one thread at that CPU | whole machine (subgraph, upstream servers and autocannon at their floors) | mean latency floor at 10 connections (Little's law) |",
    '|---|---:|---:|---:|---:|',
    ...rows(`\`_entities\` ×10 cold (${coldCalls} upstream calls)`, ceilings(calibration, coldCalls)),
    ...measured.flatMap((operation) => rows(`${ANCHOR_LABELS[operation].split(' (')[0]} warm (no upstream call)`, ceilings(calibration, 0, operation))),
    '',
  ];
}
