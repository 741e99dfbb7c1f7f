import { GraphQLError } from 'graphql';
import type { ErrorCode } from './codes';

/**
 * Errors the subgraph raises itself, already in the shape clients see: a GraphQL error with a
 * documented `extensions.code`. Messages never carry credentials, tokens or personal data.
 */
export abstract class DomainError extends GraphQLError {
  abstract readonly code: ErrorCode;
  protected constructor(message: string, code: ErrorCode, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions } });
  }
}

/** An argument is malformed (an id, an identifier, a page size). */
export class BadUserInputError extends DomainError {
  readonly code = 'BAD_USER_INPUT';
  constructor(message: string, field?: string) {
    super(message, 'BAD_USER_INPUT', field ? { field } : {});
  }
}

/** An operation's estimated cost is over the limit (checked before anything executes). */
export class CostEstimatedTooExpensiveError extends DomainError {
  readonly code = 'COST_ESTIMATED_TOO_EXPENSIVE';
  constructor(message: string, details: { cost: number; maxCost: number; path: string }) {
    super(message, 'COST_ESTIMATED_TOO_EXPENSIVE', { ...details, http: { status: 400 } });
  }
}

/** No verified caller (missing, expired or forged token). */
export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'A valid bearer token is required.') {
    super(message, 'UNAUTHENTICATED');
  }
}

/** The caller is known but may not do this (missing scope, not the owner). */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  constructor(message: string, requiredScopes?: string[]) {
    super(message, 'FORBIDDEN', requiredScopes ? { requiredScopes } : {});
  }
}
