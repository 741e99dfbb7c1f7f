import 'reflect-metadata';
import { PROVIDERS, type ProviderName } from '../../src/domain/provider-name';
import { startAuth0Emulator } from '../../src/emulators/auth0/emulator';
import { startBtcDirectEmulator } from '../../src/emulators/btcdirect/emulator';
import type { RunningEmulator } from '../../src/emulators/harness';
import { startVeratoEmulator } from '../../src/emulators/verato/emulator';
import { startVerifaEmulator } from '../../src/emulators/verifa/emulator';
import { plantSyntheticPeople } from '../../src/emulators/synthetic';
import { seedBenchData, type Calls } from './scenarios';

/**
 * The benchmark's emulator process (forked by scripts/bench.ts with an IPC channel): the four
 * provider emulators, seeded with the demo people plus the benchmark's bulk records, with the
 * emulators' rate limits lifted (Verifa's 1000/minute and Auth0's 1000/s would otherwise answer
 * 429 within a second of load). Ports: `--port-base N` (verato N, verifa N+1, auth0 N+2,
 * btcdirect N+3) or free ports. The fleet scenario adds `--synthetic-people N` (N synthetic people,
 * see src/emulators/synthetic.ts) and `--auth0-rate-limit R,B` (Auth0's Management API quota
 * enforced again: R requests/s sustained, B burst).
 *
 * IPC messages (parent -> child):
 *   { type: 'latency', ms: { verifa: 20, ... } }   set each emulator's added latency (0 = none)
 *   { type: 'counts' }                              reply { type: 'counts', calls: { verifa: n, ... }, rejected: { verifa: n429, ... },
 *                                                   background: { verato: n, ... } (of the calls, those of the subgraph's own timers) }
 *   { type: 'clear' }                               reset the counts
 *   { type: 'cpu' }                                 reply { type: 'cpu', cpu: process.cpuUsage() }
 *   { type: 'stop' }                                close and exit
 * Replies carry the request's `id`.
 */

type Message =
  | { id: number; type: 'latency'; ms: Partial<Calls> }
  | { id: number; type: 'counts' }
  | { id: number; type: 'clear' }
  | { id: number; type: 'cpu' }
  | { id: number; type: 'stop' };

const UNLIMITED = 1_000_000_000;
/** Verato's change feed, under whichever stack's path prefix. */
const CHANGE_FEED = /\/searchNotifications$/;

async function main(): Promise<void> {
  if (!process.send) throw new Error('scripts/bench/emulators.js is started by scripts/bench.js (it needs an IPC channel)');
  const args = process.argv.slice(2);
  const portBaseArg = args.indexOf('--port-base');
  const portBase = portBaseArg >= 0 ? Number(args[portBaseArg + 1]) : null;
  const port = (provider: ProviderName) => (portBase === null ? undefined : portBase + PROVIDERS.indexOf(provider));

  const [verato, verifa, auth0, btcdirect] = await Promise.all([
    startVeratoEmulator({ port: port('verato') }),
    startVerifaEmulator({ port: port('verifa'), rateLimitPerMinute: UNLIMITED }),
    startAuth0Emulator({ port: port('auth0'), rateLimit: { burst: UNLIMITED, perSecond: UNLIMITED } }),
    startBtcDirectEmulator({ port: port('btcdirect') }),
  ]);
  seedBenchData({ verifa: verifa.store, auth0: auth0.store, btcdirect: btcdirect.store, verato: verato.store });
  const emulators: Record<ProviderName, RunningEmulator> = { verato, verifa, auth0, btcdirect };
  const synthetic = args.indexOf('--synthetic-people');
  if (synthetic >= 0) plantSyntheticPeople({ verato, verifa, auth0, btcdirect }, Number(args[synthetic + 1]));
  const quota = args.indexOf('--auth0-rate-limit');
  if (quota >= 0) {
    const [perSecond, burst] = args[quota + 1].split(',').map(Number);
    auth0.setRateLimit({ perSecond, burst });
  }

  // The call log keeps only the newest calls; its received count stays exact. Fold it into
  // counters every second and clear the log.
  const counted = { verato: 0, verifa: 0, auth0: 0, btcdirect: 0 };
  const rejected = { verato: 0, verifa: 0, auth0: 0, btcdirect: 0 };
  // The subgraph calls on its own timers too: with the record cache on, it polls Verato's change
  // feed once a period (src/loaders/verato-notifications.ts). Counted apart, so that a window's
  // calls per request are its requests' own. Read from the call log, which holds the newest
  // CALL_LOG_LIMIT calls: exact while fewer arrive between two folds, as in the warm windows, the
  // only ones with the cache on and requests that make no call.
  const background = { verato: 0, verifa: 0, auth0: 0, btcdirect: 0 };
  const fold = () => {
    background.verato += verato.countCalls(undefined, CHANGE_FEED);
    for (const provider of PROVIDERS) {
      counted[provider] += emulators[provider].receivedCalls();
      rejected[provider] += emulators[provider].answeredWith(429);
      emulators[provider].clearCalls();
    }
  };
  const folding = setInterval(fold, 1000);

  const reply = (message: object) => process.send!(message);
  process.on('message', (message: Message) => {
    switch (message.type) {
      case 'latency':
        for (const provider of PROVIDERS) {
          const ms = message.ms[provider] ?? 0;
          emulators[provider].setFaults(ms > 0 ? { latencyMs: ms } : null);
        }
        return reply({ id: message.id, type: 'ok' });
      case 'counts':
        fold();
        return reply({ id: message.id, type: 'counts', calls: { ...counted }, rejected: { ...rejected }, background: { ...background } });
      case 'clear':
        fold();
        for (const provider of PROVIDERS) counted[provider] = rejected[provider] = background[provider] = 0;
        return reply({ id: message.id, type: 'ok' });
      case 'cpu':
        return reply({ id: message.id, type: 'cpu', cpu: process.cpuUsage() });
      case 'stop':
        clearInterval(folding);
        void Promise.all([verato.close(), verifa.close(), auth0.close(), btcdirect.close()]).finally(() => process.exit(0));
        return;
    }
  });
  process.on('disconnect', () => process.exit(0));

  reply({
    type: 'ready',
    env: {
      VERATO_BASE_URL: verato.baseUrl,
      VERIFA_BASE_URL: verifa.baseUrl,
      AUTH0_BASE_URL: auth0.baseUrl,
      BTCDIRECT_BASE_URL: btcdirect.baseUrl,
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench emulators failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
