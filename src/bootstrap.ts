import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { resolveProviderEndpoints } from './embedded';
import type { ProviderName } from './domain/provider-name';
import type { LoaderOptions } from './loaders/create-loaders';
import { createLogger, type Logger } from './observability/logger';
import { createMetrics, type Metrics } from './observability/metrics';
import { createProviderClients, type ProviderClients } from './providers/provider-clients';
import { createApp, type App } from './server';

export interface RunningSubgraph {
  app: App;
  url: string;
  port: number;
  /** Providers served by embedded emulators. */
  embedded: ProviderName[];
  clients: ProviderClients;
  logger: Logger;
  metrics: Metrics;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  metrics?: Metrics;
  loaderOptions?: LoaderOptions;
}

/** Wires config -> emulators (where needed) -> provider clients -> server, and listens. */
export async function startSubgraph(config: Config, options: StartOptions = {}): Promise<RunningSubgraph> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const metrics = options.metrics ?? createMetrics({ defaultMetrics: true });
  const providers = await resolveProviderEndpoints(config);
  const clients = createProviderClients(config, providers.endpoints, logger, metrics);
  const app = await createApp({ config, clients, logger, metrics, loaderOptions: options.loaderOptions });
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
    logger,
    metrics,
    close: async () => {
      await app.stop();
      await clients.close();
      await providers.close();
    },
  };
}
