import type { ProviderName } from '../domain/provider-name';
import { PROVIDER_MODULES, type ProviderTypes } from '../providers';
import type { RunningEmulator } from './harness';

export type Emulators = { [P in ProviderName]?: ProviderTypes[P]['emulator'] };

export interface StartEmulatorsOptions {
  /** Fixed ports (default: any free port). Emulators listen on 127.0.0.1 only. */
  ports?: Partial<Record<ProviderName, number>>;
}

/** Starts the emulators of the given providers (each provider module names its own), seeded with the demo dataset. */
export async function startEmulators(providers: readonly ProviderName[], options: StartEmulatorsOptions = {}): Promise<Emulators & { all: RunningEmulator[]; close(): Promise<void> }> {
  const set: Record<string, RunningEmulator> = {};
  const started = await Promise.all(
    providers.map(async (provider) => (set[provider] = await PROVIDER_MODULES[provider].emulator.start({ port: options.ports?.[provider] }))),
  );
  return {
    ...(set as Emulators),
    all: started,
    close: async () => {
      await Promise.all(started.map((emulator) => emulator.close()));
    },
  };
}
