import { randomUUID } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import { NO_ROUTER_INVALIDATION, type RouterInvalidation } from './cache/router-invalidation';
import { createLoaders, type LoaderOptions, type Loaders } from './loaders/create-loaders';
import type { Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
import type { ProviderClients } from './providers/provider-clients';
import { UpstreamCallBudget } from './providers/http/budget';
import type { CallContext } from './providers/http/transport';
import type { IdempotencyStore } from './mutations/idempotency';
import type { SharedState } from './shared-state';
import type { ProviderCaches } from './loaders/provider-caches';

/** Who is asking. */
export interface Caller {
  /** Token subject; "anonymous" when no token was required. */
  subject: string;
  scopes: ReadonlySet<string>;
}

/** Request headers the subgraph forwards to providers on the caller's behalf. */
export interface ForwardedHeaders {
  /** `x-btcdirect-user-authorization`: the BTC Direct user token, sent on as `User-Authorization`. */
  btcDirectUserAuthorization: string | null;
  /**
   * `x-auth0-user-authorization`: the primary Auth0 user's own Management API token, sent on as
   * `Authorization` for a self-service link (Auth0 accepts `link_with` only from it).
   */
  auth0UserAuthorization: string | null;
}

/** What every resolver of one GraphQL request gets. Built fresh per request. */
export interface Context {
  requestId: string;
  caller: Caller;
  forwarded: ForwardedHeaders;
  idempotency: IdempotencyStore;
  /** Deadline and request id, handed to every provider call. */
  call: CallContext;
  loaders: Loaders;
  /** Removes what the router cached about identities a mutation changed. */
  routerCache: RouterInvalidation;
  clients: ProviderClients;
  logger: Logger;
  /** Errors of fields that still resolved with partial data; added to the response by the server. */
  partialFailures: GraphQLError[];
  /** Set when a mutation answered the stored outcome of an earlier request with its idempotency key (an `Idempotent-Replayed` response header). */
  idempotentReplay: boolean;
}

export interface ContextDeps {
  clients: ProviderClients;
  /** Process-wide state beyond a request (idempotency keys, record caches, rate budgets). */
  shared: SharedState;
  logger: Logger;
  metrics: Metrics;
  requestDeadlineMs: number;
  /** Upstream calls one GraphQL request may make. */
  upstreamBudget: number;
  loaderOptions?: LoaderOptions;
  /** Router response-cache invalidation (absent: none configured). */
  routerCache?: RouterInvalidation;
  /** The record caches below the loaders, built once per process from `shared` (absent: none). */
  caches?: ProviderCaches;
}

/** A request id from the router when it sends a sane one, else a new one. */
export function requestIdFrom(header: string | undefined): string {
  return header && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : randomUUID();
}

export interface RequestFacts {
  requestId: string;
  caller: Caller;
  forwarded: ForwardedHeaders;
}

export function createContext(deps: ContextDeps, request: RequestFacts): Context {
  const { requestId } = request;
  const call: CallContext = { requestId, deadline: Date.now() + deps.requestDeadlineMs, budget: new UpstreamCallBudget(deps.upstreamBudget) };
  // Each property named: a spread of `request` followed by these made V8 build the object the slow
  // way (about 15 µs a request, measured), where naming them costs well under one.
  return {
    requestId,
    caller: request.caller,
    forwarded: request.forwarded,
    idempotency: deps.shared.idempotency,
    call,
    loaders: createLoaders(deps.clients, call, deps.metrics, deps.loaderOptions, deps.caches),
    routerCache: deps.routerCache ?? NO_ROUTER_INVALIDATION,
    clients: deps.clients,
    logger: deps.logger,
    partialFailures: [],
    idempotentReplay: false,
  };
}
