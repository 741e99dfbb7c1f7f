import { startEmulator, type RunningEmulator } from '../harness';
import { API_PREFIX, createVerifaHandler } from './handler';
import { VerifaStore } from './store';

export interface VerifaEmulatorOptions {
  port?: number;
  /** Load the demo dataset (default true). */
  seed?: boolean;
  /** Requests allowed per one-minute window (default 1000, the Professional/Enterprise plan). */
  rateLimitPerMinute?: number;
}

export type RunningVerifaEmulator = RunningEmulator & { store: VerifaStore; baseUrl: string };

/** Starts the Verifa emulator; `baseUrl` is the `/api/v1` root clients are configured with. */
export async function startVerifaEmulator(options: VerifaEmulatorOptions = {}): Promise<RunningVerifaEmulator> {
  const store = new VerifaStore();
  if (options.seed ?? true) store.seed();
  const handler = createVerifaHandler(store, { rateLimitPerMinute: options.rateLimitPerMinute ?? 1000 });
  const emulator = await startEmulator('verifa', handler, { port: options.port });
  return Object.assign(emulator, { store, baseUrl: `${emulator.url}${API_PREFIX}` });
}
