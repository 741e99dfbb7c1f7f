import { GetIdentityNeighboursDocument, type GetIdentityNeighboursQuery } from '../../../generated/graphql';
import { DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS } from '../../emulators/seed';
import { startInProcess, type InProcessSubgraph } from '../../../test/support/in-process';

/**
 * The demo graph walked from every account: each account is reachable under one id only, a
 * relationship has one id from both ends, and a person's relationships are the same from each of
 * their accounts.
 */

type Neighbours = NonNullable<GetIdentityNeighboursQuery['identity']>;

const accountsOf = (person: (typeof DEMO_PEOPLE)[number]) => [
  `auth0:${person.auth0UserId}`,
  `verifa:${person.verifaId}`,
  `btcdirect:${person.btcIdentifier}`,
  `verato:CRM:${person.crmId}`,
];
const personOf = new Map(DEMO_PEOPLE.flatMap((person) => accountsOf(person).map((id) => [id, person.key])));
/** The Verato source codes that stand for another provider's accounts (the default VERATO_SOURCE_MAP). */
const SOURCED = { AUTH0: 'auth0', VERIFA: 'verifa', BTCDIRECT: 'btcdirect' } as Record<string, string>;

/** The account an id names: a Verato record filed under another provider's source is that provider's account. */
function accountOf(id: string): string {
  const match = /^verato:([^:]+):(.+)$/.exec(id);
  return match && SOURCED[match[1]] ? `${SOURCED[match[1]]}:${match[2]}` : id;
}

let subgraph: InProcessSubgraph;
const graph = new Map<string, Neighbours | null>();

beforeAll(async () => {
  subgraph = await startInProcess();
  const queue = [...DEMO_PEOPLE.flatMap(accountsOf), ...DEMO_STANDALONE_AUTH0_USERS.map((user) => `auth0:${user.userId}`)];
  while (queue.length > 0 && graph.size < 200) {
    const id = queue.shift()!;
    if (graph.has(id)) continue;
    const result = await subgraph.execute(GetIdentityNeighboursDocument, { id });
    expect(result.errors).toBeUndefined();
    const identity = result.data!.identity ?? null;
    graph.set(id, identity);
    for (const next of identity ? reachedFrom(identity) : []) if (!graph.has(next)) queue.push(next);
  }
});
afterAll(() => subgraph.close());

/** Every id a field of this identity names. */
function reachedFrom(identity: Neighbours): string[] {
  return [
    identity.id,
    ...identity.linkedAccounts.flatMap((account) => [account.id, account.identity?.id]),
    ...(identity.cluster?.members ?? []).flatMap((member) => [member.id, member.identity?.id]),
    ...(identity.relationships?.nodes ?? []).map((relationship) => relationship.related?.id),
  ].filter((id): id is string => typeof id === 'string');
}

it('reaches every account under one id only, and each identity under the id it was asked by', () => {
  const idsByAccount = new Map<string, Set<string>>();
  for (const [id, identity] of graph) {
    if (identity) expect(identity.id).toBe(id);
    for (const reached of [id, ...(identity ? reachedFrom(identity) : [])]) {
      const ids = idsByAccount.get(accountOf(reached)) ?? new Set<string>();
      idsByAccount.set(accountOf(reached), ids.add(reached));
    }
  }
  // Every person's four accounts, their linked social logins and the standalone logins at least.
  expect(idsByAccount.size).toBeGreaterThanOrEqual(DEMO_PEOPLE.length * 4 + DEMO_STANDALONE_AUTH0_USERS.length);
  const aliased = [...idsByAccount].filter(([, ids]) => ids.size > 1).map(([account, ids]) => [account, [...ids]]);
  expect(aliased).toEqual([]);
});

it('gives a relationship one id from both ends', () => {
  let checked = 0;
  for (const [id, identity] of graph) {
    const person = personOf.get(id);
    if (!person) continue;
    for (const relationship of identity?.relationships?.nodes ?? []) {
      const related = relationship.related && graph.get(relationship.related.id);
      expect(related).toBeTruthy();
      // From the related person's side the same relationship names someone of this person.
      const back = related!.relationships!.nodes.filter((node) => node.id === relationship.id);
      expect(back).toHaveLength(1);
      expect(personOf.get(back[0].related!.id)).toBe(person);
      expect(back[0].provider).toBe(relationship.provider);
      checked += 1;
    }
  }
  expect(checked).toBeGreaterThan(0);
});

it.each(DEMO_PEOPLE.map((person) => [person.key, person] as const))("%s: the person's relationships are the same (as sets of ids) from each of their accounts", (_key, person) => {
  const [first, ...others] = accountsOf(person).map((id) => new Set(graph.get(id)!.relationships!.nodes.map((node) => node.id)));
  expect(first.size).toBeGreaterThan(0);
  for (const other of others) expect(other).toEqual(first);
});

it('lists a Verifa relationship with the provider that records it, from any account (Alice and Bob, co-founders)', () => {
  const [alice, bob] = DEMO_PEOPLE;
  const fromAliceAuth0 = graph.get(`auth0:${alice.auth0UserId}`)!.relationships!.nodes.find((node) => node.label === 'business_associate');
  const fromBobBtc = graph.get(`btcdirect:${bob.btcIdentifier}`)!.relationships!.nodes.find((node) => node.label === 'business_associate');
  expect(fromAliceAuth0).toMatchObject({ provider: 'VERIFA', related: { id: `verifa:${bob.verifaId}` } });
  expect(fromBobBtc).toMatchObject({ provider: 'VERIFA', id: fromAliceAuth0!.id, related: { id: `verifa:${alice.verifaId}` } });
});
