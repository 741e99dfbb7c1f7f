import { locatedError, type FieldNode, type GraphQLError } from 'graphql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Caller } from '../../src/context';
import { requireScopes } from '../../src/security/authorization';
import { ANONYMOUS_DEV_CALLER, type CallerVerifier } from '../../src/security/caller-auth';
import { UnauthenticatedError } from '../../src/errors/domain-errors';
import type { Scope } from '../../src/security/scopes';
import { PROPAGATED_HEADERS, ROUTER_SECRET_HEADER } from './local-supergraph';

/**
 * The dev supergraph's router: Hive Gateway (in process, on a node http server) over a composed
 * supergraph. It verifies the caller's token as the identity subgraph does (same verifier, same
 * config), enforces `@authenticated` / `@requiresScopes` itself with the subgraph's own messages
 * and codes, forwards PROPAGATED_HEADERS to every subgraph and the router secret to its own
 * subgraph only, and serves a GraphiQL whose assets are inlined (no CDN).
 */

/** A request the gateway sent to a subgraph. */
export interface HiveSubgraphRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface HiveGatewayOptions {
  supergraphSdl: string;
  /** Verifies the caller's bearer token (the identity subgraph's own verifier). */
  callers: CallerVerifier;
  /** Per subgraph name, the value sent as `router-authorization` (only to that subgraph). */
  routerSecrets?: Record<string, string>;
  /** The IDE at GET /graphql; without it, none is served. */
  graphiql?: { title: string; defaultQuery: string; headers?: string };
  onSubgraphRequest?: (request: HiveSubgraphRequest) => void;
  /** `port` 0 or unset: any free port. */
  port?: number;
  host?: string;
}

export interface RunningHiveGateway {
  /** http://<host>:<port>/graphql */
  url: string;
  close(): Promise<void>;
}

/** The part of @graphql-yoga/render-graphiql's options this page uses. */
interface GraphiQLPageOptions {
  title?: string;
  defaultQuery?: string;
  headers?: string;
  endpoint?: string;
  defaultEditorToolsVisibility?: boolean | 'variables' | 'headers';
}

/**
 * Required, not imported: its typings pull in graphql-yoga's DOM library (see
 * src/playground/playground.ts). Unlike Hive Gateway's default renderer, which loads GraphiQL from
 * unpkg.com, this one inlines every script, style sheet and editor worker.
 */
function offlineGraphiQL(options: GraphiQLPageOptions): string {
  return (require('@graphql-yoga/render-graphiql') as { renderGraphiQL: (options: GraphiQLPageOptions) => string }).renderGraphiQL(options);
}

/** A request without a token when anonymous reads are off: the subgraph's anonymous caller, without scopes. */
const NO_CALLER: Caller = { ...ANONYMOUS_DEV_CALLER, scopes: new Set() };

/** The part of @graphql-hive/gateway's API used here. */
interface GatewayRuntime {
  (req: http.IncomingMessage, res: http.ServerResponse): void;
  dispose(): Promise<void>;
}
interface AuthCheck {
  user: Caller | null;
  fieldNode: FieldNode;
  path: ReadonlyArray<string | number>;
  fieldAuthArgs?: Record<string, unknown>;
  typeAuthArgs?: Record<string, unknown>;
  fieldScopes?: string[][];
  typeScopes?: string[][];
}

/**
 * Required and typed here rather than imported: the gateway's typings pull in graphql-yoga's,
 * which add the DOM library (and its fetch types) to the whole program.
 */
function loadGateway(): { createGatewayRuntime(config: Record<string, unknown>): GatewayRuntime } {
  return require('@graphql-hive/gateway') as { createGatewayRuntime(config: Record<string, unknown>): GatewayRuntime };
}

/**
 * The first unmet alternative of a `@requiresScopes(scopes: [[…], …])` (any one inner list is
 * enough), as the error the identity subgraph raises for it.
 */
function scopeRefusal(caller: Caller, alternatives: string[][] | undefined): GraphQLError | undefined {
  if (!alternatives?.length || alternatives.some((all) => all.every((scope) => caller.scopes.has(scope)))) return undefined;
  try {
    requireScopes(caller, alternatives[0] as Scope[]);
  } catch (error) {
    return error as GraphQLError;
  }
  return undefined;
}

export async function startHiveGateway(options: HiveGatewayOptions): Promise<RunningHiveGateway> {
  const { callers, routerSecrets = {}, onSubgraphRequest } = options;
  const recordSubgraphRequests = {
    onFetch({ url, options: init }: { url: string; options: RequestInit }) {
      if (!onSubgraphRequest) return;
      onSubgraphRequest({ url, headers: Object.fromEntries(new Headers(init.headers).entries()), body: typeof init.body === 'string' ? init.body : '' });
    },
  };

  const runtime = loadGateway().createGatewayRuntime({
    supergraph: options.supergraphSdl,
    logging: 'warn',
    // The subgraph's errors are the client's errors: its messages are written for callers and
    // carry no secrets (src/errors), so they are not replaced by "Unexpected error."
    maskedErrors: false,
    landingPage: false,
    graphiql: options.graphiql ? { ...options.graphiql, defaultEditorToolsVisibility: options.graphiql.headers ? 'headers' : true } : false,
    renderGraphiQL: (graphiql: GraphiQLPageOptions) => offlineGraphiQL(graphiql),
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }: { request: Request; subgraphName: string }) => {
        const headers: Record<string, string> = {};
        for (const name of PROPAGATED_HEADERS) {
          const value = request.headers.get(name);
          if (value) headers[name] = value;
        }
        const secret = routerSecrets[subgraphName];
        if (secret) headers[ROUTER_SECRET_HEADER] = secret;
        return headers;
      },
    },
    genericAuth: {
      mode: 'protect-granular',
      // Like Apollo Router: unauthorized fields are removed from the plan, answered null with an
      // error each, and the rest of the operation runs.
      rejectUnauthenticated: false,
      // A missing, expired or forged token refuses the request, as the subgraph would (HTTP 401).
      resolveUserFn: async ({ request }: { request?: Request }) => {
        try {
          return await callers.callerFor(request?.headers.get('authorization') ?? undefined);
        } catch (error) {
          if (!request?.headers.get('authorization')) return null;
          (error as GraphQLError).extensions.http = { status: 401 };
          throw error;
        }
      },
      extractScopes: (caller: Caller | null) => (caller ? [...caller.scopes] : []),
      validateUser: ({ user, fieldNode, path, fieldAuthArgs, typeAuthArgs, fieldScopes, typeScopes }: AuthCheck) => {
        const caller = user ?? NO_CALLER;
        const authenticated = caller.subject !== NO_CALLER.subject;
        const refusal =
          scopeRefusal(caller, typeScopes) ?? scopeRefusal(caller, fieldScopes) ?? ((fieldAuthArgs || typeAuthArgs) && !authenticated ? new UnauthenticatedError() : undefined);
        return refusal ? locatedError(refusal, fieldNode, path) : undefined;
      },
    },
    plugins: () => [recordSubgraphRequests],
  });

  const server = http.createServer(runtime);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await runtime.dispose();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/graphql`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await runtime.dispose();
    },
  };
}
