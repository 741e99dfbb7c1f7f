import autocannon from 'autocannon';
import { join } from 'node:path';
import { Child, type Reply } from './children';
import { SCENARIOS } from './scenarios';

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

export interface Calibration {
  cores: number;
  seconds: number;
  anchor: { reqPerSec: number; p50: number; p99: number; cpuMsPerRequest: number; loadGeneratorMsPerRequest: number; failed: number };
  upstream: { callsPerSec: number; clientUsPerCall: number; serverUsPerCall: number };
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

const cpuMs = (x: NodeJS.CpuUsage, y: NodeJS.CpuUsage) => (y.user + y.system - x.user - x.system) / 1000;

export function ceilings(calibration: Calibration, upstreamCalls: number): Ceiling {
  const { anchor, upstream, cores } = calibration;
  const floorCpuMs = anchor.cpuMsPerRequest + (upstreamCalls * upstream.clientUsPerCall) / 1000;
  const machineMsPerRequest = floorCpuMs + (upstreamCalls * upstream.serverUsPerCall) / 1000 + anchor.loadGeneratorMsPerRequest;
  const threadReqPerSec = 1000 / floorCpuMs;
  const machineReqPerSec = Math.min(threadReqPerSec, (cores * 1000) / machineMsPerRequest);
  return { floorCpuMs, threadReqPerSec, machineReqPerSec, meanLatencyFloorMs: (connections) => (connections * 1000) / machineReqPerSec };
}

export async function runCalibration(options: { dist: string; duration: number; warmup: number; connections: number; cores: number }): Promise<Calibration> {
  const script = join(options.dist, 'bench', 'calibration-child.js');
  const env = { PATH: process.env.PATH, NODE_ENV: 'production' };
  const start = (role: string) => Child.start(`calibration ${role}`, script, { env, args: ['--role', role] });
  const cpuOf = async (child: Child) => (await child.request<Reply & { cpu: NodeJS.CpuUsage }>({ type: 'cpu' })).cpu;

  const scenario = SCENARIOS.find((s) => s.key === 'entities-10')!;
  const body = JSON.stringify({ query: scenario.query, variables: scenario.variables });
  const anchor = await start('anchor');
  let anchorResult: Calibration['anchor'];
  try {
    const url = anchor.ready.url as string;
    let failed = 0;
    const run = (seconds: number) =>
      autocannon({
        url,
        connections: options.connections,
        pipelining: 1,
        duration: seconds,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            onResponse(status, responseBody) {
              if (status !== 200 || !responseBody.startsWith('{"data"') || responseBody.includes('"errors"')) failed++;
            },
          },
        ],
      });
    if (options.warmup > 0) await run(options.warmup);
    failed = 0;
    const [before, selfBefore] = [await cpuOf(anchor.child), process.cpuUsage()];
    const result = await run(options.duration);
    const [after, selfAfter] = [await cpuOf(anchor.child), process.cpuUsage()];
    const requests = result.requests.total;
    anchorResult = {
      reqPerSec: requests / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      cpuMsPerRequest: cpuMs(before, after) / requests,
      loadGeneratorMsPerRequest: cpuMs(selfBefore, selfAfter) / requests,
      failed: failed + result.non2xx + result.errors,
    };
  } finally {
    await anchor.child.stop();
  }

  const [server, client] = await Promise.all([start('upstream'), start('client')]);
  try {
    const url = server.ready.url as string;
    if (options.warmup > 0) await client.child.request({ type: 'calls', url, seconds: options.warmup, inFlight: 32 }, (options.warmup + 15) * 1000);
    const serverBefore = await cpuOf(server.child);
    const calls = await client.child.request<Reply & { calls: number; cpu: NodeJS.CpuUsage }>({ type: 'calls', url, seconds: options.duration, inFlight: 32 }, (options.duration + 15) * 1000);
    const serverAfter = await cpuOf(server.child);
    const upstream = {
      callsPerSec: calls.calls / options.duration,
      clientUsPerCall: ((calls.cpu.user + calls.cpu.system) / calls.calls) as number,
      serverUsPerCall: (cpuMs(serverBefore, serverAfter) * 1000) / calls.calls,
    };
    const calibration: Calibration = { cores: options.cores, seconds: options.duration, anchor: anchorResult, upstream };
    const cold = ceilings(calibration, 8);
    console.log(
      `calibration: plain-resolver anchor ${anchorResult.reqPerSec.toFixed(0)} req/s, ${anchorResult.cpuMsPerRequest.toFixed(2)} ms CPU/req; ` +
        `bare upstream call ${upstream.clientUsPerCall.toFixed(0)} µs client + ${upstream.serverUsPerCall.toFixed(0)} µs server CPU; ` +
        `_entities ×10 with 8 calls: floor ${cold.floorCpuMs.toFixed(2)} ms CPU/req, ceiling ${cold.machineReqPerSec.toFixed(0)} req/s`,
    );
    return calibration;
  } finally {
    await Promise.all([server.child.stop(), client.child.stop()]);
  }
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function calibrationMarkdown(calibration: Calibration, coldCalls: number): string[] {
  const { anchor, upstream } = calibration;
  const cold = ceilings(calibration, coldCalls);
  const warm = ceilings(calibration, 0);
  return [
    '### What this machine allows (calibration)',
    '',
    `Measured in this run, ${calibration.seconds} s each, by scripts/bench/calibration.ts:`,
    '',
    `- **Plain-resolver anchor**: the subgraph's own SDL (schema/identity.graphql) under Apollo Server's standalone server with constant resolvers, ` +
      `\`_entities\` ×10 as the scenarios send it, ${anchor.failed ? `**${anchor.failed} failed**` : 'none failed'}: **${int(anchor.reqPerSec)} req/s**, p50 ${anchor.p50} ms, p99 ${anchor.p99} ms, ` +
      `${anchor.cpuMsPerRequest.toFixed(2)} ms of its CPU per request (autocannon: ${anchor.loadGeneratorMsPerRequest.toFixed(2)} ms per request).`,
    `- **Bare upstream call**: undici to a node:http server answering a provider-sized JSON body, 32 in flight, client and server in processes of their own: ` +
      `${int(upstream.callsPerSec)} calls/s, **${upstream.clientUsPerCall.toFixed(0)} µs of client CPU** and ${upstream.serverUsPerCall.toFixed(0)} µs of server CPU per call.`,
    '',
    'What follows for a request (each figure a bound no implementation on this machine can beat; the subgraph adds its gates, loaders, resilience and mapping on top):',
    '',
    '| request | least subgraph CPU per request | one thread at that CPU | whole machine (subgraph, upstream servers and autocannon at their floors) | mean latency floor at 10 connections (Little\'s law) |',
    '|---|---:|---:|---:|---:|',
    `| \`_entities\` ×10 cold (${coldCalls} upstream calls) | ${cold.floorCpuMs.toFixed(2)} ms | ${int(cold.threadReqPerSec)} req/s | ${int(cold.machineReqPerSec)} req/s | ${cold.meanLatencyFloorMs(10).toFixed(1)} ms |`,
    `| \`_entities\` ×10 warm (no upstream call) | ${warm.floorCpuMs.toFixed(2)} ms | ${int(warm.threadReqPerSec)} req/s | ${int(warm.machineReqPerSec)} req/s | ${warm.meanLatencyFloorMs(10).toFixed(1)} ms |`,
    '',
  ];
}
