import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The README's commands are what a fresh clone runs: CI runs the same test command, verbatim. */

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The body of the first ```sh block under the `## <heading>` section. */
function fencedCommand(heading: string): string {
  const section = README.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  const block = section && /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error(`README has no sh block under "## ${heading}"`);
  return block[1].trim();
}

describe('README commands', () => {
  it('the test command installs what it needs (a fresh clone has no node_modules)', () => {
    expect(fencedCommand('Test it')).toBe('npm ci && npm test');
  });

  it('.ci/run runs exactly the README test command, after the system packages', () => {
    const lines = readFileSync(join(ROOT, '.ci', 'run'), 'utf8').trim().split('\n');
    expect(lines[lines.length - 1]).toBe(fencedCommand('Test it'));
    const script = lines.join('\n');
    expect(script).toMatch(/missing\+=\(chromium\)/);
    expect(script).toMatch(/missing\+=\(redis-server\)/);
    expect(script.indexOf('apt-get install')).toBeLessThan(script.lastIndexOf('npm ci'));
  });

  it('the start command builds on npm ci and starts node on dist/ in place of the shell', () => {
    expect(fencedCommand('Run it')).toBe('npm ci && npm start');
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.prepare).toBe('node scripts/build.js --skip-without-compiler');
    expect(scripts.start).toBe('exec node dist/src/index.js');
  });

  it('every sh block that uses $SECRET defines it first', () => {
    const blocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]).filter((block) => block.includes('$SECRET'));
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(block.indexOf('SECRET=$(')).toBeGreaterThanOrEqual(0);
    for (const block of blocks) expect(block.indexOf('SECRET=$(')).toBeLessThan(block.indexOf('$SECRET'));
  });

  it('says a birthDate asked without a token is UNAUTHENTICATED (the anonymous caller), FORBIDDEN only for a token without the scope', () => {
    const flat = README.replace(/\s+/g, ' ');
    expect(flat).toContain('birth dates (`birthDate` is null with an `UNAUTHENTICATED` error)');
    expect(flat).toContain('null with a `FORBIDDEN` error for a token without it, and `UNAUTHENTICATED` for a request without a token');
  });

  it('documents the BTC Direct user token command the token script offers', () => {
    const script = readFileSync(join(ROOT, 'scripts', 'token.ts'), 'utf8');
    expect(script).toContain('--btcdirect-user');
    expect(README).toContain('npm run -s token -- --btcdirect-user alice');
    expect(README).toContain('-H "x-btcdirect-user-authorization: Bearer $BTC_USER"');
  });
});
