import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import http from 'node:http';
import type { Config } from './config';
import { createContext, requestIdFrom, type Caller, type Context, type ContextDeps } from './context';
import { InMemoryIdempotencyStore, type IdempotencyStore } from './mutations/idempotency';
import { formatError } from './errors/format-error';
import type { LoaderOptions } from './loaders/create-loaders';
import type { Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
import { operationPlugin } from './observability/operation-plugin';
import type { ProviderClients } from './providers/provider-clients';
import { buildIdentitySubgraphSchema } from './schema/build-subgraph-schema';

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
  /** Stops taking requests (`/ready` turns 503) and waits at most `graceMs` for those in flight. */
  stop(graceMs?: number): Promise<void>;
}

const MAX_BODY_BYTES = 1_000_000;
const SHUTDOWN_GRACE_MS = 10_000;
const ANONYMOUS: Caller = { subject: 'anonymous', scopes: new Set() };

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
    idempotency: deps.idempotency ?? new InMemoryIdempotencyStore(),
    requestDeadlineMs: config.requestDeadlineMs,
    loaderOptions: deps.loaderOptions,
  };
  const apollo = new ApolloServer<Context>({
    schema: buildIdentitySubgraphSchema(),
    formatError,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    introspection: !config.production,
    plugins: [ApolloServerPluginInlineTraceDisabled(), operationPlugin(logger, metrics)],
  });
  await apollo.start();

  const httpServer = http.createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'unhandled error in HTTP handler');
      if (!res.headersSent) send(res, 500, 'application/json', JSON.stringify({ error: 'internal error' }));
      else res.destroy();
    });
  });
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
    const breakers = [clients.verato, clients.verifa, clients.auth0, clients.btcdirect].map((c) => c.transport.resilience.breakerOpen);
    const isReady = !stopping && !breakers.every(Boolean);
    send(res, isReady ? 200 : 503, 'application/json', JSON.stringify({ status: isReady ? 'ready' : stopping ? 'stopping' : 'all providers failing' }));
  }

  async function graphql(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const requestId = requestIdFrom(headers.get('x-request-id'));
    const body = await readJsonBody(req);
    if (body.error !== undefined) return send(res, body.status, 'application/json', JSON.stringify({ errors: [{ message: body.error, extensions: { code: 'BAD_REQUEST' } }] }));

    const httpGraphQLRequest: HTTPGraphQLRequest = { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body: body.value };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () =>
        createContext(contextDeps, {
          requestId,
          caller: ANONYMOUS,
          forwarded: { btcDirectUserAuthorization: headers.get('x-btcdirect-user-authorization') ?? null },
        }),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.setHeader('x-request-id', requestId);
    closeWhenDraining(res);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  return {
    httpServer,
    apollo,
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

function send(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

type BodyResult = { value: unknown; error?: undefined } | { error: string; status: number };

/** The request body as JSON (Apollo expects it parsed); oversized or malformed bodies are refused. */
async function readJsonBody(req: http.IncomingMessage): Promise<BodyResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return { error: `request body larger than ${MAX_BODY_BYTES} bytes`, status: 413 };
    chunks.push(chunk);
  }
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
