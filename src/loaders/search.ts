import { formatGlobalId } from '../domain/global-id';
import type { ClusterRecord } from '../domain/identity';
import type { ProviderName } from '../domain/provider-name';
import type { CallContext } from '../providers/http/transport';
import type { ProviderClients } from '../providers/provider-clients';
import type { VeratoClusterLookup, VeratoRecord } from '../providers/verato/loaders';

/** What a person is searched by; at least one is set (the resolver checks). */
export interface SearchCriteria {
  email: string | null;
  name: string | null;
  birthDate: string | null;
}

/** One person found: the identity that stands for them, who matched, and the best score. */
export interface PersonMatch {
  identityId: string;
  matchedBy: ProviderName[];
  score: number;
}

export interface SearchOutcome {
  matches: PersonMatch[];
  /** Sources that could not be asked (or whose hits could not be placed in a cluster). */
  failures: unknown[];
}

/** The most candidates each provider is asked for, and so the most people one search returns per provider. */
export const SEARCH_CANDIDATES_PER_PROVIDER = 100;

/** Which account stands for a person whose cluster holds several: the one whose linkedAccounts reach the most. */
const STANDS_FOR_PERSON: readonly ProviderName[] = ['auth0', 'verifa', 'btcdirect', 'verato'];

interface Hit {
  provider: ProviderName;
  id: string;
  score: number;
  linkId?: string;
}

interface Deps {
  clients: ProviderClients;
  call: CallContext;
  veratoRecordFor(id: string): Promise<VeratoRecord | null>;
  veratoCluster: { load(linkId: string): Promise<VeratoClusterLookup | null> };
}

/**
 * Fans a search out to the providers that can search (one call each, through the shared transport
 * and so the rate budgets): Auth0 by e-mail, Verifa by e-mail or by name + birth date, Verato by
 * any of them. Hits are grouped per person by their Verato cluster (read through the loaders), so
 * one person's accounts are one match. A match's score is the highest its providers gave: Verato's
 * matchScore (0..1), 1 for Auth0's and Verifa's exact matches.
 */
export async function searchPeople(deps: Deps, criteria: SearchCriteria): Promise<SearchOutcome> {
  const failures: unknown[] = [];
  const asked = await Promise.all(
    searchesFor(deps, criteria).map((search) =>
      search.then(
        (hits) => hits,
        (error: unknown) => {
          failures.push(error);
          return [] as Hit[];
        },
      ),
    ),
  );
  const people = new Map<string, { members: ClusterRecord['members'] | null; fallbackId: string; hits: Hit[] }>();
  let clusterFailure: unknown = null;
  await Promise.all(
    asked.flat().map(async (hit) => {
      let cluster: ClusterRecord | null = null;
      try {
        cluster = hit.linkId ? ((await deps.veratoCluster.load(hit.linkId))?.cluster ?? null) : ((await deps.veratoRecordFor(hit.id))?.cluster ?? null);
      } catch (error) {
        clusterFailure ??= error;
      }
      const key = cluster ? `cluster:${cluster.linkId}` : hit.id;
      const person = people.get(key) ?? { members: cluster?.members ?? null, fallbackId: hit.id, hits: [] };
      person.hits.push(hit);
      people.set(key, person);
    }),
  );
  if (clusterFailure) failures.push(clusterFailure);
  // A Verato candidate whose cluster could not be read has no account to stand for it.
  const placed = [...people.values()].filter((person) => person.members !== null || !person.fallbackId.startsWith('verato-link:'));
  const matches = placed.map(({ members, fallbackId, hits }) => ({
    identityId: standingFor(members, hits) ?? fallbackId,
    matchedBy: STANDS_FOR_PERSON.filter((provider) => hits.some((hit) => hit.provider === provider)),
    score: Math.max(...hits.map((hit) => hit.score)),
  }));
  matches.sort((a, b) => b.score - a.score || b.matchedBy.length - a.matchedBy.length || a.identityId.localeCompare(b.identityId));
  return { matches, failures };
}

function searchesFor({ clients, call }: Deps, { email, name, birthDate }: SearchCriteria): Promise<Hit[]>[] {
  const searches: Promise<Hit[]>[] = [];
  const names = name ? splitName(name) : null;
  if (email) {
    searches.push(clients.auth0.usersByEmail(call, email).then((users) => users.map((user) => ({ provider: 'auth0', id: formatGlobalId('auth0', user.user_id), score: 1 }))));
  }
  const byName = names?.first && names.last && birthDate ? { first_name: names.first, last_name: names.last, date_of_birth: birthDate } : null;
  if (email || byName) {
    const body = { ...(email ? { email: email.toLowerCase() } : {}), ...byName, limit: SEARCH_CANDIDATES_PER_PROVIDER };
    searches.push(clients.verifa.searchIdentities(call, body).then((page) => page.data.map((identity) => ({ provider: 'verifa', id: formatGlobalId('verifa', identity.id), score: 1 }))));
  }
  const identity = {
    ...(names ? { names: [{ ...(names.first ? { first: names.first } : {}), last: names.last }] } : {}),
    ...(email ? { emails: [{ email }] } : {}),
    ...(birthDate ? { datesOfBirth: [{ dateOfBirth: birthDate }] } : {}),
  };
  searches.push(
    clients.verato.demographicsSearch(call, { identity, maxSearchResults: SEARCH_CANDIDATES_PER_PROVIDER }).then((results) =>
      results.flatMap((result) => (result.linkId ? [{ provider: 'verato' as const, id: `verato-link:${result.linkId}`, linkId: result.linkId, score: result.matchScore }] : [])),
    ),
  );
  return searches;
}

/** "Given Family" → first and last; one word is a family name (inferred: what a person is most often looked up by). */
function splitName(name: string): { first: string | null; last: string } {
  const words = name.trim().split(/\s+/);
  const last = words.pop()!;
  return { first: words.length > 0 ? words.join(' ') : null, last };
}

/** The active cluster member of the provider that best stands for the person, whichever provider found them. */
function standingFor(members: ClusterRecord['members'] | null, hits: Hit[]): string | null {
  const active = (members ?? []).filter((member) => member.state === 'ACTIVE');
  for (const provider of STANDS_FOR_PERSON) {
    const member = active.find((candidate) => candidate.id.startsWith(`${provider}:`));
    if (member) return member.id;
  }
  return hits.find((hit) => hit.provider !== 'verato')?.id ?? null;
}
