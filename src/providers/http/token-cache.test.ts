import { UpstreamCallBudget } from './budget';
import type { CallContext } from './transport';
import { ProviderTokenStore } from '../../shared-state/provider-tokens';
import { TOKEN_RENEW_MARGIN_MS, TokenCache, bearerHeaders, type IssuedToken } from './token-cache';

const CTX: CallContext = { requestId: 'req-1', deadline: Date.now() + 60_000, budget: new UpstreamCallBudget(100) };
const HOUR = 3_600_000;

class StaleToken extends Error {}

/** A cache over an issuer that hands out token-1, token-2, … valid `lifetimeMs` from now. */
function cacheWithIssuer(lifetimeMs = HOUR) {
  const issued: (IssuedToken | null)[] = [];
  let count = 0;
  const cache = new TokenCache<IssuedToken>(
    async (_ctx, previous) => {
      issued.push(previous);
      count += 1;
      return { token: `token-${count}`, expiresAt: Date.now() + lifetimeMs };
    },
    (error) => error instanceof StaleToken,
  );
  return { cache, issued, calls: () => count };
}

afterEach(() => jest.restoreAllMocks());

describe('TokenCache', () => {
  it('fetches once however many callers ask at the same moment', async () => {
    const { cache, calls } = cacheWithIssuer();
    const tokens = await Promise.all([cache.token(CTX), cache.token(CTX), cache.token(CTX)]);
    expect(tokens).toEqual(['token-1', 'token-1', 'token-1']);
    expect(calls()).toBe(1);
  });

  it('keeps the token until shortly before it expires, then renews it, handing the issuer the expiring one', async () => {
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
    const { cache, issued, calls } = cacheWithIssuer();
    expect(await cache.token(CTX)).toBe('token-1');
    clock.mockReturnValue(now + HOUR - TOKEN_RENEW_MARGIN_MS - 1);
    expect(await cache.token(CTX)).toBe('token-1');
    clock.mockReturnValue(now + HOUR - TOKEN_RENEW_MARGIN_MS);
    expect(await cache.token(CTX)).toBe('token-2');
    expect(calls()).toBe(2);
    expect(issued[0]).toBeNull();
    expect(issued[1]).toMatchObject({ token: 'token-1' });
  });

  it('renews a token shorter-lived than the margin on every use', async () => {
    const { cache, calls } = cacheWithIssuer(TOKEN_RENEW_MARGIN_MS / 2);
    await cache.token(CTX);
    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 1);
    await cache.token(CTX);
    expect(calls()).toBe(2);
  });

  it('hands the token out at once (ready) only while it is cached and not due for renewal', async () => {
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
    const { cache, calls } = cacheWithIssuer();
    expect(cache.ready()).toBeNull();
    await cache.token(CTX);
    expect(cache.ready()).toBe('token-1');
    // A fresh token is the value itself, not a promise: the call that needs it does not wait.
    expect(cache.token(CTX)).toBe('token-1');
    clock.mockReturnValue(now + HOUR - TOKEN_RENEW_MARGIN_MS);
    expect(cache.ready()).toBeNull();
    expect(await cache.token(CTX)).toBe('token-2');
    expect(cache.ready()).toBe('token-2');
    expect(calls()).toBe(2);
  });

  it('after a failed fetch, the next caller fetches again', async () => {
    let attempt = 0;
    const cache = new TokenCache<IssuedToken>(
      async () => {
        attempt += 1;
        if (attempt === 1) throw new Error('issuer down');
        return { token: 'token', expiresAt: Date.now() + HOUR };
      },
      () => false,
    );
    await expect(cache.token(CTX)).rejects.toThrow('issuer down');
    await expect(cache.token(CTX)).resolves.toBe('token');
  });

  it('on a stale-token refusal drops the token and tries once more with a fresh one (the issuer then gets no previous token)', async () => {
    const { cache, issued } = cacheWithIssuer();
    const used: string[] = [];
    const send = jest.fn(async () => {
      const token = await cache.token(CTX);
      used.push(token);
      if (token === 'token-1') throw new StaleToken();
      return 'answer';
    });
    await expect(cache.withRenewOnce(send)).resolves.toBe('answer');
    expect(used).toEqual(['token-1', 'token-2']);
    expect(issued).toEqual([null, null]);
  });

  it('renews only once: a second stale refusal fails the call', async () => {
    const { cache, calls } = cacheWithIssuer();
    const send = jest.fn(async () => {
      await cache.token(CTX);
      throw new StaleToken();
    });
    await expect(cache.withRenewOnce(send)).rejects.toBeInstanceOf(StaleToken);
    expect(send).toHaveBeenCalledTimes(2);
    expect(calls()).toBe(2);
  });

  it('passes other failures through untouched, and does not retry before any token was cached', async () => {
    const { cache } = cacheWithIssuer();
    const other = jest.fn(async () => {
      await cache.token(CTX);
      throw new Error('boom');
    });
    await expect(cache.withRenewOnce(other)).rejects.toThrow('boom');
    expect(other).toHaveBeenCalledTimes(1);

    const fresh = cacheWithIssuer().cache;
    const beforeToken = jest.fn(async () => {
      throw new StaleToken();
    });
    await expect(fresh.withRenewOnce(beforeToken)).rejects.toBeInstanceOf(StaleToken);
    expect(beforeToken).toHaveBeenCalledTimes(1);
  });
});

describe('bearerHeaders', () => {
  it('is the header at once for a token, a promise of it for a pending one', async () => {
    expect(bearerHeaders('t-1')).toEqual({ authorization: 'Bearer t-1' });
    const pending = bearerHeaders(Promise.resolve('t-2'));
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toEqual({ authorization: 'Bearer t-2' });
  });
});

describe('TokenCache on a shared token store', () => {
  /** Two caches (two clients, as two replicas would have) over one store and one issuer. */
  function twoOverOneStore() {
    const store = new ProviderTokenStore(null);
    let count = 0;
    const issue = async (): Promise<IssuedToken> => {
      count += 1;
      return { token: `token-${count}`, expiresAt: Date.now() + HOUR };
    };
    const slot = { store, name: 'test-token' };
    const a = new TokenCache<IssuedToken>(issue, (error) => error instanceof StaleToken, slot);
    const b = new TokenCache<IssuedToken>(issue, (error) => error instanceof StaleToken, slot);
    return { a, b, store, calls: () => count };
  }

  it('issues once for every cache over the store, also at the same moment', async () => {
    const { a, b, calls } = twoOverOneStore();
    expect(await Promise.all([a.token(CTX), b.token(CTX), a.token(CTX)])).toEqual(['token-1', 'token-1', 'token-1']);
    expect(await b.token(CTX)).toBe('token-1');
    expect(calls()).toBe(1);
  });

  it('hands the fleet\'s token out at once (ready) once this replica holds it, and not after a refusal forgot it', async () => {
    const { a, b, store } = twoOverOneStore();
    expect(a.ready()).toBeNull();
    await b.token(CTX);
    expect(a.ready()).toBe('token-1');
    await store.invalidate('test-token');
    expect(a.ready()).toBeNull();
  });

  it('a stale-token refusal forgets the token in the store, so the next call gets a new one', async () => {
    const { a, b, store, calls } = twoOverOneStore();
    await b.token(CTX);
    const used: string[] = [];
    const send = async () => {
      const token = await a.token(CTX);
      used.push(token);
      if (token === 'token-1') throw new StaleToken();
      return 'answer';
    };
    await expect(a.withRenewOnce(send)).resolves.toBe('answer');
    expect(used).toEqual(['token-1', 'token-2']);
    expect(await store.get('test-token')).toEqual(expect.objectContaining({ value: 'token-2' }));
    expect(calls()).toBe(2);
  });
});
