import { UpstreamCallBudget } from '../http/budget';
import { UpstreamUnavailableError } from '../http/errors';
import { BudgetReservation, type CallContext } from '../http/transport';
import { CoalescedUserReads, type UserReadCalls } from './user-reads';
import type { Auth0User } from './wire';

const user = (id: string) => ({ user_id: id, email: `${id}@example.invalid` }) as Auth0User;
const ctx = (deadline = 10_000, limit = 100): CallContext => ({ requestId: `req-${Math.random()}`, deadline, budget: new UpstreamCallBudget(limit) });

/** Fake calls recording what was sent; reservations wait until `release()` while `holdBudget` is set. */
function fakeCalls(options: { budgeted: boolean; known?: Set<string>; searchFails?: boolean }) {
  const sent: Array<{ kind: 'get' | 'search'; ids: string[]; reserved: boolean }> = [];
  /** The request (its id) each exact GET was sent for. */
  const getsFor: string[] = [];
  const waiting: Array<() => void> = [];
  let holdBudget = false;
  const known = options.known ?? null;
  const has = (id: string) => known === null || known.has(id);
  const calls: UserReadCalls = {
    rateBudgeted: options.budgeted,
    reserveBudgetCall: () =>
      new Promise((resolve) => {
        if (holdBudget) waiting.push(() => resolve(new BudgetReservation()));
        else resolve(new BudgetReservation());
      }),
    async getUser(callCtx, id, reserved) {
      getsFor.push(callCtx.requestId);
      sent.push({ kind: 'get', ids: [id], reserved: reserved !== undefined });
      return has(id) ? user(id) : null;
    },
    async searchUsersByIds(_ctx, ids, reserved) {
      sent.push({ kind: 'search', ids: [...ids], reserved: reserved !== undefined });
      if (options.searchFails) throw new UpstreamUnavailableError({ provider: 'auth0', method: 'GET', pathTemplate: '/api/v2/users', status: 503 });
      return ids.filter(has).map(user);
    },
  };
  return {
    calls,
    sent,
    getsFor,
    hold: () => void (holdBudget = true),
    release: () => {
      holdBudget = false;
      waiting.splice(0).forEach((resolve) => resolve());
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const ids = (found: Map<string, Auth0User | null>) => [...found].map(([id, u]) => [id, u?.user_id ?? null]);

describe('CoalescedUserReads', () => {
  it('without a configured rate budget, every read sends its own call (one id: an exact GET)', async () => {
    const fake = fakeCalls({ budgeted: false });
    const reads = new CoalescedUserReads(fake.calls, 50);

    const [a, b] = await Promise.all([reads.read(ctx(), ['auth0|a']), reads.read(ctx(), ['auth0|b', 'auth0|c'])]);

    expect(ids(a)).toEqual([['auth0|a', 'auth0|a']]);
    expect(ids(b)).toEqual([['auth0|b', 'auth0|b'], ['auth0|c', 'auth0|c']]);
    expect(fake.sent).toEqual([
      { kind: 'get', ids: ['auth0|a'], reserved: false },
      { kind: 'search', ids: ['auth0|b', 'auth0|c'], reserved: false },
    ]);
  });

  it('reads started while one waits for the budget join it: one search with every id, each request answered its own users', async () => {
    const fake = fakeCalls({ budgeted: true });
    const reads = new CoalescedUserReads(fake.calls, 50);
    fake.hold();
    const joiner = ctx(20_000);

    const first = reads.read(ctx(10_000), ['auth0|a']);
    await flush();
    const second = reads.read(joiner, ['auth0|b']);
    const third = reads.read(ctx(20_000), ['auth0|a', 'auth0|c']);
    await flush();
    expect(fake.sent).toEqual([]);
    fake.release();

    expect(ids(await first)).toEqual([['auth0|a', 'auth0|a']]);
    expect(ids(await second)).toEqual([['auth0|b', 'auth0|b']]);
    expect(ids(await third)).toEqual([['auth0|a', 'auth0|a'], ['auth0|c', 'auth0|c']]);
    expect(fake.sent).toEqual([{ kind: 'search', ids: ['auth0|a', 'auth0|b', 'auth0|c'], reserved: true }]);
    // A joiner's call counts against its own request's upstream call budget.
    expect(joiner.budget.spent).toBe(1);
  });

  it('a group of one id is still an exact GET, on the reserved budget call', async () => {
    const fake = fakeCalls({ budgeted: true });
    const reads = new CoalescedUserReads(fake.calls, 50);

    expect(ids(await reads.read(ctx(), ['auth0|a']))).toEqual([['auth0|a', 'auth0|a']]);
    expect(fake.sent).toEqual([{ kind: 'get', ids: ['auth0|a'], reserved: true }]);
  });

  it('a request does not join a group whose call may outlast its own deadline', async () => {
    const fake = fakeCalls({ budgeted: true });
    const reads = new CoalescedUserReads(fake.calls, 50);
    fake.hold();

    const opener = reads.read(ctx(10_000), ['auth0|a', 'auth0|b']);
    await flush();
    const hurried = reads.read(ctx(5_000), ['auth0|c']);
    await flush();
    fake.release();
    await Promise.all([opener, hurried]);

    expect(fake.sent.map((call) => call.ids)).toEqual([['auth0|a', 'auth0|b'], ['auth0|c']]);
  });

  it('a request does not join a group it would take past the batch size', async () => {
    const fake = fakeCalls({ budgeted: true });
    const reads = new CoalescedUserReads(fake.calls, 3);
    fake.hold();

    const opener = reads.read(ctx(10_000), ['auth0|a', 'auth0|b']);
    await flush();
    const tooMany = reads.read(ctx(20_000), ['auth0|c', 'auth0|d']);
    await flush();
    fake.release();
    await Promise.all([opener, tooMany]);

    expect(fake.sent.map((call) => call.ids)).toEqual([['auth0|a', 'auth0|b'], ['auth0|c', 'auth0|d']]);
  });

  it('an id a coalesced search of several requests did not find is read again exactly (the search lags behind sign-ups); unknown stays null', async () => {
    const fake = fakeCalls({ budgeted: true, known: new Set(['auth0|a']) });
    const reads = new CoalescedUserReads(fake.calls, 50);
    fake.hold();

    const first = reads.read(ctx(10_000), ['auth0|a']);
    await flush();
    const second = reads.read(ctx(20_000), ['auth0|new']);
    await flush();
    fake.release();

    expect(ids(await first)).toEqual([['auth0|a', 'auth0|a']]);
    expect(ids(await second)).toEqual([['auth0|new', null]]);
    expect(fake.sent).toEqual([
      { kind: 'search', ids: ['auth0|a', 'auth0|new'], reserved: true },
      { kind: 'get', ids: ['auth0|new'], reserved: false },
    ]);
  });

  it('the exact re-read of a joiner\'s id runs on the joiner\'s request (its deadline and call budget), never the opener\'s', async () => {
    const fake = fakeCalls({ budgeted: true, known: new Set(['auth0|a']) });
    const reads = new CoalescedUserReads(fake.calls, 50);
    fake.hold();

    const opener = ctx(10_000);
    const joiner = ctx(20_000);
    const first = reads.read(opener, ['auth0|a']);
    await flush();
    const second = reads.read(joiner, ['auth0|new']);
    await flush();
    fake.release();

    expect(ids(await first)).toEqual([['auth0|a', 'auth0|a']]);
    expect(ids(await second)).toEqual([['auth0|new', null]]);
    expect(fake.getsFor).toEqual([joiner.requestId]);
  });

  it("the group's failure is every member's failure, and the next read opens a new group", async () => {
    const fake = fakeCalls({ budgeted: true, searchFails: true });
    const reads = new CoalescedUserReads(fake.calls, 50);
    fake.hold();

    const first = reads.read(ctx(10_000), ['auth0|a']);
    await flush();
    const second = reads.read(ctx(20_000), ['auth0|b']);
    await flush();
    fake.release();

    await expect(first).rejects.toBeInstanceOf(UpstreamUnavailableError);
    await expect(second).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(ids(await reads.read(ctx(), ['auth0|c']))).toEqual([['auth0|c', 'auth0|c']]);
  });
});
