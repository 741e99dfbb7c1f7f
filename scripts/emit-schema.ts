import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printSubgraphSdl, SCHEMA_FILE } from '../src/schema/print-sdl';

/** Writes the subgraph SDL (what `_service { sdl }` returns and composition reads) to schema/. */
const target = join(__dirname, '..', SCHEMA_FILE);
writeFileSync(target, printSubgraphSdl());
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
