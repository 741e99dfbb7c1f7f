import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { resolveProviderEndpoints } from './embedded';
import type { ProviderName } from './domain/provider-name';
import type { LoaderOptions } from './loaders/create-loaders';
import { createLogger, type Logger } from './observability/logger';
import { createMetrics, type Metrics } from './observability/metrics';
import { createProviderClients, type ProviderClients } from './providers/provider-clients';
import { createApp, type App } from './server';
import { createSharedState, type SharedState } from './shared-state';

export interface RunningSubgraph {
  app: App;
  url: string;
  port: number;
  /** Providers served by embedded emulators. */
  embedded: ProviderName[];
  clients: ProviderClients;
  /** What the process keeps beyond a request: on Redis with REDIS_URL, else in process. */
  shared: SharedState;
  logger: Logger;
  metrics: Metrics;
  close(): Promise<void>;
}

/**
 * How long start-up waits for the Redis connection before it listens. A replica that served before
 * it would read every record from the providers and could not promise read-your-writes; past this
 * it serves without Redis, as when Redis goes down later, and uses it once it connects.
 */
export const REDIS_STARTUP_WAIT_MS = 5_000;

export interface StartOptions {
  logger?: Logger;
  metrics?: Metrics;
  loaderOptions?: LoaderOptions;
}

/** Wires config -> emulators (where needed) -> provider clients -> server, and listens. */
export async function startSubgraph(config: Config, options: StartOptions = {}): Promise<RunningSubgraph> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const metrics = options.metrics ?? createMetrics({ defaultMetrics: true });
  const shared = createSharedState(config.sharedState, { requestDeadlineMs: config.requestDeadlineMs, idempotencyMaxKeys: config.idempotencyMaxKeys, metrics, logger });
  const redisReady = shared.redis
    ?.waitUntilReady(REDIS_STARTUP_WAIT_MS)
    .catch(() => logger.warn({ redis: 'not-ready' }, `redis not ready after ${REDIS_STARTUP_WAIT_MS} ms; serving without it until it connects (reads go to the providers meanwhile)`));
  const providers = await resolveProviderEndpoints(config);
  const clients = createProviderClients(config, providers.endpoints, logger, metrics, shared);
  const app = await createApp({ config, clients, shared, logger, metrics, loaderOptions: options.loaderOptions });
  await redisReady;
  await new Promise<void>((resolve, reject) => {
    app.httpServer.once('error', reject);
    app.httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (app.httpServer.address() as AddressInfo).port;
  return {
    app,
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    embedded: providers.embedded,
    clients,
    shared,
    logger,
    metrics,
    close: async () => {
      await app.stop();
      await clients.close();
      await providers.close();
      await shared.close();
    },
  };
}
