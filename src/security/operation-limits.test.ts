import { buildSchema, parse, validate, type OperationDefinitionNode } from 'graphql';
import { createTokenLimit, estimateRootUpstreamCalls, listArgumentLimitRule, variableValuesOf } from './operation-limits';

/** `{ a a a … }`: n field tokens plus the two braces. */
const queryOfTokens = (tokens: number) => `{ ${Array.from({ length: tokens - 2 }, () => 'a').join(' ')} }`;

describe('token limit', () => {
  it('accepts an operation of exactly the limit, refuses one more token', () => {
    const tokenLimit = createTokenLimit(50);
    expect(tokenLimit.exceeds(queryOfTokens(50))).toBe(false);
    expect(tokenLimit.exceeds(queryOfTokens(51))).toBe(true);
  });

  it('leaves syntax errors to the parser', () => {
    expect(createTokenLimit(50).exceeds('{ "unterminated ')).toBe(false);
  });

  it('remembers texts within the limit but never one above it', () => {
    const tokenLimit = createTokenLimit(10);
    const small = queryOfTokens(5);
    const big = queryOfTokens(20);
    for (let i = 0; i < 3; i++) {
      expect(tokenLimit.exceeds(small)).toBe(false);
      expect(tokenLimit.exceeds(big)).toBe(true);
    }
    expect(tokenLimit.remembered.entries).toBe(1);
  });

  it('bounds what it remembers by bytes: texts padded with comments (no tokens) do not pile up', () => {
    const maxRememberedBytes = 1_000_000;
    const tokenLimit = createTokenLimit(10, { maxRememberedBytes });
    const padding = '#'.repeat(60_000);
    for (let i = 0; i < 200; i++) expect(tokenLimit.exceeds(`{ __typename } ${padding}${i}`)).toBe(false);
    expect(tokenLimit.remembered.bytes).toBeLessThanOrEqual(maxRememberedBytes);
    expect(tokenLimit.remembered.entries).toBeLessThanOrEqual(16);
    expect(tokenLimit.remembered.entries).toBeGreaterThan(0);
  });
});

const schema = buildSchema(`
  scalar _Any
  type Identity { id: ID! friends(ids: [ID!]): [Identity] }
  union _Entity = Identity
  type Query {
    identity(id: ID!): Identity
    identities(ids: [ID!]!): [Identity]!
    _entities(representations: [_Any!]!): [_Entity]!
    _service: String
  }
  type Mutation { linkIdentities(primaryId: ID!): Identity }
`);

function operationOf(text: string): { document: ReturnType<typeof parse>; operation: OperationDefinitionNode } {
  const document = parse(text);
  const operation = document.definitions.find((definition) => definition.kind === 'OperationDefinition') as OperationDefinitionNode;
  return { document, operation };
}

/** The limit rule's messages for `text` with `variables` (max 100). */
function listLimitErrors(text: string, variables: Record<string, unknown> = {}): string[] {
  const { document, operation } = operationOf(text);
  expect(validate(schema, document)).toEqual([]);
  return validate(schema, document, [listArgumentLimitRule(variableValuesOf(operation, variables))]).map((error) => error.message);
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `verifa:idn_${i}`);
const idLiterals = (n: number) => `[${ids(n).map((id) => JSON.stringify(id)).join(', ')}]`;
const representations = (n: number) => ids(n).map((id) => ({ __typename: 'Identity', id }));

describe('list argument limit: a validation rule over the whole document', () => {
  const refusals: [string, string, Record<string, unknown>][] = [
    ['a variable', 'query ($ids: [ID!]!) { identities(ids: $ids) { id } }', { ids: ids(101) }],
    ['a list literal', `{ identities(ids: ${idLiterals(101)}) { id } }`, {}],
    ['variables inside a list literal', `query ($a: ID!) { identities(ids: [${Array.from({ length: 101 }, () => '$a').join(', ')}]) { id } }`, { a: 'x' }],
    ['an alias', 'query ($ids: [ID!]!) { many: identities(ids: $ids) { id } }', { ids: ids(101) }],
    ['an inline fragment', 'query ($ids: [ID!]!) { ... on Query { identities(ids: $ids) { id } } }', { ids: ids(5_000) }],
    ['a named fragment', 'query ($ids: [ID!]!) { ...Many } fragment Many on Query { identities(ids: $ids) { id } }', { ids: ids(101) }],
    [
      'nested fragments',
      'query ($ids: [ID!]!) { ... on Query { ...Outer } } fragment Outer on Query { ...Inner } fragment Inner on Query { ... { identities(ids: $ids) { id } } }',
      { ids: ids(101) },
    ],
    ["a variable's default value", `query ($ids: [ID!]! = ${idLiterals(101)}) { identities(ids: $ids) { id } }`, {}],
    ['_entities in an inline fragment', 'query ($r: [_Any!]!) { ... on Query { _entities(representations: $r) { ... on Identity { id } } } }', { r: representations(150) }],
  ];

  it.each(refusals)('refuses more than 100 items through %s', (_spelling, text, variables) => {
    const errors = listLimitErrors(text, variables);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/takes at most 100 items; got \d+/);
  });

  it('accepts 100 items in any spelling, and leaves fields of the same name on other types alone', () => {
    expect(listLimitErrors('query ($ids: [ID!]!) { ... on Query { identities(ids: $ids) { id } } }', { ids: ids(100) })).toEqual([]);
    expect(listLimitErrors(`{ ...F } fragment F on Query { identities(ids: ${idLiterals(100)}) { id } }`)).toEqual([]);
    expect(listLimitErrors('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Identity { id } } }', { r: representations(100) })).toEqual([]);
    expect(listLimitErrors(`{ identity(id: "x") { friends(ids: ${idLiterals(150)}) { id } } }`)).toEqual([]);
  });
});

describe('estimate of the upstream calls at the root of an operation', () => {
  const estimate = (text: string, variables: Record<string, unknown> = {}) => {
    const { document, operation } = operationOf(text);
    return estimateRootUpstreamCalls(document, operation, variableValuesOf(operation, variables));
  };

  it('counts every item of every occurrence: aliases, fragments as often as they are spread', () => {
    const aliases = Array.from({ length: 15 }, (_, i) => `a${i}: identities(ids: $ids) { id }`).join(' ');
    expect(estimate(`query ($ids: [ID!]!) { ${aliases} }`, { ids: ids(100) })).toBe(1_500);
    expect(estimate('query ($ids: [ID!]!) { ...F a: identity(id: "x") { id } ... on Query { ...F } } fragment F on Query { identities(ids: $ids) { id } }', { ids: ids(40) })).toBe(81);
    expect(estimate('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Identity { id } } }', { r: representations(100) })).toBe(100);
  });

  it('counts a root field 1 (queries and mutations), introspection and _service 0', () => {
    expect(estimate('{ identity(id: "x") { id } __typename _service }')).toBe(1);
    expect(estimate('mutation { a: linkIdentities(primaryId: "x") { id } b: linkIdentities(primaryId: "y") { id } }')).toBe(2);
  });

  it('counts searchIdentities as the three provider searches it fans out to', () => {
    expect(estimate('{ a: searchIdentities(input: { email: "a@b.c" }) { totalCount } b: searchIdentities(input: { name: "x" }) { totalCount } }')).toBe(6);
  });

  it('stays linear when fragments spread fragments many times over', () => {
    const levels = 30;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ${i === levels - 1 ? 'identity(id: "x") { id }' : `...F${i + 1} a${i}: __typename ...F${i + 1}`} }`);
    expect(estimate(`{ ...F0 } ${fragments.join(' ')}`)).toBe(2 ** (levels - 1));
  });
});
