import type { Context } from '../context';
import { GLOBAL_ID_FORM, tryParseGlobalId, type GlobalId } from '../domain/global-id';
import { PROVIDER_MODULES } from '../providers';
import { UpstreamError } from '../providers/http/errors';
import { ProviderRejection } from '../providers/rejection';
import { SharedStateUnavailableError } from '../shared-state/errors';
import { pairRouteFor, type PairMutation, type PairMutations, type PairRequestOf } from './dispatch';
import { idempotencyScope, inputFingerprint, isValidIdempotencyKey, type IdempotencyClaim } from './idempotency';
import { RefusedBeforeWriting, type Outcome, type Route } from './route';
import { isUserError, userError, type RefusalWording, type UserErrorCode, type UserErrorRecord } from './user-errors';

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
    let claim: IdempotencyClaim;
    try {
      claim = await ctx.idempotency.begin(scope, inputFingerprint(input));
    } catch (error) {
      // Without the store the key cannot be deduplicated: refuse before any upstream call rather than send without it.
      if (!(error instanceof SharedStateUnavailableError)) throw error;
      ctx.logger.warn({ mutation, idempotency: 'unavailable' }, 'idempotency store unavailable; keyed mutation refused as retryable');
      return onRefusal([
        userError('IDEMPOTENCY_UNAVAILABLE', 'The idempotency store cannot be reached, so nothing was sent; retry the same request shortly.', {
          field: 'idempotencyKey',
          retryable: true,
        }),
      ]);
    }
    if (claim.state === 'replay') {
      // The write happened in an earlier request, which cleared the shared cache of what it touched.
      await ctx.loaders.forget(route.touches, { shared: false });
      ctx.idempotentReplay = true;
      return { ...(claim.outcome as O), replayed: true };
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
      const refusal = refusalAsUserError(error, route.refusalWording);
      if (!refusal) {
        // No answer (or an unexpected failure): whether the write landed is unknown, so the caller may retry with the key.
        if (useStore) await settle(ctx, mutation, () => ctx.idempotency.release(scope));
        throw error;
      }
      outcome = onRefusal([refusal]);
    }
  } finally {
    // Only a write that may have landed makes the shared records stale (every replica drops them).
    await (wroteNothing ? ctx.loaders.forget(route.touches, { shared: false }) : ctx.loaders.forget(route.touches));
  }
  // A write that went through: the router's cached entries of what it touched are stale on every router.
  if (!wroteNothing && outcome.userErrors.length === 0) await ctx.routerCache.invalidate(route.touches, ctx.call);
  if (useStore) {
    // Kept only when a write was sent and its answer stays true; a refusal that may pass later
    // (pending review, a general provider error) or of the request as sent is not pinned to the key.
    const releases = wroteNothing || outcome.userErrors.some((error) => error.retryable || REFUSED_AS_SENT.has(error.code));
    // The write is decided by now: a store that fails to record it must not turn its answer into an error.
    await settle(ctx, mutation, () => (releases ? ctx.idempotency.release(scope) : ctx.idempotency.complete(scope, outcome)));
  }
  return outcome;
}

/**
 * Records how a claimed key ended; when the store cannot be reached the key's lease simply runs
 * out (a retry then runs again, or meets IN_PROGRESS until then), which is logged, not answered.
 */
async function settle(ctx: Context, mutation: string, record: () => Promise<void>): Promise<void> {
  try {
    await record();
  } catch (error) {
    if (!(error instanceof SharedStateUnavailableError)) throw error;
    ctx.logger.warn({ mutation, idempotency: 'unavailable' }, 'idempotency store unavailable while recording the outcome; the key lease expires on its own');
  }
}

/** Finds the pair's route and runs it; `touches` are the ids whose reads it makes stale. */
export async function runPairRoute<M extends PairMutation>(
  ctx: Context,
  mutation: M,
  request: PairRequestOf<M>,
  touches: string[],
): Promise<PairMutations[M]['outcome']> {
  const route = pairRouteFor(mutation, request.primary, request.secondary);
  if (isUserError(route)) return request.refused([route]);
  const write = route(ctx, request);
  if (isUserError(write)) return request.refused([write]);
  return runRoute(ctx, mutation, request.input, { ...write, touches }, request.refused);
}

/**
 * The one place a provider's refusal becomes a user error, by that provider's refusal mapping;
 * null when `error` is not a business refusal (then it stays a GraphQL error).
 */
function refusalAsUserError(error: unknown, wording: RefusalWording | undefined): UserErrorRecord | null {
  if (!(error instanceof ProviderRejection || error instanceof UpstreamError)) return null;
  const { refusals } = PROVIDER_MODULES[error.provider];
  const rejection = error instanceof ProviderRejection ? error : refusals.rejectionOf(error);
  if (!rejection) return null;
  const mapped = userError(refusals.userErrorCodes[rejection.providerCode] ?? 'PROVIDER_REJECTED', rejection.message, {
    field: rejection.field,
    provider: rejection.provider,
    providerCode: rejection.providerCode,
    hint: rejection.hint,
    retryable: refusals.isRetryable(rejection.providerCode),
  });
  return { ...mapped, ...wording?.[rejection.providerCode] };
}

/** Parses a mutation's id argument; a malformed one becomes an INVALID_INPUT user error. */
export function parseIdArgument(raw: string, field: string): GlobalId | UserErrorRecord {
  return tryParseGlobalId(raw) ?? userError('INVALID_INPUT', `${field} is not a valid identity id. Expected ${GLOBAL_ID_FORM}.`, { field });
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
