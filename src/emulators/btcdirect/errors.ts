import type { EmulatorResponse } from '../harness';

/**
 * The ER codes this emulator answers with. Texts are BTC Direct's own, verbatim: the
 * link-identifier error list (seed 002) and the flutter SDK's error_json_code.json.
 */
const CATALOG = {
  ER005: {
    message: 'Invalid login details provided.',
    solution: "Tell the user to provide valid authentication details, or inform them about the 'forgot password' functionality.",
  },
  ER053: { message: 'Missing identifier.', solution: 'Provide a valid identifier.' },
  ER102: {
    message: 'User identifier length out of bounds.',
    solution: 'Provide a user identifier with a minimum of 36 characters and a maximum of 255.',
  },
  ER700: { message: 'User authorization token not found.', solution: 'Provide a user authorization token.' },
  ER701: { message: 'User authorization token has expired.', solution: 'Request a new authorization token, or refresh the token.' },
  ER702: { message: 'User authorization token is invalid.', solution: 'Provide a valid user authorization token.' },
  ER703: {
    message: 'User identifier does not belong to the user in the user authorization token.',
    solution: 'Provide a valid user identifier, or remove the user identifier header.',
  },
  ER705: {
    message: 'User identifier is not linked to a user.',
    solution:
      'Provide a valid user identifier, link this user identifier to a user account, or use the user/password authentication mechanism.',
  },
  ER706: {
    message: 'User identifier is invalid.',
    solution: 'Provide a valid user identifier, a unique identifier string for the user account that is not already in use.',
  },
  ER707: {
    message: 'User identifier is invalid.',
    solution: 'Please provide an identifier, consisting of 36 - 255 characters, numeric or alphanumeric only.',
  },
  ER708: { message: 'There is a pending document for this side.', solution: 'Wait for the pending document to be reviewed.' },
  ER709: { message: 'User not found, or user has been deleted.', solution: 'Provide a valid user identifier.' },
  ER800: { message: 'Authorization token is invalid.', solution: 'Provide a valid authorization token.' },
  ER801: { message: 'Authorization token has expired.', solution: 'Request a new authorization token.' },
  ER802: { message: 'Authorization token not found.', solution: 'Provide an authorization token.' },
  ER803: { message: 'Multiple authorization methods used.', solution: 'Use exactly one authorization method.' },
  ER805: { message: 'API key is invalid.', solution: 'Provide a valid API key.' },
  ER806: { message: 'API key not found.', solution: 'Provide an API key.' },
  ER999: { message: 'A general error has occurred. Please contact our support team.', solution: 'Contact our support team.' },
} as const;

export type ErCode = keyof typeof CATALOG;

/**
 * HTTP status per code. Only ER801 → 400 is documented; the rest (inferred) take the first status
 * of the contract's "Emulator status" column: 401 for missing or invalid credentials, 404 for a
 * deleted user, 500 for the general error, 400 otherwise.
 */
const STATUS: Record<ErCode, number> = {
  ER005: 400,
  ER053: 400,
  ER102: 400,
  ER700: 401,
  ER701: 400,
  ER702: 401,
  ER703: 400,
  ER705: 400,
  ER706: 400,
  ER707: 400,
  ER708: 400,
  ER709: 404,
  ER800: 401,
  ER801: 400,
  ER802: 401,
  ER803: 400,
  ER805: 401,
  ER806: 401,
  ER999: 500,
};

/** The catalog entries, for contract tests that compare them with BTC Direct's published texts. */
export const ERROR_CATALOG: Readonly<Record<ErCode, { message: string; solution: string }>> = CATALOG;

/** `{errors: {ERxxx: {code, message, solution}}}`: an object keyed by code (contract A2). */
export function btcError(code: ErCode): EmulatorResponse {
  return btcErrors([code]);
}

/**
 * Several codes in one body, in this order, as the docs' link-identifier error example shows them;
 * (inferred) the status is the first code's.
 */
export function btcErrors(codes: readonly [ErCode, ...ErCode[]]): EmulatorResponse {
  const errors = Object.fromEntries(codes.map((code) => [code, { code, ...CATALOG[code] }]));
  return { status: STATUS[codes[0]], json: { errors } };
}

/** The codes of an answer built here, in body order. */
export function errorCodesOf(answer: EmulatorResponse): ErCode[] {
  const errors = (answer.json as { errors?: Record<string, unknown> } | undefined)?.errors ?? {};
  return Object.keys(errors).filter((code): code is ErCode => code in CATALOG);
}
