// Run by `npm ci` / `npm install` (the "prepare" lifecycle): builds dist/ so that `npm start` only
// has to run it. After `npm ci --omit=dev` the compiler is not installed; then there is nothing to
// build with, and dist/ must come from an earlier build (e.g. `npm ci && npm run build`, then
// `npm prune --omit=dev`).
const { spawnSync } = require('node:child_process');

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  process.stderr.write('prepare: TypeScript is not installed (dev dependencies omitted); not building dist/\n');
  process.exit(0);
}
const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
process.exit(build.status ?? 1);
