import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type ExecutionResult } from 'graphql';
import { startSubgraph, type RunningSubgraph } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { startEmulators } from '../../src/emulators';
import { startCallerIssuer } from '../../src/emulators/caller-issuer';
import { PROVIDERS } from '../../src/domain/provider-name';
import type { LoaderOptions } from '../../src/loaders/create-loaders';
import { createLogger } from '../../src/observability/logger';
import { ALL_SCOPES } from '../../src/security/scopes';
import { emulatorEnv, LOAD_TOLERANT_TIMEOUTS, type Emulators } from './emulator-env';

export interface Stack {
  emulators: Emulators;
  subgraph: RunningSubgraph;
  url: string;
  /** The environment the subgraph was configured from (a second replica can start from it). */
  env?: Record<string, string>;
  /** A dev-issuer token (the issuer the subgraph trusts here, through AUTH_* unless `env` says otherwise). */
  token(claims?: { sub?: string; scopes?: readonly string[]; expiresInSeconds?: number; issuer?: string; audience?: string }): Promise<string>;
  /**
   * POSTs an operation to /graphql and returns the parsed answer. Unless `headers` has its own
   * `authorization` (an empty one sends none), the request carries an all-scopes admin token.
   */
  gql<TData = Record<string, unknown>, TVars = Record<string, unknown>>(
    document: string | TypedDocumentNode<TData, TVars>,
    variables?: TVars,
    headers?: Record<string, string>,
  ): Promise<ExecutionResult<TData> & { status: number; headers: Headers }>;
  clearCalls(): void;
  close(): Promise<void>;
}

type StackOptions = { env?: Record<string, string> | ((emulators: Emulators) => Record<string, string>); loaderOptions?: LoaderOptions; logLines?: string[] };

/**
 * The subgraph pointed, through its ordinary configuration, at four separately started provider
 * emulators: the same code path as against the real APIs, with call counters and fault knobs.
 * Caller tokens are verified as in production (AUTH_* pointing at a JWKS of the dev issuer's key).
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  return startStackOver(await startEmulators(PROVIDERS), options);
}

/**
 * Like startStack(), over emulators the test started itself (e.g. with options of their own, such
 * as an Auth0 search lag); `close()` stops them too.
 */
export async function startStackOver(emulators: Emulators, options: StackOptions = {}): Promise<Stack> {
  const callerIssuer = await startCallerIssuer();
  const stack = await subgraphOver(emulators, callerIssuer, options);
  return {
    ...stack,
    close: async () => {
      await stack.close();
      await Promise.all([emulators.close(), callerIssuer.close()]);
    },
  };
}

/**
 * `count` subgraph processes' worth (replicas behind one router) in this process, over the same
 * four emulators and caller issuer, each with the same configuration (e.g. one REDIS_URL and
 * CACHE_ENCRYPTION_KEY). `close()` stops the replicas, then the emulators.
 */
export async function startReplicas(count: number, options: StackOptions = {}): Promise<{ emulators: Emulators; replicas: Stack[]; clearCalls(): void; close(): Promise<void> }> {
  const emulators = await startEmulators(PROVIDERS);
  const callerIssuer = await startCallerIssuer();
  const replicas: Stack[] = [];
  for (let i = 0; i < count; i++) replicas.push(await subgraphOver(emulators, callerIssuer, options));
  return {
    emulators,
    replicas,
    clearCalls: () => emulators.all.forEach((emulator) => emulator.clearCalls()),
    close: async () => {
      await Promise.all(replicas.map((replica) => replica.close()));
      await Promise.all([emulators.close(), callerIssuer.close()]);
    },
  };
}

/** One subgraph over running emulators; its `close()` stops the subgraph only. */
async function subgraphOver(emulators: Emulators, callerIssuer: Awaited<ReturnType<typeof startCallerIssuer>>, options: StackOptions): Promise<Stack> {
  const env = {
    ...callerIssuer.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLines ? 'debug' : 'silent',
    ...LOAD_TOLERANT_TIMEOUTS,
    ...emulatorEnv(emulators),
    // No record cache across requests: the call-count tests count every request's provider calls.
    // Tests of the cache set CACHE_TTL_SECONDS (or <P>_CACHE_TTL_SECONDS) themselves.
    CACHE_TTL_SECONDS: '0',
    // No background poll of Verato's change feed unless a test asks for it.
    VERATO_NOTIFICATIONS_POLL_SECONDS: '0',
    ...(typeof options.env === 'function' ? options.env(emulators) : options.env),
  };
  const config = loadConfig(env);
  const logger = options.logLines
    ? createLogger({ level: 'debug', destination: { write: (line: string) => void options.logLines!.push(line) } })
    : undefined;
  const subgraph = await startSubgraph(config, { logger, loaderOptions: options.loaderOptions });
  const token: Stack['token'] = (claims = {}) =>
    callerIssuer.devIssuer.mint({
      sub: claims.sub ?? 'test-admin',
      scope: (claims.scopes ?? ALL_SCOPES).join(' '),
      expiresInSeconds: claims.expiresInSeconds,
      issuer: claims.issuer,
      audience: claims.audience,
    });
  const adminToken = await token();

  return {
    emulators,
    subgraph,
    url: subgraph.url,
    env,
    token,
    async gql(document, variables, headers = {}) {
      const query = typeof document === 'string' ? document : print(document);
      const { authorization = `Bearer ${adminToken}`, ...rest } = headers;
      const response = await fetch(subgraph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}), ...rest },
        body: JSON.stringify({ query, variables }),
      });
      return { ...((await response.json()) as ExecutionResult<never>), status: response.status, headers: response.headers };
    },
    clearCalls: () => emulators.all.forEach((emulator) => emulator.clearCalls()),
    close: () => subgraph.close(),
  };
}
