import type { AuthChecker } from 'type-graphql';
import type { Caller, Context } from '../context';
import { ForbiddenError, UnauthenticatedError } from '../errors/domain-errors';
import { SCOPES, type Scope } from './scopes';

/**
 * type-graphql's `@Authorized(scope, …)` check: the caller must hold every listed scope. A caller
 * without a token is told to authenticate; one without the scope is told which scope is missing.
 */
export const authChecker: AuthChecker<Context, Scope> = ({ context }, scopes) => {
  requireScopes(context.caller, scopes);
  return true;
};

export function requireScopes(caller: Caller, scopes: readonly Scope[]): void {
  const missing = scopes.filter((scope) => !caller.scopes.has(scope));
  if (missing.length === 0) return;
  if (caller.subject === 'anonymous') throw new UnauthenticatedError(`A bearer token with ${missing.join(' and ')} is required.`);
  throw new ForbiddenError(`This needs the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`, missing);
}

export function isAdmin(caller: Caller): boolean {
  return caller.scopes.has(SCOPES.admin);
}

/** Whether the caller's token subject is this Auth0 user (sub `auth0|…`, or the global id). */
export function isCallerAuth0User(caller: Caller, auth0UserId: string): boolean {
  return caller.subject === auth0UserId || caller.subject === `auth0:${auth0UserId}`;
}
