import 'reflect-metadata';
import { ConfigError } from '../src/config';
import { DEV_SUPERGRAPH_PORTS, EXAMPLE_QUERY, PORT_FLAGS, PortInUseError, startDevSupergraph, type DevSupergraphPorts, type RunningDevSupergraph } from '../test/supergraph/dev-supergraph';
import { PROPAGATED_HEADERS, ROUTER_SECRET_HEADER } from '../test/supergraph/local-supergraph';

const HELP = `npm run dev:supergraph [-- --port N] [--identity-port N] [--accounts-port N]

Runs a local supergraph on 127.0.0.1: the identity subgraph (provider emulators embedded unless
<PROVIDER>_BASE_URL is set, as with npm start; with one set, AUTH_JWKS_URL, AUTH_ISSUER and
AUTH_AUDIENCE are required too), the example accounts subgraph, and Hive Gateway in front of
both, composed in-process from the two subgraphs' SDL. The gateway serves GraphiQL at /graphql
(self-contained: it works offline) with an example query, verifies bearer tokens as the identity
subgraph does, enforces @authenticated / @requiresScopes, and passes the subgraphs' errors
(message and extensions.code) through unchanged.
The identity subgraph gets a fresh random ROUTER_SECRET and answers only the gateway, which sends
it as ${ROUTER_SECRET_HEADER}; the gateway forwards the client's ${PROPAGATED_HEADERS.slice(0, -1).join(', ')} and ${PROPAGATED_HEADERS[PROPAGATED_HEADERS.length - 1]} headers.
  --port            gateway port (default ${DEV_SUPERGRAPH_PORTS.gateway})
  --identity-port   identity subgraph port (default ${DEV_SUPERGRAPH_PORTS.identity}; npm start uses it too: stop it first)
  --accounts-port   accounts subgraph port (default ${DEV_SUPERGRAPH_PORTS.accounts})
A port already in use stops the script before anything starts, naming the port and its flag.
LOG_LEVEL sets the identity subgraph's log level (default here: warn). Ctrl-C stops everything.
`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const ports = Object.fromEntries(
    (Object.keys(DEV_SUPERGRAPH_PORTS) as (keyof DevSupergraphPorts)[]).map((role) => [role, port(args, PORT_FLAGS[role], DEV_SUPERGRAPH_PORTS[role])]),
  ) as DevSupergraphPorts;

  const running: RunningDevSupergraph = await startDevSupergraph({ env: process.env, ports });
  const { config, identity } = running;
  for (const hint of running.compositionHints) process.stdout.write(`composition hint: ${hint}\n`);

  const gatewayUrl = `http://localhost:${ports.gateway}/graphql`;
  const embedded = identity.embedded.length > 0 ? `embedded emulators: ${identity.embedded.join(', ')}` : 'real providers';
  process.stdout.write(
    [
      '',
      'Local supergraph running (Ctrl-C to stop):',
      `  gateway   ${gatewayUrl}   (Hive Gateway; GraphiQL in a browser, works offline)`,
      `  identity  http://localhost:${ports.identity}/graphql   (${embedded}; answers only the gateway)`,
      `  accounts  http://localhost:${ports.accounts}/graphql`,
      '',
      'A query across both subgraphs:',
      `  curl -s ${gatewayUrl} -H 'content-type: application/json' \\`,
      `    --data '${JSON.stringify({ query: EXAMPLE_QUERY.replace(/\s+/g, ' ') })}'`,
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

  let stopping = false;
  const shutdown = () => {
    if (stopping) process.exit(1); // a second Ctrl-C does not wait
    stopping = true;
    process.stdout.write('\nstopping the gateway and subgraphs…\n');
    running.close().then(
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
  // A port taken between the check and the listen: the flags, without knowing which one.
  const inUse = !(error instanceof PortInUseError) && (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ' (pick other ports with --port, --identity-port, --accounts-port)' : '';
  process.stderr.write(`dev:supergraph failed: ${message}${inUse}\n`);
  process.exit(1);
});
