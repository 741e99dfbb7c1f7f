import { printSubgraphSchema } from '@apollo/subgraph';
import { buildIdentitySubgraphSchema } from './build-subgraph-schema';

/** Where the emitted SDL lives, relative to the project root. */
export const SCHEMA_FILE = 'schema/identity.graphql';

/** The subgraph SDL as committed in schema/ (the same text `_service { sdl }` returns). */
export function printSubgraphSdl(): string {
  return `${printSubgraphSchema(buildIdentitySubgraphSchema())}\n`;
}
