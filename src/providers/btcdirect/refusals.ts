import type { RefusalMapping } from '../../mutations/user-errors';
import { LINK_IDENTIFIER_ERRORS, toRejection } from './mapper';

/** How BTC Direct's ER codes read as user errors; whether one may pass later is in its catalogue. */
export const btcDirectRefusals: RefusalMapping = {
  rejectionOf: toRejection,
  userErrorCodes: {
    ER053: 'INVALID_INPUT',
    ER102: 'INVALID_INPUT',
    ER707: 'INVALID_INPUT',
    ER706: 'IDENTIFIER_IN_USE',
    ER700: 'USER_TOKEN_INVALID',
    ER701: 'USER_TOKEN_INVALID',
    ER702: 'USER_TOKEN_INVALID',
    ER703: 'USER_TOKEN_INVALID',
    ER704: 'USER_TOKEN_INVALID',
    ER705: 'NOT_FOUND',
    ER709: 'NOT_FOUND',
    ER708: 'PENDING_REVIEW',
  },
  isRetryable: (providerCode) => LINK_IDENTIFIER_ERRORS[providerCode]?.retryable ?? false,
};
