import { VeratoBusinessError, type VeratoSource, type VeratoStore } from './store';

/** The parts of a Verato reply an operation decides; the envelope is added by the handler. */
export interface OperationOutcome {
  message: string;
  content: unknown;
}

export interface VeratoOperation {
  /** Runs the operation on the request's `content`; throws VeratoBusinessError for `success:false`. */
  run(content: Record<string, unknown>, store: VeratoStore): OperationOutcome;
  /** `content` sent with `success:false` (the spec says the echoed source "will be null" on failure). */
  failureContent?: Record<string, null>;
}

export type RequestContent = Record<string, unknown>;

// (inferred) missing/ill-typed request fields are business failures inside the envelope.
export function requireSource(content: RequestContent, field: string): VeratoSource {
  const value = content[field];
  if (!isObject(value) || !isNonEmptyString(value.name) || !isNonEmptyString(value.id)) {
    throw new VeratoBusinessError(`${field} is required and must have a source name and id`);
  }
  return { name: value.name, id: value.id };
}

/** The Source as the caller sent it (name, id and date when given), for echoing back. */
export function echoSource(content: RequestContent, field: string): Record<string, unknown> {
  const { name, id, date } = content[field] as Record<string, unknown>;
  return { name, id, date };
}

export function requireString(object: RequestContent, field: string): string {
  const value = object[field];
  if (!isNonEmptyString(value)) throw new VeratoBusinessError(`${field} is required`);
  return value;
}

export function optionalString(object: RequestContent, field: string): string | undefined {
  const value = object[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new VeratoBusinessError(`${field} must be a string`);
  return value;
}

export function requireObject(object: RequestContent, field: string): RequestContent {
  const value = object[field];
  if (!isObject(value)) throw new VeratoBusinessError(`${field} is required`);
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
