import { PROVIDERS, type ProviderName } from '../domain/provider-name';
import { auth0 } from './auth0';
import { btcdirect } from './btcdirect';
import type { ProviderModule, ProviderTypeSet } from './provider-module';
import { verato } from './verato';
import { verifa } from './verifa';

/**
 * The provider registry: one module per name of PROVIDERS (a name without a module, or a module
 * that does not implement ProviderModule for its name, does not compile).
 */
const modules = { verato, verifa, auth0, btcdirect } satisfies { [P in ProviderName]: ProviderModule<P, ProviderTypeSet> };

type TypesOf<M> = M extends ProviderModule<ProviderName, infer T> ? T : never;
/** Each provider's own types (id parts, settings, endpoint, client, loaders, emulator). */
export type ProviderTypes = { [P in ProviderName]: TypesOf<(typeof modules)[P]> };

export const PROVIDER_MODULES: { readonly [P in ProviderName]: ProviderModule<P, ProviderTypes[P]> } = modules;

/** One value per provider, built from its module (`build` sees each module with its own types). */
export function mapProviders<R extends { [P in ProviderName]: unknown }>(build: <P extends ProviderName>(module: ProviderModule<P, ProviderTypes[P]>) => R[P]): R {
  const each = build as (module: ProviderModule<ProviderName, ProviderTypeSet>) => unknown;
  return Object.fromEntries(PROVIDERS.map((name) => [name, each(PROVIDER_MODULES[name] as ProviderModule<ProviderName, ProviderTypeSet>)])) as R;
}

/** The global id form every malformed-id message names, e.g. `"verato:CRM:12345"`. */
export const GLOBAL_ID_FORM =
  `"<provider>:<nativeId>" with provider ${PROVIDERS.join('|')}, e.g. ` + PROVIDERS.map((name) => `"${name}:${PROVIDER_MODULES[name].idGrammar.example}"`).join(', ');
