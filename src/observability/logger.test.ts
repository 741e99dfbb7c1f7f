import pino from 'pino';
import { PERSONAL_DATA_KEYS, REDACTED_PATHS, censorPersonalData, createLogger } from './logger';

function capture(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

describe('log redaction', () => {
  it('censors credentials at their documented paths', () => {
    const { logger, lines } = capture();
    logger.info({ token: 't0k3n', headers: { authorization: 'Bearer abc', 'x-api-key': 'key', accept: 'application/json' }, variables: { id: 'x' } }, 'call');
    expect(lines[0]).toMatchObject({ token: '[Redacted]', headers: { authorization: '[Redacted]', 'x-api-key': '[Redacted]', accept: 'application/json' }, variables: '[Redacted]' });
  });

  it('censors personal data one level down under any key, and keeps the rest', () => {
    const { logger, lines } = capture();
    logger.warn({ user: { email: 'ann@example.com', phone: '+31 6 1234', nickname: 'ann' }, record: { birthDate: '1990-01-01', address: { city: 'Utrecht' } } }, 'mapped');
    expect(lines[0]).toMatchObject({
      user: { email: '[Redacted]', phone: '[Redacted]', nickname: 'ann' },
      record: { birthDate: '[Redacted]', address: '[Redacted]' },
      msg: 'mapped',
    });
    expect(JSON.stringify(lines[0])).not.toMatch(/ann@example|1990|Utrecht|1234/);
  });

  it("never changes the caller's object, frozen or not", () => {
    const user = Object.freeze({ email: 'ann@example.com', nickname: 'ann' });
    const entry = { user };
    const { logger, lines } = capture();
    logger.info(entry, 'frozen');
    expect(lines[0].user).toEqual({ email: '[Redacted]', nickname: 'ann' });
    expect(entry.user).toBe(user);
    expect(user.email).toBe('ann@example.com');
  });

  it('keeps an Error an Error (type, message, stack) while censoring its personal properties', () => {
    const error = Object.assign(new Error('lookup failed'), { email: 'ann@example.com', code: 'E1' });
    const { logger, lines } = capture();
    logger.error({ err: error }, 'failed');
    expect(lines[0].err).toMatchObject({ type: 'Error', message: 'lookup failed', email: '[Redacted]', code: 'E1' });
    expect((lines[0].err as { stack: string }).stack).toContain('lookup failed');
    expect(error.email).toBe('ann@example.com');
  });

  it('answers the very object when it holds no personal data (no copy on the usual line)', () => {
    const entry = { requestId: 'r1', operation: 'Q', errorCodes: [], errors: [{ code: 'X', path: ['a'] }] };
    expect(censorPersonalData(entry)).toBe(entry);
  });

  it("censors what pino's own `*.key` wildcard paths censored", () => {
    const viaPino: Record<string, unknown>[] = [];
    const wildcard = pino({ redact: { paths: [...PERSONAL_DATA_KEYS].map((key) => `*.${key}`), censor: '[Redacted]' } }, { write: (line: string) => void viaPino.push(JSON.parse(line)) });
    const samples: Record<string, unknown>[] = [
      { a: { email: 'e', ssn: '1', keep: 1 }, b: 'plain', c: 7 },
      { list: [{ email: 'in an array: neither censors it' }], nested: { deeper: { email: 'two levels: neither censors it' } } },
      { email: 'top level: neither censors it', x: { linkWith: 'token', link_with: 't', document_number: 'D', documentNumber: 'D', phoneNumber: 'p' } },
      { none: null, empty: {}, y: { dateOfBirth: 'd', date_of_birth: 'd', other: true } },
    ];
    samples.forEach((sample, i) => {
      wildcard.info(sample);
      const ours = JSON.parse(JSON.stringify(censorPersonalData(sample))) as Record<string, unknown>;
      for (const key of Object.keys(sample)) expect(ours[key]).toEqual(viaPino[i][key]);
    });
  });

  it('leaves no wildcard in the pino paths (they are what made a log line costly)', () => {
    expect(REDACTED_PATHS.filter((path) => path.includes('*'))).toEqual([]);
  });
});
