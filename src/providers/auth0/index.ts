import { startAuth0Emulator, type RunningAuth0Emulator } from '../../emulators/auth0/emulator';
import { DEMO_CREDENTIALS } from '../../emulators/seed';
import type { ProviderModule } from '../provider-module';
import { Auth0Client } from './client';
import { AUTH0_HELP, readAuth0Config, tenantIdentity, type Auth0Auth, type Auth0Settings } from './config';
import { AUTH0_ID, type Auth0IdParts } from './id';
import { createAuth0Loaders } from './loaders';
import * as mapper from './mapper';
import { auth0Refusals } from './refusals';

export interface Auth0Types {
  idParts: Auth0IdParts;
  settings: Auth0Settings;
  /** `idTokenAudiences`: client ids whose ID tokens prove ownership; empty = self-service linking is off. */
  endpoint: { baseUrl: string; auth: Auth0Auth; idTokenAudiences: readonly string[]; managementAudience: string; idTokenIssuer: string };
  client: Auth0Client;
  loaders: ReturnType<typeof createAuth0Loaders>;
  emulator: RunningAuth0Emulator;
  mapper: typeof mapper;
}

/** Auth0 user accounts, whose `identities[]` hold the logins linked into them. */
export const auth0: ProviderModule<'auth0', Auth0Types> = {
  name: 'auth0',
  label: 'Auth0',
  enumDescription: 'Auth0 user accounts.',
  idGrammar: AUTH0_ID,
  readConfig: readAuth0Config,
  helpLines: AUTH0_HELP,
  endpoint: (settings) => ({
    baseUrl: settings.baseUrl!,
    auth: settings.auth!,
    idTokenAudiences: settings.idTokenAudiences ?? [],
    ...tenantIdentity(settings.baseUrl!, settings),
  }),
  emulator: {
    start: (options) => startAuth0Emulator(options),
    endpoint: (emulator, settings) => ({
      baseUrl: emulator.baseUrl,
      auth: { kind: 'client_credentials', clientId: DEMO_CREDENTIALS.auth0.clientId, clientSecret: DEMO_CREDENTIALS.auth0.clientSecret },
      // The emulator issues its users' ID tokens to the demo frontend application.
      idTokenAudiences: settings.idTokenAudiences ?? [DEMO_CREDENTIALS.auth0.frontendClientId],
      managementAudience: emulator.managementAudience,
      idTokenIssuer: emulator.issuer,
    }),
  },
  createClient: (endpoint, settings, observability) => new Auth0Client({ ...observability, ...endpoint, policy: settings.policy }),
  createLoaders: (deps) => createAuth0Loaders(deps),
  mapper,
  refusals: auth0Refusals,
};
