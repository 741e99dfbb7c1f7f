import { LinkIdentifierDocument, LinkIdentitiesDocument, MergeIdentitiesDocument } from '../../generated/graphql';
import { DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS } from '../../src/emulators/seed';
import { startStack, type Stack } from '../support/stack';

/**
 * Provider error bodies are not trusted text: a code that does not have the provider's documented
 * form never reaches `userErrors[].providerCode`, a GraphQL error or a log line.
 */

const [alice, bob] = DEMO_PEOPLE;
const [bobWork] = DEMO_STANDALONE_AUTH0_USERS;
const PLANTED = '078-05-1120';

describe('provider codes of undocumented form are dropped', () => {
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

  const expectNoPlantedText = (result: unknown) => {
    expect(JSON.stringify(result)).not.toContain(PLANTED);
    expect(logLines.join('\n')).not.toContain(PLANTED);
  };

  it('an Auth0 400 with a planted errorCode is PROVIDER_REJECTED with the status as its code', async () => {
    stack.emulators.auth0!.setFaults({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: `Payload validation error for ${PLANTED}.`, errorCode: PLANTED },
      times: 1,
      pathPrefix: '/api/v2/users/auth0%7C65a1a1a1a1a1a1a1a1a1a002/identities',
    });

    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `auth0:${bob.auth0UserId}`, secondaryId: `auth0:${bobWork.userId}` } });

    expect(result.errors).toBeUndefined();
    expect(result.data!.linkIdentities.userErrors).toEqual([
      expect.objectContaining({ code: 'PROVIDER_REJECTED', provider: 'AUTH0', providerCode: 'http_400', message: 'Auth0 refused the request (HTTP 400).' }),
    ]);
    expectNoPlantedText(result);
  });

  it('a BTC Direct error keyed by a planted string is dropped; a documented ER key beside it is kept', async () => {
    const bobToken = await stack.emulators.btcdirect!.loginUser(bob.email, bob.btcPassword);
    const headers = { 'x-btcdirect-user-authorization': `Bearer ${bobToken}` };
    const entry = (code: string) => ({ code, message: `Identifier ${PLANTED} refused.`, solution: `Call about ${PLANTED}.` });
    const link = () => stack.gql(LinkIdentifierDocument, { input: { identifier: `planted${'0123456789abcdef'.repeat(3)}` } }, headers);

    stack.emulators.btcdirect!.setFaults({ status: 400, body: { errors: { [PLANTED]: entry(PLANTED) } }, times: 1, pathPrefix: '/api/v2/user/link-identifier' });
    const plantedOnly = await link();
    expect(plantedOnly.errors).toBeUndefined();
    expect(plantedOnly.data!.linkIdentifier.userErrors).toEqual([
      expect.objectContaining({ code: 'PROVIDER_REJECTED', provider: 'BTCDIRECT', providerCode: 'http_400', message: 'BTC Direct refused the request.', hint: null }),
    ]);
    expectNoPlantedText(plantedOnly);

    stack.emulators.btcdirect!.setFaults({
      status: 400,
      body: { errors: { [PLANTED]: entry(PLANTED), ER706: entry('ER706') } },
      times: 1,
      pathPrefix: '/api/v2/user/link-identifier',
    });
    const withDocumented = await link();
    expect(withDocumented.data!.linkIdentifier.userErrors).toEqual([expect.objectContaining({ code: 'IDENTIFIER_IN_USE', providerCode: 'ER706' })]);
    expectNoPlantedText(withDocumented);
  });

  it('a Verifa error with a planted code is PROVIDER_REJECTED with the status as its code', async () => {
    stack.emulators.verifa!.setFaults({
      status: 422,
      body: { error: PLANTED, detail: `identity of ${PLANTED}`, status_code: 422 },
      times: 1,
      pathPrefix: '/api/v1/identities/merge',
    });

    const result = await stack.gql(MergeIdentitiesDocument, {
      input: { primaryId: `verifa:${alice.verifaId}`, secondaryId: `verifa:${bob.verifaId}` },
    });

    expect(result.errors).toBeUndefined();
    expect(result.data!.mergeIdentities.userErrors).toEqual([expect.objectContaining({ code: 'PROVIDER_REJECTED', provider: 'VERIFA', providerCode: 'http_422' })]);
    expectNoPlantedText(result);
  });

  it('a read refused with a planted code is a GraphQL PROVIDER_ERROR without it, in extensions or the log', async () => {
    stack.emulators.auth0!.setFaults({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: PLANTED, errorCode: PLANTED },
      pathPrefix: '/api/v2/users',
    });
    stack.emulators.btcdirect!.setFaults({ status: 400, body: { errors: { [PLANTED]: { code: PLANTED, message: PLANTED, solution: PLANTED } } }, pathPrefix: '/api/v1/user/info' });

    const result = await stack.gql(`{ a: identity(id: "auth0:${alice.auth0UserId}") { id } b: identity(id: "btcdirect:${alice.btcIdentifier}") { id } }`);

    expect(result.data).toEqual({ a: null, b: null });
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['PROVIDER_ERROR', 'PROVIDER_ERROR']);
    expect(result.errors?.every((error) => error.extensions?.providerCode === undefined)).toBe(true);
    expectNoPlantedText(result);
  });
});
