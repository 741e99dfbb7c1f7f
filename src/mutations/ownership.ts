import type { Context } from '../context';
import type { GlobalId } from '../domain/global-id';
import { isAdmin } from '../security/authorization';
import { ownershipProofFor } from './dispatch';
import type { LinkInput } from './link';
import { userError, type UserErrorRecord } from './user-errors';

/**
 * Account-takeover protection: without `identities:admin`, a caller may link or unlink only
 * accounts it proves it owns. Only a provider with a proof (SELF_SERVICE_OWNERSHIP in
 * dispatch.ts) can be self-served, and only for two of its own accounts; anything else needs
 * admin. (BTC Direct linking is proven by the forwarded user token itself.)
 */
export interface OwnershipProof<Id extends GlobalId> {
  /** Why the caller may not link these accounts, or null when it proved it owns both. */
  link(ctx: Context, primary: Id, secondary: Id, proof: Pick<LinkInput, 'linkWith' | 'connectionId'>): Promise<UserErrorRecord | null>;
  /** Why the caller may not split the secondary off the primary, or null when it owns the primary. */
  unlink(ctx: Context, primary: Id, secondary: Id): UserErrorRecord | null;
}

export async function linkOwnershipProblem(ctx: Context, primary: GlobalId, secondary: GlobalId, input: Pick<LinkInput, 'linkWith' | 'connectionId'>): Promise<UserErrorRecord | null> {
  if (isAdmin(ctx.caller)) return null;
  const proof = ownershipProofFor(primary, secondary);
  return proof ? proof.link(ctx, primary, secondary, input) : needsAdmin('linking');
}

/** Unlinking splits an account off its owner: the caller must be that owner (or admin). */
export function unlinkOwnershipProblem(ctx: Context, primary: GlobalId, secondary: GlobalId): UserErrorRecord | null {
  if (isAdmin(ctx.caller)) return null;
  const proof = ownershipProofFor(primary, secondary);
  return proof ? proof.unlink(ctx, primary, secondary) : needsAdmin('unlinking');
}

function needsAdmin(what: string): UserErrorRecord {
  return userError('FORBIDDEN', `${what[0].toUpperCase()}${what.slice(1)} these identities needs the identities:admin scope; without it only Auth0 accounts you prove you own can be linked.`, {
    field: 'primaryId',
  });
}
