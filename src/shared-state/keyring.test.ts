import { randomBytes } from 'node:crypto';
import { SealedValueUnreadableError } from './errors';
import { Keyring } from './keyring';

const K1 = randomBytes(32);
const K2 = randomBytes(32);

describe('Keyring: key names', () => {
  const keys = new Keyring('identity:', K1);

  it('names a record by kind and an HMAC of its id: no id, email or name in the key', () => {
    const name = keys.name('rec:auth0', 'alice@example.com');
    expect(name.startsWith('identity:rec:auth0:')).toBe(true);
    expect(name).not.toContain('alice');
    expect(name).not.toContain('example');
    expect(name).toMatch(/^identity:rec:auth0:[A-Za-z0-9_-]{43}$/);
  });

  it('gives the same id the same name, other ids, kinds and keys other names', () => {
    expect(keys.name('rec:auth0', 'a')).toBe(new Keyring('identity:', K1).name('rec:auth0', 'a'));
    expect(keys.name('rec:auth0', 'a')).not.toBe(keys.name('rec:auth0', 'b'));
    expect(keys.name('rec:auth0', 'a').split(':').pop()).not.toBe(keys.name('rec:verifa', 'a').split(':').pop());
    expect(keys.name('rec:auth0', 'a')).not.toBe(new Keyring('identity:', K2).name('rec:auth0', 'a'));
    expect(new Keyring('staging:', K1).name('rec:auth0', 'a').startsWith('staging:rec:auth0:')).toBe(true);
  });

  it('gives the names under the older keys for lookups across a rotation', () => {
    const rotated = new Keyring('identity:', K2, [K1]);
    expect(rotated.olderNames('idem', 's')).toEqual([keys.name('idem', 's')]);
    expect(rotated.olderTags('fp')).toEqual([keys.tag('fp')]);
  });

  it('refuses kinds and plain names that could carry data', () => {
    expect(() => keys.name('Alice Smith', 'x')).toThrow();
    expect(() => keys.plainName('budget', 'alice@example.com')).toThrow();
    expect(keys.plainName('budget', 'auth0')).toBe('identity:budget:auth0');
  });
});

describe('Keyring: sealed values (AES-256-GCM)', () => {
  const keys = new Keyring('identity:', K1);
  const record = { email: 'alice@example.com', displayName: 'Alice Example', birthDate: '1990-04-01', ssnLast4: '1234' };

  it('round-trips JSON and leaves nothing readable in the sealed bytes', () => {
    const sealed = keys.seal(record, 'n');
    expect(keys.open(sealed, 'n')).toEqual(record);
    const text = sealed.toString('latin1');
    for (const plain of ['alice', 'Alice', '1990-04-01', 'example.com']) expect(text).not.toContain(plain);
  });

  it('uses a fresh IV every time', () => {
    expect(keys.seal(record, 'n').equals(keys.seal(record, 'n'))).toBe(false);
  });

  it('does not open under another name, altered, truncated or under an unknown key', () => {
    const sealed = keys.seal(record, 'n');
    expect(() => keys.open(sealed, 'other')).toThrow(SealedValueUnreadableError);
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] ^= 1;
    expect(() => keys.open(altered, 'n')).toThrow(SealedValueUnreadableError);
    expect(() => keys.open(sealed.subarray(0, 10), 'n')).toThrow(SealedValueUnreadableError);
    expect(() => new Keyring('identity:', K2).open(sealed, 'n')).toThrow(SealedValueUnreadableError);
  });

  it('opens values sealed under a decryption key after a rotation, and seals with the new key', () => {
    const before = keys.seal(record, 'n');
    const rotated = new Keyring('identity:', K2, [K1]);
    expect(rotated.open(before, 'n')).toEqual(record);
    const after = rotated.seal(record, 'n');
    expect(() => keys.open(after, 'n')).toThrow(SealedValueUnreadableError);
    expect(new Keyring('identity:', K2).open(after, 'n')).toEqual(record);
  });

  it('says nothing about the value in its errors', () => {
    const sealed = keys.seal(record, 'n');
    try {
      new Keyring('identity:', K2).open(sealed, 'n');
    } catch (error) {
      expect((error as Error).message).not.toMatch(/alice|1990|identity:/i);
      expect((error as SealedValueUnreadableError).retryable).toBe(false);
    }
    expect.assertions(2);
  });
});
