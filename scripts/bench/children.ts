import { fork, type ChildProcess } from 'node:child_process';

/**
 * The benchmark's child processes (subgraphs, emulators) with a request/reply IPC channel, and a
 * tally of the log lines they write.
 */

export type Reply = { id?: number; type: string; [key: string]: unknown };

export class Child {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    proc.on('message', (reply: Reply) => {
      const resolve = reply.id === undefined ? undefined : this.pending.get(reply.id);
      if (resolve) {
        this.pending.delete(reply.id!);
        resolve(reply);
      }
    });
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  }

  static start(name: string, script: string, options: { env: NodeJS.ProcessEnv; args?: string[]; execArgv?: string[] }): Promise<{ child: Child; ready: Reply }> {
    const proc = fork(script, options.args ?? [], { env: options.env, execArgv: options.execArgv ?? [], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let partial = '';
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const text of lines) noteLogLine(name, text);
    });
    children.add(proc);
    proc.once('exit', () => children.delete(proc));
    const child = new Child(name, proc);
    return new Promise((resolve, reject) => {
      proc.once('message', (ready: Reply) => (ready.type === 'ready' ? resolve({ child, ready }) : reject(new Error(`${name}: unexpected first message ${ready.type}`))));
      proc.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
    });
  }

  request<T extends Reply>(message: { type: string; [key: string]: unknown }, timeoutMs = 15_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: no answer to ${message.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply as T);
      });
      this.proc.send({ ...message, id });
    });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    this.proc.send({ type: 'stop' });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(timer);
  }
}

const children = new Set<ChildProcess>();

/**
 * Log lines the children wrote, by message: every line is counted, and shown as it comes only at
 * warn and above or when it is not a log line (the default-settings subgraph writes an info line per
 * operation, thousands a run, which would cost the bench process, autocannon's, CPU to print).
 */
export interface LogTally {
  level: string;
  msg: string;
  count: number;
  sample: string;
}
export const logTally = new Map<string, LogTally>();
const QUIET_LEVELS: ReadonlySet<string> = new Set(['info', 'debug', 'trace']);

function noteLogLine(source: string, text: string): void {
  if (!text.trim()) return;
  let level = 'text';
  let msg = text.slice(0, 120);
  try {
    const entry = JSON.parse(text) as { level?: string | number; msg?: string; err?: { message?: string } };
    level = String(entry.level ?? 'unknown');
    msg = `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`;
  } catch {
    // not a pino line
  }
  if (!QUIET_LEVELS.has(level)) process.stderr.write(`[${source}] ${text}\n`);
  const key = `${source}|${level}|${msg}`;
  const tally = logTally.get(key) ?? { level, msg: `${source}: ${msg}`, count: 0, sample: text.slice(0, 300) };
  tally.count++;
  logTally.set(key, tally);
}
process.on('exit', () => children.forEach((proc) => proc.kill('SIGKILL')));
