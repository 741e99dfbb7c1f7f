import { GetIdentitiesDocument, GetIdentitiesWithLinkedIdentitiesDocument } from '../../generated/graphql';
import { startStack, type Stack } from '../support/stack';

const VERIFA_COUNT = 40;
const AUTH0_COUNT = 30;
const pad = (n: number) => String(n).padStart(2, '0');
const verifaIds = Array.from({ length: VERIFA_COUNT }, (_, i) => `verifa:idn_bulk${pad(i)}`);
const auth0Distinct = Array.from({ length: AUTH0_COUNT }, (_, i) => `auth0:auth0|bulk${pad(i)}`);
/** 50 Auth0 ids: the 30 distinct ones, then 20 of them again. */
const auth0Ids = [...auth0Distinct, ...auth0Distinct.slice(0, 20)];

/** Batches (= rounds of upstream calls) each loader dispatched, read from the metrics. */
async function loaderBatches(stack: Stack): Promise<Record<string, number>> {
  const text = await stack.subgraph.metrics.registry.getSingleMetricAsString('identity_loader_batch_size');
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/identity_loader_batch_size_count\{loader="(\w+)"\} (\d+)/g)) counts[match[1]] = Number(match[2]);
  return counts;
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([key, value]) => [key, value - (before[key] ?? 0)]).filter(([, value]) => value !== 0));
}

describe('batching: the minimum number of upstream calls', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    for (let i = 0; i < VERIFA_COUNT; i++) {
      // Each Verifa identity names an Auth0 user as its external reference (10 of them do not exist).
      stack.emulators.verifa!.store.addIdentity({ id: `idn_bulk${pad(i)}`, external_ref: `auth0:auth0|bulk${pad(i)}`, status: 'approved' });
    }
    for (let i = 0; i < AUTH0_COUNT; i++) stack.emulators.auth0!.store.addUser({ userId: `auth0|bulk${pad(i)}`, email: `bulk${pad(i)}@example.com` });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearCalls());

  it('identities over 40 Verifa ids and 50 Auth0 ids costs 40 Verifa GETs and one Auth0 search (plus the token)', async () => {
    const result = await stack.gql(GetIdentitiesDocument, { ids: [...verifaIds, ...auth0Ids] });

    expect(result.errors).toBeUndefined();
    expect(result.data!.identities).toHaveLength(90);
    expect(result.data!.identities.every((identity) => identity !== null)).toBe(true);
    const { verifa, auth0 } = stack.emulators;
    expect(verifa!.countCalls('GET', /^\/api\/v1\/identities\/idn_/)).toBe(VERIFA_COUNT);
    expect(verifa!.calls).toHaveLength(VERIFA_COUNT);
    expect(auth0!.countCalls('GET', /^\/api\/v2\/users$/)).toBeLessThanOrEqual(2);
    expect(auth0!.countCalls('GET', /^\/api\/v2\/users\//)).toBe(0);
    expect(auth0!.countCalls('POST', '/oauth/token')).toBeLessThanOrEqual(1);
  });

  it('linkedAccounts { identity } on all of them costs one more round per provider, not one call per parent', async () => {
    const before = await loaderBatches(stack);
    const result = await stack.gql(GetIdentitiesWithLinkedIdentitiesDocument, { ids: [...verifaIds, ...auth0Ids] });
    const rounds = diff(await loaderBatches(stack), before);

    expect(result.errors).toBeUndefined();
    const first = result.data!.identities[0]!;
    expect(first.linkedAccounts).toEqual([{ id: 'auth0:auth0|bulk00', identity: { id: 'auth0:auth0|bulk00', displayName: 'bulk00@example.com' } }]);
    // Level 1: the 70 distinct identities; level 2: their Verato lookups and the linked Auth0 users.
    // The Verato lookups start as each parent provider answers (Verifa parents and Auth0 parents
    // arrive in different ticks), so that loader may dispatch once per parent provider.
    expect(rounds).toMatchObject({ verifaIdentity: 1, auth0User: 2 });
    expect(rounds.veratoRecord).toBeLessThanOrEqual(2);
    const { verifa, auth0, verato } = stack.emulators;
    expect(verifa!.countCalls('GET')).toBe(VERIFA_COUNT);
    // The 30 Auth0 users found at level 1 are cached; the 10 others are searched once at level 2.
    expect(auth0!.countCalls('GET', /^\/api\/v2\/users$/)).toBe(2);
    expect(verato!.countCalls('POST', '/link-ws/svc/v2/nativeIdQuery')).toBe(VERIFA_COUNT + AUTH0_COUNT);
  });
});
