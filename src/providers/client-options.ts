import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { ProviderPolicy } from './http/policy';
import type { RateBudget } from '../budgets/rate-budget';

/** What every provider client is built from. */
export interface ProviderClientOptions<A> {
  baseUrl: string;
  auth: A;
  policy: ProviderPolicy;
  logger: Logger;
  metrics: Metrics;
  /** The provider's rate budget (SharedState.rateBudget with its `<P>_RATE_LIMIT_*`); absent: none. */
  rateBudget?: RateBudget;
}
