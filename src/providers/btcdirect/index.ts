import { startBtcDirectEmulator, type RunningBtcDirectEmulator } from '../../emulators/btcdirect/emulator';
import { DEMO_CREDENTIALS } from '../../emulators/seed';
import type { ProviderModule } from '../provider-module';
import { BtcDirectClient } from './client';
import { BTCDIRECT_HELP, readBtcDirectConfig, type BtcDirectAuth, type BtcDirectSettings } from './config';
import { BTCDIRECT_ID } from './id';
import { createBtcDirectLoaders } from './loaders';
import * as mapper from './mapper';
import { btcDirectRefusals } from './refusals';

export interface BtcDirectTypes {
  idParts: object;
  settings: BtcDirectSettings;
  endpoint: { baseUrl: string; auth: BtcDirectAuth };
  client: BtcDirectClient;
  loaders: ReturnType<typeof createBtcDirectLoaders>;
  emulator: RunningBtcDirectEmulator;
  mapper: typeof mapper;
}

/** BTC Direct, a crypto broker: a partner links its own user identifier to the logged-in BTC Direct user. */
export const btcdirect: ProviderModule<'btcdirect', BtcDirectTypes> = {
  name: 'btcdirect',
  label: 'BTC Direct',
  enumDescription: 'BTC Direct, through a partner identifier linked to a BTC Direct user.',
  idGrammar: BTCDIRECT_ID,
  readConfig: readBtcDirectConfig,
  helpLines: BTCDIRECT_HELP,
  endpoint: (settings) => ({ baseUrl: settings.baseUrl!, auth: settings.auth! }),
  emulator: {
    start: (options) => startBtcDirectEmulator(options),
    endpoint: (emulator) => ({ baseUrl: emulator.baseUrl, auth: { kind: 'api_key', apiKey: DEMO_CREDENTIALS.btcdirect.apiKey } }),
  },
  createClient: (endpoint, settings, observability) => new BtcDirectClient({ ...observability, ...endpoint, policy: settings.policy }),
  createLoaders: (deps) => createBtcDirectLoaders(deps),
  mapper,
  refusals: btcDirectRefusals,
};
