import { providerSettings, secretOrPair, type EnvReader, type ProviderSettings } from '../../env';
import { DEFAULT_SOURCE_MAP, parseSourceMap, type SourceMap } from './source-map';

export type VeratoAuth = { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string };

export type VeratoSettings = ProviderSettings<VeratoAuth> & { sourceMap: SourceMap };

export function readVeratoConfig(read: EnvReader): VeratoSettings {
  const credential = secretOrPair(read, { secret: 'VERATO_TOKEN', pair: ['VERATO_USERNAME', 'VERATO_PASSWORD'], pairNeeds: 'Basic auth needs' });
  const auth: VeratoAuth | null =
    credential === null ? null : 'secret' in credential ? { kind: 'bearer', token: credential.secret } : { kind: 'basic', username: credential.pair[0], password: credential.pair[1] };
  return { ...providerSettings(read, 'VERATO', auth), sourceMap: parseSourceMap(read('VERATO_SOURCE_MAP') ?? DEFAULT_SOURCE_MAP) };
}

/** Its lines of `npm start -- --help`. */
export const VERATO_HELP = [
  '  VERATO_BASE_URL           e.g. https://cust1234.verato-connect.com/link-ws/svc',
  '  VERATO_TOKEN | VERATO_USERNAME + VERATO_PASSWORD',
  '  VERATO_SOURCE_MAP         Verato source code per provider (VERIFA=verifa,AUTH0=auth0,BTCDIRECT=btcdirect)',
];
