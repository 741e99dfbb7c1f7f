import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { SharedState } from '../shared-state';
import type { ProviderPolicy } from './http/policy';
import type { RateBudget } from '../budgets/rate-budget';

/** What every provider client is built from. */
export interface ProviderClientOptions<A> {
  baseUrl: string;
  auth: A;
  policy: ProviderPolicy;
  logger: Logger;
  metrics: Metrics;
  /** The process's shared state (tokens it fetches for itself, rate budgets), on Redis with REDIS_URL. */
  shared: SharedState;
  /** The provider's rate budget (SharedState.rateBudget with its `<P>_RATE_LIMIT_*`); absent: none. */
  rateBudget?: RateBudget;
}
