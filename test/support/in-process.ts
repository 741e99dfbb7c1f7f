import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type FormattedExecutionResult } from 'graphql';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { PROVIDERS } from '../../src/domain/provider-name';
import { resolveProviderEndpoints } from '../../src/embedded';
import { startEmulators } from '../../src/emulators';
import type { LoaderOptions } from '../../src/loaders/create-loaders';
import type { PollResult } from '../../src/loaders/verato-notifications';
import { createLogger } from '../../src/observability/logger';
import { createMetrics } from '../../src/observability/metrics';
import { createProviderClients } from '../../src/providers/provider-clients';
import { ALL_SCOPES } from '../../src/security/scopes';
import { createSubgraphApollo } from '../../src/server/apollo';
import { createSharedState } from '../../src/shared-state';
import { emulatorEnv, LOAD_TOLERANT_TIMEOUTS, type Emulators } from './emulator-env';

/** Who runs an operation (default: `test-admin` with every scope, no BTC Direct user token). */
export interface AsCaller {
  subject?: string;
  scopes?: readonly string[];
  /** The `x-btcdirect-user-authorization` header the router would forward. */
  btcDirectUserAuthorization?: string;
  /** The `x-auth0-user-authorization` header the router would forward. */
  auth0UserAuthorization?: string;
}

export interface InProcessSubgraph {
  emulators: Emulators;
  /**
   * Runs one operation with `executeOperation`: the production schema, plugins and error
   * formatting, and a context from the real `createContext` for the given caller. No HTTP reaches
   * the subgraph (its gates are the HTTP tests' business); the providers are still called over
   * HTTP, on the emulators, whose call logs and fault knobs the tests use.
   */
  execute<TData = Record<string, unknown>, TVars = Record<string, unknown>>(
    document: string | TypedDocumentNode<TData, TVars>,
    variables?: TVars,
    as?: AsCaller,
  ): Promise<FormattedExecutionResult<TData>>;
  /** One poll of Verato's change feed, as the background poller runs it. */
  pollVeratoNotifications(): Promise<PollResult>;
  /** Upstream calls received by all four emulators since the last `reset`. */
  upstreamCalls(): number;
  /** Forgets the recorded calls and clears every fault knob. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * The subgraph's GraphQL layer in this process, wired as `startSubgraph` wires it (loadConfig,
 * provider endpoints, provider clients, the Apollo set-up), over four emulators started here.
 */
export async function startInProcess(options: { env?: Record<string, string>; loaderOptions?: LoaderOptions } = {}): Promise<InProcessSubgraph> {
  const emulators = await startEmulators(PROVIDERS);
  const config = loadConfig({
    ...LOAD_TOLERANT_TIMEOUTS,
    ...emulatorEnv(emulators),
    // Required with real provider URLs; never used here, since no caller token is verified.
    AUTH_JWKS_URL: 'http://127.0.0.1:9/unused-jwks.json',
    AUTH_ISSUER: 'in-process-tests',
    AUTH_AUDIENCE: 'identity-subgraph',
    LOG_LEVEL: 'silent',
    // No record cache across requests (call counts per request); cache tests set it themselves.
    CACHE_TTL_SECONDS: '0',
    // No background poll of Verato's change feed (its calls would land in the counts); tests of it call `pollVeratoNotifications`.
    VERATO_NOTIFICATIONS_POLL_SECONDS: '0',
    ...options.env,
  });
  const logger = createLogger({ level: config.logLevel });
  const metrics = createMetrics();
  const providers = await resolveProviderEndpoints(config);
  const shared = createSharedState(config.sharedState, { requestDeadlineMs: config.requestDeadlineMs, idempotencyMaxKeys: config.idempotencyMaxKeys, metrics, logger });
  const clients = createProviderClients(config, providers.endpoints, logger, metrics, shared);
  const { apollo, contextFor, veratoNotifications } = await createSubgraphApollo({ config, clients, shared, logger, metrics, loaderOptions: options.loaderOptions });

  return {
    emulators,
    async execute(document, variables, as = {}) {
      const contextValue = contextFor({
        requestId: randomUUID(),
        caller: { subject: as.subject ?? 'test-admin', scopes: new Set(as.scopes ?? ALL_SCOPES) },
        forwarded: { btcDirectUserAuthorization: as.btcDirectUserAuthorization ?? null, auth0UserAuthorization: as.auth0UserAuthorization ?? null },
      });
      const query = typeof document === 'string' ? document : print(document);
      const response = await apollo.executeOperation<never>({ query, variables: variables as Record<string, unknown> | undefined }, { contextValue });
      if (response.body.kind !== 'single') throw new Error('expected a single result (no @defer or @stream here)');
      return response.body.singleResult;
    },
    pollVeratoNotifications: () => veratoNotifications.pollOnce(),
    upstreamCalls: () => emulators.all.reduce((n, emulator) => n + emulator.receivedCalls(), 0),
    reset() {
      for (const emulator of emulators.all) {
        emulator.clearCalls();
        emulator.setFaults(null);
      }
    },
    async close() {
      await apollo.stop();
      await clients.close();
      await providers.close();
      await shared.close();
      await emulators.close();
    },
  };
}
