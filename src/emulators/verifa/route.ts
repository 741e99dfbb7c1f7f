import type { VerifaIdentity, VerifaStore } from './store';

/** A Verifa error reply: `{error, detail, status_code}`. */
export class VerifaApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  toBody(): Record<string, unknown> {
    return { error: this.code, detail: this.detail, status_code: this.status };
  }
}

export function notFound(detail = 'Identity not found.'): VerifaApiError {
  return new VerifaApiError(404, 'not_found', detail);
}

// (inferred) the field-level 422 format was not captured; one message per failure.
export function validationError(detail: string, status = 422): VerifaApiError {
  return new VerifaApiError(status, 'validation_error', detail);
}

export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  store: VerifaStore;
}

export interface RouteResult {
  status: number;
  body: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path segments below `/api/v1`; `:name` segments are captured into `params`. */
  pattern: string[];
  handle(context: RouteContext): RouteResult;
}

export interface Page {
  limit: number;
  offset: number;
}

export const DEFAULT_PAGE_LIMIT = 25;
const MAX_PAGE_LIMIT = 100;

/** `limit` (1–100) and `offset` (≥ 0) query parameters; anything else is a 422. */
export function parsePage(query: URLSearchParams): Page {
  const limit = parseWholeNumber(query.get('limit'), DEFAULT_PAGE_LIMIT);
  const offset = parseWholeNumber(query.get('offset'), 0);
  if (limit === undefined || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw validationError(`limit must be an integer between 1 and ${MAX_PAGE_LIMIT}.`);
  }
  if (offset === undefined) throw validationError('offset must be an integer greater than or equal to 0.');
  return { limit, offset };
}

/** The list reply `{data, pagination:{total, limit, offset}}` for one page of `items`. */
export function pageOf<T>(items: T[], page: Page): { data: T[]; pagination: Page & { total: number } } {
  return {
    data: items.slice(page.offset, page.offset + page.limit),
    pagination: { total: items.length, limit: page.limit, offset: page.offset },
  };
}

export function requireIdentity(store: VerifaStore, idOrExternalRef: string): VerifaIdentity {
  const identity = store.findIdentity(idOrExternalRef);
  if (!identity) throw notFound();
  return identity;
}

export function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0) throw validationError(`${field} is required and must be a string.`);
  return value;
}

export function optionalString(body: Record<string, unknown>, field: string): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw validationError(`${field} must be a string or null.`);
  return value;
}

export function optionalBoolean(body: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const value = body[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw validationError(`${field} must be a boolean.`);
  return value;
}

export function optionalObject(body: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = body[field];
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw validationError(`${field} must be an object.`);
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseWholeNumber(raw: string | null, fallback: number): number | undefined {
  if (raw === null) return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}
