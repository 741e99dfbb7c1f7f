import { DEFAULT_IDEMPOTENCY_MAX_KEYS, IDEMPOTENCY_TTL_MS, InMemoryIdempotencyStore } from './idempotency';

describe('InMemoryIdempotencyStore', () => {
  it(`holds at most ${DEFAULT_IDEMPOTENCY_MAX_KEYS} keys by default, however many are claimed`, async () => {
    const store = new InMemoryIdempotencyStore();
    for (let n = 0; n < DEFAULT_IDEMPOTENCY_MAX_KEYS + 2_500; n++) {
      await store.begin(`scope-${n}`, 'fp');
      await store.complete(`scope-${n}`, { n });
    }
    expect(store.size).toBe(DEFAULT_IDEMPOTENCY_MAX_KEYS);
    // The newest are kept, the oldest went first.
    expect(await store.begin(`scope-${DEFAULT_IDEMPOTENCY_MAX_KEYS + 2_499}`, 'fp')).toEqual({ state: 'replay', outcome: { n: DEFAULT_IDEMPOTENCY_MAX_KEYS + 2_499 } });
    expect(await store.begin('scope-0', 'fp')).toEqual({ state: 'claimed' });
  });

  it('evicts the least recently used key when full, not the oldest claimed', async () => {
    const store = new InMemoryIdempotencyStore({ maxKeys: 3 });
    for (const scope of ['a', 'b', 'c']) {
      await store.begin(scope, 'fp');
      await store.complete(scope, scope);
    }
    await store.begin('a', 'fp'); // a replay uses "a"
    await store.begin('d', 'fp');
    expect(store.size).toBe(3);
    expect(await store.begin('a', 'fp')).toEqual({ state: 'replay', outcome: 'a' });
    expect(await store.begin('b', 'fp')).toEqual({ state: 'claimed' });
  });

  it('replays a completed key, refuses other input, reports a running one, and frees a released one', async () => {
    const store = new InMemoryIdempotencyStore();
    expect(await store.begin('s', 'fp-1')).toEqual({ state: 'claimed' });
    expect(await store.begin('s', 'fp-1')).toEqual({ state: 'in_progress' });
    await store.complete('s', { ok: true });
    expect(await store.begin('s', 'fp-1')).toEqual({ state: 'replay', outcome: { ok: true } });
    expect(await store.begin('s', 'fp-2')).toEqual({ state: 'mismatch' });

    expect(await store.begin('r', 'fp-1')).toEqual({ state: 'claimed' });
    await store.release('r');
    expect(store.size).toBe(1);
    expect(await store.begin('r', 'fp-2')).toEqual({ state: 'claimed' });
  });

  it('forgets a key after its time to live, counted from the claim', async () => {
    let now = 1_000_000;
    const store = new InMemoryIdempotencyStore({ now: () => now });
    await store.begin('s', 'fp');
    now += IDEMPOTENCY_TTL_MS;
    await store.complete('s', 'first');
    expect(await store.begin('s', 'fp')).toEqual({ state: 'replay', outcome: 'first' });
    now += 1;
    expect(await store.begin('s', 'fp')).toEqual({ state: 'claimed' });
  });
});
