import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { buildSchema, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { DEMO_PEOPLE } from '../emulators/seed';
import { EXAMPLE_OPERATIONS } from '../playground/examples';
import { buildIdentitySubgraphSchema } from '../schema/build-subgraph-schema';
import { startInProcess, type InProcessSubgraph } from '../../test/support/in-process';
import { QUERY_COST, createQueryCost } from './query-cost';
import { variableValuesOf } from './operation-limits';

/** `identity { relationships(first: n) { nodes { related { … } } } }`, `hops` deep, ending in `displayName`. */
function hops(count: number, size: number | string, { connection = 'nodes { related { %s } }' } = {}): string {
  let inner = 'displayName';
  for (let i = 0; i < count; i++) inner = `displayName relationships(first: ${size}) { ${connection.replace('%s', inner)} }`;
  return inner;
}

function estimator(source: string | GraphQLSchema) {
  const schema = typeof source === 'string' ? buildSchema(source) : source;
  const queryCost = createQueryCost(schema);
  return (text: string, variables: Record<string, unknown> = {}) => {
    const document = parse(text);
    const operation = document.definitions.find((definition) => definition.kind === 'OperationDefinition') as OperationDefinitionNode;
    return queryCost.estimate(document, operation, variableValuesOf(operation, variables));
  };
}

describe('query cost of the identity schema, read from its @cost / @listSize', () => {
  const schema = buildIdentitySubgraphSchema();
  const estimate = estimator(schema);

  it('follows the formula: objects 1, provider calls 2, scalars 0, each page size multiplies its nodes', () => {
    // identity 2 + relationships 2 + 10 × (Relationship 1 + related 2)
    expect(estimate(`{ identity(id: "x") { ${hops(1, 10)} } }`).cost).toBe(2 + 2 + 10 * 3);
    // The page size defaults to the argument's default (25).
    expect(estimate('{ identity(id: "x") { relationships { nodes { id } } } }').cost).toBe(2 + 2 + 25);
    // identities counts the ids it is given, each one a provider read.
    expect(estimate('query ($ids: [ID!]!) { identities(ids: $ids) { id } }', { ids: ['a', 'b', 'c'] }).cost).toBe(6);
    // linkedAccounts assumes 4 accounts.
    expect(estimate('{ identity(id: "x") { linkedAccounts { identity { id } } } }').cost).toBe(2 + 4 * (1 + 2));
    // A mutation root field weighs 10, its input object 1.
    expect(estimate('mutation { linkIdentities(input: { primaryId: "a", secondaryId: "b" }) { linkId } }').cost).toBe(10 + 1);
  });

  it('searchIdentities is sized by first like relationships: its nodes and edges, 10 by default', () => {
    const search = (first: string) => estimate(`{ searchIdentities(input: { email: "a@example.com" }${first}) { nodes { score identity { displayName } } edges { node { score } } } }`).cost;
    const base = search(', first: 0');
    expect(search(', first: 10')).toBeGreaterThan(base);
    expect(search(', first: 20') - base).toBe(2 * (search(', first: 10') - base));
    expect(search('')).toBe(search(', first: 10'));
  });

  it('a profile page with two hops of 10 fits; four hops of 50 and three of 25 do not', () => {
    expect(estimate(`{ identity(id: "x") { ${hops(2, 10)} } }`).cost).toBeLessThan(QUERY_COST.maxCost);
    expect(estimate(`{ identity(id: "x") { ${hops(2, 25)} } }`).cost).toBeLessThan(QUERY_COST.maxCost);
    expect(estimate(`{ identity(id: "x") { ${hops(4, 50)} } }`).cost).toBeGreaterThan(QUERY_COST.maxCost);
    expect(estimate(`{ identity(id: "x") { ${hops(3, 25)} } }`).cost).toBeGreaterThan(QUERY_COST.maxCost);
  });

  it('counts what aliases, fragments and variables hide', () => {
    const plain = estimate(`{ identity(id: "x") { ${hops(2, 10)} } }`).cost;
    expect(estimate(`query ($n: Int!) { identity(id: "x") { ${hops(2, '$n')} } }`, { n: 10 }).cost).toBe(plain);
    expect(estimate(`query ($n: Int! = 10) { identity(id: "x") { ${hops(2, '$n')} } }`).cost).toBe(plain);
    expect(estimate(`{ a: identity(id: "x") { ${hops(2, 10)} } b: identity(id: "y") { ${hops(2, 10)} } }`).cost).toBe(2 * plain);
    const viaFragments = `
      { identity(id: "x") { ...Hop } }
      fragment Hop on Identity { displayName relationships(first: 10) { ...Page } }
      fragment Page on RelationshipConnection { nodes { ... on Relationship { related { ...Leaf } } } }
      fragment Leaf on Identity { displayName relationships(first: 10) { nodes { related { displayName } } } }`;
    expect(estimate(viaFragments).cost).toBe(plain);
    // A fragment spread many times over is counted every time, in linear time.
    const levels = 25;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Identity { ${i === levels - 1 ? 'cluster { linkId }' : `...F${i + 1} a${i}: displayName ...F${i + 1}`} }`);
    expect(estimate(`{ identity(id: "x") { ...F0 } } ${fragments.join(' ')}`).cost).toBe(2 + 2 ** (levels - 1) * 2);
  });

  it("every operation the project ships (typed operations, playground tabs) fits the limit", () => {
    const operationsDir = join(__dirname, '..', '..', 'test', 'operations');
    const texts = [
      ...readdirSync(operationsDir).map((file) => [file, readFileSync(join(operationsDir, file), 'utf8'), undefined] as const),
      ...EXAMPLE_OPERATIONS.map((example, index) => [`playground tab ${index + 1}`, example.query, example.variables] as const),
    ];
    const over: string[] = [];
    // Typed operations with their largest lists: 100 ids, pages of the default 25.
    for (const [source, text, given] of texts) {
      const document = parse(text);
      for (const operation of document.definitions) {
        if (operation.kind !== 'OperationDefinition') continue;
        const variables = given ?? Object.fromEntries((operation.variableDefinitions ?? []).map((definition) => [definition.variable.name.value, definition.variable.name.value === 'ids' ? Array(100).fill('x') : 25]));
        const { cost, path } = createQueryCost(schema).estimate(document, operation, variableValuesOf(operation, variables));
        if (cost > QUERY_COST.maxCost) over.push(`${source} ${operation.name?.value ?? ''}: ${cost} (${path})`);
      }
    }
    expect(over).toEqual([]);
  });

  it('names the costliest path with its page sizes', () => {
    const { path } = estimate(`{ cheap: identity(id: "y") { displayName } identity(id: "x") { ${hops(2, 50)} } }`);
    expect(path).toBe('identity.relationships(first: 50).nodes.related.relationships(first: 50).nodes.related');
  });
});

describe('query cost of a Relay connection (edges { node }, first and last)', () => {
  const estimate = estimator(`
    directive @cost(weight: Int!) on FIELD_DEFINITION
    directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
    type Person { name: String friends(first: Int, last: Int, after: String, before: String): FriendConnection
      @cost(weight: 2) @listSize(slicingArguments: ["first", "last"], sizedFields: ["nodes", "edges"], requireOneSlicingArgument: false) }
    type FriendConnection { nodes: [Person!]! edges: [FriendEdge!]! pageInfo: PageInfo! }
    type FriendEdge { cursor: String! node: Person! }
    type PageInfo { hasNextPage: Boolean! }
    type Query { person: Person }
  `);

  it('sizes nodes and edges alike, by first or last, and an unsized page by the assumed default', () => {
    const nodes = estimate('{ person { friends(first: 10) { nodes { name } } } }').cost;
    expect(nodes).toBe(1 + 2 + 10);
    expect(estimate('{ person { friends(last: 10) { nodes { name } } } }').cost).toBe(nodes);
    // Each edge is an object and so is its node.
    expect(estimate('{ person { friends(first: 10) { edges { cursor node { name } } } } }').cost).toBe(1 + 2 + 10 * 2);
    expect(estimate('{ person { friends(last: 10) { pageInfo { hasNextPage } edges { node { name } } } } }').cost).toBe(1 + 2 + 1 + 10 * 2);
    expect(estimate('{ person { friends { nodes { name } } } }').cost).toBe(1 + 2 + QUERY_COST.defaultListSize);
  });

  it('refuses to build over a paged field that leaves a list or a slicing argument out of its @listSize', () => {
    const schema = (listSize: string) =>
      buildSchema(`
        directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
        type Person { friends(first: Int, last: Int): FriendConnection ${listSize} }
        type FriendConnection { nodes: [Person!]! edges: [FriendEdge!]! }
        type FriendEdge { node: Person! }
        type Query { person: Person }`);
    expect(() => createQueryCost(schema('@listSize(slicingArguments: ["first", "last"], sizedFields: ["nodes"])'))).toThrow(/edges is not among its @listSize sizedFields/);
    expect(() => createQueryCost(schema('@listSize(slicingArguments: ["first"], sizedFields: ["nodes", "edges"])'))).toThrow(/last:\) pages but is not among/);
  });
});

describe('the SDL with @cost / @listSize composes', () => {
  it('with @apollo/composition, keeping the directives in the supergraph', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'schema', 'identity.graphql'), 'utf8');
    const accounts = parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
      type Account @key(fields: "id") { id: ID! owner: Identity! }
      type Identity @key(fields: "id", resolvable: false) { id: ID! }
      type Query { accounts: [Account!]! }`);
    const result = composeServices([
      { name: 'identity', url: 'http://identity.invalid/graphql', typeDefs: parse(committed) },
      { name: 'accounts', url: 'http://accounts.invalid/graphql', typeDefs: accounts },
    ]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.supergraphSdl).toMatch(/\): RelationshipConnection[^\n]*@listSize\(assumedSize: 25, slicingArguments: \["first", "last"\], sizedFields: \["nodes", "edges"\]/s);
    expect(result.supergraphSdl).toMatch(/\): IdentityMatchConnection![^\n]*@listSize\(assumedSize: 10, slicingArguments: \["first"\], sizedFields: \["nodes", "edges"\]/s);
    expect(result.supergraphSdl).toMatch(/related: Identity[^\n]*@cost\(weight: 2\)/);
  });
});

describe('the cost limit in process (executeOperation)', () => {
  const [alice] = DEMO_PEOPLE;
  const READ = { scopes: ['identities:read'] };
  let subgraph: InProcessSubgraph;
  beforeAll(async () => {
    subgraph = await startInProcess();
  });
  afterAll(() => subgraph.close());
  beforeEach(() => subgraph.reset());

  it('runs a profile page with two hops of relationships(first: 10)', async () => {
    const result = await subgraph.execute(`query ($id: ID!) { identity(id: $id) { ${hops(2, 10)} } }`, { id: `verifa:${alice.verifaId}` }, READ);
    expect(result.errors).toBeUndefined();
    const identity = result.data!.identity as { relationships: { nodes: { related: { relationships: unknown } | null }[] } };
    expect(identity.relationships.nodes.length).toBeGreaterThan(0);
    expect(identity.relationships.nodes.some((node) => node.related?.relationships)).toBe(true);
  });

  it('refuses two hops of 50 (four would be too deep anyway) before any provider call, saying what counted and how to fit', async () => {
    const result = await subgraph.execute(`query ($n: Int!) { ...Page } fragment Page on Query { me: identity(id: "verifa:idn_x") { ${hops(2, '$n')} } }`, { n: 50 }, READ);
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error.extensions).toMatchObject({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', maxCost: QUERY_COST.maxCost });
    expect(error.extensions!.cost).toBeGreaterThan(QUERY_COST.maxCost);
    expect(error.message).toContain('`relationships(first: N)` multiplies its subtree');
    expect(error.message).toContain(`limit of ${QUERY_COST.maxCost}`);
    expect(error.message).toContain('me:identity.relationships(first: 50).nodes.related.relationships(first: 50)');
    expect(error.message).not.toMatch(/Syntax Error/);
    expect(subgraph.upstreamCalls()).toBe(0);
  });
});
