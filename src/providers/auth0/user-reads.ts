import type { CallInfo } from '../http/errors';
import type { BudgetReservation, CallContext } from '../http/transport';
import type { Auth0User } from './wire';

/** What the reads need of the client: its two user reads, and its rate budget. */
export interface UserReadCalls {
  readonly rateBudgeted: boolean;
  reserveBudgetCall(ctx: CallContext): Promise<BudgetReservation>;
  getUser(ctx: CallContext, userId: string, reserved?: BudgetReservation): Promise<Auth0User | null>;
  searchUsersByIds(ctx: CallContext, userIds: readonly string[], reserved?: BudgetReservation): Promise<Auth0User[]>;
}

const SEARCH_CALL: CallInfo = { provider: 'auth0', method: 'GET', pathTemplate: '/api/v2/users' };

interface Group {
  readonly ids: Set<string>;
  /** The opening request's deadline: the group's call is over by then. */
  readonly deadline: number;
  /** GraphQL requests whose ids it carries. */
  requests: number;
  done?: Promise<Map<string, Auth0User | null>>;
}

/**
 * Auth0 users by id, read with the machine token, coalesced across GraphQL requests while the
 * rate budget makes them wait. Auth0 rations its Management API per tenant (e.g. 15 calls/s); a
 * user search carries up to 50 ids. A read that has to wait for the budget opens a group, and the
 * reads other requests of this replica start meanwhile join it (up to `maxIds` ids), so that when
 * the budget lets one call out it carries every one of them: under quota pressure the replica
 * reads more users per call instead of queueing more calls. Without a wait the group closes at
 * once, so nothing waits for company.
 *
 * A group of one id is an exact `GET /users/{id}`; of several, one search. The search lags behind
 * sign-ups (eventually consistent), so an id a group of several requests did not find is read
 * again exactly, on its own, by the request that asked for it. A request joins only a group whose
 * call ends no later than its own deadline, and draws one call of its own upstream call budget, as
 * if it had sent it. A failure of the group's call is every member's failure, as with the stampede
 * guard of the record cache.
 */
export class CoalescedUserReads {
  private open: Group | null = null;

  constructor(
    private readonly calls: UserReadCalls,
    private readonly maxIds: number,
  ) {}

  async read(ctx: CallContext, userIds: readonly string[]): Promise<Map<string, Auth0User | null>> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return new Map();
    const open = this.open;
    if (this.calls.rateBudgeted && open && open.deadline <= ctx.deadline && open.ids.size + ids.filter((id) => !open.ids.has(id)).length <= this.maxIds) {
      ctx.budget.draw(SEARCH_CALL);
      for (const id of ids) open.ids.add(id);
      open.requests++;
      return this.answer(ctx, open, ids);
    }
    if (!this.calls.rateBudgeted || ids.length >= this.maxIds) return this.send(ctx, ids, undefined);
    const group: Group = { ids: new Set(ids), deadline: ctx.deadline, requests: 1 };
    this.open = group;
    group.done = this.sendGroup(ctx, group);
    return this.answer(ctx, group, ids);
  }

  private async sendGroup(ctx: CallContext, group: Group): Promise<Map<string, Auth0User | null>> {
    let reserved: BudgetReservation;
    try {
      reserved = await this.calls.reserveBudgetCall(ctx);
    } finally {
      if (this.open === group) this.open = null;
    }
    return this.send(ctx, [...group.ids], reserved);
  }

  /**
   * One member's users from its group's call. The ids a search of several requests did not find
   * are read again by the request that asked for them, on its own deadline and call budget, so
   * one request's exhausted budget never fails another's read.
   */
  private async answer(ctx: CallContext, group: Group, ids: string[]): Promise<Map<string, Auth0User | null>> {
    const users = pick(await group.done!, ids);
    // Members join only before the group's call goes out, so `requests` is final by now.
    if (group.requests > 1 && group.ids.size > 1) {
      const unseen = ids.filter((id) => users.get(id) === null);
      const exact = await Promise.all(unseen.map((id) => this.calls.getUser(ctx, id)));
      unseen.forEach((id, i) => users.set(id, exact[i]));
    }
    return users;
  }

  private async send(ctx: CallContext, ids: string[], reserved: BudgetReservation | undefined): Promise<Map<string, Auth0User | null>> {
    if (ids.length === 1) return new Map([[ids[0], await this.calls.getUser(ctx, ids[0], reserved)]]);
    const found = new Map<string, Auth0User | null>(ids.map((id) => [id, null]));
    for (const user of await this.calls.searchUsersByIds(ctx, ids, reserved)) if (found.has(user.user_id)) found.set(user.user_id, user);
    return found;
  }
}

function pick(users: ReadonlyMap<string, Auth0User | null>, ids: readonly string[]): Map<string, Auth0User | null> {
  return new Map(ids.map((id) => [id, users.get(id) ?? null]));
}
