import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { ProviderName } from '../domain/provider-name';
import { PROVIDER_MODULES } from '../providers';
import { RateBudgetRefusedError, UpstreamBudgetExceededError, UpstreamError, type UpstreamNotServedError } from '../providers/http/errors';
import { ProviderReadError } from '../providers/read-error';
import { ProviderRejection } from '../providers/rejection';
import { isDocumentedCode, type ErrorCode } from './codes';

/**
 * The one place errors become what clients see (Apollo's `formatError`). Documented codes keep
 * their message; provider failures get a fixed message naming the provider and what happened,
 * never the upstream body; anything else becomes INTERNAL_SERVER_ERROR (the server plugin adds
 * the request id so operators can find the log line). Stack traces never leave.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };

  if (original instanceof UpstreamBudgetExceededError) {
    return {
      ...base,
      message: upstreamMessage(original),
      extensions: { ...providerExtensions(upstreamCode(original), original.provider, false), upstreamBudget: original.budget },
    };
  }
  if (original instanceof UpstreamError) {
    const extensions: Record<string, unknown> = providerExtensions(upstreamCode(original), original.provider, original.retryable);
    // Seconds until the rate budget has a call again (the call was not sent).
    if (original instanceof RateBudgetRefusedError) extensions.retryAfter = Math.max(1, Math.ceil(original.retryAfterMs / 1000));
    return { ...base, message: upstreamMessage(original), extensions };
  }
  if (original instanceof ProviderRejection) {
    return {
      ...base,
      message: original.message,
      extensions: { ...providerExtensions('PROVIDER_ERROR', original.provider, false), providerCode: original.providerCode },
    };
  }
  const code = formatted.extensions?.code;
  if (isDocumentedCode(code) && code !== 'INTERNAL_SERVER_ERROR' && (original instanceof GraphQLError || !(original instanceof Error))) {
    const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
    return { ...base, extensions };
  }
  return { ...base, message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

export function upstreamCode(error: UpstreamError): ErrorCode {
  if (error.kind === 'budget_exceeded') return 'BAD_USER_INPUT';
  if (error.kind === 'rate_limited') return 'PROVIDER_RATE_LIMITED';
  if (error.kind === 'auth' || error.kind === 'status' || error.kind === 'not_served' || error.kind === 'protocol') return 'PROVIDER_ERROR';
  return 'PROVIDER_UNAVAILABLE';
}

function providerExtensions(code: ErrorCode, provider: ProviderName, retryable: boolean) {
  return { code, provider: provider.toUpperCase(), retryable };
}

function upstreamMessage(error: UpstreamError): string {
  const name = PROVIDER_MODULES[error.provider].label;
  switch (error.kind) {
    case 'timeout':
      return `${name} did not answer in time.`;
    case 'connection':
      return `${name} could not be reached.`;
    case 'rate_limited':
      return `${name} is rate-limiting this subgraph; try again shortly.`;
    case 'unavailable':
      return `${name} is unavailable right now.`;
    case 'circuit_open':
      return `${name} is failing; calls are paused for a few seconds.`;
    case 'deadline_exceeded':
      return `${name} could not answer within the request deadline.`;
    case 'budget_exceeded':
      return `${name} was not called: this request used up its budget of ${(error as UpstreamBudgetExceededError).budget} upstream calls. Ask for fewer items per request.`;
    case 'auth':
      return `${name} refused the subgraph's credentials; operators must check the configuration.`;
    case 'status':
      return `${name} refused the request (HTTP ${error.status}).`;
    case 'not_served':
      return `${name} does not serve ${error.pathTemplate} at the configured address (HTTP ${error.status ?? 404}); ${(error as UpstreamNotServedError).hint}.`;
    case 'protocol':
      return `${name} sent an answer this subgraph cannot read.`;
  }
}

/** What the operation log records about one error, so the request id leads to its cause. */
export interface ErrorLogEntry {
  code: string;
  /** The class of the underlying error (TypeError, UpstreamProtocolError, …). */
  errorClass: string;
  /** The field path, e.g. `identity.linkedAccounts.0.identity`; null for request-level errors. */
  path: string | null;
  provider: ProviderName | null;
  /** For provider failures: the call (method and path template) and its HTTP status. */
  upstream?: { call: string; status: number | null };
}

/**
 * Names an error for the log: class, field path, provider. Never the message, the upstream body
 * or the stack head, any of which may carry personal data.
 */
export function errorLogEntry(error: GraphQLError): ErrorLogEntry {
  const original = unwrapResolverError(error);
  const cause = original instanceof ProviderReadError && original.cause instanceof Error ? original.cause : original instanceof Error ? original : error;
  const entry: ErrorLogEntry = {
    code: String(formatError(error.toJSON(), error).extensions?.code ?? 'INTERNAL_SERVER_ERROR'),
    errorClass: cause.constructor?.name || cause.name,
    path: error.path ? error.path.join('.') : null,
    provider: original instanceof UpstreamError || original instanceof ProviderRejection || original instanceof ProviderReadError ? original.provider : null,
  };
  if (original instanceof UpstreamError) entry.upstream = { call: `${original.method} ${original.pathTemplate}`, status: original.status ?? null };
  return entry;
}
