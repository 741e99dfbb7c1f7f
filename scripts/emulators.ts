import 'reflect-metadata';
import { PROVIDERS, type ProviderName } from '../src/domain/provider-name';
import { startEmulators } from '../src/emulators';
import { startCallerIssuer } from '../src/emulators/caller-issuer';
import { DEMO_CREDENTIALS } from '../src/emulators/seed';
import { plantSyntheticPeople } from '../src/emulators/synthetic';

const HELP = `npm run emulators [-- --port-base N] [--latency provider=ms ...]

Runs the four provider emulators alone (seeded with the demo people) and prints their base URLs
and demo credentials, e.g. to point the subgraph or a frontend at them, plus a caller-token
issuer: a JWKS of the dev issuer's key, so that tokens from "npm run token" verify (a subgraph with
a provider outside its process needs AUTH_*: it trusts its embedded dev issuer only with every
provider embedded).
  --port-base N            verato on N, verifa N+1, auth0 N+2, btcdirect N+3, caller issuer N+4 (default: 4101; 0: free ports)
  --latency verifa=20      add latency to every answer of one provider (repeatable)
  --synthetic-people N     also seed N synthetic people (made-up data, one Verato cluster each); or
                           EMULATOR_SYNTHETIC_PEOPLE=N
  --auth0-rate-limit R,B   the Auth0 Management API bucket: R requests/s sustained, B burst (default 1000,1000)
Fault knobs at runtime: PUT <emulator>/__emulator/faults with a JSON FaultPlan
({"latencyMs","status","retryAfterSeconds","hang","times","pathPrefix"}); GET <emulator>/__emulator/calls.
`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const portBase = Number(valueOf(args, '--port-base') ?? 4101);
  if (!Number.isInteger(portBase) || portBase < 0) throw new Error(`--port-base expects a port number; got "${valueOf(args, '--port-base')}"`);
  const ports = portBase === 0 ? undefined : (Object.fromEntries(PROVIDERS.map((p, i) => [p, portBase + i])) as Record<ProviderName, number>);
  const emulators = await startEmulators(PROVIDERS, { ports });
  const callerIssuer = await startCallerIssuer({ port: portBase === 0 ? 0 : portBase + PROVIDERS.length });
  const synthetic = valueOf(args, '--synthetic-people') ?? process.env.EMULATOR_SYNTHETIC_PEOPLE;
  if (synthetic !== undefined && synthetic !== '') {
    const count = Number(synthetic);
    if (!Number.isInteger(count) || count < 0) throw new Error(`--synthetic-people / EMULATOR_SYNTHETIC_PEOPLE expects a count; got "${synthetic}"`);
    plantSyntheticPeople(emulators, count);
  }
  const auth0Limit = valueOf(args, '--auth0-rate-limit');
  if (auth0Limit !== undefined) {
    const [perSecond, burst] = auth0Limit.split(',').map(Number);
    if (!(perSecond > 0) || !(burst >= 1)) throw new Error(`--auth0-rate-limit expects R,B (requests/s, burst), e.g. 15,50; got "${auth0Limit}"`);
    emulators.auth0!.setRateLimit({ perSecond, burst });
  }
  for (const spec of valuesOf(args, '--latency')) {
    const [provider, ms] = spec.split('=');
    const emulator = emulators[provider as ProviderName];
    if (!emulator || !Number.isFinite(Number(ms))) throw new Error(`--latency expects provider=ms, e.g. verifa=20; got "${spec}"`);
    emulator.setFaults({ latencyMs: Number(ms) });
  }
  const lines = [
    `VERATO_BASE_URL=${emulators.verato!.baseUrl} VERATO_TOKEN=${DEMO_CREDENTIALS.verato.token}`,
    `VERIFA_BASE_URL=${emulators.verifa!.baseUrl} VERIFA_API_KEY=${DEMO_CREDENTIALS.verifa.apiKey}`,
    `AUTH0_BASE_URL=${emulators.auth0!.baseUrl} AUTH0_CLIENT_ID=${DEMO_CREDENTIALS.auth0.clientId} AUTH0_CLIENT_SECRET=${DEMO_CREDENTIALS.auth0.clientSecret} AUTH0_ID_TOKEN_AUDIENCES=${DEMO_CREDENTIALS.auth0.frontendClientId}`,
    `BTCDIRECT_BASE_URL=${emulators.btcdirect!.baseUrl} BTCDIRECT_API_KEY=${DEMO_CREDENTIALS.btcdirect.apiKey}`,
    Object.entries(callerIssuer.env).map(([name, value]) => `${name}=${value}`).join(' '),
  ];
  process.stdout.write(
    `Provider emulators running (demo credentials; Ctrl-C to stop):\n\n${lines.join('\n')}\n\n` +
      `Caller tokens for that issuer: npm run -s token -- --scope 'identities:read identities:pii'\n`,
  );
  const stop = () => Promise.all([emulators.close(), callerIssuer.close()]).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function valueOf(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index >= 0 ? args[index + 1] : undefined;
}

function valuesOf(args: string[], flag: string): string[] {
  return args.flatMap((arg, i) => (arg === flag && args[i + 1] ? [args[i + 1]] : []));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
