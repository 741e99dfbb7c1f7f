import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const ENTRY = ['-r', 'ts-node/register/transpile-only', 'src/index.ts'];

function run(args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...ENTRY, ...args], { cwd: ROOT, env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'silent', ...env } });
}

function exit(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('the process entry (what `npm start` runs)', () => {
  it('--help prints the usage and exits 0', async () => {
    const result = await exit(run(['--help'], {}));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: npm start');
  }, 30_000);

  it('a bad value stops start-up with one line naming the variable', async () => {
    const result = await exit(run([], { PORT: 'abc' }));
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').filter((line) => !line.startsWith('npm warn'))).toEqual([expect.stringMatching(/^configuration error: PORT: /)]);
  }, 30_000);

  it('serves on its emulators with no configuration, and exits 0 soon after SIGTERM', async () => {
    const child = run([], { PORT: '0', HOST: '127.0.0.1' });
    const exited = exit(child);
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      child.stderr.on('data', (chunk) => {
        seen += chunk;
        const match = /on (http:\/\/localhost:\d+)\/graphql/.exec(seen);
        if (match) resolve(match[1].replace('localhost', '127.0.0.1'));
      });
      child.on('exit', () => reject(new Error(`exited before serving: ${seen}`)));
    });
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const started = Date.now();
    child.kill('SIGTERM');
    const result = await exited;
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 60_000);

  it('writes only JSON lines to stdout (the start-up banner goes to stderr)', async () => {
    const child = run([], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug' });
    const exited = exit(child);
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      child.stdout.on('data', (chunk) => {
        seen += chunk;
        const match = /"graphql":"(http:\/\/localhost:\d+)\/graphql"/.exec(seen);
        if (match) resolve(match[1].replace('localhost', '127.0.0.1'));
      });
      child.on('exit', () => reject(new Error(`exited before serving: ${seen}`)));
    });
    // One operation that calls a provider and one a client gets wrong, so both kinds of line are written.
    for (const query of ['{ identity(id: "verifa:idn_alice0000000001") { displayName } }', '{ identity(id: "nope") { id } }']) {
      const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      expect(response.status).toBe(200);
    }
    child.kill('SIGTERM');
    const result = await exited;
    expect(result.code).toBe(0);

    const lines = result.stdout.split('\n').filter((line) => line.length > 0);
    const records = lines.map((line) => {
      try {
        return JSON.parse(line) as { msg?: string; level?: string };
      } catch {
        throw new Error(`stdout line is not JSON: ${line}`);
      }
    });
    expect(records.map((record) => record.msg)).toEqual(expect.arrayContaining(['identity subgraph ready', 'upstream call', 'graphql operation']));
    expect(result.stderr).toContain('Identity subgraph on http://localhost:');
  }, 60_000);
});
