import { randomUUID } from 'node:crypto';
import type { EmulatorHandler, EmulatorRequest, EmulatorResponse } from '../harness';
import { DEMO_CREDENTIALS } from '../seed';
import { isObject, type OperationOutcome, type VeratoOperation } from './operation';
import { READ_OPERATIONS } from './routes-read';
import { WRITE_OPERATIONS } from './routes-write';
import { VeratoBusinessError, type VeratoStore } from './store';

/** The three entity stacks, each its own base path; every operation is a POST below it. */
export const VERATO_STACK_BASE_PATHS = {
  person: '/link-ws/svc',
  provider: '/provider-link-ws/svc',
  organization: '/org-link-ws/svc',
} as const;

export type VeratoEmulatedStack = keyof typeof VERATO_STACK_BASE_PATHS;

/** The Person stack's base path. */
export const PERSON_BASE_PATH = VERATO_STACK_BASE_PATHS.person;

/** Person versions its query operations under /v2/; the Provider and Organization specs do not. */
const PERSON_OPERATIONS = new Map<string, VeratoOperation>(Object.entries({ ...READ_OPERATIONS, ...WRITE_OPERATIONS }));
const UNVERSIONED_OPERATIONS = new Map<string, VeratoOperation>([...PERSON_OPERATIONS].map(([path, operation]) => [path.replace(/^\/v2\//, '/'), operation]));

/** The servlet container's page for a failed login: not the JSON envelope. */
const UNAUTHORIZED_PAGE = [
  '<!doctype html><html lang="en"><head><title>HTTP Status 401 – Unauthorized</title></head><body>',
  '<h1>HTTP Status 401 – Unauthorized</h1><hr class="line" />',
  '<p><b>Type</b> Status Report</p><p><b>Message</b> User is not authenticated</p>',
  '<p><b>Description</b> The request has not been applied to the target resource because it lacks valid',
  ' authentication credentials for that resource.</p><hr class="line" /></body></html>',
].join('');

/**
 * One tenant serves one stack: all three base paths are mounted, and a request below another
 * stack's path gets the same blank 404 as an unknown operation (inferred: the container's answer
 * for a path no application serves).
 */
export function createVeratoHandler(store: VeratoStore, stack: VeratoEmulatedStack = 'person'): EmulatorHandler {
  return (req) => {
    const operation = findOperation(req.path, stack);
    if (!operation) return { status: 404 };
    if (req.method !== 'POST') return { status: 405 }; // (inferred) blank, like the other container errors
    if (!isAuthorized(req.headers.authorization)) return unauthorized();
    if (req.bodyIsMalformed || !isObject(req.body)) return { status: 400 };
    return { status: 200, json: runOperation(operation, req, store) };
  };
}

function findOperation(path: string, stack: VeratoEmulatedStack): VeratoOperation | undefined {
  const basePath = VERATO_STACK_BASE_PATHS[stack];
  if (!path.startsWith(`${basePath}/`)) return undefined;
  return (stack === 'person' ? PERSON_OPERATIONS : UNVERSIONED_OPERATIONS).get(path.slice(basePath.length));
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
