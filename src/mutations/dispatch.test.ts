import { mutationContext } from '../../test/support/mutation-context';
import { PAIR_DISPATCH } from './dispatch';
import { linkIdentities, unlinkIdentities } from './link';
import { mergeIdentities } from './merge';
import { createRelationship } from './relationships';

const BTC_A = `btcdirect:${'a'.repeat(40)}`;
const BTC_B = `btcdirect:${'b'.repeat(40)}`;
const AUTH0_A = 'auth0:auth0|65a1a1a1a1a1a1a1a1a1a001';
const AUTH0_B = 'auth0:auth0|65a1a1a1a1a1a1a1a1a1a002';
const VERIFA = 'verifa:idn_alice0000000001';
const VERATO = 'verato:CRM:CRM-1004';

const unsupported = (mutation: keyof typeof PAIR_DISPATCH) => ({
  code: 'UNSUPPORTED_OPERATION',
  message: `${mutation} cannot do this combination of providers. Supported: ${PAIR_DISPATCH[mutation].supported}.`,
});

describe('mutation dispatch', () => {
  it('answers a pair without a route with UNSUPPORTED_OPERATION naming what is supported, calling nothing', async () => {
    const { ctx, clients } = mutationContext();
    expect((await linkIdentities(ctx, { primaryId: BTC_A, secondaryId: BTC_B })).userErrors).toMatchObject([unsupported('linkIdentities')]);
    expect((await unlinkIdentities(ctx, { primaryId: BTC_A, secondaryId: BTC_B })).userErrors).toMatchObject([unsupported('unlinkIdentities')]);
    expect((await mergeIdentities(ctx, { primaryId: VERIFA, secondaryId: VERATO })).userErrors).toMatchObject([unsupported('mergeIdentities')]);
    expect((await mergeIdentities(ctx, { primaryId: AUTH0_A, secondaryId: AUTH0_B, dryRun: true })).userErrors).toMatchObject([unsupported('mergeIdentities')]);
    expect((await createRelationship(ctx, { sourceId: AUTH0_A, relatedId: VERIFA })).userErrors).toMatchObject([unsupported('createRelationship')]);
    for (const client of [clients.verato, clients.verifa, clients.auth0, clients.btcdirect]) {
      for (const method of Object.values(client)) if (jest.isMockFunction(method)) expect(method).not.toHaveBeenCalled();
    }
  });

  it('checks ownership before dispatch: without admin only a provider with a proof (Auth0) can be self-served', async () => {
    const { ctx } = mutationContext({ admin: false });
    expect((await linkIdentities(ctx, { primaryId: VERATO, secondaryId: VERIFA })).userErrors).toMatchObject([{ code: 'FORBIDDEN', field: 'primaryId', provider: null }]);
    expect((await unlinkIdentities(ctx, { primaryId: BTC_A, secondaryId: BTC_B })).userErrors).toMatchObject([{ code: 'FORBIDDEN', field: 'primaryId' }]);
    expect((await unlinkIdentities(ctx, { primaryId: AUTH0_A, secondaryId: AUTH0_B })).userErrors).toMatchObject([
      { code: 'FORBIDDEN', provider: 'auth0', message: 'Without identities:admin, primaryId must be your own Auth0 user (your token subject).' },
    ]);
  });

  it('refuses a malformed id or the same id twice before dispatch, on the field it came in', async () => {
    const { ctx } = mutationContext();
    expect((await createRelationship(ctx, { sourceId: VERIFA, relatedId: 'nope' })).userErrors).toMatchObject([{ code: 'INVALID_INPUT', field: 'relatedId' }]);
    expect((await linkIdentities(ctx, { primaryId: VERIFA, secondaryId: VERIFA })).userErrors).toMatchObject([{ code: 'SAME_IDENTITY', field: 'secondaryId' }]);
  });
});
