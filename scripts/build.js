// `npm run build`, and `npm ci` / `npm install` through the "prepare" lifecycle: builds dist/ afresh
// (removing it first, so that no output of a file since moved or deleted is left to shadow the
// new one: `require('./server')` would still find a stale dist/src/server.js before server/index.js).
// After `npm ci --omit=dev` the compiler is not installed; with --skip-without-compiler (prepare)
// there is then nothing to build, and dist/ must come from an earlier build (e.g.
// `npm ci && npm run build`, then `npm prune --omit=dev`).
const { spawnSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const path = require('node:path');

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  if (process.argv.includes('--skip-without-compiler')) {
    process.stderr.write('prepare: TypeScript is not installed (dev dependencies omitted); not building dist/\n');
    process.exit(0);
  }
  process.stderr.write('build: TypeScript is not installed; run npm ci first\n');
  process.exit(1);
}
rmSync(path.join(__dirname, '..', 'dist'), { recursive: true, force: true });
const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: path.join(__dirname, '..') });
process.exit(build.status ?? 1);
