import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { Config } from '../config';
import type { ProviderName } from '../domain/provider-name';
import { createRouterInvalidation } from '../cache/router-invalidation';
import { cacheControlPlugin } from './cache-control';
import { createContext, type Context, type ContextDeps, type RequestFacts } from '../context';
import { formatError } from '../errors/format-error';
import type { LoaderOptions } from '../loaders/create-loaders';
import type { SharedState } from '../shared-state';
import { createProviderCaches } from '../loaders/provider-caches';
import { createVeratoNotificationPoller, type VeratoNotificationPoller } from '../loaders/verato-notifications';
import { mapProviders } from '../providers';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { operationPlugin } from '../observability/operation-plugin';
import { playgroundPlugin } from '../playground/playground';
import { replayHeaderPlugin } from './replay-header-plugin';
import type { ProviderClients } from '../providers/provider-clients';
import { buildIdentitySubgraphSchema } from '../schema/build-subgraph-schema';
import type { DevIssuer } from '../security/dev-issuer';
import { BoundedDocumentStore } from '../security/document-store';
import { armorProtection, requestLimitsPlugin } from '../security/operation-limits';

export interface SubgraphApolloDeps {
  config: Config;
  clients: ProviderClients;
  logger: Logger;
  metrics: Metrics;
  loaderOptions?: LoaderOptions;
  /** Idempotency keys, record caches, rate budgets: the one SharedState the provider clients were built with. */
  shared: SharedState;
  /** The embedded dev issuer, whose token the playground page carries (none: a page without one). */
  devIssuer?: DevIssuer | null;
}

/**
 * The GraphQL side of the subgraph, without any HTTP: a started Apollo Server and the one way to
 * make the context of a request. The HTTP routes run requests through it, and so can tests
 * (`apollo.executeOperation(request, { contextValue: contextFor(facts) })`).
 */
export interface SubgraphApollo {
  apollo: ApolloServer<Context>;
  contextFor(request: RequestFacts): Context;
  /** Parsed and validated operations, keyed by their text. */
  documents: BoundedDocumentStore;
  /** The Verato change-feed poller: runs from `apollo.start()` to `apollo.stop()`. */
  veratoNotifications: VeratoNotificationPoller;
}

export async function createSubgraphApollo(deps: SubgraphApolloDeps): Promise<SubgraphApollo> {
  const { config, logger, metrics } = deps;
  const cacheTtlSeconds = mapProviders<Record<ProviderName, number>>((module) => config[module.name].cacheTtlSeconds ?? config.sharedState.cacheTtlSeconds);
  const { shared } = deps;
  // Once per process: the record caches every request's loaders read through.
  const caches = createProviderCaches(shared, cacheTtlSeconds, logger);
  const veratoNotifications = createVeratoNotificationPoller({
    client: deps.clients.verato,
    caches,
    shared,
    // Nothing to drop while Verato's records are not cached.
    periodSeconds: cacheTtlSeconds.verato > 0 ? config.verato.notificationsPollSeconds : 0,
    requestDeadlineMs: config.requestDeadlineMs,
    logger,
    metrics,
  });
  const contextDeps: ContextDeps = {
    clients: deps.clients,
    logger,
    metrics,
    shared,
    caches,
    routerCache: createRouterInvalidation(config.routerInvalidation, logger, metrics),
    requestDeadlineMs: config.requestDeadlineMs,
    upstreamBudget: config.limits.upstreamBudget,
    loaderOptions: deps.loaderOptions,
  };
  const armor = armorProtection({ hideSuggestions: !config.introspection });
  const documents = new BoundedDocumentStore();
  const apollo = new ApolloServer<Context>({
    schema: buildIdentitySubgraphSchema(),
    formatError,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    introspection: config.introspection,
    // The process entry owns SIGTERM/SIGINT (drain, then close clients and emulators).
    stopOnTerminationSignals: false,
    hideSchemaDetailsFromClientErrors: !config.introspection,
    validationRules: armor.validationRules,
    // Apollo's default store undercounts documents padded with comments; see BoundedDocumentStore.
    // (The persisted-query cache Apollo keeps by default is bounded by the length of its texts.)
    documentStore: documents,
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      // No @cacheControl hints in this schema: Cache-Control comes from cacheControlPlugin (see why there).
      ApolloServerPluginCacheControlDisabled(),
      cacheControlPlugin(cacheTtlSeconds),
      ...armor.plugins,
      requestLimitsPlugin({ upstreamBudget: config.limits.upstreamBudget }),
      operationPlugin(logger, metrics, { maxOperationNames: config.metricsMaxOperationNames }),
      replayHeaderPlugin(),
      playgroundPlugin({ enabled: config.playground, devIssuer: deps.devIssuer ?? null }),
      {
        async serverWillStart() {
          veratoNotifications.start();
          return { serverWillStop: () => veratoNotifications.stop() };
        },
      },
    ],
  });
  await apollo.start();
  return { apollo, contextFor: (request) => createContext(contextDeps, request), documents, veratoNotifications };
}
