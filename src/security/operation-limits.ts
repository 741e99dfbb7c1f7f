import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, Kind, Lexer, Source, TokenKind, type FieldNode, type SelectionSetNode, type ValueNode } from 'graphql';

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
  maxCost: 5_000,
  /** Representations in one `_entities` call, and ids in one `identities(ids:)` call. */
  maxListArgument: 100,
});

const BOUNDED_LIST_ARGUMENTS: Record<string, string> = { _entities: 'representations', identities: 'ids' };

/** graphql-armor's validation rules and plugins (depth, aliases, directives, tokens, cost, suggestions). */
export function armorProtection(options: { hideSuggestions: boolean }) {
  return new ApolloArmor({
    maxDepth: { n: OPERATION_LIMITS.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: OPERATION_LIMITS.maxAliases },
    maxDirectives: { n: OPERATION_LIMITS.maxDirectives },
    // Its Apollo hook answers a syntax error with HTTP 500; tokens are counted in `countTokensUpTo` instead.
    maxTokens: { enabled: false },
    costLimit: { maxCost: OPERATION_LIMITS.maxCost, objectCost: 2, scalarCost: 1, depthCostFactor: 1.5, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: options.hideSuggestions },
  }).protect();
}

/** How many distinct operation texts a token checker remembers as within the limit. */
const REMEMBERED_OPERATIONS = 1_000;

/**
 * A checker that lexes an operation's text and stops as soon as it holds more than `limit`
 * tokens (cheap, and before parsing). A lexing error ends the count; the parser reports it
 * properly afterwards. Texts found within the limit are remembered, so the operations a client
 * sends again and again are lexed once (as Apollo parses them once).
 */
export function createTokenLimit(limit: number = OPERATION_LIMITS.maxTokens): (query: string) => boolean {
  const withinLimit = new Set<string>();
  return function exceedsTokenLimit(query: string): boolean {
    if (withinLimit.has(query)) return false;
    const lexer = new Lexer(new Source(query));
    try {
      for (let count = 0; lexer.advance().kind !== TokenKind.EOF; count++) if (count >= limit) return true;
    } catch {
      return false;
    }
    withinLimit.add(query);
    if (withinLimit.size > REMEMBERED_OPERATIONS) withinLimit.delete(withinLimit.values().next().value!);
    return false;
  };
}

/**
 * Refuses (HTTP 400, BAD_USER_INPUT) an operation that asks `_entities` for more than 100
 * representations or `identities` for more than 100 ids, before anything executes.
 */
export function listArgumentLimitPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation) checkSelections(operation.selectionSet, request.variables ?? {});
        },
      };
    },
  };
}

function checkSelections(selectionSet: SelectionSetNode, variables: Record<string, unknown>): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    checkField(selection, variables);
    if (selection.selectionSet) checkSelections(selection.selectionSet, variables);
  }
}

function checkField(field: FieldNode, variables: Record<string, unknown>): void {
  const argumentName = BOUNDED_LIST_ARGUMENTS[field.name.value];
  const argument = argumentName && field.arguments?.find((arg) => arg.name.value === argumentName);
  if (!argument) return;
  const length = listLength(argument.value, variables);
  if (length > OPERATION_LIMITS.maxListArgument) {
    throw new GraphQLError(`${field.name.value}(${argumentName}:) takes at most ${OPERATION_LIMITS.maxListArgument} items; got ${length}. Split the request.`, {
      extensions: { code: 'BAD_USER_INPUT', field: argumentName, http: { status: 400 } },
    });
  }
}

function listLength(value: ValueNode, variables: Record<string, unknown>): number {
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.VARIABLE) {
    const bound = variables[value.name.value];
    return Array.isArray(bound) ? bound.length : 0;
  }
  return 0;
}
