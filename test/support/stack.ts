import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type ExecutionResult } from 'graphql';
import { startSubgraph, type RunningSubgraph } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { startEmulators } from '../../src/emulators';
import { DEMO_CREDENTIALS } from '../../src/emulators/seed';
import { PROVIDERS } from '../../src/domain/global-id';
import type { LoaderOptions } from '../../src/loaders/create-loaders';
import { createLogger } from '../../src/observability/logger';

export type Emulators = Awaited<ReturnType<typeof startEmulators>>;

export interface Stack {
  emulators: Emulators;
  subgraph: RunningSubgraph;
  url: string;
  /** POSTs an operation to /graphql and returns the parsed answer. */
  gql<TData = Record<string, unknown>, TVars = Record<string, unknown>>(
    document: string | TypedDocumentNode<TData, TVars>,
    variables?: TVars,
    headers?: Record<string, string>,
  ): Promise<ExecutionResult<TData> & { status: number }>;
  clearCalls(): void;
  close(): Promise<void>;
}

/**
 * The subgraph pointed, through its ordinary configuration, at four separately started provider
 * emulators: the same code path as against the real APIs, with call counters and fault knobs.
 */
export async function startStack(options: { env?: Record<string, string>; loaderOptions?: LoaderOptions; logLines?: string[] } = {}): Promise<Stack> {
  const emulators = await startEmulators(PROVIDERS);
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLines ? 'debug' : 'silent',
    VERATO_BASE_URL: emulators.verato!.baseUrl,
    VERATO_TOKEN: DEMO_CREDENTIALS.verato.token,
    VERIFA_BASE_URL: emulators.verifa!.baseUrl,
    VERIFA_API_KEY: DEMO_CREDENTIALS.verifa.apiKey,
    AUTH0_BASE_URL: emulators.auth0!.baseUrl,
    AUTH0_CLIENT_ID: DEMO_CREDENTIALS.auth0.clientId,
    AUTH0_CLIENT_SECRET: DEMO_CREDENTIALS.auth0.clientSecret,
    BTCDIRECT_BASE_URL: emulators.btcdirect!.baseUrl,
    BTCDIRECT_API_KEY: DEMO_CREDENTIALS.btcdirect.apiKey,
    ...options.env,
  };
  const config = loadConfig(env);
  const logger = options.logLines
    ? createLogger({ level: 'debug', destination: { write: (line: string) => void options.logLines!.push(line) } })
    : undefined;
  const subgraph = await startSubgraph(config, { logger, loaderOptions: options.loaderOptions });

  return {
    emulators,
    subgraph,
    url: subgraph.url,
    async gql(document, variables, headers = {}) {
      const query = typeof document === 'string' ? document : print(document);
      const response = await fetch(subgraph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { ...((await response.json()) as ExecutionResult<never>), status: response.status };
    },
    clearCalls: () => emulators.all.forEach((emulator) => emulator.clearCalls()),
    close: async () => {
      await subgraph.close();
      await emulators.close();
    },
  };
}
