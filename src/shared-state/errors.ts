/**
 * What can go wrong with the shared state, one subclass per failure kind. Messages name the
 * operation only: never a key name, a value, a record id or the Redis URL (it may hold a password).
 * The underlying error, when there is one, is kept as the (non-enumerable) `cause`.
 */
export abstract class SharedStateError extends Error {
  abstract readonly kind: 'unavailable' | 'unreadable';
  /** Whether the same operation may succeed later. */
  abstract readonly retryable: boolean;

  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Redis could not answer: not connected (commands are not queued while disconnected), the
 * command timed out, or the connection broke. Retryable: the connection comes back on its own.
 * Mutations with an idempotency key are refused as retryable on it; reads treat it as a miss.
 */
export class SharedStateUnavailableError extends SharedStateError {
  readonly kind = 'unavailable';
  readonly retryable = true;
  constructor(operation: string, cause?: unknown) {
    super(`shared state unavailable (${operation})`, { cause });
  }
}

/**
 * A stored value could not be opened: sealed under a key this process does not hold (a rotation
 * without CACHE_DECRYPTION_KEYS, or replicas with different keys), or altered. Not retryable.
 */
export class SealedValueUnreadableError extends SharedStateError {
  readonly kind = 'unreadable';
  readonly retryable = false;
  constructor(reason: string) {
    super(`stored value unreadable (${reason})`);
  }
}
