import { UpstreamAuthError, UpstreamStatusError } from '../http/errors';
import { ProviderRejection } from '../rejection';
import { LINK_IDENTIFIER_ERRORS, PARTNER_CREDENTIAL_CODES, readBtcDirectErrorCodes, toIdentityRecord, toRejection } from './mapper';
import { decidingErrorCode } from './refusals';
import type { BtcDirectErrorBody, UserInfo } from './wire';

const IDENTIFIER = 'a1c3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3';
const EMAIL = 'alice.martin@example.com';
const CALL = { provider: 'btcdirect' as const, method: 'POST', pathTemplate: '/api/v2/user/link-identifier' };

const info: UserInfo = {
  emailAddress: EMAIL,
  firstName: 'Alice',
  lastName: 'Martin',
  region: 'NL',
  phoneNumber: '+31612345601',
  registrationDate: '2024-02-01T09:00:00+00:00',
  activationDate: '2024-02-02T09:00:00+00:00',
  isBusiness: true,
  status: { status: 'verified', description: 'Verified', details: { emailAddressVerificationStatus: 'verified', identityVerificationStatus: 'verified' } },
};

/** An ER error body whose free text holds personal data, as a careless upstream might send it. */
function erBody(code: string): BtcDirectErrorBody {
  return { errors: { [code]: { code, message: `Identifier of ${EMAIL} cannot be used`, solution: `Write to ${EMAIL}` } } };
}

describe('toIdentityRecord', () => {
  it('maps user info onto the identity the identifier names', () => {
    expect(toIdentityRecord(IDENTIFIER, info)).toMatchObject({
      id: `btcdirect:${IDENTIFIER}`,
      provider: 'btcdirect',
      nativeId: IDENTIFIER,
      displayName: 'Alice Martin',
      givenName: 'Alice',
      familyName: 'Martin',
      email: EMAIL,
      emailVerified: true,
      phone: '+31612345601',
      country: 'NL',
      status: 'VERIFIED',
      providerStatus: 'verified',
      createdAt: '2024-02-01T09:00:00.000Z',
      tags: ['business'],
      accounts: [],
    });
  });

  it('reads an unverified email, an unknown status and missing fields', () => {
    const record = toIdentityRecord(IDENTIFIER, { status: { status: 'frozen', details: { emailAddressVerificationStatus: 'pending' } } });
    expect(record).toMatchObject({ emailVerified: false, status: 'UNKNOWN', providerStatus: 'frozen', displayName: null, tags: [] });
    expect(toIdentityRecord(IDENTIFIER, {})).toMatchObject({ emailVerified: null, status: 'UNKNOWN', providerStatus: null });
  });
});

describe('ER codes', () => {
  it('reads every ER code of an error body, in body order', () => {
    expect(readBtcDirectErrorCodes(erBody('ER705'))).toEqual(['ER705']);
    expect(readBtcDirectErrorCodes({ errors: { ER801: {}, ER802: {} } })).toEqual(['ER801', 'ER802']);
    expect(readBtcDirectErrorCodes({ errors: 'ER705' })).toEqual([]);
    expect(readBtcDirectErrorCodes({ message: 'x' })).toEqual([]);
    expect(readBtcDirectErrorCodes(undefined)).toEqual([]);
  });

  it('passes on only keys of the documented ER form (ER and three digits); others are dropped', () => {
    expect(readBtcDirectErrorCodes({ errors: { '078-05-1120': {} } })).toEqual([]);
    expect(readBtcDirectErrorCodes({ errors: { ER078051120: {}, er706: {}, ER706: {} } })).toEqual(['ER706']);
    expect(decidingErrorCode({ errors: { '078-05-1120': {} } })).toBeUndefined();
  });

  it('the first actionable code decides: a general error or an undocumented code gives way to a documented one', () => {
    expect(decidingErrorCode({ errors: { ER999: {}, ER706: {} } })).toBe('ER706');
    expect(decidingErrorCode({ errors: { ER123: {}, ER999: {}, ER102: {}, ER706: {} } })).toBe('ER102');
    expect(decidingErrorCode({ errors: { ER702: {}, ER102: {} } })).toBe('ER702');
    expect(decidingErrorCode({ errors: { ER123: {}, ER999: {} } })).toBe('ER999');
    expect(decidingErrorCode({ errors: { ER123: {}, ER124: {} } })).toBe('ER123');
  });

  it("a refusal of the subgraph's own credentials decides wherever it stands in the body", () => {
    expect(decidingErrorCode({ errors: { ER702: {}, ER102: {}, ER805: {} } })).toBe('ER805');
    expect(decidingErrorCode({ errors: { ER999: {}, ER801: {}, ER800: {} } })).toBe('ER801');
  });

  it('counts only the partner credential codes as credential failures', () => {
    expect([...PARTNER_CREDENTIAL_CODES].sort()).toEqual(['ER800', 'ER801', 'ER802', 'ER803', 'ER805', 'ER806']);
  });
});

describe('toRejection', () => {
  it.each(Object.keys(LINK_IDENTIFIER_ERRORS).filter((code) => !PARTNER_CREDENTIAL_CODES.has(code)))('%s: message, hint and field come from the catalogue, never from the body', (code) => {
    const rejection = toRejection(new UpstreamStatusError({ ...CALL, status: 400 }, erBody(code), code));
    const known = LINK_IDENTIFIER_ERRORS[code];
    expect(rejection).toBeInstanceOf(ProviderRejection);
    expect(rejection).toMatchObject({ provider: 'btcdirect', providerCode: code, message: known.message, hint: known.solution, field: known.field, status: 400 });
    expect(`${rejection!.message} ${rejection!.hint} ${JSON.stringify(rejection)}`).not.toContain(EMAIL);
  });

  it('ER706 and ER707 share a message but not a solution', () => {
    const [a, b] = ['ER706', 'ER707'].map((code) => toRejection(new UpstreamStatusError({ ...CALL, status: 400 }, erBody(code), code))!);
    expect(a.message).toBe('User identifier is invalid.');
    expect(b.message).toBe(a.message);
    expect(a.hint).toContain('not already in use');
    expect(b.hint).toContain('36 - 255 characters');
  });

  it("a refusal of the subgraph's own credentials is never a rejection (it stays an UpstreamAuthError)", () => {
    for (const code of PARTNER_CREDENTIAL_CODES) {
      expect(toRejection(new UpstreamAuthError({ ...CALL, status: 401 }, code))).toBeNull();
      expect(toRejection(new UpstreamStatusError({ ...CALL, status: 400 }, erBody(code), code))).toBeNull();
    }
  });

  it('an unknown ER code gets a fixed text, not the body text', () => {
    const rejection = toRejection(new UpstreamStatusError({ ...CALL, status: 400 }, erBody('ER123'), 'ER123'))!;
    expect(rejection).toMatchObject({ providerCode: 'ER123', message: 'BTC Direct refused the request.', hint: null, field: null });
    expect(JSON.stringify(rejection)).not.toContain(EMAIL);
    expect(toRejection(new UpstreamStatusError({ ...CALL, status: 409 }, { message: `taken by ${EMAIL}` }))).toMatchObject({ providerCode: 'http_409', message: 'BTC Direct refused the request.' });
  });

  it('leaves code-less auth failures, code-less 5xx, other providers and other errors alone', () => {
    expect(toRejection(new UpstreamAuthError({ ...CALL, status: 401 }))).toBeNull();
    expect(toRejection(new UpstreamStatusError({ ...CALL, status: 500 }, undefined))).toBeNull();
    expect(toRejection(new UpstreamStatusError({ ...CALL, provider: 'verifa', status: 400 }, erBody('ER706'), 'ER706'))).toBeNull();
    expect(toRejection(new Error('ER706'))).toBeNull();
  });
});
