import { mutationContext } from '../../test/support/mutation-context';
import { SharedStateUnavailableError } from '../shared-state/errors';
import { InMemoryIdempotencyStore, type IdempotencyStore } from './idempotency';
import { runRoute } from './run';
import type { Outcome, Route } from './route';
import type { UserErrorRecord } from './user-errors';

/** A store whose chosen operations fail as when Redis cannot be reached. */
function storeFailing(...operations: Array<'begin' | 'complete' | 'release'>): IdempotencyStore {
  const inner = new InMemoryIdempotencyStore();
  const fail = (operation: string) => Promise.reject(new SharedStateUnavailableError(`idempotency ${operation}`));
  return {
    begin: (scope, fingerprint) => (operations.includes('begin') ? fail('begin') : inner.begin(scope, fingerprint)),
    complete: (scope, outcome) => (operations.includes('complete') ? fail('complete') : inner.complete(scope, outcome)),
    release: (scope) => (operations.includes('release') ? fail('release') : inner.release(scope)),
  } as IdempotencyStore;
}

function setup(store: IdempotencyStore) {
  const { ctx } = mutationContext();
  const warn = jest.fn();
  Object.assign(ctx, { idempotency: store, logger: { warn, info: jest.fn(), debug: jest.fn(), error: jest.fn() } });
  const execute = jest.fn(async (): Promise<Outcome> => ({ userErrors: [] }));
  const route: Route<Outcome> = { upstreamIdempotency: false, touches: [], execute };
  const refused = (userErrors: UserErrorRecord[]): Outcome => ({ userErrors });
  return { ctx, warn, execute, route, refused };
}

describe('runRoute when the idempotency store cannot be reached', () => {
  it('refuses a keyed mutation as retryable IDEMPOTENCY_UNAVAILABLE before any upstream call', async () => {
    const { ctx, warn, execute, route, refused } = setup(storeFailing('begin'));
    const outcome = await runRoute(ctx, 'linkIdentities', { idempotencyKey: 'k-1' }, route, refused);
    expect(execute).not.toHaveBeenCalled();
    expect(outcome.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_UNAVAILABLE', field: 'idempotencyKey', retryable: true })]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('runs a mutation without a key as before', async () => {
    const { ctx, execute, route, refused } = setup(storeFailing('begin', 'complete', 'release'));
    const outcome = await runRoute(ctx, 'linkIdentities', {}, route, refused);
    expect(execute).toHaveBeenCalledTimes(1);
    expect(outcome.userErrors).toEqual([]);
  });

  it('answers the outcome of a sent write when recording it fails (logged at warn)', async () => {
    const { ctx, warn, execute, route, refused } = setup(storeFailing('complete'));
    const outcome = await runRoute(ctx, 'linkIdentities', { idempotencyKey: 'k-2' }, route, refused);
    expect(execute).toHaveBeenCalledTimes(1);
    expect(outcome.userErrors).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('keeps the original failure when releasing the key after an unanswered write fails', async () => {
    const { ctx, warn, route, refused } = setup(storeFailing('release'));
    const boom = new Error('socket hang up');
    const failing: Route<Outcome> = { ...route, execute: jest.fn().mockRejectedValue(boom) };
    await expect(runRoute(ctx, 'linkIdentities', { idempotencyKey: 'k-3' }, failing, refused)).rejects.toBe(boom);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('lets other store failures through', async () => {
    const { ctx, route, refused } = setup({ ...storeFailing(), begin: () => Promise.reject(new TypeError('bug')) } as IdempotencyStore);
    await expect(runRoute(ctx, 'linkIdentities', { idempotencyKey: 'k-4' }, route, refused)).rejects.toThrow(TypeError);
  });
});
