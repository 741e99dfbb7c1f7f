import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { parse, type DocumentNode } from 'graphql';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { serveApollo, type ServedApollo } from './http';

/**
 * The pieces of the local supergraph shared by `npm run supergraph`, `npm run dev:supergraph` and
 * the gateway tests: composition of the subgraph SDLs, the headers a router forwards, and an
 * @apollo/gateway (used by the composition test; the dev supergraph runs Hive Gateway,
 * ./hive-gateway.ts) that forwards the caller's headers the way the README's router.yaml makes
 * Apollo Router do it.
 */

/** Client headers every subgraph gets: the caller's token and the BTC Direct user token. */
export const PROPAGATED_HEADERS = ['authorization', 'x-btcdirect-user-authorization', 'x-auth0-user-authorization'] as const;
export const ROUTER_SECRET_HEADER = 'router-authorization';

export const DEFAULT_SUBGRAPH_URLS = {
  identity: 'http://localhost:4001/graphql',
  accounts: 'http://localhost:4002/graphql',
} as const;

export interface SubgraphDefinition {
  name: string;
  url: string;
  typeDefs: DocumentNode;
}

/** The committed identity subgraph SDL (src/schema/print-sdl.ts SCHEMA_FILE, not imported: that loads type-graphql). */
export function identityTypeDefs(): DocumentNode {
  return parse(readFileSync(join(__dirname, '..', '..', 'schema', 'identity.graphql'), 'utf8'));
}

export interface Composition {
  /** null when composition failed (then `errors` says why). */
  supergraphSdl: string | null;
  errors: string[];
  hints: string[];
}

export function composeSupergraph(subgraphs: SubgraphDefinition[]): Composition {
  const result = composeServices(subgraphs);
  if (result.errors) {
    return { supergraphSdl: null, errors: result.errors.map((error) => `[${String(error.extensions.code ?? 'ERROR')}] ${error.message}`), hints: [] };
  }
  return { supergraphSdl: result.supergraphSdl, errors: [], hints: result.hints.map((hint) => hint.toString()) };
}

export interface GatewayContext {
  /** The PROPAGATED_HEADERS the client sent. */
  propagated: Record<string, string>;
}

/** A request the gateway sent to a subgraph, as handed to `onSubgraphRequest`. */
export interface SubgraphRequest {
  subgraph: string;
  query: string;
  variables: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface GatewayOptions {
  supergraphSdl: string;
  /** Per subgraph name, the value sent as `router-authorization` (only to that subgraph). */
  routerSecrets?: Record<string, string>;
  onSubgraphRequest?: (request: SubgraphRequest) => void;
}

/**
 * @apollo/gateway cannot enforce @authenticated / @requiresScopes, so it refuses a supergraph that
 * links them `for: SECURITY`. The identity subgraph enforces every scope itself (each request's
 * token is verified there), so the local gateway loads the supergraph with those links marked as
 * informational. Likewise `@cacheTag` (`for: EXECUTION`): it drives Apollo Router's response
 * cache, which @apollo/gateway does not have. Apollo Router gets the unmodified supergraph.
 */
export function withoutGatewayUnsupportedFeatures(supergraphSdl: string): string {
  return supergraphSdl
    .replace(/(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes|policy)\/v[\d.]+"), for: SECURITY\)/g, '$1)')
    .replace(/(@link\(url: "https:\/\/specs\.apollo\.dev\/cacheTag\/v[\d.]+"), for: EXECUTION\)/g, '$1)');
}

export function createGateway({ supergraphSdl, routerSecrets = {}, onSubgraphRequest }: GatewayOptions): ApolloGateway {
  return new ApolloGateway({
    supergraphSdl: withoutGatewayUnsupportedFeatures(supergraphSdl),
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url,
        willSendRequest(options) {
          const headers = options.request.http!.headers;
          // Only client operations carry a client context (health checks and schema loads do not).
          if ('incomingRequestContext' in options) {
            for (const [header, value] of Object.entries(options.context.propagated)) headers.set(header, value);
          }
          const secret = routerSecrets[name];
          if (secret) headers.set(ROUTER_SECRET_HEADER, secret);
          onSubgraphRequest?.({
            subgraph: name,
            query: options.request.query ?? '',
            variables: options.request.variables ?? {},
            headers: Object.fromEntries(headers),
          });
        },
      }),
  });
}

export function propagatedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const propagated: Record<string, string> = {};
  for (const name of PROPAGATED_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string' && value !== '') propagated[name] = value;
  }
  return propagated;
}

export type RunningGateway = ServedApollo;

/** The gateway in Apollo Server on a node http server (`port` 0 or unset: any free port). */
export async function startGateway(options: GatewayOptions & { port?: number; host?: string }): Promise<RunningGateway> {
  const server = new ApolloServer<GatewayContext>({ gateway: createGateway(options), includeStacktraceInErrorResponses: false });
  return serveApollo(server, {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    context: async (req) => ({ propagated: propagatedHeaders(req.headers) }),
  });
}
