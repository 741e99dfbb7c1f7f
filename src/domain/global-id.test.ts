import { GraphQLError } from 'graphql';
import { BadUserInputError } from '../errors/domain-errors';
import { veratoGlobalId } from '../providers/verato/id';
import { GLOBAL_ID_FORM, formatGlobalId, parseGlobalId, tryParseGlobalId } from './global-id';

const HEX64 = 'a1c3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3';

/** Runs parseGlobalId and returns the error it throws (fails the test if it does not throw). */
function rejectionOf(raw: string, argumentName?: string): BadUserInputError {
  try {
    parseGlobalId(raw, argumentName);
  } catch (error) {
    expect(error).toBeInstanceOf(BadUserInputError);
    return error as BadUserInputError;
  }
  throw new Error(`parseGlobalId(${JSON.stringify(raw)}) was accepted`);
}

describe('parseGlobalId: accepted forms', () => {
  it('reads a Verato source record id as source + native id', () => {
    expect(parseGlobalId('verato:CRM:12345')).toEqual({ provider: 'verato', nativeId: 'CRM:12345', source: 'CRM', sourceId: '12345' });
  });

  it('splits a Verato id at the first colon only (native ids may hold colons, source codes may not)', () => {
    expect(parseGlobalId('verato:AUTH0:auth0|abc:def')).toEqual({ provider: 'verato', nativeId: 'AUTH0:auth0|abc:def', source: 'AUTH0', sourceId: 'auth0|abc:def' });
  });

  it('reads a Verifa identity id', () => {
    expect(parseGlobalId('verifa:idn_abc123')).toEqual({ provider: 'verifa', nativeId: 'idn_abc123' });
  });

  it('reads an Auth0 user id as connection + user id', () => {
    expect(parseGlobalId('auth0:google-oauth2|1150')).toEqual({ provider: 'auth0', nativeId: 'google-oauth2|1150', connection: 'google-oauth2', userId: '1150' });
    expect(parseGlobalId('auth0:auth0|65a1a1a1a1a1a1a1a1a1a001')).toMatchObject({ connection: 'auth0', userId: '65a1a1a1a1a1a1a1a1a1a001' });
  });

  it('reads a BTC Direct identifier of 64 hex characters, and the 36 and 255 character bounds', () => {
    expect(parseGlobalId(`btcdirect:${HEX64}`)).toEqual({ provider: 'btcdirect', nativeId: HEX64 });
    expect(parseGlobalId(`btcdirect:${'a'.repeat(36)}`).nativeId).toHaveLength(36);
    expect(parseGlobalId(`btcdirect:${'Z9'.repeat(127)}a`).nativeId).toHaveLength(255);
  });

  it('round-trips through formatGlobalId / veratoGlobalId', () => {
    expect(formatGlobalId('verifa', 'idn_abc123')).toBe('verifa:idn_abc123');
    expect(veratoGlobalId('CRM', '12345')).toBe('verato:CRM:12345');
    for (const raw of ['verato:CRM:12345', 'verifa:idn_abc123', 'auth0:google-oauth2|1150', `btcdirect:${HEX64}`]) {
      const parsed = parseGlobalId(raw);
      expect(formatGlobalId(parsed.provider, parsed.nativeId)).toBe(raw);
    }
  });
});

/** Malformed ids of the tests below, collected as their tables are declared. */
const MALFORMED: string[] = [];

const ACCEPTED = [
  'verato:CRM:12345',
  'verato:AUTH0:auth0|abc:def',
  'verifa:idn_abc123',
  'auth0:google-oauth2|1150',
  'auth0:auth0|65a1a1a1a1a1a1a1a1a1a001',
  'auth0:email|alice.martin@example.com',
  'auth0:auth0|...',
  'auth0:auth0|.hidden',
  `btcdirect:${HEX64}`,
  `btcdirect:${'a'.repeat(36)}`,
  `btcdirect:${'Z9'.repeat(127)}a`,
];

describe('parseGlobalId: malformed forms', () => {
  const cases: [label: string, raw: string, problem: string][] = [
    ['empty', '', 'it is empty'],
    ['no provider prefix', 'idn_abc123', 'it has no provider prefix'],
    ['unknown provider', 'okta:00u1', 'unknown provider "okta"'],
    ['provider in capitals', 'VERIFA:idn_abc123', 'unknown provider'],
    ['empty provider', ':idn_abc123', 'unknown provider'],
    ['Verato id without native part', 'verato:CRM', 'a Verato id is "verato:<SOURCE>:<native id>"'],
    ['Verato id with empty source', 'verato::12345', 'a Verato id is'],
    ['Verato id with empty native id', 'verato:CRM:', 'a Verato id is'],
    ['Verato source with a space', 'verato:C RM:12345', 'a Verato id is'],
    ['Verato native id with a quote', 'verato:CRM:12"345', 'a Verato id is'],
    ['Verifa id without idn_ prefix', 'verifa:abc123', 'a Verifa id is "verifa:idn_<letters or digits>"'],
    ['Verifa id with nothing after idn_', 'verifa:idn_', 'a Verifa id is'],
    ['Verifa id with punctuation', 'verifa:idn_abc-123', 'a Verifa id is'],
    ['Auth0 id without connection', 'auth0:1150', 'an Auth0 id is "auth0:<connection>|<user id>"'],
    ['Auth0 id with empty connection', 'auth0:|1150', 'an Auth0 id is'],
    ['Auth0 id with empty user id', 'auth0:google-oauth2|', 'an Auth0 id is'],
    ['Auth0 connection in capitals', 'auth0:Google|1150', 'an Auth0 id is'],
    ['Auth0 id with two pipes', 'auth0:google-oauth2|11|50', 'an Auth0 id is'],
    ['BTC Direct identifier too short', `btcdirect:${'a'.repeat(35)}`, 'a BTC Direct id is "btcdirect:<36-255 letters or digits>"'],
    ['BTC Direct identifier too long', `btcdirect:${'a'.repeat(256)}`, 'a BTC Direct id is'],
    ['BTC Direct identifier with a dash', `btcdirect:${HEX64.slice(0, 40)}-${HEX64.slice(41)}`, 'a BTC Direct id is'],
    ['too long', `verato:CRM:${'1'.repeat(600)}`, 'it is longer than 512 characters'],
  ];

  const pathUnsafe: [label: string, raw: string, problem: string][] = [
    ['Auth0 user id "." (a dot segment)', 'auth0:auth0|.', 'may not be "." or ".."'],
    ['Auth0 user id ".." (a dot segment)', 'auth0:google-oauth2|..', 'may not be "." or ".."'],
    ['Auth0 user id with a slash', 'auth0:auth0|abc/../def', 'may not be "." or ".."'],
    ['Auth0 user id with a backslash', 'auth0:auth0|abc\\def', 'an Auth0 id is'],
    ['Auth0 user id with an encoded slash', 'auth0:auth0|abc%2Fdef', 'may not be "." or ".."'],
    ['Auth0 user id with encoded dots', 'auth0:auth0|%2e%2e', 'may not be "." or ".."'],
    ['Auth0 user id with a control character', 'auth0:auth0|abc\u0000def', 'may not be "." or ".."'],
    ['Auth0 user id with DEL', 'auth0:auth0|abc\u007fdef', 'may not be "." or ".."'],
  ];
  cases.push(...pathUnsafe);
  MALFORMED.push(...cases.map(([, raw]) => raw));

  it.each(cases)('%s → BAD_USER_INPUT naming the problem and the expected form', (_label, raw, problem) => {
    const error = rejectionOf(raw);
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(error.message).toContain(problem);
    expect(error.message).toContain(`Expected ${GLOBAL_ID_FORM}.`);
    expect(error.message).toContain('"<provider>:<nativeId>"');
    expect(error.message).not.toContain('\n');
  });

  it('keeps dots that are not a whole path segment in an Auth0 user id (e.g. an e-mail)', () => {
    expect(parseGlobalId('auth0:email|alice.martin@example.com')).toMatchObject({ userId: 'alice.martin@example.com' });
    expect(parseGlobalId('auth0:auth0|...')).toMatchObject({ userId: '...' });
    expect(parseGlobalId('auth0:auth0|.hidden')).toMatchObject({ userId: '.hidden' });
  });

  it('refuses the dot segments a URL parser folds out of an Auth0 unlink path', () => {
    // What the transport would build for an unlink: a dot segment removes the secondary's part.
    const unlinkPath = (connection: string, userId: string) =>
      new URL(`https://tenant.example/api/v2/users/p/identities/${encodeURIComponent(connection)}/${encodeURIComponent(userId)}`).pathname;
    expect(unlinkPath('auth0', '..')).toBe('/api/v2/users/p/identities/');
    for (const userId of ['.', '..']) expect(tryParseGlobalId(`auth0:auth0|${userId}`)).toBeNull();
  });

  it('names the argument it was given (e.g. an element of ids)', () => {
    const error = rejectionOf('nope', 'ids[2]');
    expect(error.message).toContain('"ids[2]"');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'ids[2]' });
  });

  it('treats a non-string value as empty instead of crashing', () => {
    expect(rejectionOf(undefined as unknown as string).message).toContain('it is empty');
  });

  describe('never echoes the input', () => {
    const email = 'alice.martin@example.com';
    const odd: [label: string, raw: string, mustNotContain: string][] = [
      ['an email passed as id', email, email],
      ['an email behind a made-up prefix', `mailto:${email}`, email],
      ['an email behind a known provider', `verifa:${email}`, email],
      ['an email as Verato native id with a space', `verato:CRM:${email} x`, email],
      ['an email as Auth0 user id', `auth0:${email}`, email],
      ['an email as BTC Direct identifier', `btcdirect:${email}`, email],
      ['markup as provider', '<script>alert(1)</script>:x', '<script>'],
      ['a long provider name', `${'p'.repeat(40)}:x`, 'p'.repeat(21)],
      ['a very long id', `verifa:idn_${'Q'.repeat(1000)}`, 'Q'.repeat(20)],
      ['a newline in the id', 'verifa:idn_ab\nforged log line', 'forged log line'],
    ];
    MALFORMED.push(...odd.map(([, raw]) => raw));
    it.each(odd)('%s', (_label, raw, mustNotContain) => {
      const error = rejectionOf(raw);
      expect(error.message).not.toContain(mustNotContain);
      expect(JSON.stringify(error)).not.toContain(mustNotContain);
      expect(error.message).not.toContain('\n');
    });
  });
});

describe('tryParseGlobalId', () => {
  /** Every id this file tests: accepted by one parser exactly when accepted by the other, with the same result. */
  const everyCase = () => [...ACCEPTED, ...MALFORMED, undefined as unknown as string, 'verifa:', 'btcdirect:', 'auth0:|', 'verato::', ':'];

  it('accepts and refuses exactly what parseGlobalId does, with the same parsed id', () => {
    expect(MALFORMED.length).toBeGreaterThan(30);
    for (const raw of everyCase()) {
      let thrown: unknown = null;
      let parsed: unknown = null;
      try {
        parsed = parseGlobalId(raw);
      } catch (error) {
        thrown = error;
      }
      if (thrown) expect(thrown).toBeInstanceOf(BadUserInputError);
      expect({ raw, result: tryParseGlobalId(raw) }).toEqual({ raw, result: thrown ? null : parsed });
    }
    for (const raw of ACCEPTED) expect(tryParseGlobalId(raw)).not.toBeNull();
  });

  it('holds over every one-character edit of the accepted ids (deletions, and insertions of grammar-relevant characters)', () => {
    const alphabet = [':', '|', '/', '\\', '%', '.', ' ', '"', "'", '-', '_', 'a', 'Z', '9', '\u0000', '\n'];
    let checked = 0;
    for (const id of ACCEPTED) {
      for (let i = 0; i <= id.length; i++) {
        const variants = [id.slice(0, i) + id.slice(i + 1), ...alphabet.map((c) => id.slice(0, i) + c + id.slice(i))];
        for (const raw of variants) {
          let expected: unknown;
          try {
            expected = parseGlobalId(raw);
          } catch {
            expected = null;
          }
          if (tryParseGlobalId(raw) === null ? expected !== null : JSON.stringify(tryParseGlobalId(raw)) !== JSON.stringify(expected)) {
            throw new Error(`the parsers disagree on ${JSON.stringify(raw)}`);
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('builds no error on the way to null (no exception on the provider-data path)', () => {
    const spy = jest.spyOn(Error, 'captureStackTrace');
    try {
      for (const raw of MALFORMED) expect(tryParseGlobalId(raw)).toBeNull();
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('answers null for a malformed id and the parsed id otherwise', () => {
    expect(tryParseGlobalId('not an id')).toBeNull();
    expect(tryParseGlobalId('verato:CRM')).toBeNull();
    expect(tryParseGlobalId('verifa:idn_abc123')).toEqual({ provider: 'verifa', nativeId: 'idn_abc123' });
  });
});
