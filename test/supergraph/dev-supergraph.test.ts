import type { GraphQLFormattedError } from 'graphql';
import net from 'node:net';
import { PortInUseError, startDevSupergraph, type RunningDevSupergraph } from './dev-supergraph';

/** `npm run dev:supergraph` as started by the script, in embedded mode (dev issuer, anonymous reads). */

describe('dev supergraph (embedded mode) through Hive Gateway', () => {
  let supergraph: RunningDevSupergraph;
  beforeAll(async () => {
    supergraph = await startDevSupergraph({ env: { LOG_LEVEL: 'silent' }, ports: { gateway: 0, identity: 0, accounts: 0 } });
  });
  afterAll(() => supergraph?.close());

  async function viaGateway(query: string) {
    const response = await fetch(supergraph.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return { status: response.status, ...((await response.json()) as { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] }) };
  }

  it('a malformed id: BAD_USER_INPUT with the subgraph’s message', async () => {
    const result = await viaGateway(`{ identity(id: "nope") { id } }`);
    expect(result.data).toEqual({ identity: null });
    expect(result.errors!.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0].message).toMatch(/^Malformed identity id in "id"/);
  });

  it('without a token: reads as the anonymous caller; a mutation is UNAUTHENTICATED at the gateway', async () => {
    const read = await viaGateway(`{ account(id: "acc-1002") { owner { displayName } } }`);
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({ account: { owner: { displayName: 'Bob Jansen' } } });

    const write = await viaGateway(`mutation { linkIdentities(input: { primaryId: "verifa:idn_x", secondaryId: "auth0:auth0|x" }) { userErrors { code } } }`);
    expect(write.errors!.map((error) => [error.path?.join('.'), error.extensions?.code, error.message])).toEqual([
      ['linkIdentities', 'UNAUTHENTICATED', 'A bearer token with identities:link is required.'],
    ]);
  });

  it('a busy port stops it before anything starts, naming the port and its flag', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      const attempt = startDevSupergraph({ env: { LOG_LEVEL: 'silent' }, ports: { gateway: 0, identity: busy, accounts: 0 } });
      await expect(attempt).rejects.toThrow(PortInUseError);
      await expect(attempt).rejects.toThrow(`port ${busy} (the identity subgraph) is in use: stop what listens there (npm start uses 4001) or pass --identity-port <port>`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
