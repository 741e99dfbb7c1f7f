import { userError, type RefusalMapping, type UserErrorRecord } from '../../mutations/user-errors';
import type { VeratoRecord } from './loaders';

/**
 * Verato refuses with `success:false` and free text only; the client throws that as a
 * ProviderRejection without a reason code (PROVIDER_REJECTED), and the routes then ask
 * `refusalReason` what the two records' state says. A non-2xx answer is never a business refusal
 * (it stays a GraphQL error).
 */
export const veratoRefusals: RefusalMapping = {
  rejectionOf: () => null,
  userErrorCodes: {},
  isRetryable: () => false,
};

export type VeratoPairWrite = 'link' | 'unlink' | 'merge';

/**
 * Why Verato said `success:false` to a link, unlink or merge, from the records as nativeIdQuery
 * reads them after the refusal; null when their state explains nothing (then PROVIDER_REJECTED).
 * The exact failure messages are not documented (contract §1.5), so these are the documented
 * preconditions instead: both S+N must exist (a not-found read is `success:true` without an
 * identity); unlink "only valid if both records are currently in the same Link ID"; a retired
 * (merged) record is "no longer updatable", so it can be neither merged again nor merged into;
 * and (inferred) a link of records already in one Link ID, if refused, is ALREADY_LINKED.
 */
export function refusalReason(write: VeratoPairWrite, primary: VeratoRecord | null, secondary: VeratoRecord | null): UserErrorRecord | null {
  const missing = !primary ? 'primaryId' : !secondary ? 'secondaryId' : null;
  if (missing) return userError('NOT_FOUND', `Verato holds no source record for ${missing}.`, { field: missing, provider: 'verato', providerCode: 'success_false' });
  const sameLinkId = primary!.cluster?.linkId !== undefined && primary!.cluster?.linkId === secondary!.cluster?.linkId;
  if (write === 'merge') {
    for (const [record, field] of [[primary!, 'primaryId'], [secondary!, 'secondaryId']] as const) {
      if (record.identity.status === 'MERGED') {
        return userError('MERGE_NOT_ALLOWED', `The ${field === 'primaryId' ? 'primary' : 'secondary'} record is already merged (retired) in Verato.`, { field, provider: 'verato', providerCode: 'success_false' });
      }
    }
  }
  if (write === 'unlink' && !sameLinkId) {
    return userError('NOT_LINKED', 'The two records are not in the same Verato Link ID.', { field: 'secondaryId', provider: 'verato', providerCode: 'success_false' });
  }
  if (write === 'link' && sameLinkId) {
    return userError('ALREADY_LINKED', 'The two records are already in the same Verato Link ID.', { field: 'secondaryId', provider: 'verato', providerCode: 'success_false' });
  }
  return null;
}

/**
 * Why Verato refused an unmerge, from the records read after it: both must exist, (documented)
 * "only succeeds if unmergeSource is retired/merged", and (inferred) into the primary's Link ID;
 * null when their state explains nothing.
 */
export function unmergeRefusalReason(from: VeratoRecord | null, retired: VeratoRecord | null): UserErrorRecord | null {
  const missing = !from ? 'primaryId' : !retired ? 'secondaryId' : null;
  if (missing) return userError('NOT_FOUND', `Verato holds no source record for ${missing}.`, { field: missing, provider: 'verato', providerCode: 'success_false' });
  if (retired!.identity.status !== 'MERGED') {
    return userError('NOT_MERGED', 'The secondary record is not merged (retired) in Verato, so there is nothing to unmerge.', { field: 'secondaryId', provider: 'verato', providerCode: 'success_false' });
  }
  // A retired record stays listed in the cluster it was merged into.
  if (from!.cluster?.linkId !== retired!.cluster?.linkId) {
    return userError('NOT_MERGED', "The secondary record is merged into another Link ID than the primary's.", { field: 'primaryId', provider: 'verato', providerCode: 'success_false' });
  }
  return null;
}
