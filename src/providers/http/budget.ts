import { UpstreamBudgetExceededError, type CallInfo } from './errors';

/**
 * The upstream calls one GraphQL request may still make. Every call the transport sends on the
 * request's behalf draws one; retries of that call do not (each call makes at most
 * 1 + `<P>_RETRIES` attempts), nor do the credential requests the subgraph makes for itself.
 */
export class UpstreamCallBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  get spent(): number {
    return this.used;
  }

  /** Takes one call from the budget, or throws UpstreamBudgetExceededError when none is left. */
  draw(call: CallInfo): void {
    if (this.used >= this.limit) throw new UpstreamBudgetExceededError(call, this.limit);
    this.used++;
  }
}
