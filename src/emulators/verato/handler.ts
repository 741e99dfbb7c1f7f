import { randomUUID } from 'node:crypto';
import type { EmulatorHandler, EmulatorRequest, EmulatorResponse } from '../harness';
import { DEMO_CREDENTIALS } from '../seed';
import { isObject, type OperationOutcome, type VeratoOperation } from './operation';
import { READ_OPERATIONS } from './routes-read';
import { WRITE_OPERATIONS } from './routes-write';
import { VeratoBusinessError, type VeratoStore } from './store';

/** The Person stack's base path; every operation is a POST below it. */
export const PERSON_BASE_PATH = '/link-ws/svc';

const OPERATIONS = new Map<string, VeratoOperation>(Object.entries({ ...READ_OPERATIONS, ...WRITE_OPERATIONS }));

/** The servlet container's page for a failed login: not the JSON envelope. */
const UNAUTHORIZED_PAGE = [
  '<!doctype html><html lang="en"><head><title>HTTP Status 401 – Unauthorized</title></head><body>',
  '<h1>HTTP Status 401 – Unauthorized</h1><hr class="line" />',
  '<p><b>Type</b> Status Report</p><p><b>Message</b> User is not authenticated</p>',
  '<p><b>Description</b> The request has not been applied to the target resource because it lacks valid',
  ' authentication credentials for that resource.</p><hr class="line" /></body></html>',
].join('');

export function createVeratoHandler(store: VeratoStore): EmulatorHandler {
  return (req) => {
    const operation = findOperation(req.path);
    if (!operation) return { status: 404 };
    if (req.method !== 'POST') return { status: 405 }; // (inferred) blank, like the other container errors
    if (!isAuthorized(req.headers.authorization)) return unauthorized();
    if (req.bodyIsMalformed || !isObject(req.body)) return { status: 400 };
    return { status: 200, json: runOperation(operation, req, store) };
  };
}

function findOperation(path: string): VeratoOperation | undefined {
  if (!path.startsWith(`${PERSON_BASE_PATH}/`)) return undefined;
  return OPERATIONS.get(path.slice(PERSON_BASE_PATH.length));
}

/** Preemptive Basic (username:password) or Bearer (token) credentials. */
function isAuthorized(header: string | undefined): boolean {
  const match = /^(\w+)\s+(\S+)$/.exec(header ?? '');
  if (!match) return false;
  const [, scheme, value] = match;
  const { token, username, password } = DEMO_CREDENTIALS.verato;
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return value === token;
    case 'basic':
      return Buffer.from(value, 'base64').toString('utf8') === `${username}:${password}`;
    default:
      return false;
  }
}

function unauthorized(): EmulatorResponse {
  return { status: 401, headers: { 'content-type': 'text/html;charset=utf-8' }, text: UNAUTHORIZED_PAGE };
}

function runOperation(operation: VeratoOperation, req: EmulatorRequest, store: VeratoStore): Record<string, unknown> {
  const body = req.body as Record<string, unknown>;
  const trackingId = typeof body.trackingId === 'string' ? body.trackingId : undefined;
  try {
    // (inferred) a missing `content` is a business failure, like any other missing field.
    if (!isObject(body.content)) throw new VeratoBusinessError('content is required');
    return envelope(trackingId, true, operation.run(body.content, store));
  } catch (error) {
    if (!(error instanceof VeratoBusinessError)) throw error;
    return envelope(trackingId, false, { message: error.message, content: operation.failureContent ?? null });
  }
}

/** The reply envelope every operation shares; `errors` repeats `message` on failure. */
function envelope(trackingId: string | undefined, success: boolean, outcome: OperationOutcome): Record<string, unknown> {
  return {
    success,
    message: outcome.message,
    errors: success ? [] : [outcome.message],
    warnings: [],
    retryableError: false,
    auditId: randomUUID(),
    trackingId,
    content: outcome.content,
  };
}
