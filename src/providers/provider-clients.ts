import type { Config } from '../config';
import { PROVIDERS, type ProviderName } from '../domain/provider-name';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { SharedState } from '../shared-state';
import { mapProviders, type ProviderTypes } from '.';
import type { SourceMap } from './verato/source-map';

/** Where and how to reach each provider, once embedded emulators (if any) are running. */
export type ProviderEndpoints = { [P in ProviderName]: ProviderTypes[P]['endpoint'] };

export type ProviderClientMap = { [P in ProviderName]: ProviderTypes[P]['client'] };

export type ProviderClients = ProviderClientMap & {
  sourceMap: SourceMap;
  /** VERATO_RELATIONSHIP_VERBS: the verbs Verato's configured relationship definitions accept. */
  veratoRelationshipVerbs: readonly string[];
  /** Whether every provider's circuit breaker is open (the subgraph can then answer nothing: /ready fails). */
  allFailing(): boolean;
  close(): Promise<void>;
};

/**
 * One client per provider for the life of the process (connections and breakers are shared);
 * tokens the clients fetch for themselves are kept in `shared.tokens` (for the fleet on Redis).
 */
export function createProviderClients(config: Config, endpoints: ProviderEndpoints, logger: Logger, metrics: Metrics, shared: SharedState): ProviderClients {
  const clients = mapProviders<ProviderClientMap>(
    (module) => module.createClient(endpoints[module.name], config[module.name], { logger, metrics, shared, rateBudget: shared.rateBudget(module.name, config[module.name].rateLimit ?? null) }) as ProviderClientMap[typeof module.name],
  );
  const all = PROVIDERS.map((name) => clients[name]);
  return {
    ...clients,
    sourceMap: config.verato.sourceMap,
    veratoRelationshipVerbs: config.verato.relationshipVerbs,
    allFailing: () => all.every((client) => client.transport.resilience.breakerOpen),
    close: async () => {
      await Promise.all(all.map((client) => client.close()));
    },
  };
}
