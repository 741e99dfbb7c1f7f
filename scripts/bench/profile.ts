import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Self time per function and per package from a V8 `.cpuprofile` (as written by `node --cpu-prof`). */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  /** Function name, or a V8 pseudo-frame such as (garbage collector). */
  name: string;
  /** Where: project file or package, with line. */
  where: string;
  selfMs: number;
  /** Share of the busy (non-idle) time. */
  share: number;
}

export interface ProfileSummary {
  /** Time covered: the load window when one was given, else process start to exit. */
  totalMs: number;
  busyMs: number;
  functions: HotSpot[];
  /** Self time grouped by package (node_modules/<pkg>), project file (src/…) or node internals. */
  packages: { name: string; selfMs: number; share: number }[];
}

const IDLE = new Set(['(idle)', '(program)']);

/**
 * `window`: only the samples taken between these two instants (µs of the monotonic clock, as
 * `process.hrtime.bigint() / 1000n` reads it in any process, the clock V8 stamps samples with),
 * so that start-up (module loading, schema building) does not crowd out the request path.
 */
export function summarizeProfile(file: string, projectRoot: string, window?: { fromUs: number; toUs: number }, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });

  const functions = new Map<string, HotSpot>();
  const packages = new Map<string, number>();
  let totalUs = 0;
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    totalUs += us;
    const name = frame.functionName || (frame.url ? '(anonymous)' : '(root)');
    if (IDLE.has(name)) continue;
    busyUs += us;
    const where = location(frame.url, projectRoot);
    const key = `${name}@${where}:${frame.lineNumber + 1}`;
    const spot = functions.get(key) ?? { name, where: frame.url ? `${where}:${frame.lineNumber + 1}` : '', selfMs: 0, share: 0 };
    spot.selfMs += us / 1000;
    functions.set(key, spot);
    const group = frame.url ? packageOf(frame.url, projectRoot) : name.startsWith('(') ? name : 'native code (no script: V8 builtins, bindings)';
    packages.set(group, (packages.get(group) ?? 0) + us / 1000);
  }
  const busyMs = busyUs / 1000;
  const ranked = [...functions.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top);
  ranked.forEach((spot) => (spot.share = spot.selfMs / busyMs));
  return {
    totalMs: totalUs / 1000,
    busyMs,
    functions: ranked,
    packages: [...packages.entries()]
      .map(([name, selfMs]) => ({ name, selfMs, share: selfMs / busyMs }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top),
  };
}

function toPath(url: string): string {
  return url.startsWith('file://') ? fileURLToPath(url) : url;
}

function location(url: string, projectRoot: string): string {
  if (!url) return '';
  const path = toPath(url);
  if (path.startsWith('node:')) return path;
  const nodeModules = path.lastIndexOf(`node_modules${sep}`);
  if (nodeModules >= 0) return path.slice(nodeModules + 'node_modules/'.length);
  return path.startsWith(projectRoot) ? relative(projectRoot, path) : path;
}

function packageOf(url: string, projectRoot: string): string {
  const path = toPath(url);
  if (path.startsWith('node:')) return 'node internals (node:*)';
  const nodeModules = path.lastIndexOf(`node_modules${sep}`);
  if (nodeModules >= 0) {
    const parts = path.slice(nodeModules + 'node_modules/'.length).split(sep);
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (path.startsWith(projectRoot)) {
    const parts = relative(projectRoot, path).split(sep);
    // dist/src/schema/identity/x.js -> src/schema/identity
    const inner = parts[0] === 'dist' ? parts.slice(1) : parts;
    return inner.slice(0, -1).join('/') || inner.join('/');
  }
  return path;
}
