import { UpstreamStatusError } from '../http/errors';
import { ProviderRejection } from '../rejection';
import { readVerifaErrorCode, toIdentityRecord, toRejection, toRelationshipPage, toRelationshipRecord } from './mapper';
import { parseVerifaRelationshipId } from './id';
import type { VerifaIdentity, VerifaRelationship } from './wire';

const FULL_SSN = '900-11-0001';
const BTC_ID = 'a1c3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3';

const identity: VerifaIdentity = {
  id: 'idn_alice0000000001',
  external_ref: 'auth0:google-oauth2|1150',
  status: 'approved',
  session_count: 2,
  is_sandbox: true,
  created_at: '2024-02-01T09:00:00Z',
  updated_at: '2024-02-02T10:00:00+01:00',
  country: 'NL',
  extracted_data: {
    first_name: 'Alice',
    last_name: 'Martin',
    date_of_birth: '1988-04-12',
    address: { line1: 'Keizersgracht 101', line2: null, city: 'Amsterdam', state: 'NH', zip: '1015 CJ' },
    document_number: 'NL1000001',
    document_type: 'passport',
    nationality: 'DE',
    ssn: FULL_SSN,
  },
  tags: ['vip'],
};

describe('toIdentityRecord', () => {
  it('maps the identity and its extracted document data', () => {
    expect(toIdentityRecord(identity)).toEqual({
      id: 'verifa:idn_alice0000000001',
      provider: 'verifa',
      nativeId: 'idn_alice0000000001',
      displayName: 'Alice Martin',
      givenName: 'Alice',
      familyName: 'Martin',
      email: null,
      emailVerified: null,
      phone: null,
      birthDate: '1988-04-12',
      address: { line1: 'Keizersgracht 101', line2: null, city: 'Amsterdam', region: 'NH', postalCode: '1015 CJ', country: 'NL' },
      country: 'NL',
      status: 'VERIFIED',
      providerStatus: 'approved',
      tags: ['vip'],
      createdAt: '2024-02-01T09:00:00.000Z',
      updatedAt: '2024-02-02T09:00:00.000Z',
      ssnLast4: '0001',
      documentNumber: 'NL1000001',
      documentType: 'passport',
      accounts: [
        { id: 'auth0:google-oauth2|1150', provider: 'auth0', nativeId: 'google-oauth2|1150', via: 'EXTERNAL_REFERENCE', connection: null, isSocial: null, displayName: null, email: null },
      ],
    });
  });

  it('never carries the full SSN, in any form', () => {
    const json = JSON.stringify(toIdentityRecord(identity));
    expect(json).not.toContain(FULL_SSN);
    expect(json).not.toContain('900110001');
    expect(json).not.toContain('"ssn"');
    expect(toIdentityRecord({ id: 'idn_x', extracted_data: { ssn: '12' } }).ssnLast4).toBeNull();
  });

  it.each([
    ['a BTC Direct id', `btcdirect:${BTC_ID}`, [{ id: `btcdirect:${BTC_ID}`, provider: 'btcdirect', nativeId: BTC_ID }]],
    ['a Verato record', 'verato:CRM:CRM-1001', [{ id: 'verato:CRM:CRM-1001', provider: 'verato', nativeId: 'CRM:CRM-1001' }]],
    ['another Verifa identity (not an external account)', 'verifa:idn_other', []],
    ['a partner reference that is no global id', 'customer-42', []],
    ['an email', 'alice.martin@example.com', []],
  ])('external_ref naming %s', (_label, externalRef, accounts) => {
    const record = toIdentityRecord({ ...identity, external_ref: externalRef });
    expect(record.accounts).toEqual(accounts.map((a) => expect.objectContaining({ ...a, via: 'EXTERNAL_REFERENCE' })));
  });

  it('reads status words, archived identities and missing data', () => {
    expect(toIdentityRecord({ id: 'idn_a', status: 'needs_review' }).status).toBe('PENDING');
    expect(toIdentityRecord({ id: 'idn_a', status: 'approved', archived_at: '2025-01-01T00:00:00Z' })).toMatchObject({ status: 'ARCHIVED', providerStatus: 'approved' });
    expect(toIdentityRecord({ id: 'idn_a', status: 'something-new' }).status).toBe('UNKNOWN');
    const bare = toIdentityRecord({ id: 'idn_a', extracted_data: { nationality: 'BE' }, created_at: 'yesterday' });
    expect(bare).toMatchObject({ displayName: null, address: null, country: 'BE', createdAt: null, tags: [], accounts: [] });
  });
});

describe('relationships', () => {
  const relationship = (type: string): VerifaRelationship => ({
    id: 'idrel_1',
    source_identity_id: 'idn_alice',
    related_identity_id: 'idn_carol',
    relationship_type: type,
    note: 'Parent and child',
    metadata: { since: 2012 },
    created_at: '2024-05-20T08:15:00Z',
  });

  it('maps a relationship to the related Verifa identity', () => {
    expect(toRelationshipRecord(relationship('family_member'))).toEqual({
      id: expect.stringMatching(/^verifa:rel_[\w-]+$/),
      provider: 'verifa',
      type: 'family_member',
      label: 'family_member',
      inverseType: null,
      relatedId: 'verifa:idn_carol',
      relatedLinkId: null,
      note: 'Parent and child',
      metadata: { since: 2012 },
      status: null,
      createdAt: '2024-05-20T08:15:00.000Z',
      system: false,
    });
  });

  it('has one id from both ends (Verifa keeps one idrel_ record per direction), another for another type or pair', () => {
    const forward = relationship('family_member');
    const backward = { ...forward, id: 'idrel_2', source_identity_id: forward.related_identity_id, related_identity_id: forward.source_identity_id };
    expect(toRelationshipRecord(backward).id).toBe(toRelationshipRecord(forward).id);
    expect(toRelationshipRecord(relationship('business_associate')).id).not.toBe(toRelationshipRecord(forward).id);
    expect(toRelationshipRecord({ ...forward, related_identity_id: 'idn_bob' }).id).not.toBe(toRelationshipRecord(forward).id);
  });

  it('decodes its id back to the sorted pair and the type (what deleteRelationship finds the records by); anything else is no id', () => {
    const forward = relationship('family_member');
    const nativeId = toRelationshipRecord(forward).id.slice('verifa:'.length);
    expect(parseVerifaRelationshipId(nativeId)).toEqual({ ends: [forward.related_identity_id, forward.source_identity_id].sort(), type: 'family_member' });
    const reversed = `rel_${Buffer.from(JSON.stringify([forward.source_identity_id, forward.related_identity_id].sort().reverse().concat('family_member'))).toString('base64url')}`;
    for (const bad of ['idrel_1', 'rel_', 'rel_%%', `rel_${Buffer.from('[1,2,3]').toString('base64url')}`, reversed, `rel_${Buffer.from(JSON.stringify(['ext_a', 'ext_b', 'x'])).toString('base64url')}`, `rel_${'A'.repeat(2000)}`]) {
      expect(parseVerifaRelationshipId(bad)).toBeNull();
    }
  });

  it('keeps the type word as the label; a custom type is of kind custom', () => {
    expect(toRelationshipRecord(relationship('mentor'))).toMatchObject({ type: 'custom', label: 'mentor' });
    expect(toRelationshipRecord(relationship('same_address'))).toMatchObject({ type: 'same_address', label: 'same_address' });
  });

  it('flags the relationship types Verifa detects itself as system', () => {
    expect(toRelationshipRecord(relationship('same_ssn')).system).toBe(true);
    expect(toRelationshipRecord(relationship('merged')).system).toBe(true);
    expect(toRelationshipRecord(relationship('user_linked')).system).toBe(false);
  });

  it('pages by total when Verifa gives one, else by a full page', () => {
    const data = [relationship('family_member'), relationship('user_linked')];
    expect(toRelationshipPage({ data, pagination: { total: 5, limit: 2, offset: 2 } })).toMatchObject({ totalCount: 5, offset: 2, hasNextPage: true });
    expect(toRelationshipPage({ data, pagination: { total: 4, limit: 2, offset: 2 } })).toMatchObject({ totalCount: 4, hasNextPage: false });
    expect(toRelationshipPage({ data, pagination: { limit: 2, offset: 0 } })).toMatchObject({ totalCount: null, hasNextPage: true });
    expect(toRelationshipPage({ data: data.slice(1), pagination: { limit: 2, offset: 0 } })).toMatchObject({ hasNextPage: false });
  });
});

describe('errors', () => {
  const statusError = (status: number, body: unknown) =>
    new UpstreamStatusError({ provider: 'verifa', method: 'POST', pathTemplate: '/identities/merge', status }, body, readVerifaErrorCode(body));

  it('reads the machine code of an error body', () => {
    expect(readVerifaErrorCode({ error: 'not_found', detail: 'x', status_code: 404 })).toBe('not_found');
    expect(readVerifaErrorCode({ detail: 'x' })).toBeUndefined();
    expect(readVerifaErrorCode(undefined)).toBeUndefined();
  });

  it("passes on only Verifa's documented codes; anything else in `error` is dropped", () => {
    expect(readVerifaErrorCode({ error: 'idempotency_mismatch', detail: 'x', status_code: 422 })).toBe('idempotency_mismatch');
    expect(readVerifaErrorCode({ error: '078-05-1120', detail: 'x', status_code: 422 })).toBeUndefined();
    expect(readVerifaErrorCode({ error: 'same_ssn_078051120', detail: 'x', status_code: 422 })).toBeUndefined();
  });

  it('turns a 4xx into a rejection whose message comes from the code, not the detail', () => {
    const rejection = toRejection(statusError(404, { error: 'not_found', detail: 'No identity for alice.martin@example.com', status_code: 404 }));
    expect(rejection).toBeInstanceOf(ProviderRejection);
    expect(rejection).toMatchObject({ provider: 'verifa', providerCode: 'not_found', message: 'Verifa has no identity or relationship with that id.', status: 404 });
    expect(JSON.stringify(rejection)).not.toContain('alice.martin');
    expect(toRejection(statusError(422, { error: 'idempotency_mismatch' }))!.message).toBe('Idempotency key has already been used with different parameters.');
    expect(toRejection(statusError(409, {}))).toMatchObject({ providerCode: 'http_409', message: 'Verifa refused the request (http_409).' });
  });

  it('leaves 5xx, other providers and other errors alone', () => {
    expect(toRejection(statusError(500, { error: 'internal' }))).toBeNull();
    expect(toRejection(new UpstreamStatusError({ provider: 'auth0', method: 'GET', pathTemplate: '/x', status: 404 }, {}, 'not_found'))).toBeNull();
    expect(toRejection(new Error('boom'))).toBeNull();
  });
});
