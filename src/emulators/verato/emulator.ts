import { startEmulator, type EmulatorTls, type RunningEmulator } from '../harness';
import { createVeratoHandler, VERATO_STACK_BASE_PATHS, type VeratoEmulatedStack } from './handler';
import { VeratoStore } from './store';

export interface VeratoEmulatorOptions {
  port?: number;
  /** Load the demo dataset (default true). */
  seed?: boolean;
  /** The stack this tenant serves (default person); the other stacks' base paths answer 404. */
  stack?: VeratoEmulatedStack;
  /** HTTPS, and with `clientCa` mutual TLS, as the real tenants require. */
  tls?: EmulatorTls;
  /** The verbs of the tenant's relationship definitions (default: Verato's catalogue, both directions). */
  relationshipVerbs?: readonly string[];
}

export type RunningVeratoEmulator = RunningEmulator & { store: VeratoStore; stack: VeratoEmulatedStack; baseUrl: string };

/** Starts the Verato emulator of one stack; `baseUrl` is that stack's root (e.g. `/link-ws/svc`). */
export async function startVeratoEmulator(options: VeratoEmulatorOptions = {}): Promise<RunningVeratoEmulator> {
  const store = new VeratoStore({ relationshipVerbs: options.relationshipVerbs });
  if (options.seed ?? true) store.seed();
  const stack = options.stack ?? 'person';
  const emulator = await startEmulator('verato', createVeratoHandler(store, stack), { port: options.port, tls: options.tls });
  return Object.assign(emulator, { store, stack, baseUrl: `${emulator.url}${VERATO_STACK_BASE_PATHS[stack]}` });
}
