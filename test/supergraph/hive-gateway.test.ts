import type { GraphQLFormattedError } from 'graphql';
import { loadConfig } from '../../src/config';
import { DEMO_PEOPLE } from '../../src/emulators/seed';
import { createCallerVerifier } from '../../src/security/caller-auth';
import { SCOPES } from '../../src/security/scopes';
import { startStack, type Stack } from '../support/stack';
import { DEMO_ACCOUNTS, startAccountsSubgraph, type RunningAccountsSubgraph } from './accounts-subgraph';
import { startHiveGateway, type HiveSubgraphRequest, type RunningHiveGateway } from './hive-gateway';
import { composeSupergraph, identityTypeDefs, ROUTER_SECRET_HEADER } from './local-supergraph';

/**
 * The dev supergraph's router (`npm run dev:supergraph`): Hive Gateway in front of the identity
 * subgraph and the accounts subgraph. Errors reach the client with the subgraph's code and
 * message; `@authenticated` / `@requiresScopes` are enforced at the gateway too.
 */

const ROUTER_SECRET = 'hive-gateway-test-router-secret-0123456789';
const [, BOB] = DEMO_PEOPLE;

type Answer<TData> = { status: number; data?: TData | null; errors?: GraphQLFormattedError[] };

describe('supergraph: identity + accounts behind Hive Gateway', () => {
  let stack: Stack;
  let accounts: RunningAccountsSubgraph;
  let gateway: RunningHiveGateway;
  const sent: HiveSubgraphRequest[] = [];

  beforeAll(async () => {
    [stack, accounts] = await Promise.all([startStack({ env: { ROUTER_SECRET } }), startAccountsSubgraph()]);
    const { supergraphSdl, errors } = composeSupergraph([
      { name: 'identity', url: stack.url, typeDefs: identityTypeDefs() },
      { name: 'accounts', url: accounts.url, typeDefs: accounts.typeDefs },
    ]);
    expect(errors).toEqual([]);
    // The gateway verifies tokens with the subgraph's own verifier, from the subgraph's configuration.
    const callers = await createCallerVerifier(loadConfig(stack.env!));
    gateway = await startHiveGateway({ supergraphSdl: supergraphSdl!, callers, routerSecrets: { identity: ROUTER_SECRET }, onSubgraphRequest: (request) => sent.push(request) });
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
    for (const emulator of stack.emulators.all) emulator.setFaults(null);
  });

  async function viaGateway<TData>(query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>): Promise<Answer<TData>> {
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    return { status: response.status, ...((await response.json()) as Omit<Answer<TData>, 'status'>) };
  }
  const bearer = async (...scopes: string[]) => ({ authorization: `Bearer ${await stack.token({ scopes })}` });
  const sentToIdentity = () => sent.filter((request) => request.url === stack.url);
  const codesOf = (answer: Answer<unknown>) => (answer.errors ?? []).map((error) => [error.path?.join('.'), error.extensions?.code]);

  it('crosses both subgraphs: every account with its owner from the identity subgraph', async () => {
    const result = await viaGateway<{ accounts: { id: string; owner: { displayName: string } }[] }>(`{ accounts { id owner { displayName } } }`, await bearer(SCOPES.read));
    expect(result.errors).toBeUndefined();
    expect(result.data!.accounts.find((account) => account.id === 'acc-1002')!.owner.displayName).toBe('Bob Jansen');
  });

  it("a malformed id: the subgraph's BAD_USER_INPUT and message, unchanged", async () => {
    const direct = await stack.gql(`{ identity(id: "nope") { id } }`, undefined, { [ROUTER_SECRET_HEADER]: ROUTER_SECRET });
    const result = await viaGateway(`{ identity(id: "nope") { id } }`, await bearer(SCOPES.read));
    expect(result.data).toEqual({ identity: null });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({ message: direct.errors![0].message, path: ['identity'], extensions: { code: 'BAD_USER_INPUT', field: 'id' } });
    expect(result.errors![0].message).toMatch(/^Malformed identity id/);
  });

  it('no token on an @authenticated mutation: UNAUTHENTICATED from the gateway, and the subgraph is not asked', async () => {
    const result = await viaGateway(`mutation { unlinkIdentities(input: { primaryId: "verifa:${BOB.verifaId}", secondaryId: "auth0:${BOB.auth0UserId}" }) { userErrors { code } } }`);
    expect(codesOf(result)).toEqual([['unlinkIdentities', 'UNAUTHENTICATED']]);
    expect(result.errors![0].message).toBe('A bearer token with identities:link is required.');
    expect(sentToIdentity()).toEqual([]);
  });

  it('a token without identities:pii: birthDate is FORBIDDEN at the gateway (one error, not asked of the subgraph), the rest answers', async () => {
    const result = await viaGateway<{ account: { owner: { id: string; displayName: string; birthDate: string | null } } }>(
      `{ account(id: "acc-1002") { owner { id displayName birthDate } } }`,
      await bearer(SCOPES.read),
    );
    expect(result.data!.account.owner).toEqual({ id: `verifa:${BOB.verifaId}`, displayName: 'Bob Jansen', birthDate: null });
    expect(codesOf(result)).toEqual([['account.owner.birthDate', 'FORBIDDEN']]);
    expect(result.errors![0]).toMatchObject({ message: 'This needs the scope identities:pii.', extensions: { requiredScopes: [SCOPES.pii] } });
    expect(sentToIdentity().map((request) => request.body.includes('birthDate'))).toEqual([false]);

    const allowed = await viaGateway<{ account: { owner: { birthDate: string } } }>(`{ account(id: "acc-1002") { owner { birthDate } } }`, await bearer(SCOPES.read, SCOPES.pii));
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data!.account.owner.birthDate).toBe(BOB.birthDate);
  });

  it("an expired token: the subgraph's UNAUTHENTICATED and message, HTTP 401", async () => {
    const expired = { authorization: `Bearer ${await stack.token({ scopes: [SCOPES.read], expiresInSeconds: -3600 })}` };
    const result = await viaGateway(`{ identity(id: "verifa:${BOB.verifaId}") { id } }`, expired);
    expect(result.status).toBe(401);
    expect(result.errors!.map((error) => [error.message, error.extensions?.code])).toEqual([['The bearer token has expired.', 'UNAUTHENTICATED']]);
    expect(sent).toEqual([]);
  });

  it("a provider outage: the subgraph's PROVIDER_UNAVAILABLE, with its provider and retryable flag", async () => {
    stack.emulators.verifa!.setFaults({ status: 503 });
    const direct = await stack.gql(`{ identity(id: "verifa:${BOB.verifaId}") { id displayName } }`, undefined, { [ROUTER_SECRET_HEADER]: ROUTER_SECRET });
    const result = await viaGateway(`{ identity(id: "verifa:${BOB.verifaId}") { id displayName } }`, await bearer(SCOPES.read));
    expect(result.data).toEqual({ identity: null });
    expect(codesOf(result)).toEqual([['identity', 'PROVIDER_UNAVAILABLE']]);
    expect(result.errors![0]).toMatchObject({ message: direct.errors![0].message, extensions: { provider: 'VERIFA', retryable: true } });
  });

  it('a provider outage behind _entities: an error at each affected owner, the other owners answer', async () => {
    stack.emulators.verifa!.setFaults({ status: 503 });
    const result = await viaGateway<{ accounts: { id: string; owner: { displayName: string | null } }[] }>(`{ accounts { id owner { displayName } } }`, await bearer(SCOPES.read));
    const verifaOwned = DEMO_ACCOUNTS.flatMap((account, index) => (account.ownerId.startsWith('verifa:') ? [index] : []));
    expect(verifaOwned.length).toBeGreaterThan(0);
    expect(codesOf(result)).toEqual(verifaOwned.map((index) => [`accounts.${index}.owner.displayName`, 'PROVIDER_UNAVAILABLE']));
    expect(result.data!.accounts.map((account) => account.owner.displayName === null)).toEqual(DEMO_ACCOUNTS.map((_, index) => verifaOwned.includes(index)));
  });

  it('propagates authorization and the BTC Direct user token to both subgraphs, and the router secret to identity only', async () => {
    const headers = { ...(await bearer(SCOPES.read)), 'x-btcdirect-user-authorization': 'Bearer btc-user-token', 'x-not-propagated': 'no' };
    const result = await viaGateway(`{ account(id: "acc-1002") { owner { displayName } } }`, headers);
    expect(result.errors).toBeUndefined();

    const [identityRequest, ...more] = sentToIdentity();
    expect(more).toEqual([]);
    expect(identityRequest.headers).toMatchObject({ authorization: headers.authorization, 'x-btcdirect-user-authorization': 'Bearer btc-user-token', 'router-authorization': ROUTER_SECRET });
    expect(identityRequest.headers['x-not-propagated']).toBeUndefined();
    expect(accounts.requests).toHaveLength(1);
    expect(accounts.requests[0].headers).toMatchObject({ authorization: headers.authorization, 'x-btcdirect-user-authorization': 'Bearer btc-user-token' });
    expect(accounts.requests[0].headers['router-authorization']).toBeUndefined();
  });
});
