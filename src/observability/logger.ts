import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Paths pino replaces with "[Redacted]": credentials in headers and bodies, and personal data
 * wherever a provider object might end up in a log line. Explicit paths, no deep wildcards
 * (pino's wildcard redaction is costly), and none of them comes from input.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["router-authorization"]',
  'req.headers["x-btcdirect-user-authorization"]',
  'req.headers["x-auth0-user-authorization"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["user-authorization"]',
  'token',
  'accessToken',
  'access_token',
  'id_token',
  'client_secret',
  'password',
  'apiKey',
  'variables',
  '*.email',
  '*.ssn',
  '*.birthDate',
  '*.dateOfBirth',
  '*.date_of_birth',
  '*.phone',
  '*.phoneNumber',
  '*.documentNumber',
  '*.document_number',
  '*.address',
  '*.linkWith',
  '*.link_with',
];

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'identity-subgraph' },
      redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
