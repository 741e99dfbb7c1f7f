import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  Lexer,
  OperationTypeNode,
  Source,
  TokenKind,
  validate,
  visit,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { CostEstimatedTooExpensiveError } from '../errors/domain-errors';
import { boundedListArgument, listLength } from './list-arguments';
import { QUERY_COST, costRefusalMessage, createQueryCost, type QueryCost } from './query-cost';

/**
 * Limits every operation must pass before it executes. The numbers are graphql-armor's
 * defaults, raised where a real query of this graph needs more (an identity's linked accounts'
 * relationships' related identities is depth 7).
 */
export const OPERATION_LIMITS = Object.freeze({
  maxDepth: 10,
  maxAliases: 15,
  maxDirectives: 50,
  maxTokens: 2_000,
  /** Representations in one `_entities` call, and ids in one `identities(ids:)` call. */
  maxListArgument: 100,
});

/** Root fields that fan out: upstream calls each occurrence makes before any nested field (searchIdentities asks three providers). */
const FAN_OUT_ROOT_FIELDS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  Query: { searchIdentities: 3 },
};

/** graphql-armor's validation rules and plugins (depth, aliases, directives, tokens, suggestions). */
export function armorProtection(options: { hideSuggestions: boolean }) {
  return new ApolloArmor({
    maxDepth: { n: OPERATION_LIMITS.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: OPERATION_LIMITS.maxAliases },
    maxDirectives: { n: OPERATION_LIMITS.maxDirectives },
    // Its Apollo hook answers a syntax error with HTTP 500; tokens are counted in `countTokensUpTo` instead.
    maxTokens: { enabled: false },
    // Its cost limit cannot read @cost / @listSize; see query-cost.ts.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: options.hideSuggestions },
  }).protect();
}

/** Bytes of operation text a token checker remembers as within the limit. */
const REMEMBERED_OPERATION_BYTES = 4 * 1024 * 1024;

export interface TokenLimit {
  /** Whether `query` holds more tokens than the limit. */
  exceeds(query: string): boolean;
  /** What the checker holds: remembered texts and their UTF-8 bytes. */
  readonly remembered: { entries: number; bytes: number };
}

/**
 * A checker that lexes an operation's text and stops as soon as it holds more than `limit`
 * tokens (cheap, and before parsing). A lexing error ends the count; the parser reports it
 * properly afterwards. Texts found within the limit are remembered (least recently used out
 * first, bounded by their bytes since comments make texts long without adding tokens), so the
 * operations a client sends again and again are lexed once (as Apollo parses them once).
 */
export function createTokenLimit(
  limit: number = OPERATION_LIMITS.maxTokens,
  { maxRememberedBytes = REMEMBERED_OPERATION_BYTES }: { maxRememberedBytes?: number } = {},
): TokenLimit {
  const withinLimit = new LRUCache<string, true>({ maxSize: maxRememberedBytes, sizeCalculation: (_value, query) => Math.max(1, Buffer.byteLength(query)) });
  return {
    exceeds(query: string): boolean {
      if (withinLimit.has(query)) return false;
      const lexer = new Lexer(new Source(query));
      try {
        for (let count = 0; lexer.advance().kind !== TokenKind.EOF; count++) if (count >= limit) return true;
      } catch {
        return false;
      }
      withinLimit.set(query, true);
      return false;
    },
    get remembered() {
      return { entries: withinLimit.size, bytes: withinLimit.calculatedSize };
    },
  };
}

/** Variable values of the operation as the request binds them, defaults filled in. */
type VariableValues = Readonly<Record<string, unknown>>;

/**
 * A validation rule (graphql-js style) that refuses any `_entities(representations:)` or
 * `identities(ids:)` with more than `max` items, wherever the field is spelled: in the operation,
 * in inline or named fragments, under an alias, with a list literal or a variable. Validation
 * rules do not see variable values, so the rule is built per request with them.
 */
export function listArgumentLimitRule(variables: VariableValues, max: number = OPERATION_LIMITS.maxListArgument): ValidationRule {
  return (context) => ({
    Field(field) {
      const parentType = context.getParentType();
      const argumentName = parentType && boundedListArgument(parentType.name, field.name.value);
      const argument = argumentName && field.arguments?.find((arg) => arg.name.value === argumentName);
      if (!argument) return;
      const length = listLength(argument.value, variables);
      if (length > max) {
        context.reportError(
          new GraphQLError(`${field.name.value}(${argumentName}:) takes at most ${max} items; got ${length}. Split the request.`, {
            nodes: argument,
            extensions: { code: 'BAD_USER_INPUT', field: argumentName, http: { status: 400 } },
          }),
        );
      }
    },
  });
}

/**
 * An upper estimate of the upstream calls an operation makes at its root: each item of a bounded
 * list argument one call, any other root field that reads or writes a provider one call, every
 * occurrence counted (aliases, and fragments as often as they are spread). Nested fields are not
 * estimated; the request's call budget stops them while they run.
 */
export function estimateRootUpstreamCalls(document: DocumentNode, operation: OperationDefinitionNode, variables: VariableValues): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const rootType = operation.operation === OperationTypeNode.QUERY ? 'Query' : operation.operation === OperationTypeNode.MUTATION ? 'Mutation' : 'Subscription';
  const fragmentCosts = new Map<string, number>();

  const costOf = (selectionSet: SelectionSetNode): number => {
    let calls = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) calls += rootFieldCost(rootType, selection, variables);
      else if (selection.kind === Kind.INLINE_FRAGMENT) calls += costOf(selection.selectionSet);
      else calls += fragmentCost(selection.name.value);
    }
    return calls;
  };
  // Memoised, so that fragments spreading fragments cost linear time, not exponential.
  const fragmentCost = (name: string): number => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    fragmentCosts.set(name, 0); // a cycle (refused by validation anyway) adds nothing
    const fragment = fragments.get(name);
    const cost = fragment ? costOf(fragment.selectionSet) : 0;
    fragmentCosts.set(name, cost);
    return cost;
  };
  return costOf(operation.selectionSet);
}

function rootFieldCost(rootType: string, field: FieldNode, variables: VariableValues): number {
  const name = field.name.value;
  if (name.startsWith('__') || name === '_service') return 0;
  const argumentName = boundedListArgument(rootType, name);
  const argument = argumentName && field.arguments?.find((arg) => arg.name.value === argumentName);
  if (argument) return listLength(argument.value, variables);
  return Object.hasOwn(FAN_OUT_ROOT_FIELDS, rootType) && Object.hasOwn(FAN_OUT_ROOT_FIELDS[rootType], name) ? FAN_OUT_ROOT_FIELDS[rootType][name] : 1;
}

/** The request's variables, with the operation's defaults for those it does not bind. */
export function variableValuesOf(operation: OperationDefinitionNode, given: Readonly<Record<string, unknown>> | undefined): VariableValues {
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (given && Object.hasOwn(given, name)) values[name] = given[name];
    else if (definition.defaultValue) values[name] = valueFromASTUntyped(definition.defaultValue);
  }
  return values;
}

/** Variable shapes whose decision one document remembers (least recently used out first). */
export const REMEMBERED_SHAPES_PER_DOCUMENT = 64;

/** What the three checks decided for one operation of a document and one shape of its variables. */
type LimitDecision =
  | { kind: 'within' }
  | { kind: 'tooManyItems'; refusal: GraphQLError }
  | { kind: 'tooExpensive'; message: string; cost: number; path: string }
  | { kind: 'overBudget'; estimate: number };

interface DocumentDecisions {
  schema: GraphQLSchema;
  /** The variables the checks read: those given directly as an argument's value, anywhere in the document. */
  read: readonly string[];
  decisions: LRUCache<string, LimitDecision>;
}

export interface RequestLimits {
  /** Throws a fresh error for an operation over a limit; returns for one within all of them. */
  check(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, given: Readonly<Record<string, unknown>> | undefined): void;
  /** Decisions remembered for `document`. */
  remembered(document: DocumentNode): number;
}

/**
 * The list limit, the query cost and the root estimate read a variable only where it is an
 * argument's whole value (a variable inside a list or object literal never changes a count or a
 * page size), and of its value only this: a list's length, a finite number, or null / absent.
 */
function shapeOf(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (Array.isArray(value)) return `[${value.length}`;
  if (typeof value === 'number' && Number.isFinite(value)) return `#${value}`;
  return '1';
}

function variablesReadBy(document: DocumentNode): string[] {
  const read = new Set<string>();
  visit(document, {
    Argument(argument) {
      if (argument.value.kind === Kind.VARIABLE) read.add(argument.value.name.value);
    },
  });
  return [...read];
}

/**
 * The three checks (list limit, query cost, root estimate), decided once per document, operation
 * and shape of the variables they read: Apollo hands over the same DocumentNode for the same
 * text, and clients send the same operations with other values. Decisions hang off the document
 * (released with it) and are bounded per document; a refusal is built anew for every request,
 * since Apollo annotates the errors it is given.
 */
export function createRequestLimits(options: { upstreamBudget: number; maxCost?: number; rememberedShapes?: number }): RequestLimits {
  const maxCost = options.maxCost ?? QUERY_COST.maxCost;
  const costs = new WeakMap<GraphQLSchema, QueryCost>();
  const byDocument = new WeakMap<DocumentNode, DocumentDecisions>();

  const decide = (schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: VariableValues): LimitDecision => {
    const [tooLong] = validate(schema, document, [listArgumentLimitRule(variables)]);
    if (tooLong) return { kind: 'tooManyItems', refusal: tooLong };
    let queryCost = costs.get(schema);
    if (!queryCost) costs.set(schema, (queryCost = createQueryCost(schema)));
    const cost = queryCost.estimate(document, operation, variables);
    if (cost.cost > maxCost) return { kind: 'tooExpensive', message: costRefusalMessage(cost, maxCost), cost: cost.cost, path: cost.path };
    const estimate = estimateRootUpstreamCalls(document, operation, variables);
    return estimate > options.upstreamBudget ? { kind: 'overBudget', estimate } : { kind: 'within' };
  };

  return {
    check(schema, document, operation, given) {
      let entry = byDocument.get(document);
      if (!entry || entry.schema !== schema) {
        entry = { schema, read: variablesReadBy(document), decisions: new LRUCache({ max: options.rememberedShapes ?? REMEMBERED_SHAPES_PER_DOCUMENT }) };
        byDocument.set(document, entry);
      }
      const variables = variableValuesOf(operation, given);
      let key = String(document.definitions.indexOf(operation));
      for (const name of entry.read) key += `,${shapeOf(variables[name])}`;
      let decision = entry.decisions.get(key);
      if (!decision) entry.decisions.set(key, (decision = decide(schema, document, operation, variables)));

      if (decision.kind === 'tooManyItems') {
        const { message, nodes, extensions } = decision.refusal;
        throw new GraphQLError(message, { nodes, extensions: structuredClone(extensions) });
      }
      if (decision.kind === 'tooExpensive') throw new CostEstimatedTooExpensiveError(decision.message, { cost: decision.cost, maxCost, path: decision.path });
      if (decision.kind === 'overBudget') {
        throw new GraphQLError(
          `This request would make about ${decision.estimate} upstream calls, over the budget of ${options.upstreamBudget} upstream calls per request. Split it into smaller requests.`,
          { extensions: { code: 'BAD_USER_INPUT', upstreamBudget: options.upstreamBudget, http: { status: 400 } } },
        );
      }
    },
    remembered(document) {
      return byDocument.get(document)?.decisions.size ?? 0;
    },
  };
}

/**
 * Refuses (HTTP 400) before anything executes: an operation that asks for more than 100
 * `_entities` representations or `identities(ids:)` anywhere in its document (BAD_USER_INPUT),
 * one whose estimated cost is over the limit (COST_ESTIMATED_TOO_EXPENSIVE), and one whose root
 * alone would exceed the request's upstream call budget (BAD_USER_INPUT).
 */
export function requestLimitsPlugin(options: { upstreamBudget: number; maxCost?: number }): ApolloServerPlugin {
  const limits = createRequestLimits(options);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (operation) limits.check(schema, document, operation, request.variables);
        },
      };
    },
  };
}
