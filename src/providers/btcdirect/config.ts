import { providerSettings, secretOrPair, type EnvReader, type ProviderSettings } from '../../env';

export type BtcDirectAuth = { kind: 'api_key'; apiKey: string } | { kind: 'partner_login'; username: string; password: string };

export type BtcDirectSettings = ProviderSettings<BtcDirectAuth>;

export function readBtcDirectConfig(read: EnvReader): BtcDirectSettings {
  // Never both: BTC Direct rejects a request carrying two client authentication methods (ER803).
  const credential = secretOrPair(read, { secret: 'BTCDIRECT_API_KEY', pair: ['BTCDIRECT_USERNAME', 'BTCDIRECT_PASSWORD'], pairNeeds: 'partner login needs' });
  const auth: BtcDirectAuth | null =
    credential === null ? null : 'secret' in credential ? { kind: 'api_key', apiKey: credential.secret } : { kind: 'partner_login', username: credential.pair[0], password: credential.pair[1] };
  return providerSettings(read, 'BTCDIRECT', auth);
}

/** Its lines of `npm start -- --help`. */
export const BTCDIRECT_HELP = ['  BTCDIRECT_BASE_URL        e.g. https://api.btcdirect.eu;  BTCDIRECT_API_KEY | BTCDIRECT_USERNAME + BTCDIRECT_PASSWORD'];
