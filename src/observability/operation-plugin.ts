import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Context } from '../context';
import { errorLogEntry, formatError, type ErrorLogEntry } from '../errors/format-error';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/** The `name` label of operations that did not run (parse or validation failure, refused by a limit). */
export const NOT_EXECUTED_LABEL = 'not_executed';
/** The `name` label of executed operations once the distinct names are used up. */
export const OTHER_NAMES_LABEL = 'other';
const ANONYMOUS = 'anonymous';

/**
 * Operation names as metric labels, from a bounded set: the first `max` distinct names of
 * operations that executed keep their own label, later ones are counted as `other`. Clients
 * choose operation names, so without a bound every new name would be a new series.
 */
export class OperationNameLabels {
  private readonly names = new Set<string>();

  constructor(private readonly max: number) {}

  labelFor(name: string): string {
    if (this.names.has(name)) return name;
    if (this.names.size >= this.max) return OTHER_NAMES_LABEL;
    this.names.add(name);
    return name;
  }
}

/**
 * Per GraphQL operation: adds the partial-failure errors resolvers reported, stamps every error
 * with the request id, and writes one log line (`warn` when it failed) and the operation metrics.
 */
export function operationPlugin(logger: Logger, metrics: Metrics, options: { maxOperationNames: number }): ApolloServerPlugin<Context> {
  const nameLabels = new OperationNameLabels(options.maxOperationNames);
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      const errorDetails: ErrorLogEntry[] = [];
      let executed = false;
      return {
        async didEncounterErrors({ errors }) {
          errorDetails.push(...errors.map(errorLogEntry));
        },
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse({ response, operation, operationName }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const partial = contextValue.partialFailures.map((error) => formatError(error.toJSON(), error));
          errorDetails.push(...contextValue.partialFailures.map(errorLogEntry));
          const errors: GraphQLFormattedError[] = [...(result.errors ?? []), ...partial].map((error) => ({
            ...error,
            extensions: { ...error.extensions, requestId: contextValue.requestId },
          }));
          if (errors.length > 0) result.errors = errors;

          const durationMs = performance.now() - started;
          const type = operation?.operation ?? 'unknown';
          const name = operationName ?? ANONYMOUS;
          const codes = errors.map((error) => String(error.extensions?.code ?? 'UNKNOWN'));
          const nameLabel = executed ? nameLabels.labelFor(name) : NOT_EXECUTED_LABEL;
          metrics.operationDuration.observe({ type, name: nameLabel }, durationMs / 1000);
          for (const code of codes) metrics.operationErrors.inc({ code });
          logger[codes.some(isFailureCode) ? 'warn' : 'info'](
            { requestId: contextValue.requestId, operation: name, type, durationMs: Math.round(durationMs * 10) / 10, errorCodes: codes, ...(errorDetails.length > 0 && { errors: errorDetails }) },
            'graphql operation',
          );
        },
      };
    },
  };
}

/**
 * Codes that mean the subgraph or a provider failed (logged at `warn`), as opposed to a client
 * error such as BAD_USER_INPUT, UNAUTHENTICATED or FORBIDDEN (logged at `info` like successes).
 */
function isFailureCode(code: string): boolean {
  return code.startsWith('PROVIDER_') || code === 'INTERNAL_SERVER_ERROR' || code === 'UNKNOWN';
}
