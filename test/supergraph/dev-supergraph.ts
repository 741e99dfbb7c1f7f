import { parse, print } from 'graphql';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { startSubgraph, type RunningSubgraph } from '../../src/bootstrap';
import { loadConfig, type Config } from '../../src/config';
import { PLAYGROUND_TOKEN_LIFETIME_SECONDS, PLAYGROUND_TOKEN_SUBJECT } from '../../src/playground/playground';
import { printSubgraphSdl } from '../../src/schema/print-sdl';
import { createCallerVerifier } from '../../src/security/caller-auth';
import { ALL_SCOPES } from '../../src/security/scopes';
import { startAccountsSubgraph, type RunningAccountsSubgraph } from './accounts-subgraph';
import { startHiveGateway, type RunningHiveGateway } from './hive-gateway';
import { composeSupergraph } from './local-supergraph';

/** What `npm run dev:supergraph` starts, also started by the tests of its page. */

export const DEV_SUPERGRAPH_PORTS = { gateway: 4000, identity: 4001, accounts: 4002 } as const;
export type DevSupergraphPorts = Record<keyof typeof DEV_SUPERGRAPH_PORTS, number>;

/** The command-line flag that sets each port. */
export const PORT_FLAGS: Record<keyof DevSupergraphPorts, string> = { gateway: '--port', identity: '--identity-port', accounts: '--accounts-port' };

/** The query the gateway's GraphiQL opens with: both subgraphs, no scope beyond identities:read. */
export const EXAMPLE_QUERY = print(
  parse('query AccountsWithOwners { accounts { id balance currency owner { id displayName email linkedAccounts { provider via identity { displayName } } } } }'),
);

export interface RunningDevSupergraph {
  config: Config;
  gateway: RunningHiveGateway;
  identity: RunningSubgraph;
  accounts: RunningAccountsSubgraph;
  compositionHints: string[];
  close(): Promise<void>;
}

/** A port is taken by something else (e.g. `npm start` on 4001); says which and how to change it. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly role: keyof DevSupergraphPorts,
  ) {
    super(`port ${port} (${role === 'gateway' ? 'the gateway' : `the ${role} subgraph`}) is in use: stop what listens there (npm start uses 4001) or pass ${PORT_FLAGS[role]} <port>`);
  }
}

/** Port 0 means any free port; a busy fixed port fails before anything starts. */
async function ensureFree(ports: DevSupergraphPorts, host: string): Promise<void> {
  for (const role of Object.keys(ports) as (keyof DevSupergraphPorts)[]) {
    if (ports[role] === 0) continue;
    await new Promise<void>((resolve, reject) => {
      const probe = net.createServer();
      probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(ports[role], role) : error));
      probe.listen(ports[role], host, () => probe.close(() => resolve()));
    });
  }
}

/**
 * The identity subgraph (configured from `env` as `npm start` is, plus a fresh ROUTER_SECRET so it
 * answers only the gateway), the accounts subgraph, and Hive Gateway over their composition.
 */
export async function startDevSupergraph(options: { env: NodeJS.ProcessEnv; ports: DevSupergraphPorts; host?: string }): Promise<RunningDevSupergraph> {
  const host = options.host ?? '127.0.0.1';
  await ensureFree(options.ports, host);
  const routerSecret = randomBytes(32).toString('base64url');
  const config = loadConfig({ ...options.env, PORT: String(options.ports.identity), HOST: host, ROUTER_SECRET: routerSecret, LOG_LEVEL: options.env.LOG_LEVEL ?? 'warn' });

  let identity: RunningSubgraph | undefined;
  let accounts: RunningAccountsSubgraph | undefined;
  let gateway: RunningHiveGateway | undefined;
  const close = async () => {
    await gateway?.close();
    await Promise.all([accounts?.close(), identity?.close()]);
  };
  try {
    identity = await startSubgraph(config);
    accounts = await startAccountsSubgraph({ port: options.ports.accounts });
    // Composed from the SDL the running identity code serves (equal to schema/identity.graphql when that is up to date).
    const { supergraphSdl, errors, hints } = composeSupergraph([
      { name: 'identity', url: identity.url, typeDefs: parse(printSubgraphSdl()) },
      { name: 'accounts', url: accounts.url, typeDefs: accounts.typeDefs },
    ]);
    if (supergraphSdl === null) throw new Error(`composition failed:\n  ${errors.join('\n  ')}`);
    const callers = await createCallerVerifier(config);
    // As in the subgraph's playground: a dev-issuer token only, never one from a real issuer.
    const token = callers.devIssuer
      ? await callers.devIssuer.mint({ sub: PLAYGROUND_TOKEN_SUBJECT, scope: ALL_SCOPES.join(' '), expiresInSeconds: PLAYGROUND_TOKEN_LIFETIME_SECONDS })
      : null;
    gateway = await startHiveGateway({
      supergraphSdl,
      callers,
      routerSecrets: { identity: routerSecret },
      graphiql: {
        title: 'Local supergraph (identity + accounts)',
        defaultQuery: EXAMPLE_QUERY,
        headers: token ? JSON.stringify({ authorization: `Bearer ${token}` }, null, 2) : undefined,
      },
      port: options.ports.gateway,
      host,
    });
    return { config, gateway, identity, accounts, compositionHints: hints, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
