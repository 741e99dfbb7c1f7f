import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Built processes for process tests: the subgraph as `npm start` runs it (`node dist/src/index.js`)
 * and the emulators as `npm run emulators` prints them (`node dist/scripts/emulators.js`), each
 * in its own process group so that a failed test leaves nothing running.
 */

export const ROOT = join(__dirname, '..', '..');

function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return Math.max(newest, newestSource(path));
    return entry.name.endsWith('.ts') ? Math.max(newest, statSync(path).mtimeMs) : newest;
  }, 0);
}

/** Runs `npm run build` unless dist/ is newer than every source it is built from. */
export function buildIfStale(): void {
  const entry = join(ROOT, 'dist', 'src', 'index.js');
  const built = existsSync(entry) ? statSync(entry).mtimeMs : 0;
  if (built > Math.max(newestSource(join(ROOT, 'src')), newestSource(join(ROOT, 'scripts')))) return;
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
}

export interface BuiltProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything written so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the first match of `pattern` in stdout+stderr; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL to the group after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function startBuilt(script: string, args: string[], env: Record<string, string>): BuiltProcess {
  const child = spawn(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, env: { ...process.env, ...env }, detached: true });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((waiter) => waiter());
  child.stdout.on('data', (chunk) => ((stdout += chunk), notify()));
  child.stderr.on('data', (chunk) => ((stderr += chunk), notify()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => (notify(), resolve())));
  return {
    child,
    output: () => ({ stdout, stderr }),
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout + stderr);
          if (match) {
            waiters.delete(check);
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiters.delete(check);
            reject(new Error(`${script} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}: ${(stdout + stderr).slice(-800)}`));
          }
        };
        waiters.add(check);
        check();
      }),
    stop: async (graceMs = 5_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const kill = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, graceMs);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(kill);
    },
  };
}

/** The `NAME=value` pairs of `npm run emulators`' output (the environment to point a subgraph at them). */
export function envFromEmulatorOutput(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of text.matchAll(/(?:^|\s)([A-Z][A-Z0-9_]*)=(\S+)/g)) env[match[1]] = match[2];
  return env;
}
