import { GraphQLError, type GraphQLResolveInfo, responsePathAsArray } from 'graphql';

/**
 * Failures of one source of a field that still resolves with what the other sources gave (e.g.
 * `linkedAccounts` when Verato is down but Auth0 answered). They are collected per request and
 * added to the response's `errors` by the server plugin, located at the field's path.
 */
export interface PartialFailureSink {
  partialFailures: GraphQLError[];
}

export function reportPartialFailure(ctx: PartialFailureSink, error: unknown, info: GraphQLResolveInfo): void {
  const cause = error instanceof Error ? error : new Error(String(error));
  const located = new GraphQLError(cause.message, { path: responsePathAsArray(info.path), originalError: cause });
  ctx.partialFailures.push(located);
}
