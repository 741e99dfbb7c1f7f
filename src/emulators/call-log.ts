import { createHmac, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';

export interface RecordedCall {
  method: string;
  /** Path without the query string, as received (still percent-encoded). */
  path: string;
  /** Credential parameters (see `isCredentialName`) hold a marker instead of their value. */
  query: Record<string, string>;
  /** Credential headers (Authorization, X-API-Key, cookies…) hold a marker instead of their value. */
  headers: Record<string, string>;
  /**
   * Parsed JSON body (credential fields masked), the form fields of a form body (masked likewise),
   * the raw text of any other body, or undefined when empty.
   */
  body: unknown;
  at: number;
}

/** How many calls an emulator remembers (the newest ones). */
export const CALL_LOG_LIMIT = 1_000;

/**
 * The calls an emulator received, for tests and benchmarks: the newest `limit` of them, with
 * every credential replaced by a marker. `entries` is one array for the emulator's lifetime, so
 * it may be held and read at any time. `received` counts every call since the last clear,
 * including those the log no longer holds.
 */
export class CallLog {
  readonly entries: RecordedCall[] = [];
  private receivedSinceClear = 0;

  constructor(readonly limit = CALL_LOG_LIMIT) {}

  get received(): number {
    return this.receivedSinceClear;
  }

  record(call: RecordedCall): void {
    this.receivedSinceClear++;
    this.entries.push(call);
    // At most one over the limit, so one shift keeps the bound (cheap at this size).
    if (this.entries.length > this.limit) this.entries.shift();
  }

  clear(): void {
    this.entries.length = 0;
    this.receivedSinceClear = 0;
  }
}

/**
 * Header, query and body field names that carry a credential: Authorization, Proxy-Authorization,
 * User-Authorization, X-API-Key / X-Api-Key, cookies, and any name mentioning a token, secret,
 * password or API key (client_secret, password, refresh_token…). `link_with` is Auth0's ID-token
 * proof of account ownership.
 */
export function isCredentialName(name: string): boolean {
  return /authorization|cookie|token|secret|password|api[-_]?key|^link_with$|assertion/i.test(name);
}

// One key per process, never exported: markers can be compared within the process (tests) but not
// reversed or checked against a guess by anyone reading GET /__emulator/calls.
const MARKER_KEY = randomBytes(32);
/** A client sends the same credential on every call: its marker is computed once (an HMAC per call was a twentieth of the emulators' CPU under load). */
const markers = new LRUCache<string, string>({ max: 256 });

/**
 * What the call log keeps of a credential: its scheme (`Bearer`, `Basic`) if it has one, and a
 * keyed fingerprint, so tests can tell which credential was sent without the log holding it.
 */
export function credentialMarker(value: string): string {
  let marker = markers.get(value);
  if (marker === undefined) {
    const scheme = /^([A-Za-z][\w-]*) +\S/.exec(value)?.[1];
    const fingerprint = createHmac('sha256', MARKER_KEY).update(value).digest('hex').slice(0, 16);
    marker = scheme ? `${scheme} [redacted ${fingerprint}]` : `[redacted ${fingerprint}]`;
    markers.set(value, marker);
  }
  return marker;
}

/** Masks credential fields of a JSON value, at any depth. */
export function maskJsonCredentials(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskJsonCredentials);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([name, field]) => [
      name,
      isCredentialName(name) && field !== null && field !== undefined ? markerOf(field) : maskJsonCredentials(field),
    ]),
  );
}

/** Masks credential entries of headers, query parameters or form fields. */
export function maskFields(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, isCredentialName(name) ? credentialMarker(value) : value]));
}

function markerOf(value: unknown): string {
  return credentialMarker(typeof value === 'string' ? value : JSON.stringify(value));
}
