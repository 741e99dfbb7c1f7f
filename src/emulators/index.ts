import type { ProviderName } from '../domain/global-id';
import type { RunningEmulator } from './harness';
import { startAuth0Emulator } from './auth0/emulator';
import { startBtcDirectEmulator } from './btcdirect/emulator';
import { startVeratoEmulator } from './verato/emulator';
import { startVerifaEmulator } from './verifa/emulator';

export interface Emulators {
  verato?: Awaited<ReturnType<typeof startVeratoEmulator>>;
  verifa?: Awaited<ReturnType<typeof startVerifaEmulator>>;
  auth0?: Awaited<ReturnType<typeof startAuth0Emulator>>;
  btcdirect?: Awaited<ReturnType<typeof startBtcDirectEmulator>>;
}

export interface StartEmulatorsOptions {
  /** Fixed ports (default: any free port). Emulators listen on 127.0.0.1 only. */
  ports?: Partial<Record<ProviderName, number>>;
}

/** Starts the emulators of the given providers, seeded with the demo dataset. */
export async function startEmulators(providers: readonly ProviderName[], options: StartEmulatorsOptions = {}): Promise<Emulators & { all: RunningEmulator[]; close(): Promise<void> }> {
  const port = (provider: ProviderName) => options.ports?.[provider];
  const set: Emulators = {};
  const started = await Promise.all(
    providers.map(async (provider) => {
      switch (provider) {
        case 'verato':
          return (set.verato = await startVeratoEmulator({ port: port(provider) }));
        case 'verifa':
          return (set.verifa = await startVerifaEmulator({ port: port(provider) }));
        case 'auth0':
          return (set.auth0 = await startAuth0Emulator({ port: port(provider) }));
        case 'btcdirect':
          return (set.btcdirect = await startBtcDirectEmulator({ port: port(provider) }));
      }
    }),
  );
  return {
    ...set,
    all: started,
    close: async () => {
      await Promise.all(started.map((emulator) => emulator.close()));
    },
  };
}
