/** What a POST answered, kept for replay. */
export interface StoredReply {
  status: number;
  body: unknown;
}

export type IdempotencyLookup =
  | { kind: 'new' }
  | { kind: 'replay'; reply: StoredReply }
  | { kind: 'mismatch' };

interface Entry {
  fingerprint: string;
  reply: StoredReply;
  storedAt: number;
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * Idempotency-Key replies, scoped to the API key and cached 24 h from first use. A key reused with
 * the same request fingerprint replays the stored reply; with another fingerprint it is a mismatch.
 */
export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  lookup(apiKey: string, idempotencyKey: string, fingerprint: string, now = Date.now()): IdempotencyLookup {
    const entry = this.entries.get(scopedKey(apiKey, idempotencyKey));
    if (!entry || now - entry.storedAt >= IDEMPOTENCY_TTL_MS) return { kind: 'new' };
    return entry.fingerprint === fingerprint ? { kind: 'replay', reply: entry.reply } : { kind: 'mismatch' };
  }

  remember(apiKey: string, idempotencyKey: string, fingerprint: string, reply: StoredReply, now = Date.now()): void {
    this.entries.set(scopedKey(apiKey, idempotencyKey), { fingerprint, reply, storedAt: now });
  }

  clear(): void {
    this.entries.clear();
  }
}

/** A request's identity for idempotency: method, path and body with object keys in a stable order. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return JSON.stringify([method, path, sortKeys(body)]);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

function scopedKey(apiKey: string, idempotencyKey: string): string {
  return JSON.stringify([apiKey, idempotencyKey]);
}
