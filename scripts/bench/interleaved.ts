import { readingOf, stealCores } from './calibration';
import type { Child } from './children';
import { postLoad } from './load';
import { cpuMs } from './machine';

/**
 * The subgraph beside the plain-resolver anchor (scripts/bench/calibration.ts) on one operation, in
 * alternating short windows. This machine's speed changes within a minute (the host's steal time,
 * a busy sibling of a virtual core): two 10 s windows minutes apart can meet a host twice as fast
 * in one as in the other, so a figure and a floor measured apart do not compare. Alternating
 * windows, in the order subgraph-anchor, anchor-subgraph, ..., let such a change fall on both
 * alike; their ratio is the subgraph's share of what one Node thread serialises for the same answer.
 */

export interface Endpoint {
  child: Child;
  url: string;
  headers: Record<string, string>;
}

export interface Side {
  reqPerSec: number;
  cpuMsPerRequest: number;
  /** The median of the windows' p50s (ms). */
  p50: number;
  failed: number;
}

export interface Interleaved {
  subgraph: Side;
  anchor: Side;
  /** Cores the host took as steal time, on average over the whole measurement (null off Linux). */
  stealCores: number | null;
}

/** Five windows of 2 s each side: 20 s in all, with the same share of every minute's host. */
export const INTERLEAVE = { rounds: 5, seconds: 2 } as const;

interface Window {
  requests: number;
  seconds: number;
  cpuMs: number;
  p50: number;
  failed: number;
}

async function window(endpoint: Endpoint, body: string, connections: number, seconds: number): Promise<Window> {
  let failed = 0;
  const before = await readingOf(endpoint.child);
  const result = await postLoad({
    url: endpoint.url,
    headers: endpoint.headers,
    body,
    connections,
    seconds,
    onResponse(status, responseBody) {
      if (status < 200 || status >= 300 || !responseBody.startsWith('{"data"') || responseBody.includes('"errors"')) failed++;
    },
  });
  const after = await readingOf(endpoint.child);
  return { requests: result.requests.total, seconds: result.duration, cpuMs: cpuMs(before.child, after.child), p50: result.latency.p50, failed: failed + result.errors };
}

function side(windows: Window[]): Side {
  const requests = windows.reduce((sum, w) => sum + w.requests, 0);
  const p50s = windows.map((w) => w.p50).sort((a, b) => a - b);
  return {
    reqPerSec: requests / windows.reduce((sum, w) => sum + w.seconds, 0),
    cpuMsPerRequest: requests > 0 ? windows.reduce((sum, w) => sum + w.cpuMs, 0) / requests : 0,
    p50: p50s[Math.floor(p50s.length / 2)],
    failed: windows.reduce((sum, w) => sum + w.failed, 0),
  };
}

/** `anchorWarmup` seconds of the anchor first (the subgraph comes straight from its own window on this operation), then the alternating windows. */
export async function interleaved(subgraph: Endpoint, anchor: Endpoint, body: string, connections: number, anchorWarmup: number): Promise<Interleaved> {
  if (anchorWarmup > 0) await window(anchor, body, connections, anchorWarmup);
  const windows = { subgraph: [] as Window[], anchor: [] as Window[] };
  const before = await readingOf(anchor.child);
  for (let round = 0; round < INTERLEAVE.rounds; round++) {
    const order = round % 2 === 0 ? (['subgraph', 'anchor'] as const) : (['anchor', 'subgraph'] as const);
    for (const which of order) windows[which].push(await window(which === 'subgraph' ? subgraph : anchor, body, connections, INTERLEAVE.seconds));
  }
  return { subgraph: side(windows.subgraph), anchor: side(windows.anchor), stealCores: stealCores(before, await readingOf(anchor.child)) };
}
