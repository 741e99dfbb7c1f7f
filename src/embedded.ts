import type { Config } from './config';
import { PROVIDERS, type ProviderName } from './domain/global-id';
import { startEmulators } from './emulators';
import { DEMO_CREDENTIALS } from './emulators/seed';
import type { ProviderEndpoints } from './providers/provider-clients';

/**
 * Resolves where each provider is: its configured base URL and credentials, or, when
 * `<P>_BASE_URL` is unset, an embedded emulator started here with its demo credentials.
 */
export async function resolveProviderEndpoints(config: Config): Promise<{ endpoints: ProviderEndpoints; embedded: ProviderName[]; close(): Promise<void> }> {
  const embedded = PROVIDERS.filter((provider) => config[provider].baseUrl === null);
  const emulators = await startEmulators(embedded);
  const endpoints: ProviderEndpoints = {
    verato: emulators.verato
      ? { baseUrl: emulators.verato.baseUrl, auth: { kind: 'bearer', token: DEMO_CREDENTIALS.verato.token } }
      : { baseUrl: config.verato.baseUrl!, auth: config.verato.auth! },
    verifa: emulators.verifa
      ? { baseUrl: emulators.verifa.baseUrl, auth: { apiKey: DEMO_CREDENTIALS.verifa.apiKey } }
      : { baseUrl: config.verifa.baseUrl!, auth: config.verifa.auth! },
    auth0: emulators.auth0
      ? {
          baseUrl: emulators.auth0.baseUrl,
          auth: { kind: 'client_credentials', clientId: DEMO_CREDENTIALS.auth0.clientId, clientSecret: DEMO_CREDENTIALS.auth0.clientSecret },
          // The emulator issues its ID tokens to the demo application.
          idTokenAudiences: config.auth0.idTokenAudiences ?? [DEMO_CREDENTIALS.auth0.clientId],
        }
      : { baseUrl: config.auth0.baseUrl!, auth: config.auth0.auth!, idTokenAudiences: config.auth0.idTokenAudiences ?? [] },
    btcdirect: emulators.btcdirect
      ? { baseUrl: emulators.btcdirect.baseUrl, auth: { kind: 'api_key', apiKey: DEMO_CREDENTIALS.btcdirect.apiKey } }
      : { baseUrl: config.btcdirect.baseUrl!, auth: config.btcdirect.auth! },
  };
  return { endpoints, embedded, close: emulators.close };
}
