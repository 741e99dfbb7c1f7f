import type { Context } from '../context';
import { LINK_IDENTIFIER_ROUTE } from './dispatch';
import { runRoute } from './run';
import type { Outcome } from './route';
import { isUserError, type UserErrorRecord } from './user-errors';

export interface LinkIdentifierInput {
  identifier: string;
  idempotencyKey?: string | null;
}

export interface LinkIdentifierOutcome extends Outcome {
  identityId: string | null;
}

/**
 * linkIdentifier: links a partner identifier to the user whose token the caller forwarded (the
 * user is never taken from the input; see the route in dispatch.ts).
 */
export async function linkIdentifier(ctx: Context, input: LinkIdentifierInput): Promise<LinkIdentifierOutcome> {
  const refused = (userErrors: UserErrorRecord[]): LinkIdentifierOutcome => ({ identityId: null, userErrors });
  const done = (identityId: string): LinkIdentifierOutcome => ({ identityId, userErrors: [] });
  const route = LINK_IDENTIFIER_ROUTE(ctx, { input, done });
  if (isUserError(route)) return refused([route]);
  return runRoute(ctx, 'linkIdentifier', input, route, refused);
}
