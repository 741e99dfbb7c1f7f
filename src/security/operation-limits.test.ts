import { buildSchema, GraphQLError, parse, validate, type OperationDefinitionNode } from 'graphql';
import { createRequestLimits, createTokenLimit, estimateRootUpstreamCalls, listArgumentLimitRule, REMEMBERED_SHAPES_PER_DOCUMENT, variableValuesOf } from './operation-limits';

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

describe('request limits: decided once per document, operation and shape of the variables', () => {
  const pagedSchema = buildSchema(`
    directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean) on FIELD_DEFINITION
    type Identity { id: ID! friends(first: Int = 5): [Identity] @listSize(slicingArguments: ["first"], requireOneSlicingArgument: false) }
    type Query { identity(id: ID!): Identity identities(ids: [ID!]!): [Identity]! }
  `);
  const outcome = (check: () => void): string => {
    try {
      check();
      return 'within';
    } catch (error) {
      return (error as GraphQLError).message;
    }
  };
  const refusal = (check: () => void): GraphQLError => {
    try {
      check();
    } catch (error) {
      return error as GraphQLError;
    }
    throw new Error('expected a refusal');
  };

  it('gives the same document other decisions for other list lengths and page sizes', () => {
    const limits = createRequestLimits({ upstreamBudget: 50, maxCost: 100 });
    const { document, operation } = operationOf('query ($ids: [ID!]!, $first: Int) { identities(ids: $ids) { id } identity(id: "x") { friends(first: $first) { id } } }');
    const check = (variables: Record<string, unknown>) => outcome(() => limits.check(pagedSchema, document, operation, variables));
    expect(check({ ids: ids(5), first: 10 })).toBe('within');
    expect(check({ ids: ids(101), first: 10 })).toMatch(/^identities\(ids:\) takes at most 100 items; got 101\./);
    expect(check({ ids: ids(5), first: 500 })).toMatch(/^This operation is estimated to cost \d+, over the limit of 100\./);
    expect(check({ ids: ids(60), first: 1 })).toMatch(/^This request would make about 61 upstream calls, over the budget of 50/);
    // null and absent take the argument's default (5); a lone id stands for a one-item list.
    expect(check({ ids: 'verifa:idn_1', first: null })).toBe('within');
    expect(check({ ids: ids(5) })).toBe('within');
    expect(check({ ids: ids(5), first: 10 })).toBe('within');
    expect(limits.remembered(document)).toBe(6);
  });

  it('refuses a remembered refusal again with the same message and extensions, in a new error each time', () => {
    const limits = createRequestLimits({ upstreamBudget: 50, maxCost: 100 });
    const { document, operation } = operationOf('query ($ids: [ID!]!) { many: identities(ids: $ids) { id } }');
    const errors = [1, 2, 3].map(() => refusal(() => limits.check(pagedSchema, document, operation, { ids: ids(101) })));
    expect(limits.remembered(document)).toBe(1);
    for (const error of errors) {
      expect(error).toBeInstanceOf(GraphQLError);
      expect(error.message).toBe('identities(ids:) takes at most 100 items; got 101. Split the request.');
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'ids', http: { status: 400 } });
      expect(error.locations).toEqual([{ line: 1, column: 41 }]);
    }
    expect(new Set(errors).size).toBe(3);
    expect(new Set(errors.map((error) => error.extensions)).size).toBe(3);

    const { document: paged, operation: pagedOperation } = operationOf('query ($first: Int) { identity(id: "x") { friends(first: $first) { id } } }');
    const costly = [1, 2].map(() => refusal(() => limits.check(pagedSchema, paged, pagedOperation, { first: 500 })));
    expect(costly[0]).not.toBe(costly[1]);
    expect(costly[1].message).toBe(costly[0].message);
    expect(costly[1].extensions).toEqual({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: 501, maxCost: 100, path: 'identity.friends(first: 500)', http: { status: 400 } });
  });

  it('remembers at most its bound of shapes per document, however many distinct ones arrive', () => {
    const limits = createRequestLimits({ upstreamBudget: 10_000 });
    const { document, operation } = operationOf('query ($ids: [ID!]!, $n: Int) { identities(ids: $ids) { id } }');
    for (let n = 0; n < 1_000; n++) expect(outcome(() => limits.check(pagedSchema, document, operation, { ids: ids(n % 100), n }))).toBe('within');
    expect(limits.remembered(document)).toBe(REMEMBERED_SHAPES_PER_DOCUMENT);
    expect(outcome(() => limits.check(pagedSchema, document, operation, { ids: ids(101) }))).toMatch(/got 101/);
    expect(limits.remembered(document)).toBe(REMEMBERED_SHAPES_PER_DOCUMENT);
  });

  it('keys a decision by the operation too: two operations of one document are decided apart', () => {
    const limits = createRequestLimits({ upstreamBudget: 3 });
    const document = parse('query A { a: identity(id: "x") { id } } query B { a: identity(id: "x") { id } b: identity(id: "y") { id } c: identity(id: "z") { id } d: identity(id: "w") { id } }');
    const [a, b] = document.definitions as OperationDefinitionNode[];
    expect(outcome(() => limits.check(pagedSchema, document, a, {}))).toBe('within');
    expect(outcome(() => limits.check(pagedSchema, document, b, {}))).toMatch(/about 4 upstream calls, over the budget of 3/);
  });
});
