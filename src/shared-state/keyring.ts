import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { SealedValueUnreadableError } from './errors';

/**
 * Key names and value encryption for everything the subgraph keeps outside its process.
 *
 * - **Names**: `<REDIS_KEY_PREFIX><kind>:<HMAC-SHA256(id)>` (base64url), so no record id, email or
 *   name ever appears in a key. The HMAC key is derived (HKDF-SHA256) from CACHE_ENCRYPTION_KEY, so
 *   it is as secret as that key; `olderNames` gives the names under CACHE_DECRYPTION_KEYS, for the
 *   entries that must outlive a rotation (idempotency keys).
 * - **Values**: AES-256-GCM with a key derived from the same key (a separate HKDF `info`), a random
 *   96-bit IV per value and the key name as additional data (a value copied under another name
 *   does not open). Layout: `[key id (1 byte)][IV (12)][tag (16)][ciphertext]`; the key id is a
 *   byte derived from the key, so a reader tries the matching key first, then every other one.
 */

const VERSION_INFO = 'identity-subgraph/v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;
/** Key names under the current key kept in process (about 200 bytes each). */
const RECENT_NAMES = 10_000;

interface DerivedKey {
  id: number;
  aes: Buffer;
  hmac: Buffer;
}

function derive(master: Buffer): DerivedKey {
  if (master.length !== 32) throw new Error('a cache encryption key is 32 bytes');
  const part = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `${VERSION_INFO}/${info}`, 32));
  return { id: part('key-id')[0], aes: part('values'), hmac: part('key-names') };
}

export class Keyring {
  private readonly current: DerivedKey;
  private readonly older: DerivedKey[];
  private readonly recentNames = new LRUCache<string, string>({ max: RECENT_NAMES });

  /** `encryptionKey` seals and names; `decryptionKeys` (older, newest first) still open and name for reads. */
  constructor(
    readonly prefix: string,
    encryptionKey: Buffer,
    decryptionKeys: readonly Buffer[] = [],
  ) {
    this.current = derive(encryptionKey);
    this.older = decryptionKeys.map(derive);
  }

  /** A name that carries nothing personal by construction (`budget:auth0`, `lock:auth0`). */
  plainName(...parts: string[]): string {
    for (const part of parts) if (!/^[a-z0-9_-]{1,64}$/.test(part)) throw new Error('a plain key name part is a short lowercase word');
    return this.prefix + parts.join(':');
  }

  /** `<prefix><kind>:<HMAC of id>`: the name of the entry for one record (or scope). */
  name(kind: string, id: string): string {
    // Every cache read names its keys: the names of recently read records are kept (in this process only).
    const remembered = `${kind}\u0000${id}`;
    let name = this.recentNames.get(remembered);
    if (name === undefined) this.recentNames.set(remembered, (name = this.nameWith(this.current, kind, id)));
    return name;
  }

  /** The names the same id had under the older keys (CACHE_DECRYPTION_KEYS), newest first. */
  olderNames(kind: string, id: string): string[] {
    return this.older.map((key) => this.nameWith(key, kind, id));
  }

  /** An HMAC of a value that must be compared in the store but not revealed (a fingerprint). */
  tag(value: string): string {
    return createHmac('sha256', this.current.hmac).update(`tag\u0000${value}`).digest('base64url');
  }

  /** Tags of the same value under the older keys. */
  olderTags(value: string): string[] {
    return this.older.map((key) => createHmac('sha256', key.hmac).update(`tag\u0000${value}`).digest('base64url'));
  }

  /** JSON of `value`, encrypted and bound to `name`. */
  seal(value: unknown, name: string): Buffer {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError('only JSON values can be sealed');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.aes, iv);
    cipher.setAAD(Buffer.from(name));
    const body = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([this.current.id]), iv, cipher.getAuthTag(), body]);
  }

  /** The value `seal(value, name)` sealed, under the current key or an older one; else SealedValueUnreadableError. */
  open(sealed: Buffer, name: string): unknown {
    if (sealed.length < HEADER_BYTES) throw new SealedValueUnreadableError('too short');
    const id = sealed[0];
    const keys = [this.current, ...this.older];
    const ordered = [...keys.filter((k) => k.id === id), ...keys.filter((k) => k.id !== id)];
    for (const key of ordered) {
      const text = tryOpen(key, sealed, name);
      if (text !== undefined) {
        try {
          return JSON.parse(text);
        } catch {
          throw new SealedValueUnreadableError('not JSON');
        }
      }
    }
    throw new SealedValueUnreadableError('no key opens it');
  }

  private nameWith(key: DerivedKey, kind: string, id: string): string {
    if (!/^[a-z0-9_-]{1,32}(:[a-z0-9_-]{1,32})*$/.test(kind)) throw new Error('a key kind is a short lowercase word');
    return `${this.prefix}${kind}:${createHmac('sha256', key.hmac).update(`${kind}\u0000${id}`).digest('base64url')}`;
  }
}

function tryOpen(key: DerivedKey, sealed: Buffer, name: string): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.aes, sealed.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(name));
    decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, HEADER_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
