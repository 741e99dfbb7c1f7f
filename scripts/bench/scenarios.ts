import { PROVIDERS, type ProviderName } from '../../src/domain/provider-name';
import type { Auth0Store } from '../../src/emulators/auth0/store';
import type { BtcDirectStore } from '../../src/emulators/btcdirect/store';
import { DEMO_PEOPLE } from '../../src/emulators/seed';
import { syntheticPerson } from '../../src/emulators/synthetic';
import type { VeratoStore } from '../../src/emulators/verato/store';
import type { VerifaStore } from '../../src/emulators/verifa/store';
import { AUTH0_SEARCH_BATCH } from '../../src/providers/auth0/client';

/**
 * The benchmark's scenarios, shared by `npm run bench` (scripts/bench.ts) and the call-count
 * regression test (test/perf/call-counts.test.ts): the operations, the extra emulator data they
 * read, the minimum number of upstream calls each needs, and its resolution levels (for the
 * latency bound).
 */

export type Calls = Record<ProviderName, number>;

/** Emulator latencies of the benchmark's "latency" mode (ms, added to every answer). */
export const BENCH_LATENCY_MS: Readonly<Calls> = Object.freeze({ verato: 25, verifa: 20, auth0: 30, btcdirect: 25 });

export interface Scenario {
  key: string;
  title: string;
  query: string;
  variables: Record<string, unknown>;
  /**
   * The fewest upstream calls one request can cost with these providers' APIs: one call per
   * distinct record for providers without a batch read (Verifa, BTC Direct, Verato), one user
   * search per AUTH0_SEARCH_BATCH ids for Auth0 (a single id is one GET), nothing for a record an
   * earlier reply of the same request already carried. Tokens are excluded (fetched once per
   * process, not per request).
   */
  minimumCalls: Calls;
  /** Upstream calls per request with batching and caching off (the baseline). */
  baselineCalls: Calls;
  /**
   * Providers called at each resolution level, in order. The latency bound is the sum over the
   * levels of the slowest provider's latency at that level.
   */
  levels: ProviderName[][];
  /** How `levels` follows from the query (printed in BENCHMARKS.md). */
  levelsExplained: string;
  /** Measured in these emulator modes. */
  modes: readonly BenchMode[];
  /** Checks a full response (data and no errors); returns what is wrong, or null. */
  check(response: { data?: unknown; errors?: unknown }): string | null;
}

export type BenchMode = 'latency' | 'zero';

// ---------------------------------------------------------------------------------------------
// Emulator data: 50 extra records per provider, so `_entities` and `identities(ids:)` can ask for
// up to 100 distinct identities spread over the four providers.

export const BULK_PER_PROVIDER = 50;
const pad = (i: number) => String(i).padStart(4, '0');

export const bulkIds = {
  verifa: (i: number) => `verifa:idn_bench${pad(i)}`,
  auth0: (i: number) => `auth0:auth0|bench${pad(i)}`,
  /** BTC Direct partner identifiers are 36-255 letters or digits. */
  btcdirect: (i: number) => `btcdirect:benchbtc${pad(i)}${'0'.repeat(28)}`,
  verato: (i: number) => `verato:CRM:BENCH-${pad(i)}`,
} satisfies Record<ProviderName, (i: number) => string>;

export interface BenchStores {
  verifa: VerifaStore;
  auth0: Auth0Store;
  btcdirect: BtcDirectStore;
  verato: VeratoStore;
}

/** Adds the bulk records to emulators already seeded with the demo people. */
export function seedBenchData(stores: BenchStores): void {
  for (let i = 0; i < BULK_PER_PROVIDER; i++) {
    const name = { first: 'Bench', last: `Person${pad(i)}` };
    stores.verifa.addIdentity({ id: bulkIds.verifa(i).slice('verifa:'.length), status: 'approved', country: 'NL' });
    stores.auth0.addUser({ userId: bulkIds.auth0(i).slice('auth0:'.length), email: `bench${pad(i)}@example.com`, givenName: name.first, familyName: name.last });
    stores.btcdirect.addUser({
      email: `bench${pad(i)}@example.com`,
      password: `bench-password-${pad(i)}`,
      firstName: name.first,
      lastName: name.last,
      identifiers: [bulkIds.btcdirect(i).slice('btcdirect:'.length)],
    });
    stores.verato.addSourceRecord({ source: { name: 'CRM', id: `BENCH-${pad(i)}` }, attributes: { names: [name], emails: [{ email: `bench${pad(i)}@example.com` }] } });
  }
  // Auth0 user search reads an index rebuilt lazily after writes: build it now, not during a run.
  stores.auth0.refreshSearchIndex();
}

const MIX_ORDER: readonly ProviderName[] = ['verifa', 'auth0', 'btcdirect', 'verato'];

/** `n` distinct global ids, round-robin over the four providers (verifa, auth0, btcdirect, verato, verifa, …). */
export function mixedIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => bulkIds[MIX_ORDER[i % 4]](Math.floor(i / 4)));
}

function countByProvider(ids: readonly string[]): Calls {
  const counts = zeroCalls();
  for (const id of ids) counts[id.slice(0, id.indexOf(':')) as ProviderName]++;
  return counts;
}

export function zeroCalls(): Calls {
  return { verato: 0, verifa: 0, auth0: 0, btcdirect: 0 };
}

export function totalCalls(calls: Partial<Calls>): number {
  return PROVIDERS.reduce((sum, provider) => sum + (calls[provider] ?? 0), 0);
}

/** One level of distinct ids: one call each, except Auth0 (a GET for one id, else one search per 50). */
function minimumForIds(ids: readonly string[]): Calls {
  const counts = countByProvider(ids);
  return { ...counts, auth0: counts.auth0 <= 1 ? counts.auth0 : Math.ceil(counts.auth0 / AUTH0_SEARCH_BATCH) };
}

// ---------------------------------------------------------------------------------------------
// Queries

const IDENTITY_FIELDS = 'id provider displayName status';

export const PERSON_QUERY = `query BenchPerson($id: ID!) {
  identity(id: $id) {
    ${IDENTITY_FIELDS}
    linkedAccounts { id provider via identity { ${IDENTITY_FIELDS} } }
    relationships(first: 10) { totalCount nodes { id type related { ${IDENTITY_FIELDS} } } }
  }
}`;

const SYNTHETIC_ID_MIX: readonly ProviderName[] = ['verifa', 'auth0', 'btcdirect', 'verato'];

/** The person query (a request body) for rank r's synthetic person, by one of their four ids in turn (the fleet scenario's load). */
export function syntheticPersonBody(r: number): string {
  const person = syntheticPerson(r);
  const ids: Record<ProviderName, string> = {
    verifa: `verifa:${person.verifaId}`,
    auth0: `auth0:${person.auth0UserId}`,
    btcdirect: `btcdirect:${person.btcIdentifier}`,
    verato: `verato:CRM:${person.crmId}`,
  };
  return JSON.stringify({ query: PERSON_QUERY, variables: { id: ids[SYNTHETIC_ID_MIX[r % SYNTHETIC_ID_MIX.length]] } });
}

const ENTITIES_QUERY = `query BenchEntities($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Identity { ${IDENTITY_FIELDS} } }
}`;

const IDENTITIES_QUERY = `query BenchIdentities($ids: [ID!]!) {
  identities(ids: $ids) { ${IDENTITY_FIELDS} }
}`;

const alice = DEMO_PEOPLE.find((person) => person.key === 'alice')!;

type Data = Record<string, unknown> | null | undefined;

function noErrors(response: { data?: unknown; errors?: unknown }): string | null {
  if (response.errors !== undefined) return `GraphQL errors: ${JSON.stringify(response.errors).slice(0, 300)}`;
  if (!response.data) return 'no data';
  return null;
}

/** Every listed identity present, in the order asked. */
function checkList(field: string, ids: readonly string[]) {
  return (response: { data?: unknown; errors?: unknown }): string | null => {
    const problem = noErrors(response);
    if (problem) return problem;
    const list = (response.data as Data)?.[field] as ({ id?: string } | null)[] | undefined;
    if (!Array.isArray(list) || list.length !== ids.length) return `${field}: expected ${ids.length} items, got ${Array.isArray(list) ? list.length : typeof list}`;
    const wrong = list.findIndex((item, i) => item?.id !== ids[i]);
    return wrong >= 0 ? `${field}[${wrong}] is ${JSON.stringify(list[wrong])}, expected id ${ids[wrong]}` : null;
  };
}

function entitiesScenario(n: number, ids: string[], label: string, modes: readonly BenchMode[], extra = ''): Scenario {
  const providers = MIX_ORDER.filter((provider) => ids.some((id) => id.startsWith(`${provider}:`)));
  return {
    key: `entities-${n}${extra}`,
    title: `_entities ×${n} (${label})`,
    query: ENTITIES_QUERY,
    variables: { representations: ids.map((id) => ({ __typename: 'Identity', id })) },
    minimumCalls: minimumForIds(ids),
    baselineCalls: countByProvider(ids),
    levels: [providers],
    levelsExplained: `one level: every representation is resolved at once (${providers.join(', ')})`,
    modes,
    check: checkList('_entities', ids),
  };
}

const mixLabel = 'mixed: round-robin Verifa, Auth0, BTC Direct, Verato';

export const SCENARIOS: readonly Scenario[] = [
  {
    key: 'person',
    title: 'person: identity + linkedAccounts { identity } + relationships { related }',
    query: PERSON_QUERY,
    variables: { id: `verifa:${alice.verifaId}` },
    // Level 1: Verifa GET alice. Level 2: Verato nativeIdQuery (VERIFA:alice: her cluster, for
    // linkedAccounts and for her relationships). Level 3: the linked accounts' identities (Auth0 GET,
    // BTC Direct user info, the CRM record), and her relationships: the Verifa ones of her Verifa
    // identity and the Verato ones of her cluster (searchRelationships). Level 4: the related
    // identities (Verifa GET carol, bob; for the Verato edge, identityIdQuery of Carol's Link ID),
    // Level 5: the Verato edge's related account under its own id (Auth0 GET carol).
    // The CRM record is one of the members of the level-2 Verato reply (GROUP_BY_SOURCE carries
    // every member's record), so it needs no call of its own.
    minimumCalls: { verifa: 4, verato: 3, auth0: 2, btcdirect: 1 },
    // Without caching Carol is fetched twice (she is related twice: family_member and the system
    // same_address edge), and each Verato load is a call of its own.
    baselineCalls: { verifa: 5, verato: 5, auth0: 2, btcdirect: 1 },
    levels: [['verifa'], ['verato'], ['auth0', 'btcdirect', 'verifa', 'verato'], ['verifa', 'verato'], ['auth0']],
    levelsExplained:
      'identity (Verifa) → her cluster (Verato nativeIdQuery) → linkedAccounts.identity (Auth0, BTC Direct; the CRM record ' +
      "comes with the level-2 Verato reply) ∥ relationships (Verifa, Verato searchRelationships) → relationships.related " +
      "(Verifa; Verato identityIdQuery for the Verato edge) → the Verato edge's related account (Auth0)",
    modes: ['latency', 'zero'],
    check(response) {
      const problem = noErrors(response);
      if (problem) return problem;
      const identity = (response.data as Data)?.identity as
        | { linkedAccounts?: { provider: string; identity: unknown }[]; relationships?: { nodes?: { related: unknown }[] } }
        | null;
      if (!identity) return 'identity is null';
      const providers = new Set(['VERIFA', ...(identity.linkedAccounts ?? []).filter((a) => a.identity).map((a) => a.provider)]);
      if (providers.size !== 4) return `linked identities cover ${[...providers].join(', ')}, not all four providers`;
      const nodes = identity.relationships?.nodes ?? [];
      if (nodes.length < 2 || nodes.some((node) => !node.related)) return `relationships: ${JSON.stringify(nodes).slice(0, 200)}`;
      return null;
    },
  },
  entitiesScenario(10, mixedIds(10), mixLabel, ['latency', 'zero']),
  entitiesScenario(50, mixedIds(50), mixLabel, ['latency', 'zero']),
  entitiesScenario(100, mixedIds(100), mixLabel, ['latency', 'zero']),
  {
    ...entitiesScenario(100, mixedIds(100), mixLabel, ['latency', 'zero']),
    key: 'identities-100',
    title: `identities(ids:) ×100 (${mixLabel})`,
    query: IDENTITIES_QUERY,
    variables: { ids: mixedIds(100) },
    levelsExplained: 'one level: every id is resolved at once (verifa, auth0, btcdirect, verato)',
    check: checkList('identities', mixedIds(100)),
  },
  // Where a provider has a batch read, batching pays in full: 50 Auth0 users are one search.
  entitiesScenario(50, Array.from({ length: 50 }, (_, i) => bulkIds.auth0(i)), 'Auth0 only', ['latency'], '-auth0'),
];

/** Sum over the levels of the slowest provider's latency at that level (ms). */
export function latencyBound(scenario: Scenario, latency: Readonly<Calls> = BENCH_LATENCY_MS): number {
  return scenario.levels.reduce((sum, level) => sum + Math.max(...level.map((provider) => latency[provider])), 0);
}
