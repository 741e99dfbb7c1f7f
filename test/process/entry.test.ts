import { spawn, spawnSync, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
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

  const onlyLine = (stderr: string) => stderr.trim().split('\n').filter((line) => !line.startsWith('npm warn'));

  it('an unreadable Verato client certificate stops start-up with one line naming the variable', async () => {
    const result = await exit(run([], { VERATO_CLIENT_CERT: '/nonexistent/verato-client.pem', VERATO_CLIENT_KEY: '/nonexistent/verato-client.key' }));
    expect(result.code).toBe(1);
    expect(onlyLine(result.stderr)).toEqual([expect.stringMatching(/^configuration error: VERATO_CLIENT_CERT: "\/nonexistent\/verato-client.pem" cannot be read \(ENOENT\)/)]);
  }, 30_000);

  it('a real provider without AUTH_* stops start-up with one line: the dev issuer serves only an all-emulator setup', async () => {
    const result = await exit(run([], { VERIFA_BASE_URL: 'https://api.withverifa.example/api/v1', VERIFA_API_KEY: 'vk_live_x' }));
    expect(result.code).toBe(1);
    expect(onlyLine(result.stderr)).toEqual([expect.stringMatching(/^configuration error: AUTH_JWKS_URL: .*VERIFA_BASE_URL/)]);
  }, 30_000);

  it('production with AUTH_* but no provider URLs stops start-up with one line naming the first unset <P>_BASE_URL', async () => {
    const auth = { AUTH_JWKS_URL: 'https://issuer.example.test/.well-known/jwks.json', AUTH_ISSUER: 'https://issuer.example.test/', AUTH_AUDIENCE: 'identity-subgraph' };
    const result = await exit(run([], { ...auth, NODE_ENV: 'production' }));
    expect(result.code).toBe(1);
    expect(onlyLine(result.stderr)).toEqual([expect.stringMatching(/^configuration error: VERATO_BASE_URL: .*EMBEDDED_PROVIDERS/)]);
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
    child.kill('SIGTERM');
    const result = await exited;
    expect(result.code).toBe(0);
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

/** Newest modification time of the .ts files under `dir`. */
function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return Math.max(newest, newestSource(path));
    return entry.name.endsWith('.ts') ? Math.max(newest, statSync(path).mtimeMs) : newest;
  }, 0);
}

/** Runs `npm run build` unless dist/ is newer than every source it is built from. */
function buildIfStale(): void {
  const entry = join(ROOT, 'dist', 'src', 'index.js');
  const built = existsSync(entry) ? statSync(entry).mtimeMs : 0;
  if (built > Math.max(newestSource(join(ROOT, 'src')), newestSource(join(ROOT, 'scripts')))) return;
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function untilHealthy(url: string, child: ChildProcess): Promise<void> {
  while (child.exitCode === null) {
    const healthy = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`exited with ${child.exitCode} before serving`);
}

describe('npm start (the built entry)', () => {
  /** Process groups started here (npm and what it runs), killed at the end even if a server was orphaned. */
  const groups: number[] = [];
  beforeAll(buildIfStale, 180_000);
  afterAll(() => {
    for (const group of groups) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // Already gone: everything exited as it should.
      }
    }
  });

  it('starts node on dist/ without compiling: --help', async () => {
    const result = await exit(spawn('npm', ['start', '--', '--help'], { cwd: ROOT, env: { ...process.env, NODE_ENV: 'development' } }));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('> exec node dist/src/index.js --help');
    expect(result.stdout).toContain('Usage: npm start');
  }, 60_000);

  it('SIGTERM sent to the npm process reaches the server, which finishes the request in flight and exits 0', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info' },
      detached: true,
    });
    groups.push(child.pid!);
    const exited = exit(child);
    await untilHealthy(url, child);

    // A request in flight: its headers are in (the server answered 100 Continue), its body is not yet.
    const body = JSON.stringify({ query: '{ identity(id: "verifa:idn_alice0000000001") { displayName } }' });
    const request = httpRequest(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' } });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      request.on('response', (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      request.on('error', reject);
    });
    await new Promise((resolve) => request.once('continue', resolve));

    let stdout = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    const draining = new Promise<void>((resolve) => {
      const seen = () => /"signal":"SIGTERM"/.test(stdout) && resolve();
      child.stdout!.on('data', seen);
    });
    child.kill('SIGTERM'); // the npm process, not the node process it started
    await draining;
    request.end(body);

    const answer = await answered;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ data: { identity: { displayName: 'Alice Martin' } } });
    expect((await exited).code).toBe(0);
    // Nothing was left behind listening on the port.
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  }, 60_000);
});
