import type { IdempotencyStore } from '../../src/mutations/idempotency';

/**
 * The behaviour every IdempotencyStore must have, as one suite run against each implementation.
 * `replicas()` gives two stores that share state: two replicas on one Redis, or the same in-memory
 * store twice (one process). Scopes are unique per test, so a store may be shared between tests.
 */
export function describeIdempotencyBehaviour(name: string, replicas: () => [IdempotencyStore, IdempotencyStore]): void {
  let counter = 0;
  const scope = () => `scope-${name}-${++counter}-${Math.random().toString(36).slice(2)}`;

  describe(`${name}: IdempotencyStore behaviour`, () => {
    it('claims a new key, reports it in progress, then replays its outcome and refuses other input', async () => {
      const [store] = replicas();
      const s = scope();
      expect(await store.begin(s, 'fp-1')).toEqual({ state: 'claimed' });
      expect(await store.begin(s, 'fp-1')).toEqual({ state: 'in_progress' });
      expect(await store.begin(s, 'fp-2')).toEqual({ state: 'mismatch' });
      const outcome = { primary: { id: 'auth0:auth0|1', linked: ['a', 'b'] }, userErrors: [], note: null, n: 3 };
      await store.complete(s, outcome);
      expect(await store.begin(s, 'fp-1')).toEqual({ state: 'replay', outcome });
      expect(await store.begin(s, 'fp-1')).toEqual({ state: 'replay', outcome });
      expect(await store.begin(s, 'fp-2')).toEqual({ state: 'mismatch' });
    });

    it('frees a released key, so the same key works again, even with other input', async () => {
      const [store] = replicas();
      const s = scope();
      expect(await store.begin(s, 'fp-1')).toEqual({ state: 'claimed' });
      await store.release(s);
      expect(await store.begin(s, 'fp-2')).toEqual({ state: 'claimed' });
      await store.complete(s, 'second');
      expect(await store.begin(s, 'fp-2')).toEqual({ state: 'replay', outcome: 'second' });
    });

    it('keeps nothing for a key completed without a claim', async () => {
      const [store] = replicas();
      const s = scope();
      await store.complete(s, 'never claimed');
      expect(await store.begin(s, 'fp')).toEqual({ state: 'claimed' });
    });

    it('keeps scopes apart', async () => {
      const [store] = replicas();
      const [a, b] = [scope(), scope()];
      expect(await store.begin(a, 'fp')).toEqual({ state: 'claimed' });
      expect(await store.begin(b, 'fp')).toEqual({ state: 'claimed' });
      await store.complete(a, 'A');
      expect(await store.begin(b, 'fp')).toEqual({ state: 'in_progress' });
      expect(await store.begin(a, 'fp')).toEqual({ state: 'replay', outcome: 'A' });
    });

    it('gives exactly one claim to requests arriving at the same instant on two replicas', async () => {
      const [one, two] = replicas();
      const s = scope();
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).begin(s, 'fp')));
      expect(claims.filter((c) => c.state === 'claimed')).toHaveLength(1);
      expect(claims.filter((c) => c.state === 'in_progress')).toHaveLength(19);
    });

    it('replays on the other replica what one completed, and refuses other input there too', async () => {
      const [one, two] = replicas();
      const s = scope();
      expect(await one.begin(s, 'fp')).toEqual({ state: 'claimed' });
      expect(await two.begin(s, 'fp')).toEqual({ state: 'in_progress' });
      await one.complete(s, { done: true });
      expect(await two.begin(s, 'fp')).toEqual({ state: 'replay', outcome: { done: true } });
      expect(await two.begin(s, 'other')).toEqual({ state: 'mismatch' });
    });

    it('lets only the claiming attempt release a key', async () => {
      const [one, two] = replicas();
      const s = scope();
      expect(await one.begin(s, 'fp')).toEqual({ state: 'claimed' });
      expect(await two.begin(s, 'fp')).toEqual({ state: 'in_progress' });
      await one.release(s);
      expect(await two.begin(s, 'fp')).toEqual({ state: 'claimed' });
      expect(await one.begin(s, 'fp')).toEqual({ state: 'in_progress' });
    });
  });
}
