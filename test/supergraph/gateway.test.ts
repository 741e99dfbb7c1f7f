import type { GraphQLFormattedError } from 'graphql';
import { DEMO_PEOPLE } from '../../src/emulators/seed';
import type { RecordedCall } from '../../src/emulators/harness';
import { SCOPES } from '../../src/security/scopes';
import { startStack, type Stack } from '../support/stack';
import { DEMO_ACCOUNTS, startAccountsSubgraph, type RunningAccountsSubgraph } from './accounts-subgraph';
import { composeSupergraph, identityTypeDefs, startGateway, type Composition, type RunningGateway, type SubgraphRequest } from './local-supergraph';

const ROUTER_SECRET = 'gateway-test-router-secret-0123456789';
const [, BOB] = DEMO_PEOPLE;

const CROSS_QUERY = `{ accounts { id balance owner { id displayName linkedAccounts { provider identity { displayName } } } } }`;

interface CrossResult {
  accounts: {
    id: string;
    balance: number;
    owner: { id: string; displayName: string | null; linkedAccounts: { provider: string; identity: { displayName: string | null } | null }[] };
  }[];
}

function personOwning(ownerId: string) {
  const person = DEMO_PEOPLE.find((p) => [`auth0:${p.auth0UserId}`, `verifa:${p.verifaId}`, `btcdirect:${p.btcIdentifier}`].includes(ownerId));
  if (!person) throw new Error(`no demo person has identity ${ownerId}`);
  return person;
}

describe('supergraph: identity + accounts behind @apollo/gateway', () => {
  let stack: Stack;
  let accounts: RunningAccountsSubgraph;
  let composition: Composition;
  let gateway: RunningGateway;
  /** What the gateway sent to the subgraphs, per test. */
  const sent: SubgraphRequest[] = [];

  beforeAll(async () => {
    [stack, accounts] = await Promise.all([startStack({ env: { ROUTER_SECRET } }), startAccountsSubgraph()]);
    composition = composeSupergraph([
      { name: 'identity', url: stack.url, typeDefs: identityTypeDefs() },
      { name: 'accounts', url: accounts.url, typeDefs: accounts.typeDefs },
    ]);
    gateway = await startGateway({
      supergraphSdl: composition.supergraphSdl!,
      routerSecrets: { identity: ROUTER_SECRET },
      onSubgraphRequest: (request) => sent.push(request),
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await accounts?.close();
    await stack?.close();
  });
  beforeEach(() => {
    sent.length = 0;
    accounts.requests.length = 0;
    stack.clearCalls();
  });

  /** Unless `headers` has its own, the client sends a read-only token (the gateway forwards it). */
  async function viaGateway<TData>(query: string, headers: Record<string, string> = {}) {
    const authorization = `Bearer ${await stack.token({ scopes: ['identities:read'] })}`;
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization, ...headers }, body: JSON.stringify({ query }) });
    return { status: response.status, ...((await response.json()) as { data?: TData; errors?: GraphQLFormattedError[] }) };
  }

  const sentTo = (subgraph: string) => sent.filter((request) => request.subgraph === subgraph);

  /** GraphQL operations the identity subgraph executed (from its own metrics). */
  async function identityOperations(): Promise<number> {
    const text = await stack.subgraph.metrics.registry.getSingleMetricAsString('identity_graphql_operation_duration_seconds');
    return [...text.matchAll(/^identity_graphql_operation_duration_seconds_count\{[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  }

  /** Provider calls, token requests left out (the token is cached between tests). */
  const dataCalls = (calls: RecordedCall[]) => calls.filter((call) => !/token/.test(call.path));
  const callKey = (call: RecordedCall) => JSON.stringify([call.method, call.path, call.query, call.headers['user-identifier'], call.body]);

  it('composes schema/identity.graphql with the accounts subgraph at their loopback URLs, without errors', () => {
    expect(composition.errors).toEqual([]);
    expect(composition.supergraphSdl).toContain(`url: "${stack.url}"`);
    expect(composition.supergraphSdl).toContain(`url: "${accounts.url}"`);
  });

  it('resolves every owner with ONE _entities request, and each provider only as often as it must', async () => {
    const operationsBefore = await identityOperations();
    const result = await viaGateway<{ accounts: { id: string; owner: { id: string; displayName: string } }[] }>(`{ accounts { id owner { id displayName } } }`);

    expect(result.errors).toBeUndefined();
    expect(result.data!.accounts.map((account) => [account.id, account.owner.displayName])).toEqual(
      DEMO_ACCOUNTS.map((account) => {
        const person = personOwning(account.ownerId);
        return [account.id, `${person.givenName} ${person.familyName}`];
      }),
    );
    expect(sentTo('accounts')).toHaveLength(1);
    const [entities, ...more] = sentTo('identity');
    expect(more).toEqual([]);
    expect(entities.query).toContain('_entities');
    expect(entities.variables.representations).toEqual(DEMO_ACCOUNTS.map((account) => ({ __typename: 'Identity', id: account.ownerId })));
    expect((await identityOperations()) - operationsBefore).toBe(1);

    // 6 accounts, 5 distinct owners: 2 Verifa, 2 Auth0 (one of them owning two accounts), 1 BTC Direct.
    const { verifa, auth0, btcdirect, verato } = stack.emulators;
    const verifaOwners = new Set(DEMO_ACCOUNTS.filter((account) => account.ownerId.startsWith('verifa:')).map((account) => account.ownerId));
    expect(verifa!.countCalls('GET', /^\/api\/v1\/identities\/idn_/)).toBe(verifaOwners.size);
    expect(dataCalls(verifa!.calls)).toHaveLength(verifaOwners.size);
    const auth0Calls = dataCalls(auth0!.calls);
    expect(auth0Calls.map((call) => `${call.method} ${call.path}`)).toEqual(['GET /api/v2/users']);
    for (const account of DEMO_ACCOUNTS.filter((a) => a.ownerId.startsWith('auth0:'))) expect(auth0Calls[0].query.q).toContain(account.ownerId.slice('auth0:'.length));
    expect(dataCalls(btcdirect!.calls)).toHaveLength(1);
    expect(verato!.calls).toHaveLength(0);
  });

  it('crosses both subgraphs: each owner with their profile and their accounts in the other providers', async () => {
    const result = await viaGateway<CrossResult>(CROSS_QUERY);

    expect(result.errors).toBeUndefined();
    expect(result.data!.accounts).toHaveLength(DEMO_ACCOUNTS.length);
    for (const [i, account] of result.data!.accounts.entries()) {
      const demo = DEMO_ACCOUNTS[i];
      const person = personOwning(demo.ownerId);
      const name = `${person.givenName} ${person.familyName}`;
      expect({ id: account.id, balance: account.balance, ownerId: account.owner.id, name: account.owner.displayName }).toEqual({
        id: demo.id,
        balance: demo.balance,
        ownerId: demo.ownerId,
        name,
      });
      const ownProvider = demo.ownerId.slice(0, demo.ownerId.indexOf(':')).toUpperCase();
      const others = ['VERATO', 'VERIFA', 'AUTH0', 'BTCDIRECT'].filter((provider) => provider !== ownProvider);
      for (const provider of others) {
        const linked = account.owner.linkedAccounts.filter((l) => l.provider === provider && l.identity !== null);
        expect({ owner: demo.ownerId, provider, names: linked.map((l) => l.identity!.displayName) }).toEqual({ owner: demo.ownerId, provider, names: [name] });
      }
    }

    expect(sentTo('identity')).toHaveLength(1);
    expect(sentTo('identity')[0].query).toContain('_entities');
    // Nothing is fetched twice: owners shared by several accounts, and identities reached both as
    // owners and as linked accounts, are each read once per request.
    for (const emulator of stack.emulators.all) {
      const keys = dataCalls(emulator.calls).map(callKey);
      expect({ provider: emulator.name, repeated: keys.filter((key, index) => keys.indexOf(key) !== index) }).toEqual({ provider: emulator.name, repeated: [] });
    }
    expect(stack.emulators.verifa!.countCalls('GET', /^\/api\/v1\/identities\/idn_/)).toBe(DEMO_PEOPLE.length);
  });

  it('the identity subgraph refuses requests without the router secret; the gateway sends it, and only to identity', async () => {
    const direct = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ identity(id: "verifa:${BOB.verifaId}") { id } }` }),
    });
    expect(direct.status).toBe(401);
    expect(((await direct.json()) as { errors: GraphQLFormattedError[] }).errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });

    const result = await viaGateway<{ account: { owner: { displayName: string } } }>(`{ account(id: "acc-1002") { owner { displayName } } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data!.account.owner.displayName).toBe('Bob Jansen');
    expect(sentTo('identity').map((request) => request.headers['router-authorization'])).toEqual([ROUTER_SECRET]);
    expect(accounts.requests).toHaveLength(1);
    expect(accounts.requests[0].headers['router-authorization']).toBeUndefined();
  });

  it("forwards the caller's Authorization (scopes decide birthDate) and the BTC Direct user token", async () => {
    const query = `{ account(id: "acc-1002") { id owner { id birthDate } } }`;
    const readOnly = `Bearer ${await stack.token({ scopes: [SCOPES.read] })}`;
    const withPii = `Bearer ${await stack.token({ scopes: [SCOPES.read, SCOPES.pii] })}`;

    const denied = await viaGateway<{ account: { owner: { birthDate: string | null } } }>(query, { authorization: readOnly, 'x-btcdirect-user-authorization': 'Bearer btc-user-token' });
    expect(denied.data!.account.owner).toEqual({ id: `verifa:${BOB.verifaId}`, birthDate: null });
    expect(denied.errors!.map((error) => [error.path?.join('.'), error.extensions?.code])).toEqual([['account.owner.birthDate', 'FORBIDDEN']]);
    expect(sentTo('identity')[0].headers).toMatchObject({ authorization: readOnly, 'x-btcdirect-user-authorization': 'Bearer btc-user-token' });
    expect(accounts.requests[0].headers.authorization).toBe(readOnly);

    const allowed = await viaGateway<{ account: { owner: { birthDate: string | null } } }>(query, { authorization: withPii });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data!.account.owner).toEqual({ id: `verifa:${BOB.verifaId}`, birthDate: BOB.birthDate });

    const forged = await viaGateway(query, { authorization: 'Bearer not-a-jwt' });
    expect(forged.errors![0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
