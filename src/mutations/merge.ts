import type { Context } from '../context';
import type { IdentityRecord } from '../domain/identity';
import type { TransferInput, TransferSummary } from '../domain/merge';
import { mergePreviewFor } from './dispatch';
import { parsePair, runPairRoute } from './run';
import type { Outcome } from './route';
import { isUserError, userError, type UserErrorRecord } from './user-errors';

export interface MergeInput {
  primaryId: string;
  secondaryId: string;
  dryRun?: boolean | null;
  transfer?: TransferInput | null;
  redactSecondary?: boolean | null;
  reason?: string | null;
  idempotencyKey?: string | null;
}

export interface MergeOutcome extends Outcome {
  primaryId: string | null;
  secondaryId: string | null;
  secondaryStatus: 'MERGED' | 'REDACTED' | null;
  transferSummary: TransferSummary | null;
  dryRun: boolean;
  linkId: string | null;
  /** The primary as the provider answered the merge (or would after it, for a dry run). */
  primaryRecord: IdentityRecord | null;
}

/** What a provider answered to a merge (or would, for a dry run). */
export type MergeResult = Pick<MergeOutcome, 'secondaryStatus'> & Partial<Pick<MergeOutcome, 'transferSummary' | 'linkId' | 'primaryRecord'>>;

/** The two identities as the provider holds them, and what merging them would give. */
export interface MergePreview {
  primary: IdentityRecord | null;
  secondary: IdentityRecord | null;
  /** Asked only when both exist and may be merged. */
  wouldBe(): MergeResult;
}

/**
 * mergeIdentities: the secondary is folded into the primary, by the route of the ids' provider.
 * A dry run computes the would-be result from reads only.
 */
export async function mergeIdentities(ctx: Context, input: MergeInput): Promise<MergeOutcome> {
  const dryRun = input.dryRun === true;
  const refused = (userErrors: UserErrorRecord[]): MergeOutcome => ({
    primaryId: null,
    secondaryId: null,
    secondaryStatus: null,
    transferSummary: null,
    dryRun,
    linkId: null,
    primaryRecord: null,
    userErrors,
  });
  const ids = parsePair(input);
  if (isUserError(ids)) return refused([ids]);
  const [primary, secondary] = ids;
  const done = (result: MergeResult): MergeOutcome => ({ ...refused([]), primaryId: input.primaryId, secondaryId: input.secondaryId, ...result });
  const request = { input, primary, secondary, done, refused };
  if (!dryRun) return runPairRoute(ctx, 'mergeIdentities', request, [input.primaryId, input.secondaryId]);

  const previewRoute = mergePreviewFor(primary, secondary);
  if (isUserError(previewRoute)) return refused([previewRoute]);
  const preview = await previewRoute(ctx, request);
  const problem = mergeProblem(preview.primary, preview.secondary);
  return problem ? refused([problem]) : done(preview.wouldBe());
}

/** (inferred) The rules a provider checks before merging: both exist, and neither is merged or redacted already. */
function mergeProblem(primary: IdentityRecord | null, secondary: IdentityRecord | null): UserErrorRecord | null {
  if (!primary) return userError('NOT_FOUND', 'The primary identity does not exist.', { field: 'primaryId' });
  if (!secondary) return userError('NOT_FOUND', 'The secondary identity does not exist.', { field: 'secondaryId' });
  for (const [identity, field] of [[primary, 'primaryId'], [secondary, 'secondaryId']] as const) {
    if (identity.status === 'MERGED' || identity.status === 'REDACTED') {
      return userError('MERGE_NOT_ALLOWED', `The ${field === 'primaryId' ? 'primary' : 'secondary'} identity is already ${identity.status.toLowerCase()} and cannot be merged.`, { field, provider: identity.provider });
    }
  }
  return null;
}

export interface UnmergeInput {
  primaryId: string;
  secondaryId: string;
  reason?: string | null;
  idempotencyKey?: string | null;
}

/** What a provider answered to an unmerge: the Link IDs the two records are in afterwards. */
export interface UnmergeResult {
  unmergedLinkId: string | null;
  unmergedFromLinkId: string | null;
}

export interface UnmergeOutcome extends Outcome, UnmergeResult {
  primaryId: string | null;
  secondaryId: string | null;
}

/** unmergeIdentities: the secondary, merged (retired) into the primary earlier, is split out again. */
export async function unmergeIdentities(ctx: Context, input: UnmergeInput): Promise<UnmergeOutcome> {
  const refused = (userErrors: UserErrorRecord[]): UnmergeOutcome => ({ primaryId: null, secondaryId: null, unmergedLinkId: null, unmergedFromLinkId: null, userErrors });
  const ids = parsePair(input);
  if (isUserError(ids)) return refused([ids]);
  const [primary, secondary] = ids;
  const done = (result: UnmergeResult): UnmergeOutcome => ({ primaryId: input.primaryId, secondaryId: input.secondaryId, ...result, userErrors: [] });
  return runPairRoute(ctx, 'unmergeIdentities', { input, primary, secondary, done, refused }, [input.primaryId, input.secondaryId]);
}
