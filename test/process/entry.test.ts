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

  const onlyLine = (stderr: string) => stderr.trim().split('\n').filter((line) => !line.startsWith('npm warn'));

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
      child.stdout.on('data', (chunk) => {
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
});
