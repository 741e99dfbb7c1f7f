import { startEmulator, type RunningEmulator } from '../harness';
import { createVeratoHandler, PERSON_BASE_PATH } from './handler';
import { VeratoStore } from './store';

export interface VeratoEmulatorOptions {
  port?: number;
  /** Load the demo dataset (default true). */
  seed?: boolean;
  /** The verbs of the tenant's relationship definitions (default: Verato's catalogue, both directions). */
  relationshipVerbs?: readonly string[];
}

export type RunningVeratoEmulator = RunningEmulator & { store: VeratoStore; baseUrl: string };

/** Starts the Verato Person-stack emulator; `baseUrl` is the `/link-ws/svc` root clients are configured with. */
export async function startVeratoEmulator(options: VeratoEmulatorOptions = {}): Promise<RunningVeratoEmulator> {
  const store = new VeratoStore({ relationshipVerbs: options.relationshipVerbs });
  if (options.seed ?? true) store.seed();
  const emulator = await startEmulator('verato', createVeratoHandler(store), { port: options.port });
  return Object.assign(emulator, { store, baseUrl: `${emulator.url}${PERSON_BASE_PATH}` });
}
