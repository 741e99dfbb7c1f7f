import type { EmulatorResponse } from '../harness';

/** Reason phrases the Management API puts in `error` (contract B2). */
const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
};

/** A Management API error: `{statusCode, error, message, errorCode}`. */
export function managementError(status: number, message: string, errorCode?: string): EmulatorResponse {
  return { status, json: { statusCode: status, error: REASON_PHRASES[status], message, ...(errorCode && { errorCode }) } };
}

export const userNotFound = (): EmulatorResponse => managementError(404, 'The user does not exist.', 'inexistent_user');

export const invalidBody = (message: string): EmulatorResponse => managementError(400, message, 'invalid_body');

export const invalidQuery = (message: string): EmulatorResponse => managementError(400, message, 'invalid_query_string');

export const insufficientScope = (message: string): EmulatorResponse => managementError(403, message, 'insufficient_scope');

/** An Authentication API (`/oauth/token`) error: the OAuth shape `{error, error_description}`. */
export function oauthError(status: number, error: string, description: string): EmulatorResponse {
  return { status, json: { error, error_description: description } };
}
