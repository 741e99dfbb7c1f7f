import type { RefusalMapping } from '../../mutations/user-errors';

/**
 * Verato refuses with `success:false` and free text only; the client throws that as a
 * ProviderRejection without a reason code, so every refusal is PROVIDER_REJECTED. A non-2xx
 * answer is never a business refusal (it stays a GraphQL error).
 */
export const veratoRefusals: RefusalMapping = {
  rejectionOf: () => null,
  userErrorCodes: {},
  isRetryable: () => false,
};
