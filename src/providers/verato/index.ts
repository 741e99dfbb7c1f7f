import { startVeratoEmulator, type RunningVeratoEmulator } from '../../emulators/verato/emulator';
import { DEMO_CREDENTIALS } from '../../emulators/seed';
import type { ProviderModule } from '../provider-module';
import { VeratoClient } from './client';
import { readVeratoConfig, VERATO_HELP, type VeratoAuth, type VeratoSettings, type VeratoTls } from './config';
import { VERATO_ID, type VeratoIdParts } from './id';
import { createVeratoLoaders } from './loaders';
import * as mapper from './mapper';
import { veratoRefusals } from './refusals';
import type { VeratoStack } from './stacks';

export interface VeratoTypes {
  idParts: VeratoIdParts;
  settings: VeratoSettings;
  /** `baseUrl`: the tenant's address, below which the stack's base path is. */
  endpoint: { baseUrl: string; auth: VeratoAuth; stack: VeratoStack; tls: VeratoTls | null };
  client: VeratoClient;
  loaders: ReturnType<typeof createVeratoLoaders>;
  emulator: RunningVeratoEmulator;
  mapper: typeof mapper;
}

/** Verato identity MDM: source records (Source + Native id) clustered under a Link ID; the hub every other provider's identity is filed in. */
export const verato: ProviderModule<'verato', VeratoTypes> = {
  name: 'verato',
  label: 'Verato',
  enumDescription: 'Verato identity MDM: source records clustered under a Link ID.',
  idGrammar: VERATO_ID,
  readConfig: readVeratoConfig,
  helpLines: VERATO_HELP,
  endpoint: (settings) => ({ baseUrl: settings.baseUrl!, auth: settings.auth!, stack: settings.stack, tls: settings.tls }),
  emulator: {
    start: (options) => startVeratoEmulator(options),
    // The embedded emulator serves the Person stack over plain HTTP.
    endpoint: (emulator) => ({ baseUrl: emulator.url, auth: { kind: 'bearer', token: DEMO_CREDENTIALS.verato.token }, stack: emulator.stack, tls: null }),
  },
  createClient: (endpoint, settings, observability) => new VeratoClient({ ...observability, ...endpoint, policy: settings.policy }),
  createLoaders: (deps) => createVeratoLoaders(deps),
  mapper,
  refusals: veratoRefusals,
};
