import 'reflect-metadata';
import { parse } from 'graphql';
import { randomBytes } from 'node:crypto';
import { startSubgraph, type RunningSubgraph } from '../src/bootstrap';
import { ConfigError, loadConfig } from '../src/config';
import { printSubgraphSdl } from '../src/schema/print-sdl';
import { startAccountsSubgraph, type RunningAccountsSubgraph } from '../test/supergraph/accounts-subgraph';
import { composeSupergraph, PROPAGATED_HEADERS, ROUTER_SECRET_HEADER, startGateway, type RunningGateway } from '../test/supergraph/local-supergraph';

const HELP = `npm run dev:supergraph [-- --port N] [--identity-port N] [--accounts-port N]

Runs a local supergraph on 127.0.0.1: the identity subgraph (provider emulators embedded unless
<PROVIDER>_BASE_URL is set, as with npm start; with one set, AUTH_JWKS_URL, AUTH_ISSUER and
AUTH_AUDIENCE are required too), the example accounts subgraph, and an
@apollo/gateway in front of both, composed in-process from the two subgraphs' SDL.
The identity subgraph gets a fresh random ROUTER_SECRET and answers only the gateway, which sends
it as ${ROUTER_SECRET_HEADER}; the gateway forwards the client's ${PROPAGATED_HEADERS.join(' and ')} headers.
  --port            gateway port (default 4000)
  --identity-port   identity subgraph port (default 4001)
  --accounts-port   accounts subgraph port (default 4002)
LOG_LEVEL sets the identity subgraph's log level (default here: warn). Ctrl-C stops everything.
`;

const EXAMPLE_QUERY = '{ accounts { id balance currency owner { id displayName email linkedAccounts { provider via identity { displayName } } } } }';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const ports = { gateway: port(args, '--port', 4000), identity: port(args, '--identity-port', 4001), accounts: port(args, '--accounts-port', 4002) };
  const routerSecret = randomBytes(32).toString('base64url');

  let identity: RunningSubgraph | undefined;
  let accounts: RunningAccountsSubgraph | undefined;
  let gateway: RunningGateway | undefined;
  const stop = async () => {
    await gateway?.close();
    await Promise.all([accounts?.close(), identity?.close()]);
  };

  try {
    const config = loadConfig({
      ...process.env,
      PORT: String(ports.identity),
      HOST: '127.0.0.1',
      ROUTER_SECRET: routerSecret,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    });
    identity = await startSubgraph(config);
    accounts = await startAccountsSubgraph({ port: ports.accounts });
    // Composed from the SDL the running identity code serves (equal to schema/identity.graphql when that is up to date).
    const { supergraphSdl, errors, hints } = composeSupergraph([
      { name: 'identity', url: identity.url, typeDefs: parse(printSubgraphSdl()) },
      { name: 'accounts', url: accounts.url, typeDefs: accounts.typeDefs },
    ]);
    for (const hint of hints) process.stdout.write(`composition hint: ${hint}\n`);
    if (supergraphSdl === null) throw new Error(`composition failed:\n  ${errors.join('\n  ')}`);
    gateway = await startGateway({ supergraphSdl, routerSecrets: { identity: routerSecret }, port: ports.gateway });

    const gatewayUrl = `http://localhost:${ports.gateway}/graphql`;
    const embedded = identity.embedded.length > 0 ? `embedded emulators: ${identity.embedded.join(', ')}` : 'real providers';
    process.stdout.write(
      [
        '',
        'Local supergraph running (Ctrl-C to stop):',
        `  gateway   ${gatewayUrl}   (Apollo Sandbox in a browser)`,
        `  identity  http://localhost:${ports.identity}/graphql   (${embedded}; answers only the gateway)`,
        `  accounts  http://localhost:${ports.accounts}/graphql`,
        '',
        'A query across both subgraphs:',
        `  curl -s ${gatewayUrl} -H 'content-type: application/json' \\`,
        `    --data '${JSON.stringify({ query: EXAMPLE_QUERY })}'`,
        '',
        config.devAnonymousRead
          ? 'Without a token you are an anonymous caller with identities:read. With one (birthDate and documentNumber need identities:pii):'
          : 'Send a bearer token (birthDate and documentNumber need identities:pii):',
        config.callerAuth.jwksUrl === null
          ? `  TOKEN=$(npm run -s token -- --scope "identities:read identities:pii")`
          : `  TOKEN=<a token from ${config.callerAuth.issuer} for audience ${config.callerAuth.audience}>`,
        `  curl -s ${gatewayUrl} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\`,
        `    --data '{"query":"{ account(id: \\"acc-1002\\") { id owner { displayName birthDate } } }"}'`,
        '',
      ].join('\n'),
    );
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  let stopping = false;
  const shutdown = () => {
    if (stopping) process.exit(1); // a second Ctrl-C does not wait
    stopping = true;
    process.stdout.write('\nstopping the gateway and subgraphs…\n');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

function port(args: string[], flag: string, fallback: number): number {
  const index = args.indexOf(flag);
  if (index < 0) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${flag} expects a port number (1-65535), e.g. ${flag} ${fallback}`);
  return value;
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? `configuration error: ${error.message}` : (error as Error).message;
  const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ' (pick other ports with --port, --identity-port, --accounts-port)' : '';
  process.stderr.write(`dev:supergraph failed: ${message}${inUse}\n`);
  process.exit(1);
});
