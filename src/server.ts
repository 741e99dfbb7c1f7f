import { ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import http from 'node:http';
import { headerMapOf, sendApolloResponse } from './apollo-http';
import type { Config } from './config';
import { createContext, requestIdFrom, type Caller, type Context, type ContextDeps } from './context';
import { InMemoryIdempotencyStore, type IdempotencyStore } from './mutations/idempotency';
import { formatError } from './errors/format-error';
import type { LoaderOptions } from './loaders/create-loaders';
import type { Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
import { operationPlugin } from './observability/operation-plugin';
import { playgroundPlugin } from './playground/playground';
import type { ProviderClients } from './providers/provider-clients';
import { buildIdentitySubgraphSchema } from './schema/build-subgraph-schema';
import { createCallerVerifier } from './security/caller-auth';
import { BoundedDocumentStore } from './security/document-store';
import { armorProtection, createTokenLimit, OPERATION_LIMITS, requestLimitsPlugin, type TokenLimit } from './security/operation-limits';
import { routerSecretMatches } from './security/router-secret';

export interface AppDeps {
  config: Config;
  clients: ProviderClients;
  logger: Logger;
  metrics: Metrics;
  loaderOptions?: LoaderOptions;
  /** Where mutation idempotency keys are kept (default: in memory, this process only). */
  idempotency?: IdempotencyStore;
}

export interface App {
  httpServer: http.Server;
  apollo: ApolloServer<Context>;
  /** The caches keyed by operation text (both bounded by bytes). */
  operationCaches: { documents: BoundedDocumentStore; tokenLimit: TokenLimit };
  /** Stops taking requests (`/ready` turns 503) and waits at most `graceMs` for those in flight. */
  stop(graceMs?: number): Promise<void>;
}

const MAX_BODY_BYTES = 1_000_000;
/** Node's own default for receiving a request's headers; shorter when the request timeout is. */
const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;
const SHUTDOWN_GRACE_MS = 10_000;
/** The caller of a request that needs none (the playground page). */
const NO_CALLER: Caller = { subject: 'anonymous', scopes: new Set() };

/**
 * The subgraph as an HTTP server: `/graphql` (and `/`) for GraphQL, `/health`, `/ready`,
 * `/metrics`. Nothing listens until the caller calls `httpServer.listen`.
 */
export async function createApp(deps: AppDeps): Promise<App> {
  const { config, clients, logger, metrics } = deps;
  const contextDeps: ContextDeps = {
    clients,
    logger,
    metrics,
    idempotency: deps.idempotency ?? new InMemoryIdempotencyStore({ maxKeys: config.idempotencyMaxKeys }),
    requestDeadlineMs: config.requestDeadlineMs,
    upstreamBudget: config.limits.upstreamBudget,
    loaderOptions: deps.loaderOptions,
  };
  const callers = await createCallerVerifier(config);
  const armor = armorProtection({ hideSuggestions: !config.introspection });
  const tokenLimit = createTokenLimit();
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
      // No @cacheControl hints in this schema: skip computing a cache policy for every field.
      ApolloServerPluginCacheControlDisabled(),
      ...armor.plugins,
      requestLimitsPlugin({ upstreamBudget: config.limits.upstreamBudget }),
      operationPlugin(logger, metrics, { maxOperationNames: config.metricsMaxOperationNames }),
      playgroundPlugin({ enabled: config.playground, devIssuer: callers.devIssuer }),
    ],
  });
  await apollo.start();

  const { requestTimeoutMs, maxOperationBytes } = config.limits;
  const httpServer = http.createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(DEFAULT_HEADERS_TIMEOUT_MS, requestTimeoutMs),
      // Node enforces both timeouts only when it checks its connections (every 30 s by default).
      connectionsCheckingInterval: Math.min(CONNECTIONS_CHECKING_INTERVAL_MS, requestTimeoutMs),
    },
    (req, res) => {
    route(req, res).catch((error: unknown) => {
      if (req.destroyed) {
        // The client went away mid-request (aborted upload, closed connection): nothing to answer.
        logger.debug({ err: error }, 'client disconnected before the answer');
        return;
      }
      logger.error({ err: error }, 'unhandled error in HTTP handler');
      if (!res.headersSent) send(res, 500, 'application/json', JSON.stringify({ error: 'internal error' }));
      else res.destroy();
    });
    },
  );
  httpServer.keepAliveTimeout = 65_000;

  let stopping = false;

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://subgraph.local');
    closeWhenDraining(res);
    switch (url.pathname) {
      case '/health':
        return send(res, 200, 'application/json', '{"status":"ok"}');
      case '/ready':
        return ready(res);
      case '/metrics':
        return send(res, 200, metrics.registry.contentType, await metrics.registry.metrics());
      case '/':
      case '/graphql':
        return graphql(req, res, url);
      default:
        return send(res, 404, 'application/json', JSON.stringify({ error: 'not found; GraphQL is served at /graphql' }));
    }
  }

  /** While draining, answers close their connection, so keep-alive does not hold the shutdown up. */
  function closeWhenDraining(res: http.ServerResponse): void {
    if (stopping) res.setHeader('connection', 'close');
  }

  function ready(res: http.ServerResponse): void {
    const isReady = !stopping && !clients.allFailing();
    send(res, isReady ? 200 : 503, 'application/json', JSON.stringify({ status: isReady ? 'ready' : stopping ? 'stopping' : 'all providers failing' }));
  }

  async function graphql(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const bodyDeadline = Date.now() + requestTimeoutMs;
    const headers = headerMapOf(req);
    const requestId = requestIdFrom(headers.get('x-request-id'));
    res.setHeader('x-request-id', requestId);

    // Gates, before the body is even read: only the router may call, and only verified callers.
    if (config.routerSecret && !routerSecretMatches(config.routerSecret, headers.get('router-authorization'))) {
      return sendError(res, 401, 'UNAUTHENTICATED', 'This subgraph only answers its router (missing or wrong router-authorization header).', requestId);
    }
    if (config.playground && isPlaygroundReload(req, url)) {
      res.setHeader('location', url.pathname);
      return send(res, 303, 'application/json', JSON.stringify({ redirect: url.pathname }));
    }
    let caller: Caller = NO_CALLER;
    if (!isLandingPageRequest(req, url)) {
      try {
        caller = await callers.callerFor(headers.get('authorization'));
      } catch (error) {
        return sendError(res, 401, 'UNAUTHENTICATED', (error as Error).message, requestId);
      }
    }

    const body = await readJsonBody(req, { requestTimeoutMs, remainingMs: bodyDeadline - Date.now() });
    if (body.error !== undefined) {
      if (body.status === 408) closeAfterAnswer(req, res);
      return sendError(res, body.status, 'BAD_REQUEST', body.error, requestId);
    }
    const query = (body.value as { query?: unknown } | undefined)?.query ?? url.searchParams.get('query');
    if (typeof query === 'string' && Buffer.byteLength(query) > maxOperationBytes) {
      return sendError(res, 413, 'BAD_USER_INPUT', `The operation text is longer than ${maxOperationBytes} bytes; send a shorter operation.`, requestId);
    }
    if (typeof query === 'string' && tokenLimit.exceeds(query)) {
      return sendError(res, 400, 'GRAPHQL_VALIDATION_FAILED', `The operation has more than ${OPERATION_LIMITS.maxTokens} tokens.`, requestId);
    }

    const httpGraphQLRequest: HTTPGraphQLRequest = { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body: body.value };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () =>
        createContext(contextDeps, {
          requestId,
          caller,
          forwarded: { btcDirectUserAuthorization: headers.get('x-btcdirect-user-authorization') ?? null },
        }),
    });
    closeWhenDraining(res);
    await sendApolloResponse(res, response);
  }

  return {
    httpServer,
    apollo,
    operationCaches: { documents, tokenLimit },
    async stop(graceMs = SHUTDOWN_GRACE_MS) {
      stopping = true;
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      // In-flight requests get `graceMs` to finish; then their connections are cut.
      const timer = setTimeout(() => httpServer.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      await apollo.stop();
    },
  };
}

/**
 * A browser asking for the playground page: a GET without a query string (so there is no
 * operation to run) that accepts HTML. Anything with a query string goes through the gates:
 * Apollo answers a GET whose Accept merely lists text/html (`application/json, text/html`) by
 * running the operation.
 */
function isLandingPageRequest(req: http.IncomingMessage, url: URL): boolean {
  return req.method === 'GET' && url.search === '' && (req.headers.accept ?? '').includes('text/html');
}

/**
 * A browser loading a playground address that carries a query string: GraphiQL writes the edited
 * operation into the address (`?query=…`), so a reload asks for that. A page load cannot carry the
 * caller's token, so rather than a 401 it is sent to the bare page, whose tabs (kept in the
 * browser's storage) hold the operation; nothing is run.
 */
function isPlaygroundReload(req: http.IncomingMessage, url: URL): boolean {
  return req.method === 'GET' && url.search !== '' && req.headers['sec-fetch-mode'] === 'navigate' && (req.headers.accept ?? '').includes('text/html');
}

function sendError(res: http.ServerResponse, status: number, code: string, message: string, requestId: string): void {
  send(res, status, 'application/json', JSON.stringify({ errors: [{ message, extensions: { code, requestId } }] }));
}

function send(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

type BodyResult = { value: unknown; error?: undefined } | { error: string; status: number };

/**
 * The request body as JSON (Apollo expects it parsed); oversized or malformed bodies are refused,
 * and so is a body that has not fully arrived within the request timeout (HTTP 408). An oversized
 * body is still read to its end (and dropped) so the client gets the 413 answer, in the same time.
 */
async function readJsonBody(req: http.IncomingMessage, timing: { requestTimeoutMs: number; remainingMs: number }): Promise<BodyResult> {
  const received = await receiveBody(req, timing.remainingMs);
  if (received === 'timed_out') return { error: `request not fully received within ${timing.requestTimeoutMs} ms`, status: 408 };
  const { chunks, size } = received;
  if (size > MAX_BODY_BYTES) return { error: `request body larger than ${MAX_BODY_BYTES} bytes`, status: 413 };
  if (size === 0) return { value: undefined };
  const contentType = req.headers['content-type'] ?? '';
  const text = Buffer.concat(chunks).toString('utf8');
  if (!/\bjson\b/i.test(contentType)) return { value: text };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: 'request body is not valid JSON', status: 400 };
  }
}

/**
 * Reads the body with a timer of its own: Node checks its request timeout only now and then, and
 * a client trickling one byte a second must not hold the connection past the timeout. Rejects
 * when the client goes away before the end.
 */
function receiveBody(req: http.IncomingMessage, timeoutMs: number): Promise<{ chunks: Buffer[]; size: number } | 'timed_out'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    };
    const onEnd = () => finish(() => resolve({ chunks, size }));
    const onError = (error: Error) => finish(() => reject(error));
    const onClose = () => finish(() => reject(new Error('client closed the connection before the body ended')));
    const timer = setTimeout(() => {
      finish(() => resolve('timed_out'));
      req.pause();
    }, Math.max(0, timeoutMs));
    function finish(settle: () => void): void {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      settle();
    }
    req.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
  });
}

/** The answer is the last thing on this connection (the rest of a late body is not waited for). */
function closeAfterAnswer(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.setHeader('connection', 'close');
  res.once('finish', () => req.socket.destroy());
}
