/**
 * Every `extensions.code` this subgraph documents. GraphQL errors carry one of them; mutation
 * `userErrors` carry a `UserErrorCode` (see the schema).
 */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_RATE_LIMITED',
  'PROVIDER_ERROR',
  'INTERNAL_SERVER_ERROR',
  // The same code Apollo Router's demand control gives, for the same estimate.
  'COST_ESTIMATED_TOO_EXPENSIVE',
  // Apollo Server's own request-level codes, kept as they are.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isDocumentedCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}
