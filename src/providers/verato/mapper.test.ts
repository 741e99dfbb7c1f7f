import { DEFAULT_SOURCE_MAP, parseSourceMap } from './source-map';
import { parseGlobalId } from '../../domain/global-id';
import { emptyIdentity } from '../../domain/normalize';
import { memberGlobalId, representativeSource, toCluster, toIdentityRecord, toPostIdentityContent, toRelationshipRecords } from './mapper';
import type { IdentityQueryReply, VeratoRelationship } from './wire';

const FULL_SSN = '900-11-0001';
const OTHER_SSN = '123-45-6789';
const BTC_ID = 'a1c3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3';
const defaultMap = parseSourceMap(DEFAULT_SOURCE_MAP);

/** A cluster as GROUP_BY_SOURCE answers it: three active records, one merged, one deactivated. */
const reply: IdentityQueryReply = {
  linkId: '100000001',
  identity: {
    names: [{ first: 'Alice', middle: 'J', last: 'Martin' }],
    emails: [{ email: 'golden@example.com' }],
    ssns: [{ ssn: FULL_SSN }],
    datesOfBirth: [{ dateOfBirth: '1988-04-12' }],
    phoneNumbers: [{ countryCode: '+31', areaCode: '6', number: '12345601' }],
    addresses: [{ line1: 'Keizersgracht 101', city: 'Amsterdam', state: 'NH', postalCode: '1015 CJ', country: 'NL' }],
  },
  identityGroupedBySource: [
    {
      source: { name: 'AUTH0', id: 'auth0|65a1' },
      names: [{ name: { first: 'Ally', last: 'Martin' } }],
      emails: [{ email: { email: 'ally@example.com' } }],
      ssns: [{ ssn: { ssn: OTHER_SSN } }],
    },
    { source: { name: 'VERIFA', id: 'idn_alice01' }, emails: [{ email: 'plain-string@example.com' }], ssns: [{ ssn: '987654321' }] },
    { source: { name: 'CRM', id: 'CRM-1001' } },
    {
      source: { name: 'LEGACY', id: 'L-1' },
      mergedSourceRecord: { name: 'LEGACY', id: 'L-1', activeSource: 'CRM', activeNativeId: 'CRM-1001', timestamp: '2025-01-01T00:00:00' },
    },
    { deactivatedSourceRecord: { name: 'BTCDIRECT', id: BTC_ID } },
    { source: { name: '', id: 'nameless' } },
  ],
};

describe('toCluster', () => {
  it('maps GROUP_BY_SOURCE members through the source map, with their state', () => {
    expect(toCluster(reply, defaultMap)).toEqual({
      linkId: '100000001',
      members: [
        { id: 'auth0:auth0|65a1', source: 'AUTH0', sourceId: 'auth0|65a1', state: 'ACTIVE' },
        { id: 'verifa:idn_alice01', source: 'VERIFA', sourceId: 'idn_alice01', state: 'ACTIVE' },
        { id: 'verato:CRM:CRM-1001', source: 'CRM', sourceId: 'CRM-1001', state: 'ACTIVE' },
        { id: 'verato:LEGACY:L-1', source: 'LEGACY', sourceId: 'L-1', state: 'MERGED' },
        { id: `btcdirect:${BTC_ID}`, source: 'BTCDIRECT', sourceId: BTC_ID, state: 'DEACTIVATED' },
      ],
    });
  });

  it('uses the configured codes: a source not in the map stays a Verato record', () => {
    const custom = parseSourceMap('A0=auth0,VF=verifa,BD=btcdirect');
    const cluster = toCluster(
      { linkId: 'L', identityGroupedBySource: [{ source: { name: 'A0', id: 'google-oauth2|1150' } }, { source: { name: 'AUTH0', id: 'auth0|65a1' } }] },
      custom,
    );
    expect(cluster!.members.map((m) => m.id)).toEqual(['auth0:google-oauth2|1150', 'verato:AUTH0:auth0|65a1']);
  });

  it('reads a member that only has mergedSourceRecord as MERGED', () => {
    const cluster = toCluster({ linkId: 'L', identityGroupedBySource: [{ mergedSourceRecord: { name: 'VERIFA', id: 'idn_old' } }] }, defaultMap);
    expect(cluster!.members).toEqual([{ id: 'verifa:idn_old', source: 'VERIFA', sourceId: 'idn_old', state: 'MERGED' }]);
  });

  it('is null without a Link ID, and has no members without GROUP_BY_SOURCE', () => {
    expect(toCluster({ identity: {} }, defaultMap)).toBeNull();
    expect(toCluster({ linkId: 'L', identity: {} }, defaultMap)).toEqual({ linkId: 'L', members: [] });
  });

  it('member ids are valid global ids', () => {
    for (const member of toCluster(reply, defaultMap)!.members) expect(parseGlobalId(member.id).provider).toBeDefined();
    expect(memberGlobalId({ name: 'BTCDIRECT', id: BTC_ID }, defaultMap)).toBe(`btcdirect:${BTC_ID}`);
  });
});

describe('toIdentityRecord', () => {
  it("prefers the record's own asserted values and falls back to the golden view", () => {
    const record = toIdentityRecord({ name: 'AUTH0', id: 'auth0|65a1' }, reply);
    expect(record).toMatchObject({
      id: 'verato:AUTH0:auth0|65a1',
      provider: 'verato',
      nativeId: 'AUTH0:auth0|65a1',
      givenName: 'Ally',
      familyName: 'Martin',
      displayName: 'Ally Martin',
      email: 'ally@example.com',
      phone: '+31612345601',
      birthDate: '1988-04-12',
      address: { line1: 'Keizersgracht 101', line2: null, city: 'Amsterdam', region: 'NH', postalCode: '1015 CJ', country: 'NL' },
      country: 'NL',
      status: 'ACTIVE',
      providerStatus: 'active',
      ssnLast4: '6789',
      accounts: [],
    });
  });

  it('reads per-source values given as plain strings', () => {
    const record = toIdentityRecord({ name: 'VERIFA', id: 'idn_alice01' }, reply);
    expect(record.email).toBe('plain-string@example.com');
    expect(record.ssnLast4).toBe('4321');
    expect(record.displayName).toBe('Alice J Martin');
  });

  it('keeps only the last four digits of any SSN', () => {
    for (const source of [{ name: 'AUTH0', id: 'auth0|65a1' }, { name: 'CRM', id: 'CRM-1001' }, { name: 'VERIFA', id: 'idn_alice01' }]) {
      const json = JSON.stringify(toIdentityRecord(source, reply));
      for (const ssn of [FULL_SSN, OTHER_SSN, '987654321']) {
        expect(json).not.toContain(ssn);
        expect(json).not.toContain(ssn.replace(/\D/g, ''));
      }
    }
    expect(toIdentityRecord({ name: 'CRM', id: 'CRM-1001' }, reply).ssnLast4).toBe('0001');
  });

  it('marks a merged record MERGED and a deactivated one ARCHIVED', () => {
    expect(toIdentityRecord({ name: 'LEGACY', id: 'L-1' }, reply)).toMatchObject({ status: 'MERGED', providerStatus: 'merged' });
    const deactivated = toIdentityRecord({ name: 'X', id: '1' }, { linkId: 'L', identityGroupedBySource: [{ source: { name: 'X', id: '1' }, deactivatedSourceRecord: { name: 'X', id: '1' } }] });
    expect(deactivated).toMatchObject({ status: 'ARCHIVED', providerStatus: 'deactivated' });
  });

  it('leaves unknown attributes null', () => {
    const record = toIdentityRecord({ name: 'CRM', id: 'X' }, { linkId: 'L' });
    expect(record).toMatchObject({ displayName: null, email: null, phone: null, address: null, ssnLast4: null, birthDate: null });
  });
});

describe('toRelationshipRecords', () => {
  const relationships: VeratoRelationship[] = [
    { id: 'rel-1', relationshipVerb: 'is parent of', inverseRelationshipVerb: 'is child of', subjectVeratoId: 'L1', objectVeratoId: 'L2', status: 'active', startDate: '2024-01-02', details: { source: 'crm' } },
    { id: 'rel-2', relationshipVerb: 'employs', inverseRelationshipVerb: 'is employed by', subjectVeratoId: 'L3', objectVeratoId: 'L1' },
    { id: 'rel-3', relationshipVerb: 'is twin of', subjectVeratoId: 'L4', objectVeratoId: 'L1' },
    { id: 'rel-4', relationshipVerb: 'employs', subjectVeratoId: 'L5', objectVeratoId: 'L6' },
    { relationshipVerb: 'no id', subjectVeratoId: 'L1', objectVeratoId: 'L7' },
  ];

  it('reads the verb from the subject side and the inverse verb from the object side', () => {
    const records = toRelationshipRecords('L1', relationships);
    expect(records.map((r) => [r.id, r.type, r.label, r.inverseType, r.relatedLinkId])).toEqual([
      ['verato:rel-1', 'custom', 'is parent of', 'is child of', 'L2'],
      ['verato:rel-2', 'custom', 'is employed by', 'employs', 'L3'],
      ['verato:rel-3', 'custom', 'is twin of', 'is twin of', 'L4'],
    ]);
    expect(records[0]).toMatchObject({ provider: 'verato', relatedId: null, status: 'active', createdAt: '2024-01-02T00:00:00.000Z', metadata: { source: 'crm' }, system: false, note: null });
  });

  it('reads the same edge the other way round from the other Link ID', () => {
    const [fromChild] = toRelationshipRecords('L2', relationships);
    expect(fromChild).toMatchObject({ id: 'verato:rel-1', label: 'is child of', inverseType: 'is parent of', relatedLinkId: 'L1' });
  });
});

describe('representativeSource', () => {
  it('is the first active member', () => {
    const merged = { ...reply, identityGroupedBySource: [reply.identityGroupedBySource![3], reply.identityGroupedBySource![4], reply.identityGroupedBySource![2]] };
    expect(representativeSource(merged)).toEqual({ name: 'CRM', id: 'CRM-1001' });
    expect(representativeSource({ linkId: 'L' })).toBeNull();
  });
});

describe('toPostIdentityContent', () => {
  const source = { name: 'VERIFA', id: 'idn_new0000000001' };
  const full = () => {
    const record = emptyIdentity('verifa', `verifa:${source.id}`, source.id);
    return Object.assign(record, {
      givenName: 'Una',
      familyName: 'Registered',
      displayName: 'Una Registered',
      email: 'una@example.com',
      phone: '+31612345699',
      birthDate: '1991-07-08',
      ssnLast4: '0042',
      documentNumber: 'NL9999999',
      address: { line1: 'Damrak 1', line2: null, city: 'Amsterdam', region: 'NH', postalCode: '1012 LG', country: null },
      country: 'NL',
    });
  };

  it('asserts name, email, date of birth and address under exactly one source', () => {
    expect(toPostIdentityContent(source, full())).toEqual({
      identity: {
        sources: [source],
        names: [{ first: 'Una', last: 'Registered' }],
        emails: [{ email: 'una@example.com' }],
        datesOfBirth: [{ dateOfBirth: '1991-07-08' }],
        addresses: [{ line1: 'Damrak 1', city: 'Amsterdam', state: 'NH', postalCode: '1012 LG', country: 'NL' }],
      },
    });
  });

  it('never sends the SSN (only its last four are known), the phone or the document number', () => {
    const body = JSON.stringify(toPostIdentityContent(source, full()));
    for (const value of ['0042', 'ssn', '612345699', 'phoneNumbers', 'NL9999999']) expect(body).not.toContain(value);
  });

  it('leaves out what the provider record does not have; a display name alone is no name', () => {
    const bare = Object.assign(emptyIdentity('auth0', 'auth0:auth0|x', 'auth0|x'), { displayName: 'someone' });
    expect(toPostIdentityContent({ name: 'AUTH0', id: 'auth0|x' }, bare)).toEqual({ identity: { sources: [{ name: 'AUTH0', id: 'auth0|x' }] } });
    const familyOnly = Object.assign(emptyIdentity('auth0', 'auth0:auth0|y', 'auth0|y'), { familyName: 'Solo', address: { line1: null, line2: null, city: null, region: null, postalCode: null, country: null } });
    expect(toPostIdentityContent({ name: 'AUTH0', id: 'auth0|y' }, familyOnly).identity).toEqual({ sources: [{ name: 'AUTH0', id: 'auth0|y' }], names: [{ last: 'Solo' }] });
  });
});
