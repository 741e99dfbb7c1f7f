import type { HTTPGraphQLRequest } from '@apollo/server';
import type http from 'node:http';
import type { Config } from '../config';
import { NO_STORE } from './cache-control';
import { requestIdFrom, type Caller } from '../context';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { ProviderClients } from '../providers/provider-clients';
import type { CallerVerifier } from '../security/caller-auth';
import { OPERATION_LIMITS, type TokenLimit } from '../security/operation-limits';
import { routerSecretMatches } from '../security/router-secret';
import { headerMapOf, sendApolloResponse } from './apollo-http';
import { CompressedPage } from './compressed-page';
import type { SubgraphApollo } from './apollo';
import { closeAfterAnswer, readJsonBody } from './request-body';

export interface HttpRoutesDeps {
  config: Config;
  clients: ProviderClients;
  logger: Logger;
  metrics: Metrics;
  graphql: SubgraphApollo;
  callers: CallerVerifier;
  tokenLimit: TokenLimit;
  /** True once the server drains for shutdown. */
  isStopping(): boolean;
}

/** The caller of a request that needs none (the playground page). */
const NO_CALLER: Caller = { subject: 'anonymous', scopes: new Set() };

/**
 * Every HTTP request's way in: `/graphql` (and `/`) through the gates (router secret, playground
 * reload, caller token, body and operation size) to Apollo; `/health`, `/ready`, `/metrics`.
 */
export function createRequestListener(deps: HttpRoutesDeps): http.RequestListener {
  const { config, clients, logger, metrics, graphql, callers, tokenLimit, isStopping } = deps;
  const { requestTimeoutMs, maxOperationBytes } = config.limits;
  const playgroundPage = new CompressedPage();

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
        return graphqlRoute(req, res, url);
      default:
        return send(res, 404, 'application/json', JSON.stringify({ error: 'not found; GraphQL is served at /graphql' }));
    }
  }

  /** While draining, answers close their connection, so keep-alive does not hold the shutdown up. */
  function closeWhenDraining(res: http.ServerResponse): void {
    if (isStopping()) res.setHeader('connection', 'close');
  }

  function ready(res: http.ServerResponse): void {
    const stopping = isStopping();
    const isReady = !stopping && !clients.allFailing();
    send(res, isReady ? 200 : 503, 'application/json', JSON.stringify({ status: isReady ? 'ready' : stopping ? 'stopping' : 'all providers failing' }));
  }

  async function graphqlRoute(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
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
    const response = await graphql.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () =>
        graphql.contextFor({
          requestId,
          caller,
          forwarded: {
            btcDirectUserAuthorization: headers.get('x-btcdirect-user-authorization') ?? null,
            auth0UserAuthorization: headers.get('x-auth0-user-authorization') ?? null,
          },
        }),
    });
    closeWhenDraining(res);
    if (caller === NO_CALLER && response.body.kind === 'complete' && response.headers.get('content-type')?.startsWith('text/html')) {
      return playgroundPage.send(req, res, response.status ?? 200, response.headers, response.body.string);
    }
    await sendApolloResponse(res, response);
  }

  return (req, res) => {
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
  res.setHeader('cache-control', NO_STORE);
  send(res, status, 'application/json', JSON.stringify({ errors: [{ message, extensions: { code, requestId } }] }));
}

function send(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
