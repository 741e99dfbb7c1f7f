import type { Context } from '../context';
import type { GlobalId } from '../domain/global-id';
import type { IdentityRecord } from '../domain/identity';
import * as verifa from '../providers/verifa/mapper';
import type { MergeBody } from '../providers/verifa/wire';
import { parsePair, runRoute, unsupported, veratoSourceOf, type Outcome, type Route } from './run';
import { toUserError, userError, type UserErrorRecord } from './user-errors';

export interface TransferInput {
  sessions?: boolean | null;
  screeningChecks?: boolean | null;
  faceEmbeddings?: boolean | null;
  ipLinks?: boolean | null;
  deviceLinks?: boolean | null;
}

export interface MergeInput {
  primaryId: string;
  secondaryId: string;
  dryRun?: boolean | null;
  transfer?: TransferInput | null;
  redactSecondary?: boolean | null;
  reason?: string | null;
  idempotencyKey?: string | null;
}

export type TransferSummary = Required<{ [K in keyof TransferInput]: boolean }>;

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

const MERGE_SUPPORTED = 'two Verifa identities (POST /identities/merge) or two Verato source records (POST /mergeIdentities)';

/**
 * mergeIdentities: the secondary is folded into the primary. Verifa -> POST /identities/merge;
 * Verato -> POST /mergeIdentities (the secondary record is retired). A dry run computes the
 * would-be result from reads only.
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
  if (!Array.isArray(ids)) return refused([ids]);
  const [primary, secondary] = ids;
  const both = (provider: GlobalId['provider']) => primary.provider === provider && secondary.provider === provider;
  if (!both('verifa') && !both('verato')) return refused([unsupported('mergeIdentities', MERGE_SUPPORTED)]);
  if (dryRun) return both('verifa') ? previewVerifaMerge(ctx, input, refused) : previewVeratoMerge(ctx, input, refused);

  const route: Route<MergeOutcome> = both('verifa')
    ? { upstreamIdempotency: true, touches: [input.primaryId, input.secondaryId], execute: (options) => mergeVerifa(ctx, input, [primary, secondary], options.upstreamKey, refused) }
    : {
        upstreamIdempotency: false,
        touches: [input.primaryId, input.secondaryId],
        // Never retried: a repeated merge is refused once the first retired the record.
        execute: async () => {
          const reply = await ctx.clients.verato.mergeIdentities(ctx.call, { toSurviveSource: veratoSourceOf(ctx, primary), toRetireSource: veratoSourceOf(ctx, secondary) }, 'never');
          return { ...refused([]), primaryId: input.primaryId, secondaryId: input.secondaryId, secondaryStatus: 'MERGED', linkId: reply.linkId ?? null };
        },
      };
  return runRoute(ctx, 'mergeIdentities', input, route, refused);
}

async function mergeVerifa(
  ctx: Context,
  input: MergeInput,
  [primary, secondary]: [GlobalId, GlobalId],
  upstreamKey: string | undefined,
  refused: (e: UserErrorRecord[]) => MergeOutcome,
): Promise<MergeOutcome> {
  const body: MergeBody = {
    primary_identity_id: primary.nativeId,
    secondary_identity_id: secondary.nativeId,
    transfer: transferBody(input.transfer),
    redact_secondary: input.redactSecondary === true,
    ...(input.reason ? { reason: input.reason } : {}),
  };
  try {
    const reply = await ctx.clients.verifa.merge(ctx.call, body, upstreamKey);
    return {
      ...refused([]),
      primaryId: input.primaryId,
      secondaryId: input.secondaryId,
      secondaryStatus: reply.secondary.status === 'redacted' ? 'REDACTED' : 'MERGED',
      transferSummary: reply.transfer_summary ? fromTransferBody(reply.transfer_summary) : null,
      primaryRecord: verifa.toIdentityRecord(reply.primary),
    };
  } catch (error) {
    const refusal = toUserError(error, {
      onValidationError: { code: 'MERGE_NOT_ALLOWED', message: 'Verifa refused the merge: a redacted or already merged identity cannot be merged.', field: 'secondaryId' },
    });
    if (refusal) return refused([refusal]);
    throw error;
  }
}

/**
 * (inferred) Verifa lists a "preview merge" operation but its path and reply were not published,
 * so the preview is computed here from reads, with Verifa's documented rules: both must exist,
 * neither may be merged or redacted; tags are merged; the toggles say what would move.
 */
async function previewVerifaMerge(ctx: Context, input: MergeInput, refused: (e: UserErrorRecord[]) => MergeOutcome): Promise<MergeOutcome> {
  const [primary, secondary] = await Promise.all([ctx.loaders.identity(input.primaryId), ctx.loaders.identity(input.secondaryId)]);
  const problem = mergeProblem(primary, secondary);
  if (problem) return refused([problem]);
  const preview: IdentityRecord = { ...primary!, tags: [...new Set([...primary!.tags, ...secondary!.tags])] };
  return {
    ...refused([]),
    primaryId: input.primaryId,
    secondaryId: input.secondaryId,
    secondaryStatus: input.redactSecondary ? 'REDACTED' : 'MERGED',
    transferSummary: fromTransferBody(transferBody(input.transfer)),
    primaryRecord: preview,
  };
}

/** (inferred) Verato has no preview: both records must exist and the secondary must not be retired already. */
async function previewVeratoMerge(ctx: Context, input: MergeInput, refused: (e: UserErrorRecord[]) => MergeOutcome): Promise<MergeOutcome> {
  const [primary, secondary] = await Promise.all([ctx.loaders.veratoRecordFor(input.primaryId), ctx.loaders.veratoRecordFor(input.secondaryId)]);
  const problem = mergeProblem(primary?.identity ?? null, secondary?.identity ?? null);
  if (problem) return refused([problem]);
  return { ...refused([]), primaryId: input.primaryId, secondaryId: input.secondaryId, secondaryStatus: 'MERGED', linkId: primary!.cluster?.linkId ?? null, primaryRecord: primary!.identity };
}

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

function transferBody(transfer: TransferInput | null | undefined): NonNullable<MergeBody['transfer']> {
  return {
    sessions: transfer?.sessions ?? true,
    screening_checks: transfer?.screeningChecks ?? true,
    face_embeddings: transfer?.faceEmbeddings ?? true,
    ip_links: transfer?.ipLinks ?? true,
    device_links: transfer?.deviceLinks ?? true,
  };
}

function fromTransferBody(body: NonNullable<MergeBody['transfer']>): TransferSummary {
  return {
    sessions: body.sessions ?? true,
    screeningChecks: body.screening_checks ?? true,
    faceEmbeddings: body.face_embeddings ?? true,
    ipLinks: body.ip_links ?? true,
    deviceLinks: body.device_links ?? true,
  };
}
