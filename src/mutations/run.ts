import type { Context } from '../context';
import { GLOBAL_ID_FORM, tryParseGlobalId, type GlobalId } from '../domain/global-id';
import type { VeratoSource } from '../providers/verato/wire';
import { idempotencyScope, inputFingerprint, isValidIdempotencyKey } from './idempotency';
import { toUserError, userError, type UserErrorCode, type UserErrorRecord } from './user-errors';

/** Every mutation outcome is plain data (it may be stored for idempotent replays). */
export interface Outcome {
  userErrors: UserErrorRecord[];
}

/** How a write may be sent: retried only when a key makes a repeat harmless; Verifa gets the key itself. */
export interface WriteOptions {
  retry: 'safe' | 'never';
  /** Idempotency-Key for providers that take one (Verifa), derived from caller + mutation + key. */
  upstreamKey?: string;
}

export interface Route<O extends Outcome> {
  /** Verifa keeps idempotency itself; for the others this subgraph's store does. */
  upstreamIdempotency: boolean;
  /** Global ids whose cached reads the write makes stale. */
  touches: string[];
  execute(options: WriteOptions): Promise<O>;
}

/**
 * A route's refusal found before it sent its write (a read showed there is nothing to do): the
 * runner returns `userErrors` and releases the idempotency key, since nothing was written.
 */
export class RefusedBeforeWriting extends Error {
  constructor(readonly userErrors: UserErrorRecord[]) {
    super('refused before writing');
    this.name = 'RefusedBeforeWriting';
  }
}

/**
 * Provider refusals of the request as sent (its input, the caller's token, ownership): checked
 * before writing, so nothing was written, and the same key may be used again with a fixed request.
 */
const REFUSED_AS_SENT: ReadonlySet<UserErrorCode> = new Set(['INVALID_INPUT', 'USER_TOKEN_INVALID', 'INVALID_LINK_TOKEN', 'FORBIDDEN']);

/**
 * Runs one routed write with its idempotency rules, turns provider refusals into user errors,
 * and clears the loaders of what it touched so the payload reads fresh data.
 */
export async function runRoute<O extends Outcome>(
  ctx: Context,
  mutation: string,
  input: { idempotencyKey?: string | null },
  route: Route<O>,
  onRefusal: (userErrors: UserErrorRecord[]) => O,
): Promise<O> {
  const key = input.idempotencyKey ?? undefined;
  if (key !== undefined && !isValidIdempotencyKey(key)) {
    return onRefusal([userError('INVALID_INPUT', 'idempotencyKey must be 1-255 printable ASCII characters without spaces.', { field: 'idempotencyKey' })]);
  }
  const scope = key === undefined ? undefined : idempotencyScope(ctx.caller.subject, mutation, key);
  const useStore = scope !== undefined && !route.upstreamIdempotency;

  if (useStore) {
    const claim = await ctx.idempotency.begin(scope, inputFingerprint(input));
    if (claim.state === 'replay') {
      // The write happened in an earlier request: read what it touched as fresh as after the write.
      ctx.loaders.forget(route.touches);
      return claim.outcome as O;
    }
    if (claim.state === 'mismatch') {
      return onRefusal([userError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used with different input.', { field: 'idempotencyKey' })]);
    }
    if (claim.state === 'in_progress') {
      return onRefusal([userError('IN_PROGRESS', 'A request with this idempotency key is still running; retry shortly.', { field: 'idempotencyKey', retryable: true })]);
    }
  }

  let outcome: O;
  let wroteNothing = false;
  try {
    outcome = await route.execute({ retry: scope ? 'safe' : 'never', upstreamKey: scope && route.upstreamIdempotency ? scope : undefined });
  } catch (error) {
    if (error instanceof RefusedBeforeWriting) {
      wroteNothing = true;
      outcome = onRefusal(error.userErrors);
    } else {
      const refusal = toUserError(error);
      if (!refusal) {
        // No answer (or an unexpected failure): whether the write landed is unknown, so the caller may retry with the key.
        if (useStore) await ctx.idempotency.release(scope);
        throw error;
      }
      outcome = onRefusal([refusal]);
    }
  } finally {
    ctx.loaders.forget(route.touches);
  }
  if (useStore) {
    // Kept only when a write was sent and its answer stays true; a refusal that may pass later
    // (pending review, a general provider error) or of the request as sent is not pinned to the key.
    const releases = wroteNothing || outcome.userErrors.some((error) => error.retryable || REFUSED_AS_SENT.has(error.code));
    if (releases) await ctx.idempotency.release(scope);
    else await ctx.idempotency.complete(scope, outcome);
  }
  return outcome;
}

/** Parses a mutation's id argument; a malformed one becomes an INVALID_INPUT user error. */
export function parseIdArgument(raw: string, field: string): GlobalId | UserErrorRecord {
  return tryParseGlobalId(raw) ?? userError('INVALID_INPUT', `${field} is not a valid identity id. Expected ${GLOBAL_ID_FORM}.`, { field });
}

/** Tells a user error from what a step returns when it succeeds (a parsed id, a route). */
export function isUserError<T extends object>(value: T | UserErrorRecord): value is UserErrorRecord {
  return 'code' in value && 'message' in value;
}

/** The two ids of a two-identity mutation, parsed; the same id twice is SAME_IDENTITY. */
export function parsePair(input: { primaryId: string; secondaryId: string }): [GlobalId, GlobalId] | UserErrorRecord {
  const primary = parseIdArgument(input.primaryId, 'primaryId');
  if (isUserError(primary)) return primary;
  const secondary = parseIdArgument(input.secondaryId, 'secondaryId');
  if (isUserError(secondary)) return secondary;
  if (input.primaryId === input.secondaryId) return userError('SAME_IDENTITY', 'primaryId and secondaryId are the same identity.', { field: 'secondaryId' });
  return [primary, secondary];
}

/** The Verato source record that stands for an identity (through VERATO_SOURCE_MAP for other providers). */
export function veratoSourceOf(ctx: Context, id: GlobalId): VeratoSource {
  return id.provider === 'verato' ? { name: id.source, id: id.sourceId } : { name: ctx.clients.sourceMap.sourceFor(id.provider), id: id.nativeId };
}

export function unsupported(mutation: string, supported: string): UserErrorRecord {
  return userError('UNSUPPORTED_OPERATION', `${mutation} cannot do this combination of providers. Supported: ${supported}.`);
}
