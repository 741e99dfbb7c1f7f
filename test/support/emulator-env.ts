import type { startEmulators } from '../../src/emulators';
import { DEMO_CREDENTIALS } from '../../src/emulators/seed';
import { LOADED_MACHINE_REDIS_TIMEOUT_MS } from './redis';

export type Emulators = Awaited<ReturnType<typeof startEmulators>>;

/**
 * Generous timeouts, so a loaded machine cannot turn a slow answer into a retry and change call
 * counts; tests about timeouts and deadlines set their own.
 */
export const LOAD_TOLERANT_TIMEOUTS: Record<string, string> = {
  REQUEST_DEADLINE_MS: '15000',
  VERATO_TIMEOUT_MS: '8000',
  VERIFA_TIMEOUT_MS: '8000',
  AUTH0_TIMEOUT_MS: '8000',
  BTCDIRECT_TIMEOUT_MS: '8000',
  // A loaded machine can take longer than the 100 ms default for a Redis reply, which would turn
  // a cache write into a miss; an outage (refused connection) still fails at once.
  REDIS_COMMAND_TIMEOUT_MS: String(LOADED_MACHINE_REDIS_TIMEOUT_MS),
};

/** The provider variables that point the subgraph's ordinary configuration at these emulators. */
export function emulatorEnv(emulators: Emulators): Record<string, string> {
  return {
    VERATO_BASE_URL: emulators.verato!.baseUrl,
    VERATO_TOKEN: DEMO_CREDENTIALS.verato.token,
    VERIFA_BASE_URL: emulators.verifa!.baseUrl,
    VERIFA_API_KEY: DEMO_CREDENTIALS.verifa.apiKey,
    AUTH0_BASE_URL: emulators.auth0!.baseUrl,
    AUTH0_CLIENT_ID: DEMO_CREDENTIALS.auth0.clientId,
    AUTH0_CLIENT_SECRET: DEMO_CREDENTIALS.auth0.clientSecret,
    AUTH0_ID_TOKEN_AUDIENCES: DEMO_CREDENTIALS.auth0.frontendClientId,
    BTCDIRECT_BASE_URL: emulators.btcdirect!.baseUrl,
    BTCDIRECT_API_KEY: DEMO_CREDENTIALS.btcdirect.apiKey,
  };
}
