import 'reflect-metadata';
import { generate } from '@graphql-codegen/cli';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { printSubgraphSdl, SCHEMA_FILE } from '../src/schema/print-sdl';

/**
 * Fails (exit 1) when schema/ or generated/ no longer match the code: the schema is a contract,
 * so a change to it must be emitted and committed on purpose (`npm run emit-schema`, `npm run codegen`).
 */
async function main(): Promise<void> {
  const root = join(__dirname, '..');
  const problems: string[] = [];
  if (readFileSync(join(root, SCHEMA_FILE), 'utf8') !== printSubgraphSdl()) {
    problems.push(`${SCHEMA_FILE} differs from the schema the code builds: run "npm run emit-schema" and commit it.`);
  }
  const codegenConfig = parse(readFileSync(join(root, 'codegen.yml'), 'utf8'));
  const outputs = await generate({ ...codegenConfig, cwd: root, silent: true }, false);
  for (const output of outputs) {
    if (readFileSync(join(root, output.filename), 'utf8') !== output.content) {
      problems.push(`${output.filename} is stale: run "npm run codegen" and commit it.`);
    }
  }
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write('schema/ and generated/ are up to date\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
