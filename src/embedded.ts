import type { Config } from './config';
import { PROVIDERS, type ProviderName } from './domain/provider-name';
import { startEmulators } from './emulators';
import { mapProviders } from './providers';
import type { ProviderEndpoints } from './providers/provider-clients';

/**
 * Resolves where each provider is: its configured base URL and credentials, or, when
 * `<P>_BASE_URL` is unset, an embedded emulator started here with its demo credentials.
 */
export async function resolveProviderEndpoints(config: Config): Promise<{ endpoints: ProviderEndpoints; embedded: ProviderName[]; close(): Promise<void> }> {
  const embedded = PROVIDERS.filter((provider) => config[provider].baseUrl === null);
  const emulators = await startEmulators(embedded);
  const endpoints = mapProviders<ProviderEndpoints>((module) => {
    const settings = config[module.name];
    const emulator = emulators[module.name];
    return (emulator ? module.emulator.endpoint(emulator, settings) : module.endpoint(settings)) as ProviderEndpoints[typeof module.name];
  });
  return { endpoints, embedded, close: emulators.close };
}
