import { emptyIdentity } from '../../domain/normalize';
import { linkIdentities, unlinkIdentities } from '../../mutations/link';
import { mergeIdentities } from '../../mutations/merge';
import { createRelationship } from '../../mutations/relationships';
import { ProviderRejection } from '../rejection';
import { mutationContext } from '../../../test/support/mutation-context';

const CRM = 'verato:CRM:CRM-1004';
const WEB = 'verato:WEB:W-77';
const AUTH0 = 'auth0:auth0|65a1a1a1a1a1a1a1a1a1a003';
const VERIFA = 'verifa:idn_bob00000000000002';
const record = (id: string, linkId: string | null, status: 'ACTIVE' | 'MERGED' = 'ACTIVE') => ({
  identity: { ...emptyIdentity('verato', id, id.slice('verato:'.length)), status },
  cluster: linkId ? { linkId, members: [] } : null,
});

describe('Verato routes', () => {
  it("links two records into the primary's Link ID, retried only with a key", async () => {
    const { ctx, clients, call } = mutationContext();
    clients.verato.linkIdentities.mockResolvedValue({ linkId: 'L-1' });
    const outcome = await linkIdentities(ctx, { primaryId: CRM, secondaryId: WEB, idempotencyKey: 'k' });
    expect(clients.verato.linkIdentities).toHaveBeenCalledWith(call, { linkToSource: { name: 'CRM', id: 'CRM-1004' }, source: { name: 'WEB', id: 'W-77' } }, 'safe');
    expect(outcome).toEqual({ primaryId: CRM, secondaryId: WEB, linkId: 'L-1', userErrors: [] });
  });

  it('links identities of different providers by their source records (VERATO_SOURCE_MAP)', async () => {
    const { ctx, clients, call } = mutationContext();
    clients.verato.linkIdentities.mockResolvedValue({});
    const outcome = await linkIdentities(ctx, { primaryId: AUTH0, secondaryId: VERIFA });
    expect(clients.verato.linkIdentities).toHaveBeenCalledWith(
      call,
      { linkToSource: { name: 'AUTH0', id: 'auth0|65a1a1a1a1a1a1a1a1a1a003' }, source: { name: 'VERIFA', id: 'idn_bob00000000000002' } },
      'never',
    );
    expect(outcome.linkId).toBeNull();
  });

  it('refuses linkWith outside Auth0 without a call', async () => {
    const { ctx, clients } = mutationContext();
    const outcome = await linkIdentities(ctx, { primaryId: CRM, secondaryId: AUTH0, linkWith: 'token' });
    expect(outcome.userErrors).toMatchObject([{ code: 'INVALID_INPUT', field: 'linkWith', message: 'linkWith is only used to link two Auth0 accounts.' }]);
    expect(clients.verato.linkIdentities).not.toHaveBeenCalled();
  });

  it('unlinks and merges without retries; success:false is PROVIDER_REJECTED', async () => {
    const { ctx, clients, call } = mutationContext();
    clients.verato.unlinkIdentities.mockResolvedValue({});
    expect((await unlinkIdentities(ctx, { primaryId: CRM, secondaryId: VERIFA, idempotencyKey: 'k' })).userErrors).toEqual([]);
    expect(clients.verato.unlinkIdentities).toHaveBeenCalledWith(call, { unlinkFromSource: { name: 'CRM', id: 'CRM-1004' }, source: { name: 'VERIFA', id: 'idn_bob00000000000002' } }, 'never');

    clients.verato.mergeIdentities.mockResolvedValue({ linkId: 'L-9' });
    const merged = await mergeIdentities(ctx, { primaryId: CRM, secondaryId: WEB, idempotencyKey: 'k' });
    expect(clients.verato.mergeIdentities).toHaveBeenCalledWith(call, { toSurviveSource: { name: 'CRM', id: 'CRM-1004' }, toRetireSource: { name: 'WEB', id: 'W-77' } }, 'never');
    expect(merged).toMatchObject({ primaryId: CRM, secondaryId: WEB, secondaryStatus: 'MERGED', linkId: 'L-9', transferSummary: null, userErrors: [] });

    const hint = 'Check that both source records exist and are in the state the operation needs (e.g. the same Link ID for unlink).';
    clients.verato.mergeIdentities.mockRejectedValue(new ProviderRejection({ provider: 'verato', providerCode: 'success_false', message: 'Verato refused mergeIdentities.', hint }));
    expect((await mergeIdentities(ctx, { primaryId: CRM, secondaryId: WEB })).userErrors).toEqual([
      { code: 'PROVIDER_REJECTED', message: 'Verato refused mergeIdentities.', field: null, provider: 'verato', providerCode: 'success_false', hint, retryable: false },
    ]);
  });

  it('previews a merge from the records; a retired secondary is MERGE_NOT_ALLOWED', async () => {
    const { ctx, clients } = mutationContext({ veratoRecords: { [CRM]: record(CRM, 'L-1'), [WEB]: record(WEB, 'L-2', 'MERGED') } });
    const outcome = await mergeIdentities(ctx, { primaryId: CRM, secondaryId: WEB, dryRun: true });
    expect(outcome.userErrors).toMatchObject([{ code: 'MERGE_NOT_ALLOWED', field: 'secondaryId', provider: 'verato' }]);
    expect(clients.verato.mergeIdentities).not.toHaveBeenCalled();
  });

  it('relates the Link IDs of two records with the verb in customType', async () => {
    const { ctx, clients, call } = mutationContext({ veratoRecords: { [CRM]: record(CRM, 'L-1'), [WEB]: record(WEB, 'L-2') } });
    clients.verato.addRelationship.mockResolvedValue({ id: 'R-1', relationshipVerb: 'is parent of', subjectVeratoId: 'L-1', objectVeratoId: 'L-2', status: 'active' });
    const outcome = await createRelationship(ctx, { sourceId: CRM, relatedId: WEB, customType: 'is parent of' });
    expect(clients.verato.addRelationship).toHaveBeenCalledWith(
      call,
      { relationship: { relationshipVerb: 'is parent of', subjectVeratoId: 'L-1', objectVeratoId: 'L-2', domain: 'Person', status: 'active' } },
      'never',
    );
    expect(outcome).toMatchObject({ sourceId: CRM, relationship: { id: 'verato:R-1', provider: 'verato', type: 'custom', label: 'is parent of', relatedLinkId: 'L-2' }, userErrors: [] });
  });

  it('needs a verb, and both records known to Verato, before it writes', async () => {
    const { ctx, clients } = mutationContext({ veratoRecords: { [CRM]: record(CRM, 'L-1') } });
    expect((await createRelationship(ctx, { sourceId: CRM, relatedId: WEB })).userErrors).toMatchObject([{ code: 'INVALID_INPUT', field: 'customType', provider: 'verato' }]);
    expect((await createRelationship(ctx, { sourceId: CRM, relatedId: WEB, customType: 'knows' })).userErrors).toMatchObject([{ code: 'NOT_FOUND', field: 'relatedId', provider: 'verato' }]);
    expect(clients.verato.addRelationship).not.toHaveBeenCalled();
  });
});
