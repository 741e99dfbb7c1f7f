import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The subgraph's Prometheus metrics, in a registry of their own (one per server instance, so
 * tests can run several servers in one process). Served as text at `/metrics`.
 */
export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    upstreamDuration: new Histogram({
      name: 'identity_upstream_request_duration_seconds',
      help: 'Duration of each upstream HTTP attempt, by provider, operation (method + path template) and status ("none" when no answer came).',
      labelNames: ['provider', 'operation', 'status'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    upstreamRetries: new Counter({
      name: 'identity_upstream_retries_total',
      help: 'Upstream attempts repeated after a retryable failure, by provider.',
      labelNames: ['provider'] as const,
      registers,
    }),
    upstreamRateLimitRemaining: new Gauge({
      name: 'identity_upstream_rate_limit_remaining',
      help: 'Last X-RateLimit-Remaining a provider announced.',
      labelNames: ['provider'] as const,
      registers,
    }),
    breakerTransitions: new Counter({
      name: 'identity_circuit_breaker_transitions_total',
      help: 'Circuit breaker state changes, by provider and the state entered.',
      labelNames: ['provider', 'state'] as const,
      registers,
    }),
    breakerOpen: new Gauge({
      name: 'identity_circuit_breaker_open',
      help: '1 while the provider circuit breaker is open, else 0.',
      labelNames: ['provider'] as const,
      registers,
    }),
    loaderBatchSize: new Histogram({
      name: 'identity_loader_batch_size',
      help: 'Keys per DataLoader batch, by loader.',
      labelNames: ['loader'] as const,
      buckets: [1, 2, 5, 10, 20, 50, 100],
      registers,
    }),
    operationDuration: new Histogram({
      name: 'identity_graphql_operation_duration_seconds',
      help: 'GraphQL operation duration, by operation type and name (a bounded set of names of executed operations; "other" beyond it, "not_executed" for operations refused before execution).',
      labelNames: ['type', 'name'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    operationErrors: new Counter({
      name: 'identity_graphql_errors_total',
      help: 'GraphQL errors returned, by extensions.code.',
      labelNames: ['code'] as const,
      registers,
    }),
    // Shared state (Redis), the provider-record cache and the fleet-wide rate budgets.
    redisUp: new Gauge({
      name: 'identity_redis_up',
      help: '1 while the Redis connection is ready, 0 while it is down or reconnecting (absent without REDIS_URL).',
      registers,
    }),
    cacheLookups: new Counter({
      name: 'identity_cache_lookups_total',
      help: 'Provider-record cache lookups, by cache (a record kind named in code) and result: hit, miss, or error (the shared store failed; read as a miss).',
      labelNames: ['cache', 'result'] as const,
      registers,
    }),
    budgetRemaining: new Gauge({
      name: 'identity_rate_budget_remaining',
      help: "Calls left in a provider's fleet-wide rate budget at its last acquisition.",
      labelNames: ['provider'] as const,
      registers,
    }),
    budgetWaits: new Counter({
      name: 'identity_rate_budget_waits_total',
      help: "Provider calls that waited for the fleet-wide rate budget (and then went out).",
      labelNames: ['provider'] as const,
      registers,
    }),
    routerInvalidations: new Counter({
      name: 'identity_router_invalidations_total',
      help: "Router response-cache invalidations posted after mutations, by result: sent (2xx) or failed (no answer, or not 2xx; the mutation answered anyway).",
      labelNames: ['result'] as const,
      registers,
    }),
    veratoNotificationPolls: new Counter({
      name: 'identity_verato_notification_polls_total',
      help: "Polls of Verato's /searchNotifications change feed, by result: changed (cached Verato records dropped), unchanged, skipped (another replica polls this period) or failed.",
      labelNames: ['result'] as const,
      registers,
    }),
    budgetRefusals: new Counter({
      name: 'identity_rate_budget_refusals_total',
      help: "Provider calls refused without being sent: the fleet-wide rate budget had no call left within the request deadline.",
      labelNames: ['provider'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
