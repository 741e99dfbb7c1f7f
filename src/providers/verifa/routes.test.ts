import { emptyIdentity } from '../../domain/normalize';
import { linkIdentities, unlinkIdentities } from '../../mutations/link';
import { mergeIdentities } from '../../mutations/merge';
import { createRelationship, deleteRelationship } from '../../mutations/relationships';
import { verifaRelationshipId } from './mapper';
import { idempotencyScope } from '../../mutations/idempotency';
import { mutationContext, statusError } from '../../../test/support/mutation-context';

const A = 'verifa:idn_alice0000000001';
const B = 'verifa:idn_bob00000000000002';
const validationError = () => statusError('verifa', 422, { error: 'validation_error', detail: 'free text', status_code: 422 }, 'validation_error');
const relationship = { id: 'idrel_1', source_identity_id: 'idn_alice0000000001', related_identity_id: 'idn_bob00000000000002', relationship_type: 'family_member' };

describe('Verifa routes', () => {
  it('links as a user_linked relationship, with the reason as note and the derived Idempotency-Key', async () => {
    const { ctx, clients, call } = mutationContext();
    clients.verifa.createRelationship.mockResolvedValue({ ...relationship, relationship_type: 'user_linked' });
    const outcome = await linkIdentities(ctx, { primaryId: A, secondaryId: B, reason: 'same passport', idempotencyKey: 'k1' });
    expect(clients.verifa.createRelationship).toHaveBeenCalledWith(
      call,
      'idn_alice0000000001',
      { related_identity_id: 'idn_bob00000000000002', relationship_type: 'user_linked', note: 'same passport' },
      idempotencyScope('auth0|caller', 'linkIdentities', 'k1'),
    );
    expect(outcome).toEqual({ primaryId: A, secondaryId: B, linkId: null, userErrors: [] });
  });

  it("words Verifa's validation_error on a link as ALREADY_LINKED", async () => {
    const { ctx, clients } = mutationContext();
    clients.verifa.createRelationship.mockRejectedValue(validationError());
    const outcome = await linkIdentities(ctx, { primaryId: A, secondaryId: B });
    expect(outcome.userErrors).toEqual([
      {
        code: 'ALREADY_LINKED',
        message: 'These Verifa identities are already linked (user_linked).',
        field: 'secondaryId',
        provider: 'verifa',
        providerCode: 'validation_error',
        hint: null,
        retryable: false,
      },
    ]);
  });

  it('unlinks by deleting the user_linked relationship it finds; none is NOT_LINKED without a delete', async () => {
    const { ctx, clients, call } = mutationContext();
    clients.verifa.listRelationships.mockResolvedValue({ data: [{ ...relationship, id: 'idrel_ul', relationship_type: 'user_linked' }], pagination: { limit: 100, offset: 0 } });
    clients.verifa.deleteRelationship.mockResolvedValue({ deleted: true });
    expect((await unlinkIdentities(ctx, { primaryId: A, secondaryId: B })).userErrors).toEqual([]);
    expect(clients.verifa.listRelationships).toHaveBeenCalledWith(call, 'idn_alice0000000001', { limit: 100, offset: 0, type: 'user_linked' });
    expect(clients.verifa.deleteRelationship).toHaveBeenCalledWith(call, 'idn_alice0000000001', 'idrel_ul', 'never');

    clients.verifa.deleteRelationship.mockClear();
    clients.verifa.listRelationships.mockResolvedValue({ data: [relationship], pagination: { limit: 100, offset: 0 } });
    const outcome = await unlinkIdentities(ctx, { primaryId: A, secondaryId: B });
    expect(outcome.userErrors).toMatchObject([{ code: 'NOT_LINKED', provider: 'verifa', field: 'secondaryId' }]);
    expect(clients.verifa.deleteRelationship).not.toHaveBeenCalled();
  });

  it('unlinks by deleting every user_linked relationship to the secondary, on all pages, found before any delete', async () => {
    const { ctx, clients, call } = mutationContext();
    const edge = (id: string, related = 'idn_bob00000000000002') => ({ ...relationship, id, related_identity_id: related, relationship_type: 'user_linked' });
    const full = Array.from({ length: 99 }, (_, i) => edge(`idrel_other${i}`, `idn_other${i}`));
    clients.verifa.listRelationships
      .mockResolvedValueOnce({ data: [edge('idrel_first'), ...full], pagination: { limit: 100, offset: 0, total: 102 } })
      .mockResolvedValueOnce({ data: [edge('idrel_other99', 'idn_other99'), edge('idrel_second')], pagination: { limit: 100, offset: 100, total: 102 } });
    clients.verifa.deleteRelationship.mockResolvedValue({ deleted: true });
    expect((await unlinkIdentities(ctx, { primaryId: A, secondaryId: B })).userErrors).toEqual([]);
    expect(clients.verifa.listRelationships.mock.calls.map(([, , page]) => page.offset)).toEqual([0, 100]);
    expect(clients.verifa.deleteRelationship.mock.calls).toEqual([
      [call, 'idn_alice0000000001', 'idrel_first', 'never'],
      [call, 'idn_alice0000000001', 'idrel_second', 'never'],
    ]);
    const lastList = clients.verifa.listRelationships.mock.invocationCallOrder[1];
    expect(clients.verifa.deleteRelationship.mock.invocationCallOrder.every((order: number) => order > lastList)).toBe(true);
  });

  it('deletes a relationship by its id: finds the record of the pair and type on all pages from the Verifa end, one DELETE (Verifa removes both directions)', async () => {
    const { ctx, clients, call } = mutationContext();
    const id = verifaRelationshipId({ source_identity_id: 'idn_bob0000000002', related_identity_id: 'idn_alice0000000001', relationship_type: 'family_member' });
    const other = { source_identity_id: 'idn_alice0000000001', related_identity_id: 'idn_carol000000003', relationship_type: 'family_member' };
    clients.verifa.listRelationships
      .mockResolvedValueOnce({ data: Array.from({ length: 100 }, (_, i) => ({ ...other, id: `idrel_o${i}` })), pagination: { total: 101, limit: 100, offset: 0 } })
      .mockResolvedValueOnce({ data: [{ id: 'idrel_bob', source_identity_id: 'idn_alice0000000001', related_identity_id: 'idn_bob0000000002', relationship_type: 'family_member' }], pagination: { total: 101, limit: 100, offset: 100 } });
    clients.verifa.deleteRelationship.mockResolvedValue({ deleted: true });
    expect(await deleteRelationship(ctx, { id, idempotencyKey: 'd1' })).toEqual({ identityIds: ['verifa:idn_alice0000000001', 'verifa:idn_bob0000000002'], deletedId: id, userErrors: [] });
    expect(clients.verifa.listRelationships.mock.calls.map(([, identityId, page]: unknown[]) => [identityId, page])).toEqual([
      ['idn_alice0000000001', { limit: 100, offset: 0, type: 'family_member' }],
      ['idn_alice0000000001', { limit: 100, offset: 100, type: 'family_member' }],
    ]);
    expect(clients.verifa.deleteRelationship.mock.calls).toEqual([[call, 'idn_alice0000000001', 'idrel_bob', 'safe']]);
  });

  it('a relationship no longer listed is NOT_FOUND without a DELETE; the 422 on a system relationship is the user error', async () => {
    const { ctx, clients } = mutationContext();
    const id = verifaRelationshipId({ source_identity_id: 'idn_alice0000000001', related_identity_id: 'idn_bob0000000002', relationship_type: 'same_phone' });
    clients.verifa.listRelationships.mockResolvedValue({ data: [], pagination: { total: 0, limit: 100, offset: 0 } });
    expect((await deleteRelationship(ctx, { id })).userErrors).toMatchObject([{ code: 'NOT_FOUND', field: 'id', provider: 'verifa' }]);
    expect(clients.verifa.deleteRelationship).not.toHaveBeenCalled();

    clients.verifa.listRelationships.mockResolvedValue({ data: [{ id: 'idrel_sys', source_identity_id: 'idn_alice0000000001', related_identity_id: 'idn_bob0000000002', relationship_type: 'same_phone' }], pagination: { total: 1, limit: 100, offset: 0 } });
    clients.verifa.deleteRelationship.mockRejectedValue(validationError());
    const outcome = await deleteRelationship(ctx, { id });
    expect(outcome.userErrors).toMatchObject([{ code: 'INVALID_INPUT', field: 'id', provider: 'verifa', providerCode: 'validation_error' }]);
    expect(outcome.userErrors[0].message).toMatch(/system relationships/);
  });

  it('refuses a malformed, bare or foreign relationship id, without a call', async () => {
    const { ctx, clients } = mutationContext();
    for (const id of ['../x', 'idrel_1', 'verifa:idrel_1', 'verifa:rel_bm9wZQ', 'auth0:auth0|65a1a1a1a1a1a1a1a1a1a003', 'verato:a/b', 'constructor:x']) {
      expect((await deleteRelationship(ctx, { id })).userErrors).toMatchObject([{ code: 'INVALID_INPUT', field: 'id' }]);
    }
    expect(clients.verifa.listRelationships).not.toHaveBeenCalled();
    expect(clients.verifa.deleteRelationship).not.toHaveBeenCalled();
  });

  it('merges with every transfer toggle (true unless turned off) and reads the answer', async () => {
    const { ctx, clients, call } = mutationContext();
    clients.verifa.merge.mockResolvedValue({
      primary: { id: 'idn_alice0000000001', tags: ['vip'] },
      secondary: { id: 'idn_bob00000000000002', status: 'redacted' },
      transfer_summary: { sessions: true, screening_checks: false, face_embeddings: true, ip_links: true, device_links: true },
    });
    const outcome = await mergeIdentities(ctx, { primaryId: A, secondaryId: B, transfer: { screeningChecks: false }, redactSecondary: true, reason: 'duplicate' });
    expect(clients.verifa.merge).toHaveBeenCalledWith(
      call,
      {
        primary_identity_id: 'idn_alice0000000001',
        secondary_identity_id: 'idn_bob00000000000002',
        transfer: { sessions: true, screening_checks: false, face_embeddings: true, ip_links: true, device_links: true },
        redact_secondary: true,
        reason: 'duplicate',
      },
      undefined,
    );
    expect(outcome).toMatchObject({
      primaryId: A,
      secondaryId: B,
      secondaryStatus: 'REDACTED',
      transferSummary: { sessions: true, screeningChecks: false, faceEmbeddings: true, ipLinks: true, deviceLinks: true },
      primaryRecord: { id: A, tags: ['vip'] },
      dryRun: false,
      userErrors: [],
    });
  });

  it("words Verifa's validation_error on a merge as MERGE_NOT_ALLOWED", async () => {
    const { ctx, clients } = mutationContext();
    clients.verifa.merge.mockRejectedValue(validationError());
    const outcome = await mergeIdentities(ctx, { primaryId: A, secondaryId: B });
    expect(outcome.userErrors).toMatchObject([{ code: 'MERGE_NOT_ALLOWED', field: 'secondaryId', provider: 'verifa', providerCode: 'validation_error' }]);
  });

  it('previews a merge from the loaders without writing', async () => {
    const alice = { ...emptyIdentity('verifa', A, 'idn_alice0000000001'), tags: ['vip'] };
    const bob = { ...emptyIdentity('verifa', B, 'idn_bob00000000000002'), tags: ['kyc', 'vip'] };
    const { ctx, clients } = mutationContext({ identities: { [A]: alice, [B]: bob } });
    const outcome = await mergeIdentities(ctx, { primaryId: A, secondaryId: B, dryRun: true, transfer: { deviceLinks: false } });
    expect(clients.verifa.merge).not.toHaveBeenCalled();
    expect(outcome).toMatchObject({ dryRun: true, secondaryStatus: 'MERGED', transferSummary: { deviceLinks: false, sessions: true }, primaryRecord: { tags: ['vip', 'kyc'] }, userErrors: [] });

    const missing = await mergeIdentities(ctx, { primaryId: A, secondaryId: 'verifa:idn_nobody', dryRun: true });
    expect(missing.userErrors).toMatchObject([{ code: 'NOT_FOUND', field: 'secondaryId' }]);
  });

  it('creates a relationship of the given type with note and metadata, mapped back to the domain', async () => {
    const { ctx, clients, call } = mutationContext();
    clients.verifa.createRelationship.mockResolvedValue({ ...relationship, note: 'sister' });
    const outcome = await createRelationship(ctx, { sourceId: A, relatedId: B, type: 'family_member', note: 'sister', metadata: { since: 2001 } });
    expect(clients.verifa.createRelationship).toHaveBeenCalledWith(
      call,
      'idn_alice0000000001',
      { related_identity_id: 'idn_bob00000000000002', relationship_type: 'family_member', note: 'sister', metadata: { since: 2001 } },
      undefined,
    );
    expect(outcome).toMatchObject({ sourceId: A, relationship: { id: expect.stringMatching(/^verifa:rel_/), provider: 'verifa', type: 'family_member', label: 'family_member', relatedId: B, note: 'sister', system: false }, userErrors: [] });
  });

  it('refuses a system type without a call, and words a refused type for the field it came in', async () => {
    const { ctx, clients } = mutationContext();
    const system = await createRelationship(ctx, { sourceId: A, relatedId: B, customType: 'same_ssn' });
    expect(system.userErrors).toMatchObject([{ code: 'INVALID_INPUT', field: 'customType', provider: 'verifa', message: '"same_ssn" is a Verifa system type; it cannot be created.' }]);
    expect(clients.verifa.createRelationship).not.toHaveBeenCalled();

    clients.verifa.createRelationship.mockRejectedValue(validationError());
    const refused = await createRelationship(ctx, { sourceId: A, relatedId: B, customType: 'mentor' });
    expect(refused.userErrors).toMatchObject([
      { code: 'INVALID_INPUT', field: 'customType', providerCode: 'validation_error', message: 'Verifa refused the relationship: it may exist already, or "mentor" is not an active relationship type.' },
    ]);
  });

  it('maps not_found and idempotency_mismatch to their user error codes', async () => {
    const { ctx, clients } = mutationContext();
    clients.verifa.createRelationship.mockRejectedValueOnce(statusError('verifa', 404, { error: 'not_found' }, 'not_found'));
    expect((await createRelationship(ctx, { sourceId: A, relatedId: B })).userErrors).toMatchObject([{ code: 'NOT_FOUND', providerCode: 'not_found' }]);
    clients.verifa.createRelationship.mockRejectedValueOnce(statusError('verifa', 422, { error: 'idempotency_mismatch' }, 'idempotency_mismatch'));
    expect((await createRelationship(ctx, { sourceId: A, relatedId: B, idempotencyKey: 'k' })).userErrors).toMatchObject([
      { code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey', providerCode: 'idempotency_mismatch' },
    ]);
  });
});
