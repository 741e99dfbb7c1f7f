import type { RateBudget } from '../budgets/rate-budget';
import type { ProviderName } from '../domain/provider-name';
import type { IdentityRecord, RelationshipPage } from '../domain/identity';
import type { RunningEmulator } from '../emulators/harness';
import type { EnvReader, ProviderSettings } from '../env';
import type { LoaderFactory } from '../loaders/loader-factory';
import type { RefusalMapping } from '../mutations/user-errors';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { SharedState } from '../shared-state';
import type { CallContext, HttpTransport } from './http/transport';
import type { SourceMap } from './verato/source-map';
import type { ProviderCaches } from '../loaders/provider-caches';

/**
 * What a provider is known for, in one object per provider (`src/providers/<p>/index.ts`).
 * The cross-cutting code (config, embedded start-up, clients, loaders, /ready, error messages,
 * --help, the GraphQL enum) iterates `PROVIDER_MODULES` instead of naming providers.
 */
export interface ProviderModule<P extends ProviderName, T extends ProviderTypeSet> {
  name: P;
  /** How messages name it, e.g. "BTC Direct". */
  label: string;
  /** Description of its `IdentityProvider` enum value (whose name is `name` in capitals, as is its env prefix). */
  enumDescription: string;
  idGrammar: NativeIdGrammar<T['idParts']>;
  /** Its `<P>_*` variables, validated; `baseUrl: null` = run on the embedded emulator. */
  readConfig(read: EnvReader): T['settings'];
  /** Its lines of `npm start -- --help`. */
  helpLines: readonly string[];
  /** The real API, from settings whose base URL is set (credentials are then set too). */
  endpoint(settings: T['settings']): T['endpoint'];
  emulator: {
    start(options: { port?: number }): Promise<T['emulator']>;
    /** The running emulator as the endpoint, with its demo credentials. */
    endpoint(emulator: T['emulator'], settings: T['settings']): T['endpoint'];
  };
  /**
   * The process-wide client (its connections and breaker are shared by every request); `shared`
   * is the process's SharedState (provider tokens kept for the fleet, rate budgets).
   */
  createClient(endpoint: T['endpoint'], settings: T['settings'], deps: ClientDeps): T['client'];
  /** Its DataLoaders for one request. */
  createLoaders(deps: ProviderLoaderDeps<T['client']>): T['loaders'] & ProviderLoaders<ProviderGlobalId<P, T>>;
  /** Wire -> domain mapping (mapper.ts). */
  mapper: T['mapper'];
  /** How its refusals read as mutation user errors (refusals.ts; applied in src/mutations/run.ts). */
  refusals: RefusalMapping;
}

/** What every provider client is built with besides its endpoint and settings. */
export interface ClientDeps {
  logger: Logger;
  metrics: Metrics;
  shared: SharedState;
  /** The provider's (fleet-wide) rate budget from `<P>_RATE_LIMIT_*`, built by createProviderClients. */
  rateBudget: RateBudget;
}

/**
 * The grammar of one provider's native id, the part after `<provider>:` in a global id
 * (src/domain/global-id.ts reads the envelope and hands the rest to this).
 */
export interface NativeIdGrammar<Parts extends object> {
  /** A native id in the expected form, for the message that names it, e.g. `CRM:12345`. */
  example: string;
  /**
   * Reads the native part into its parts, or returns what `fail` returns, given what is wrong
   * (e.g. 'a Verifa id is "verifa:idn_…"'): a caller's id throws there, a provider's value gets
   * a sentinel (no exception on the normal path).
   */
  parse<F>(nativeId: string, fail: (problem: string) => F): Parts | F;
}

/** The types a provider module is written in terms of. */
export interface ProviderTypeSet {
  /** What its id grammar reads out of a native id. */
  idParts: object;
  settings: ProviderSettings<unknown>;
  endpoint: { baseUrl: string; auth: unknown };
  client: ProviderClient;
  loaders: ProviderLoaders<never>;
  emulator: RunningEmulator & { baseUrl: string };
  mapper: object;
}

export interface ProviderClient {
  /** Its breaker state is the provider's readiness (/ready). */
  readonly transport: HttpTransport;
  close(): Promise<void>;
}

/** A parsed global id of one provider (as `GlobalIdOf<P>` in src/domain/global-id.ts). */
export type ProviderGlobalId<P extends ProviderName, T extends ProviderTypeSet> = { provider: P; nativeId: string } & T['idParts'];

export interface ProviderLoaders<Id> {
  /** One of its identities; null when the provider does not know it. */
  identity(id: Id): Promise<IdentityRecord | null>;
  /**
   * Forgets what this request loaded that a mutation may have changed; `ids` are the touched ids
   * of this provider (possibly none: a write elsewhere can still reshape what it loaded).
   */
  forget(ids: readonly Id[]): void;
  /** The relationships the provider records for its own identities; without it an identity lists those of its Verato cluster. */
  relationships?(id: Id, page: { first: number; offset: number }): Promise<RelationshipPage | null>;
}

export interface ProviderLoaderDeps<C> {
  client: C;
  call: CallContext;
  loader: LoaderFactory;
  /** VERATO_SOURCE_MAP: the Verato source code each other provider's records are filed under. */
  sourceMap: SourceMap;
  /** The process-wide record caches (absent: every read goes to the provider). */
  cache?: ProviderCaches;
}
