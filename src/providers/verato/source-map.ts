import type { GlobalId } from '../../domain/global-id';
import { PROVIDERS, type ProviderName } from '../../domain/provider-name';
import { ConfigError, quote } from '../../env';
import type { VeratoSource } from './wire';

/** The providers whose identities Verato holds as source records under a source code of their own. */
export type SourcedProvider = Exclude<ProviderName, 'verato'>;

/** Verato source code <-> provider, e.g. AUTH0=auth0 (VERATO_SOURCE_MAP). */
export interface SourceMap {
  sourceFor(provider: SourcedProvider): string;
  providerFor(source: string): SourcedProvider | undefined;
}

const SOURCED_PROVIDERS = PROVIDERS.filter((name): name is SourcedProvider => name !== 'verato');

/** By default each other provider's records are filed under its name in capitals: VERIFA=verifa,AUTH0=auth0,BTCDIRECT=btcdirect. */
export const DEFAULT_SOURCE_MAP = SOURCED_PROVIDERS.map((provider) => `${provider.toUpperCase()}=${provider}`).join(',');

export function parseSourceMap(text: string): SourceMap {
  const toSource = new Map<string, string>();
  const toProvider = new Map<string, SourcedProvider>();
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [source, provider, extra] = pair.split('=').map((p) => p.trim());
    const isProvider = (SOURCED_PROVIDERS as string[]).includes(provider);
    if (extra !== undefined || !source || !/^[^\s:"|']+$/.test(source) || !isProvider) {
      throw new ConfigError('VERATO_SOURCE_MAP', `${quote(pair)} is not SOURCE=provider; use e.g. "${DEFAULT_SOURCE_MAP}" (providers: ${SOURCED_PROVIDERS.join(', ')})`);
    }
    if (toSource.has(provider) || toProvider.has(source)) {
      throw new ConfigError('VERATO_SOURCE_MAP', `names ${toSource.has(provider) ? `provider ${provider}` : `source ${quote(source)}`} twice; give each provider one source code of its own`);
    }
    toSource.set(provider, source);
    toProvider.set(source, provider as SourcedProvider);
  }
  for (const provider of SOURCED_PROVIDERS) {
    if (!toSource.has(provider)) throw new ConfigError('VERATO_SOURCE_MAP', `has no source code for ${provider}; use e.g. "${DEFAULT_SOURCE_MAP}"`);
  }
  return {
    sourceFor: (provider) => toSource.get(provider)!,
    providerFor: (source) => toProvider.get(source),
  };
}

/** The Verato source record that stands for an identity: itself for a Verato id, else its record under the source map. */
export function veratoSourceFor(id: GlobalId, sourceMap: SourceMap): VeratoSource {
  return id.provider === 'verato' ? { name: id.source, id: id.sourceId } : { name: sourceMap.sourceFor(id.provider), id: id.nativeId };
}
