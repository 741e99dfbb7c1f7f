import type { RefusalMapping } from '../../mutations/user-errors';
import { LINK_IDENTIFIER_ERRORS, PARTNER_CREDENTIAL_CODES, readBtcDirectErrorCodes, toRejection } from './mapper';

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

/**
 * The code that decides what an error body means; a body may carry several (contract A2), and all
 * are read. In this order:
 * 1. A refusal of the subgraph's own credentials (ER800-ER803, ER805, ER806) wherever it stands:
 *    the request was not accepted as the partner's, so nothing else in it was judged, and no end
 *    user can fix it.
 * 2. Else the first actionable code: one of the documented link-identifier/user codes
 *    (LINK_IDENTIFIER_ERRORS) that names what to change (the user's token, the identifier, the
 *    account's state). ER999 "A general error has occurred" names nothing, nor does a code outside
 *    the documented list.
 * 3. Else ER999, else the first code of the documented ER form; undefined without one.
 */
export function decidingErrorCode(body: unknown): string | undefined {
  const codes = readBtcDirectErrorCodes(body);
  return (
    codes.find((code) => PARTNER_CREDENTIAL_CODES.has(code)) ??
    codes.find((code) => code !== 'ER999' && code in LINK_IDENTIFIER_ERRORS) ??
    codes.find((code) => code === 'ER999') ??
    codes[0]
  );
}
