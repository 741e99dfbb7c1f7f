import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Context } from '../context';
import { errorLogEntry, formatError, type ErrorLogEntry } from '../errors/format-error';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/**
 * Per GraphQL operation: adds the partial-failure errors resolvers reported, stamps every error
 * with the request id, and writes one log line (`warn` when it failed) and the operation metrics.
 */
export function operationPlugin(logger: Logger, metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      const errorDetails: ErrorLogEntry[] = [];
      return {
        async didEncounterErrors({ errors }) {
          errorDetails.push(...errors.map(errorLogEntry));
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
          const name = operationName ?? 'anonymous';
          const codes = errors.map((error) => String(error.extensions?.code ?? 'UNKNOWN'));
          metrics.operationDuration.observe({ type, name }, durationMs / 1000);
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
