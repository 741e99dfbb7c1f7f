import { DEMO_PEOPLE } from '../../src/emulators/seed';
import * as verifaMapper from '../../src/providers/verifa/mapper';
import { startStack, type Stack } from '../support/stack';

/**
 * A provider answer of the wrong shape is a PROVIDER_ERROR, never a half-read identity; and the
 * operation log line the request id points to names each error's class, field path and provider.
 */

const alice = DEMO_PEOPLE[0];
const VERIFA_ALICE = `verifa:${alice.verifaId}`;
const PLANTED = '078-05-1120';

describe('provider answers of the wrong shape, and the log line behind an error', () => {
  let stack: Stack;
  const logLines: string[] = [];
  beforeAll(async () => {
    stack = await startStack({ logLines });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    logLines.length = 0;
    stack.emulators.all.forEach((emulator) => emulator.setFaults(null));
  });

  const operationLine = (requestId: unknown) =>
    logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'graphql operation' && line.requestId === requestId);

  it.each([
    ['a wrapped identity', { identity: { id: alice.verifaId } }],
    ['an id that is not a string', { id: 42, extracted_data: { first_name: 'Alice' } }],
    ['a string where an object belongs', { id: alice.verifaId, extracted_data: PLANTED }],
    ['a list', [{ id: alice.verifaId }]],
  ])('a Verifa 200 with %s is PROVIDER_ERROR, not an identity', async (_case, body) => {
    stack.emulators.verifa!.setFaults({ status: 200, body, pathPrefix: '/api/v1/identities' });

    const result = await stack.gql(`{ identity(id: "${VERIFA_ALICE}") { id displayName } }`);

    expect(result.data).toEqual({ identity: null });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({ message: 'Verifa sent an answer this subgraph cannot read.', extensions: { code: 'PROVIDER_ERROR', provider: 'VERIFA', retryable: false } });
    expect(JSON.stringify(result)).not.toMatch(/verifa:undefined|078-05-1120/);

    const line = operationLine(result.errors![0].extensions?.requestId);
    expect(line?.errors).toEqual([
      { code: 'PROVIDER_ERROR', errorClass: 'UpstreamProtocolError', path: 'identity', provider: 'verifa', upstream: { call: 'GET /identities/{id}', status: 200 } },
    ]);
  });

  it('an Auth0 user and a BTC Direct user info of the wrong shape are PROVIDER_ERROR too', async () => {
    stack.emulators.auth0!.setFaults({ status: 200, body: { user_id: alice.auth0UserId, identities: 'none' }, pathPrefix: '/api/v2/users' });
    stack.emulators.btcdirect!.setFaults({ status: 200, body: { firstName: { value: 'Alice' } }, pathPrefix: '/api/v1/user/info' });
    const result = await stack.gql(`{ a: identity(id: "auth0:${alice.auth0UserId}") { id } b: identity(id: "btcdirect:${alice.btcIdentifier}") { id } }`);
    expect(result.data).toEqual({ a: null, b: null });
    const byField = Object.fromEntries(result.errors!.map((error) => [error.path![0], error.extensions]));
    expect(byField).toEqual({
      a: expect.objectContaining({ code: 'PROVIDER_ERROR', provider: 'AUTH0' }),
      b: expect.objectContaining({ code: 'PROVIDER_ERROR', provider: 'BTCDIRECT' }),
    });
  });

  it('an INTERNAL_SERVER_ERROR: the client sees the generic message; the log line names class, path and provider, no data', async () => {
    const spy = jest.spyOn(verifaMapper, 'toIdentityRecord').mockImplementation(() => {
      throw new TypeError(`Cannot read properties of undefined (reading '${PLANTED}')`);
    });
    try {
      const result = await stack.gql(`{ identity(id: "${VERIFA_ALICE}") { id } }`);

      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]).toMatchObject({ message: 'Internal server error.', path: ['identity'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      const line = operationLine(result.errors![0].extensions?.requestId);
      expect(line?.errors).toEqual([{ code: 'INTERNAL_SERVER_ERROR', errorClass: 'TypeError', path: 'identity', provider: 'verifa' }]);
      expect(logLines.join('\n')).not.toContain(PLANTED);
    } finally {
      spy.mockRestore();
    }
  });
});
