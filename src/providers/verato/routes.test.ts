import { emptyIdentity } from '../../domain/normalize';
import { linkIdentities, unlinkIdentities } from '../../mutations/link';
import { mergeIdentities, unmergeIdentities } from '../../mutations/merge';
import { createRelationship, deleteRelationship } from '../../mutations/relationships';
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
    expect(clients.verato.linkIdentities).toHaveBeenCalledWith(call, { linkToSource: { name: 'CRM', id: 'CRM-1004' }, source: { name: 'WEB', id: 'W-77' } }, 'safe', undefined);
    expect(outcome).toEqual({ primaryId: CRM, secondaryId: WEB, linkId: 'L-1', userErrors: [] });
  });

  it('links identities of different providers by their source records (VERATO_SOURCE_MAP)', async () => {
    const { ctx, clients, call } = mutationContext({ veratoRecords: { [AUTH0]: record(AUTH0, 'L-1'), [VERIFA]: record(VERIFA, 'L-2') } });
    clients.verato.linkIdentities.mockResolvedValue({});
    const outcome = await linkIdentities(ctx, { primaryId: AUTH0, secondaryId: VERIFA });
    expect(clients.verato.linkIdentities).toHaveBeenCalledWith(
      call,
      { linkToSource: { name: 'AUTH0', id: 'auth0|65a1a1a1a1a1a1a1a1a1a003' }, source: { name: 'VERIFA', id: 'idn_bob00000000000002' } },
      'never',
      undefined,
    );
    expect(outcome.linkId).toBeNull();
  });

  it('registers the source record Verato does not hold first, from the provider record, then links', async () => {
    const auth0User = { ...emptyIdentity('auth0', AUTH0, AUTH0.slice('auth0:'.length)), givenName: 'Carol', email: 'carol@example.com', ssnLast4: '0003' };
    const { ctx, clients, call, loaders } = mutationContext({ veratoRecords: { [VERIFA]: record(VERIFA, 'L-2') }, identities: { [AUTH0]: auth0User } });
    const postIdentity = jest.fn().mockResolvedValue({ linkId: 'L-9' });
    Object.assign(clients.verato, { postIdentity });
    clients.verato.linkIdentities.mockResolvedValue({ linkId: 'L-9' });
    const outcome = await linkIdentities(ctx, { primaryId: AUTH0, secondaryId: VERIFA });
    expect(outcome).toMatchObject({ linkId: 'L-9', userErrors: [] });
    // Presence is read fresh, and only the missing side's provider record is read.
    expect(loaders.forget.mock.invocationCallOrder[0]).toBeLessThan(loaders.veratoRecordFor.mock.invocationCallOrder[0]);
    expect(loaders.identity.mock.calls.map(([id]) => id)).toEqual([AUTH0]);
    expect(postIdentity).toHaveBeenCalledWith(call, {
      identity: { sources: [{ name: 'AUTH0', id: 'auth0|65a1a1a1a1a1a1a1a1a1a003' }], names: [{ first: 'Carol' }], emails: [{ email: 'carol@example.com' }] },
    });
    expect(postIdentity.mock.invocationCallOrder[0]).toBeLessThan(clients.verato.linkIdentities.mock.invocationCallOrder[0]);
  });

  it('a Verato + Verato link registers nothing', async () => {
    const { ctx, clients, loaders } = mutationContext();
    clients.verato.linkIdentities.mockResolvedValue({ linkId: 'L-1' });
    await linkIdentities(ctx, { primaryId: CRM, secondaryId: WEB });
    expect(loaders.veratoRecordFor).not.toHaveBeenCalled();
    expect(loaders.identity).not.toHaveBeenCalled();
  });

  it('refuses linkWith outside Auth0 without a call', async () => {
    const { ctx, clients } = mutationContext();
    const outcome = await linkIdentities(ctx, { primaryId: CRM, secondaryId: AUTH0, linkWith: 'token' });
    expect(outcome.userErrors).toMatchObject([{ code: 'INVALID_INPUT', field: 'linkWith', message: 'linkWith is only used to link two Auth0 accounts.' }]);
    expect(clients.verato.linkIdentities).not.toHaveBeenCalled();
  });

  it('unlinks and merges without retries; a success:false the records do not explain is PROVIDER_REJECTED', async () => {
    const { ctx, clients, call } = mutationContext({ veratoRecords: { [CRM]: record(CRM, 'L-1'), [WEB]: record(WEB, 'L-2') } });
    clients.verato.unlinkIdentities.mockResolvedValue({});
    expect((await unlinkIdentities(ctx, { primaryId: CRM, secondaryId: VERIFA, reason: 'wrong person', idempotencyKey: 'k' })).userErrors).toEqual([]);
    expect(clients.verato.unlinkIdentities).toHaveBeenCalledWith(call, { unlinkFromSource: { name: 'CRM', id: 'CRM-1004' }, source: { name: 'VERIFA', id: 'idn_bob00000000000002' } }, 'never', { reason: 'wrong person' });

    clients.verato.mergeIdentities.mockResolvedValue({ linkId: 'L-9' });
    const merged = await mergeIdentities(ctx, { primaryId: CRM, secondaryId: WEB, reason: 'duplicate', idempotencyKey: 'k' });
    expect(clients.verato.mergeIdentities).toHaveBeenCalledWith(call, { toSurviveSource: { name: 'CRM', id: 'CRM-1004' }, toRetireSource: { name: 'WEB', id: 'W-77' } }, 'never', { reason: 'duplicate' });
    expect(merged).toMatchObject({ primaryId: CRM, secondaryId: WEB, secondaryStatus: 'MERGED', linkId: 'L-9', transferSummary: null, userErrors: [] });

    const hint = 'Check that both source records exist and are in the state the operation needs (e.g. the same Link ID for unlink).';
    clients.verato.mergeIdentities.mockRejectedValue(new ProviderRejection({ provider: 'verato', providerCode: 'success_false', message: 'Verato refused mergeIdentities.', hint }));
    expect((await mergeIdentities(ctx, { primaryId: CRM, secondaryId: WEB })).userErrors).toEqual([
      { code: 'PROVIDER_REJECTED', message: 'Verato refused mergeIdentities.', field: null, provider: 'verato', providerCode: 'success_false', hint, retryable: false },
    ]);
  });

  describe('success:false explained by the records, read after the refusal', () => {
    const refusal = () => new ProviderRejection({ provider: 'verato', providerCode: 'success_false', message: 'Verato refused it.' });

    it('an unknown record is NOT_FOUND on its field', async () => {
      const { ctx, clients, loaders } = mutationContext({ veratoRecords: { [CRM]: record(CRM, 'L-1') } });
      clients.verato.linkIdentities.mockRejectedValue(refusal());
      expect((await linkIdentities(ctx, { primaryId: CRM, secondaryId: WEB })).userErrors).toMatchObject([{ code: 'NOT_FOUND', field: 'secondaryId', provider: 'verato', providerCode: 'success_false' }]);
      expect(loaders.forget).toHaveBeenCalledWith([CRM, WEB]);
    });

    it('unlink of records in different Link IDs is NOT_LINKED', async () => {
      const { ctx, clients } = mutationContext({ veratoRecords: { [CRM]: record(CRM, 'L-1'), [WEB]: record(WEB, 'L-2') } });
      clients.verato.unlinkIdentities.mockRejectedValue(refusal());
      expect((await unlinkIdentities(ctx, { primaryId: CRM, secondaryId: WEB })).userErrors).toMatchObject([{ code: 'NOT_LINKED', provider: 'verato' }]);
    });

    it('a refused link of records already in one Link ID is ALREADY_LINKED', async () => {
      const { ctx, clients } = mutationContext({ veratoRecords: { [CRM]: record(CRM, 'L-1'), [WEB]: record(WEB, 'L-1') } });
      clients.verato.linkIdentities.mockRejectedValue(refusal());
      expect((await linkIdentities(ctx, { primaryId: CRM, secondaryId: WEB })).userErrors).toMatchObject([{ code: 'ALREADY_LINKED', provider: 'verato' }]);
    });

    it('a merge involving a retired record is MERGE_NOT_ALLOWED on its field', async () => {
      const { ctx, clients } = mutationContext({ veratoRecords: { [CRM]: record(CRM, 'L-1', 'MERGED'), [WEB]: record(WEB, 'L-1') } });
      clients.verato.mergeIdentities.mockRejectedValue(refusal());
      expect((await mergeIdentities(ctx, { primaryId: CRM, secondaryId: WEB })).userErrors).toMatchObject([{ code: 'MERGE_NOT_ALLOWED', field: 'primaryId', provider: 'verato' }]);
    });

    it('anything else than success:false is not read into', async () => {
      const { ctx, clients, loaders } = mutationContext({ veratoRecords: { [CRM]: record(CRM, 'L-1') } });
      clients.verato.linkIdentities.mockRejectedValue(new Error('socket hang up'));
      await expect(linkIdentities(ctx, { primaryId: CRM, secondaryId: WEB })).rejects.toThrow('socket hang up');
      expect(loaders.veratoRecordFor).not.toHaveBeenCalled();
    });
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
    expect((await createRelationship(ctx, { sourceId: CRM, relatedId: WEB, customType: 'employs' })).userErrors).toMatchObject([{ code: 'NOT_FOUND', field: 'relatedId', provider: 'verato' }]);
    expect(clients.verato.addRelationship).not.toHaveBeenCalled();
  });

  it('refuses a verb outside the configured relationship definitions, naming them, before any read or write', async () => {
    const { ctx, clients, loaders } = mutationContext({ veratoRecords: { [CRM]: record(CRM, 'L-1'), [WEB]: record(WEB, 'L-2') } });
    (ctx.clients as { veratoRelationshipVerbs: readonly string[] }).veratoRelationshipVerbs = ['is mentor of', 'is mentee of'];
    const [error] = (await createRelationship(ctx, { sourceId: CRM, relatedId: WEB, customType: 'is parent of' })).userErrors;
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'customType', provider: 'verato' });
    expect(error.message).toBe('customType must be a verb of Verato\'s configured relationship definitions: "is mentor of", "is mentee of".');
    expect(clients.verato.addRelationship).not.toHaveBeenCalled();
    expect(loaders.veratoRecordFor).not.toHaveBeenCalled();
  });

  it('unmerges the retired secondary out of the primary, with the reason in auditLogMap, never retried', async () => {
    const { ctx, clients, call } = mutationContext();
    clients.verato.unmergeIdentities.mockResolvedValue({ unmergedId: 'L-7', unmergedFromId: 'L-1', unmergedSource: {}, unmergedFromSource: {} });
    const outcome = await unmergeIdentities(ctx, { primaryId: CRM, secondaryId: WEB, reason: 'not the same person', idempotencyKey: 'u1' });
    expect(clients.verato.unmergeIdentities).toHaveBeenCalledWith(
      call,
      { unmergeFromSource: { name: 'CRM', id: 'CRM-1004' }, unmergeSource: { name: 'WEB', id: 'W-77' } },
      'never',
      { reason: 'not the same person' },
    );
    expect(outcome).toEqual({ primaryId: CRM, secondaryId: WEB, unmergedLinkId: 'L-7', unmergedFromLinkId: 'L-1', userErrors: [] });
  });

  it('a refused unmerge of a record that is not retired is NOT_MERGED; other providers are UNSUPPORTED_OPERATION', async () => {
    const { ctx, clients } = mutationContext({ veratoRecords: { [CRM]: record(CRM, 'L-1'), [WEB]: record(WEB, 'L-2') } });
    clients.verato.unmergeIdentities.mockRejectedValue(new ProviderRejection({ provider: 'verato', providerCode: 'success_false', message: 'Verato refused unmergeIdentities.' }));
    expect((await unmergeIdentities(ctx, { primaryId: CRM, secondaryId: WEB })).userErrors).toMatchObject([{ code: 'NOT_MERGED', field: 'secondaryId', provider: 'verato' }]);
    expect((await unmergeIdentities(ctx, { primaryId: CRM, secondaryId: VERIFA })).userErrors).toMatchObject([{ code: 'UNSUPPORTED_OPERATION' }]);

    const elsewhere = mutationContext({ veratoRecords: { [CRM]: record(CRM, 'L-1'), [WEB]: record(WEB, 'L-2', 'MERGED') } });
    elsewhere.clients.verato.unmergeIdentities.mockRejectedValue(new ProviderRejection({ provider: 'verato', providerCode: 'success_false', message: 'Verato refused unmergeIdentities.' }));
    expect((await unmergeIdentities(elsewhere.ctx, { primaryId: CRM, secondaryId: WEB })).userErrors).toMatchObject([{ code: 'NOT_MERGED', field: 'primaryId', provider: 'verato' }]);
  });

  it('deletes a relationship by its id (deleteRelationshipService); a refusal is NOT_FOUND', async () => {
    const { ctx, clients, call } = mutationContext();
    clients.verato.deleteRelationship.mockResolvedValue({ id: 'R-1' });
    expect(await deleteRelationship(ctx, { id: 'verato:R-1' })).toEqual({ identityIds: [], deletedId: 'verato:R-1', userErrors: [] });
    expect(clients.verato.deleteRelationship).toHaveBeenCalledWith(call, { id: 'R-1' }, 'never');

    clients.verato.deleteRelationship.mockRejectedValue(new ProviderRejection({ provider: 'verato', providerCode: 'success_false', message: 'Verato refused deleteRelationshipService.' }));
    expect((await deleteRelationship(ctx, { id: 'verato:R-404' })).userErrors).toMatchObject([{ code: 'NOT_FOUND', field: 'id', provider: 'verato' }]);
  });
});
