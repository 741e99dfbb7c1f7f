import 'reflect-metadata';
import { startSubgraph } from '../../src/bootstrap';
import { ConfigError, loadConfig } from '../../src/config';
import type { LoaderOptions } from '../../src/loaders/create-loaders';

/**
 * The benchmark's subgraph process (forked by scripts/bench.ts with an IPC channel): the ordinary
 * `startSubgraph` with its ordinary configuration from the environment, plus one bench-only knob:
 *   BENCH_LOADERS=on   batching and caching on (the default, as deployed)
 *   BENCH_LOADERS=off  batching and caching off in the loaders (the baseline)
 *
 * IPC messages (parent -> child): { type: 'stats' } -> { type: 'stats', memory, cpu } (this
 * process's memoryUsage and cpuUsage); { type: 'cpu' } -> { type: 'cpu', cpu } (as every bench child
 * answers it); { type: 'stop' } closes the server and exits (so that `node --cpu-prof` writes its profile).
 */

function loaderOptions(value = 'on'): LoaderOptions {
  if (value !== 'on' && value !== 'off') throw new ConfigError('BENCH_LOADERS', `must be "on" or "off"; got "${value}"`);
  return { batch: value === 'on', cache: value === 'on' };
}

async function main(): Promise<void> {
  const subgraph = await startSubgraph(loadConfig(), { loaderOptions: loaderOptions(process.env.BENCH_LOADERS) });
  const stop = () => {
    subgraph.close().finally(() => process.exit(0));
  };
  process.on('message', (message: { id?: number; type: string }) => {
    if (message.type === 'stats') process.send?.({ id: message.id, type: 'stats', memory: process.memoryUsage(), cpu: process.cpuUsage() });
    if (message.type === 'cpu') process.send?.({ id: message.id, type: 'cpu', cpu: process.cpuUsage() });
    if (message.type === 'stop') stop();
  });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  process.send?.({ type: 'ready', url: subgraph.url, pid: process.pid });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench subgraph failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
