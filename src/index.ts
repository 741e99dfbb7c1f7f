import 'reflect-metadata';
import { startSubgraph } from './bootstrap';
import { ConfigError, loadConfig } from './config';
import { PROVIDERS } from './domain/provider-name';
import { PROVIDER_MODULES } from './providers';

const HELP = `identity-subgraph: one Apollo Federation 2 Identity graph over Verato, Verifa, BTC Direct and Auth0.

Usage: npm start            (runs node dist/src/index.js; npm ci builds dist/, npm run build rebuilds it)

With no configuration every provider runs on an embedded emulator seeded with demo people,
and GraphQL is served at http://localhost:4001/graphql (playground in a browser).
Set <PROVIDER>_BASE_URL and the provider's credentials to use the real API instead; then
AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE are required too (the embedded dev issuer and its
tokens exist only while every provider is embedded). With NODE_ENV=production every
<PROVIDER>_BASE_URL is required, unless EMBEDDED_PROVIDERS names that provider.

Environment (see README "Configuration" for all of them):
  PORT                      HTTP port (4001)
${PROVIDERS.flatMap((name) => PROVIDER_MODULES[name].helpLines).join('\n')}
  AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE   caller token verification (unset: embedded dev issuer)
  EMBEDDED_PROVIDERS        providers run on their demo emulator in production: e.g. verato,btcdirect or all
  ROUTER_SECRET             require this value in the router-authorization header
  ROUTER_INVALIDATION_URL, ROUTER_INVALIDATION_SECRET   after each mutation, post the router's response-cache
                            invalidation of the touched identities there, with that shared key (unset: none)
  ROUTER_INVALIDATION_SUBGRAPH   this subgraph's name in the supergraph, for those invalidations (identity)
  REDIS_URL                 share caches, idempotency keys, rate budgets and tokens across replicas (unset: in process)
  REDIS_COMMAND_TIMEOUT_MS  a Redis command slower than this counts as failed: a cache miss (100)
  REQUEST_UPSTREAM_BUDGET   upstream calls one GraphQL request may make (200)
  REQUEST_TIMEOUT_MS        time for a request to arrive, body included (30000)
  MAX_OPERATION_BYTES       longest operation text accepted (65536)
  LOG_LEVEL                 fatal|error|warn|info|debug|trace|silent (info); JSON lines on stdout
                            (warn: failed upstream calls, open breakers, failed operations; debug: every upstream call)
`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const subgraph = await startSubgraph(config);
  const { logger } = subgraph;
  const where = `http://localhost:${subgraph.port}`;
  logger.info({ graphql: `${where}/graphql`, embeddedProviders: subgraph.embedded }, 'identity subgraph ready');
  if (subgraph.embedded.length > 0) {
    // For the person at the terminal; stdout carries JSON log lines only.
    process.stderr.write(`\nIdentity subgraph on ${where}/graphql (embedded emulators: ${subgraph.embedded.join(', ')})\n\n`);
  }

  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    subgraph.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`identity subgraph failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
