import { DEMO_CREDENTIALS } from '../../emulators/seed';
import { startVerifaEmulator, type RunningVerifaEmulator } from '../../emulators/verifa/emulator';
import type { ProviderModule } from '../provider-module';
import { VerifaClient } from './client';
import { readVerifaConfig, VERIFA_HELP, type VerifaAuth, type VerifaSettings } from './config';
import { VERIFA_ID } from './id';
import { createVerifaLoaders } from './loaders';
import * as mapper from './mapper';
import { verifaRefusals } from './refusals';

export interface VerifaTypes {
  idParts: object;
  settings: VerifaSettings;
  endpoint: { baseUrl: string; auth: VerifaAuth };
  client: VerifaClient;
  loaders: ReturnType<typeof createVerifaLoaders>;
  emulator: RunningVerifaEmulator;
  mapper: typeof mapper;
}

/** Verifa identity verification: identities `idn_*` with typed relationships between them. */
export const verifa: ProviderModule<'verifa', VerifaTypes> = {
  name: 'verifa',
  label: 'Verifa',
  enumDescription: 'Verifa identity verification.',
  idGrammar: VERIFA_ID,
  readConfig: readVerifaConfig,
  helpLines: VERIFA_HELP,
  endpoint: (settings) => ({ baseUrl: settings.baseUrl!, auth: settings.auth! }),
  emulator: {
    start: (options) => startVerifaEmulator(options),
    endpoint: (emulator) => ({ baseUrl: emulator.baseUrl, auth: { apiKey: DEMO_CREDENTIALS.verifa.apiKey } }),
  },
  createClient: (endpoint, settings, observability) => new VerifaClient({ ...observability, ...endpoint, policy: settings.policy, version: settings.version }),
  createLoaders: (deps) => createVerifaLoaders(deps),
  mapper,
  refusals: verifaRefusals,
};
