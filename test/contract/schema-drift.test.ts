import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { printSubgraphSdl, SCHEMA_FILE } from '../../src/schema/print-sdl';

const committed = readFileSync(join(__dirname, '..', '..', SCHEMA_FILE), 'utf8');

describe('schema/ is the contract', () => {
  it('equals the SDL the code builds (run "npm run emit-schema" after a deliberate change)', () => {
    expect(printSubgraphSdl()).toBe(committed);
  });

  it('documents every type (but the roots), field, argument and enum value', () => {
    const undocumented: string[] = [];
    const document = parse(committed);
    for (const definition of document.definitions) {
      if (!('name' in definition) || !definition.name) continue;
      const typeName = definition.name.value;
      const isRoot = typeName === 'Query' || typeName === 'Mutation';
      if (!isRoot && (!('description' in definition) || !definition.description)) undocumented.push(typeName);
      const fields = 'fields' in definition ? (definition.fields ?? []) : [];
      for (const field of fields) {
        if (!field.description) undocumented.push(`${typeName}.${field.name.value}`);
        for (const arg of 'arguments' in field ? (field.arguments ?? []) : []) {
          if (!arg.description) undocumented.push(`${typeName}.${field.name.value}(${arg.name.value})`);
        }
      }
      for (const value of 'values' in definition ? (definition.values ?? []) : []) {
        if (!value.description) undocumented.push(`${typeName}.${value.name.value}`);
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('composes with another subgraph that references Identity by key', () => {
    const accounts = parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
      type Account @key(fields: "id") { id: ID! balance: Int! owner: Identity! }
      type Identity @key(fields: "id", resolvable: false) { id: ID! }
      type Query { accounts: [Account!]! }
    `);
    const result = composeServices([
      { name: 'identity', url: 'http://identity.invalid/graphql', typeDefs: parse(committed) },
      { name: 'accounts', url: 'http://accounts.invalid/graphql', typeDefs: accounts },
    ]);
    expect(result.errors ?? []).toEqual([]);
  });

  it('tags Identity for the router cache (@cacheTag from federation v2.12), and the tag survives composition', () => {
    const identity = parse(committed).definitions.find((definition) => 'name' in definition && definition.name?.value === 'Identity');
    const directives = identity && 'directives' in identity ? (identity.directives ?? []) : [];
    const cacheTag = directives.find((directive) => directive.name.value === 'cacheTag');
    expect(cacheTag?.arguments?.map((argument) => [argument.name.value, 'value' in argument.value && argument.value.value])).toEqual([['format', 'identity-{$key.id}']]);
    expect(committed).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.(1[2-9])", import: \[[^\]]*"@cacheTag"/);

    const result = composeServices([{ name: 'identity', url: 'http://identity.invalid/graphql', typeDefs: parse(committed) }]);
    expect(result.errors ?? []).toEqual([]);
    // The router reads the tag from the supergraph: the cacheTag spec is linked and applied to Identity for this subgraph.
    expect(result.supergraphSdl).toContain('https://specs.apollo.dev/cacheTag/v0.1');
    expect(result.supergraphSdl).toMatch(/@join__directive\(graphs: \[IDENTITY\], name: "federation__cacheTag", args: \{format: "identity-\{\$key.id\}"\}\)/);
  });
});
