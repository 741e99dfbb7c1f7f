import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { CallContext } from '../providers/http/transport';
import { identityCacheTag } from './router-cache-tags';

export interface RouterInvalidationConfig {
  /** The router's response-cache invalidation endpoint (`response_cache.invalidation.listen` + `path`). */
  url: string;
  /** The router's `shared_key`, sent as the whole `Authorization` header. */
  secret: string;
  /** This subgraph's name in the supergraph (what `subgraphs` of an invalidation names). */
  subgraph: string;
}

/** Removes what the router cached about identities a mutation changed. */
export interface RouterInvalidation {
  /** Never rejects: a failure is logged at `warn` and counted, and the mutation answers as it would. */
  invalidate(globalIds: readonly string[], call: CallContext): Promise<void>;
}

/** The longest an invalidation may hold up a mutation's answer (less when the request deadline is nearer). */
export const ROUTER_INVALIDATION_TIMEOUT_MS = 2_000;
const MIN_TIMEOUT_MS = 100;

export const NO_ROUTER_INVALIDATION: RouterInvalidation = { invalidate: async () => undefined };

/**
 * Apollo Router's response-cache invalidation request: a POST of a JSON array of invalidations,
 * `{ "kind": "cache_tag", "subgraphs": ["<subgraph>"], "cache_tag": "<tag>" }` each, with the
 * shared key as the `Authorization` header value; the router answers 2xx with `{ "count": n }`.
 * (Apollo Router docs, "Response caching > Invalidation": "By cache tag" and "Invalidation HTTP
 * endpoint", Router >= 2.10.) The tags are `Identity @cacheTag(format: "identity-{$key.id}")`.
 */
export function invalidationBody(globalIds: readonly string[], subgraph: string): { kind: 'cache_tag'; subgraphs: string[]; cache_tag: string }[] {
  return [...new Set(globalIds)].map((id) => ({ kind: 'cache_tag', subgraphs: [subgraph], cache_tag: identityCacheTag(id) }));
}

export function createRouterInvalidation(config: RouterInvalidationConfig | null, logger: Logger, metrics: Metrics): RouterInvalidation {
  if (!config) return NO_ROUTER_INVALIDATION;
  return {
    async invalidate(globalIds, call) {
      if (globalIds.length === 0) return;
      // Awaited (within a short bound) so that a client reading through the router right after the answer misses the old entry.
      const timeoutMs = Math.max(MIN_TIMEOUT_MS, Math.min(ROUTER_INVALIDATION_TIMEOUT_MS, call.deadline - Date.now()));
      let failure: Record<string, unknown> | null = null;
      try {
        const response = await fetch(config.url, {
          method: 'POST',
          headers: { authorization: config.secret, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(invalidationBody(globalIds, config.subgraph)),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel();
        if (!response.ok) failure = { status: response.status };
      } catch (error) {
        // Only the error's kind: neither the URL nor the secret goes into a log line.
        failure = { error: (error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable' };
      }
      metrics.routerInvalidations.inc({ result: failure ? 'failed' : 'sent' });
      if (failure) {
        logger.warn({ requestId: call.requestId, identities: globalIds.length, ...failure }, 'router cache invalidation failed; the router may serve the old entries until their max-age');
      }
    },
  };
}
