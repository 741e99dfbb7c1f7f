import type { Auth0Auth, BtcDirectAuth, Config, SourceMap, VeratoAuth } from '../config';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { Auth0Client } from './auth0/client';
import { BtcDirectClient } from './btcdirect/client';
import { VeratoClient } from './verato/client';
import { VerifaClient } from './verifa/client';

/** Where and how to reach each provider, once embedded emulators (if any) are running. */
export interface ProviderEndpoints {
  verato: { baseUrl: string; auth: VeratoAuth };
  verifa: { baseUrl: string; auth: { apiKey: string } };
  /** `idTokenAudiences`: client ids whose ID tokens prove ownership; empty = self-service linking is off. */
  auth0: { baseUrl: string; auth: Auth0Auth; idTokenAudiences: readonly string[] };
  btcdirect: { baseUrl: string; auth: BtcDirectAuth };
}

export interface ProviderClients {
  verato: VeratoClient;
  verifa: VerifaClient;
  auth0: Auth0Client;
  btcdirect: BtcDirectClient;
  sourceMap: SourceMap;
  close(): Promise<void>;
}

/** One client per provider for the life of the process (connections and breakers are shared). */
export function createProviderClients(config: Config, endpoints: ProviderEndpoints, logger: Logger, metrics: Metrics): ProviderClients {
  const common = { logger, metrics };
  const verato = new VeratoClient({ ...common, ...endpoints.verato, policy: config.verato.policy });
  const verifa = new VerifaClient({ ...common, ...endpoints.verifa, policy: config.verifa.policy, version: config.verifa.version });
  const auth0 = new Auth0Client({ ...common, ...endpoints.auth0, policy: config.auth0.policy });
  const btcdirect = new BtcDirectClient({ ...common, ...endpoints.btcdirect, policy: config.btcdirect.policy });
  return {
    verato,
    verifa,
    auth0,
    btcdirect,
    sourceMap: config.verato.sourceMap,
    close: async () => {
      await Promise.all([verato.close(), verifa.close(), auth0.close(), btcdirect.close()]);
    },
  };
}
