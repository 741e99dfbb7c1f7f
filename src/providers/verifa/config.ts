import { ConfigError, providerSettings, quote, type EnvReader, type ProviderSettings } from '../../env';

export const DEFAULT_VERIFA_VERSION = '2026-01-01';

export type VerifaAuth = { apiKey: string };

export type VerifaSettings = ProviderSettings<VerifaAuth> & { version: string };

export function readVerifaConfig(read: EnvReader): VerifaSettings {
  const apiKey = read('VERIFA_API_KEY');
  return { ...providerSettings(read, 'VERIFA', apiKey ? { apiKey } : null), version: dateVersion(read('VERIFA_VERSION') ?? DEFAULT_VERIFA_VERSION) };
}

function dateVersion(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new ConfigError('VERIFA_VERSION', `${quote(value)} must be a date version YYYY-MM-DD, e.g. ${DEFAULT_VERIFA_VERSION}`);
  return value;
}

/** Its lines of `npm start -- --help`. */
export const VERIFA_HELP = ['  VERIFA_BASE_URL           e.g. https://api.withverifa.com/api/v1;  VERIFA_API_KEY, VERIFA_VERSION'];
