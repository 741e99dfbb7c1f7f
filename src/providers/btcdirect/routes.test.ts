import { linkIdentifier } from '../../mutations/link-identifier';
import { mutationContext, statusError } from '../../../test/support/mutation-context';

const IDENTIFIER = 'd4f6b8d0f2b4d6f8b0d2f4b6d8f0b2d4f6b8d0f2b4d6f8b0d2f4b6d8f0b2d4f6';
const erBody = (code: string) => ({ errors: { [code]: { code, message: 'free text', solution: 'free text' } } });

describe('BTC Direct routes', () => {
  it("links the identifier for the forwarded user's token, sent as a Bearer credential", async () => {
    const { ctx, clients, call, loaders } = mutationContext({ btcDirectUserAuthorization: 'user-jwt' });
    const outcome = await linkIdentifier(ctx, { identifier: IDENTIFIER });
    expect(clients.btcdirect.linkIdentifier).toHaveBeenCalledWith(call, 'Bearer user-jwt', IDENTIFIER, 'never');
    expect(outcome).toEqual({ identityId: `btcdirect:${IDENTIFIER}`, userErrors: [] });
    expect(loaders.forget).toHaveBeenCalledWith([`btcdirect:${IDENTIFIER}`]);
  });

  it('checks the identifier rules and the forwarded token before calling', async () => {
    const { ctx, clients } = mutationContext({ btcDirectUserAuthorization: 'Bearer user-jwt' });
    expect((await linkIdentifier(ctx, { identifier: 'short' })).userErrors).toMatchObject([{ code: 'INVALID_INPUT', providerCode: 'ER102', field: 'identifier' }]);
    expect((await linkIdentifier(ctx, { identifier: `${IDENTIFIER.slice(1)}-` })).userErrors).toMatchObject([{ code: 'INVALID_INPUT', providerCode: 'ER707' }]);
    const untokened = mutationContext();
    expect((await linkIdentifier(untokened.ctx, { identifier: IDENTIFIER })).userErrors).toMatchObject([
      { code: 'USER_TOKEN_INVALID', providerCode: 'ER700', provider: 'btcdirect', hint: 'Provide a user authorization token.' },
    ]);
    expect(clients.btcdirect.linkIdentifier).not.toHaveBeenCalled();
    expect(untokened.clients.btcdirect.linkIdentifier).not.toHaveBeenCalled();
  });

  it.each([
    ['ER706', 'IDENTIFIER_IN_USE', false],
    ['ER701', 'USER_TOKEN_INVALID', false],
    ['ER705', 'NOT_FOUND', false],
    ['ER708', 'PENDING_REVIEW', true],
    ['ER999', 'PROVIDER_REJECTED', true],
  ])('maps %s to %s (retryable: %s) with the catalogue texts', async (providerCode, code, retryable) => {
    const { ctx, clients } = mutationContext({ btcDirectUserAuthorization: 'user-jwt' });
    clients.btcdirect.linkIdentifier.mockRejectedValue(statusError('btcdirect', 400, erBody(providerCode), providerCode));
    const [error] = (await linkIdentifier(ctx, { identifier: IDENTIFIER })).userErrors;
    expect(error).toMatchObject({ code, retryable, provider: 'btcdirect', providerCode });
    expect(error.message).not.toContain('free text');
  });
});
