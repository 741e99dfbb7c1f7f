import type { ApolloServer } from '@apollo/server';
import http from 'node:http';
import type { Context } from '../context';
import { createCallerVerifier } from '../security/caller-auth';
import type { BoundedDocumentStore } from '../security/document-store';
import { createTokenLimit, type TokenLimit } from '../security/operation-limits';
import { createSubgraphApollo, type SubgraphApollo, type SubgraphApolloDeps } from './apollo';
import { createRequestListener } from './http-routes';

export type AppDeps = Omit<SubgraphApolloDeps, 'devIssuer'>;

export interface App {
  httpServer: http.Server;
  apollo: ApolloServer<Context>;
  /** The Verato change-feed poller (stopped by `stop`). */
  veratoNotifications: SubgraphApollo['veratoNotifications'];
  /** The caches keyed by operation text (both bounded by bytes). */
  operationCaches: { documents: BoundedDocumentStore; tokenLimit: TokenLimit };
  /** Stops taking requests (`/ready` turns 503) and waits at most `graceMs` for those in flight. */
  stop(graceMs?: number): Promise<void>;
}

/** Node's own default for receiving a request's headers; shorter when the request timeout is. */
const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The subgraph as an HTTP server: `/graphql` (and `/`) for GraphQL, `/health`, `/ready`,
 * `/metrics`. Nothing listens until the caller calls `httpServer.listen`.
 */
export async function createApp(deps: AppDeps): Promise<App> {
  const { config } = deps;
  const callers = await createCallerVerifier(config);
  const graphql = await createSubgraphApollo({ ...deps, devIssuer: callers.devIssuer });
  const tokenLimit = createTokenLimit();
  let stopping = false;

  const { requestTimeoutMs } = config.limits;
  const httpServer = http.createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(DEFAULT_HEADERS_TIMEOUT_MS, requestTimeoutMs),
      // Node enforces both timeouts only when it checks its connections (every 30 s by default).
      connectionsCheckingInterval: Math.min(CONNECTIONS_CHECKING_INTERVAL_MS, requestTimeoutMs),
    },
    createRequestListener({ ...deps, graphql, callers, tokenLimit, isStopping: () => stopping }),
  );
  httpServer.keepAliveTimeout = 65_000;

  return {
    httpServer,
    apollo: graphql.apollo,
    veratoNotifications: graphql.veratoNotifications,
    operationCaches: { documents: graphql.documents, tokenLimit },
    async stop(graceMs = SHUTDOWN_GRACE_MS) {
      stopping = true;
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      // In-flight requests get `graceMs` to finish; then their connections are cut.
      const timer = setTimeout(() => httpServer.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      await graphql.apollo.stop();
    },
  };
}
