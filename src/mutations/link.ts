import type { Context } from '../context';
import { linkOwnershipProblem, unlinkOwnershipProblem } from './ownership';
import { parsePair, runPairRoute } from './run';
import type { Outcome } from './route';
import { isUserError, type UserErrorRecord } from './user-errors';

export interface LinkInput {
  primaryId: string;
  secondaryId: string;
  /** The secondary Auth0 account's ID token (for callers who prove they own it). */
  linkWith?: string | null;
  /** Admin Auth0 links: the secondary's database connection (`con_…`), when the tenant has several. */
  connectionId?: string | null;
  reason?: string | null;
  idempotencyKey?: string | null;
}

export type UnlinkInput = Omit<LinkInput, 'linkWith' | 'connectionId'>;

/** What a provider answered to a link. */
export interface LinkResult {
  /** The Verato Link ID both ended in, when Verato did the link. */
  linkId: string | null;
}

export interface LinkOutcome extends Outcome, LinkResult {
  primaryId: string | null;
  secondaryId: string | null;
}

export interface UnlinkOutcome extends Outcome {
  primaryId: string | null;
  secondaryId: string | null;
}

/** linkIdentities: the two ids' providers choose the route (dispatch.ts); the caller must own both or be admin. */
export async function linkIdentities(ctx: Context, input: LinkInput): Promise<LinkOutcome> {
  const refused = (userErrors: UserErrorRecord[]): LinkOutcome => ({ primaryId: null, secondaryId: null, linkId: null, userErrors });
  const ids = parsePair(input);
  if (isUserError(ids)) return refused([ids]);
  const [primary, secondary] = ids;
  const denied = await linkOwnershipProblem(ctx, primary, secondary, input);
  if (denied) return refused([denied]);
  const done = ({ linkId }: LinkResult): LinkOutcome => ({ primaryId: input.primaryId, secondaryId: input.secondaryId, linkId, userErrors: [] });
  return runPairRoute(ctx, 'linkIdentities', { input, primary, secondary, done, refused }, [input.primaryId, input.secondaryId]);
}

/** unlinkIdentities: the secondary is split off the primary, by the route of the ids' providers. */
export async function unlinkIdentities(ctx: Context, input: UnlinkInput): Promise<UnlinkOutcome> {
  const refused = (userErrors: UserErrorRecord[]): UnlinkOutcome => ({ primaryId: null, secondaryId: null, userErrors });
  const ids = parsePair(input);
  if (isUserError(ids)) return refused([ids]);
  const [primary, secondary] = ids;
  const denied = unlinkOwnershipProblem(ctx, primary, secondary);
  if (denied) return refused([denied]);
  const done = (): UnlinkOutcome => ({ primaryId: input.primaryId, secondaryId: input.secondaryId, userErrors: [] });
  return runPairRoute(ctx, 'unlinkIdentities', { input, primary, secondary, done, refused }, [input.primaryId, input.secondaryId]);
}
