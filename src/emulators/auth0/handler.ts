import type { EmulatorHandler, EmulatorRequest, EmulatorResponse } from '../harness';
import { managementError } from './errors';
import { handleTokenRequest } from './oauth';
import type { TokenBucket } from './rate-limit';
import type { Auth0Store } from './store';
import type { AccessTokenClaims, Auth0Tenant } from './tokens';
import { getUser, linkIdentity, listUsers, unlinkIdentity, usersByEmail, type ManagementCall } from './users';

export interface Auth0Context {
  store: Auth0Store;
  tenant: Auth0Tenant;
  rateLimit: TokenBucket;
}

/** Which scopes an operation accepts (contract B1), and the exact 403 message when none is held. */
interface ScopeRule {
  /** Any of these lets the caller act on any user. */
  anyUser: string[];
  /** This one lets a user token act on its own user only (path id must equal the token's sub). */
  ownUser?: string;
  insufficientMessage: string;
}

interface ManagementRoute {
  method: string;
  /** Path under /api/v2, with `{name}` placeholders as in the OpenAPI document. */
  path: string;
  scopes: ScopeRule;
  handle: (call: ManagementCall) => EmulatorResponse | Promise<EmulatorResponse>;
}

export const MANAGEMENT_BASE_PATH = '/api/v2';

const IDENTITY_WRITE_SCOPES: ScopeRule = {
  anyUser: ['update:users'],
  ownUser: 'update:current_user_identities',
  insufficientMessage: 'Insufficient scope; expected: update:users, update:current_user_identities.',
};

export const MANAGEMENT_ROUTES: readonly ManagementRoute[] = [
  {
    method: 'GET',
    path: '/users',
    scopes: { anyUser: ['read:users'], insufficientMessage: 'Insufficient scope, expected any of: read:users.' },
    handle: listUsers,
  },
  {
    method: 'GET',
    path: '/users/{id}',
    scopes: {
      anyUser: ['read:users', 'read:user_idp_tokens'],
      ownUser: 'read:current_user',
      insufficientMessage: 'Insufficient scope; expected any of: read:users, read:user_idp_tokens, read:current_user.',
    },
    handle: getUser,
  },
  {
    method: 'GET',
    path: '/users-by-email',
    scopes: { anyUser: ['read:users'], insufficientMessage: 'Insufficient scope, expected any of: read:users.' },
    handle: usersByEmail,
  },
  { method: 'POST', path: '/users/{id}/identities', scopes: IDENTITY_WRITE_SCOPES, handle: linkIdentity },
  {
    method: 'DELETE',
    path: '/users/{id}/identities/{provider}/{user_id}',
    scopes: IDENTITY_WRITE_SCOPES,
    handle: unlinkIdentity,
  },
];

/** The tenant: Authentication API (/oauth/token, JWKS) and Management API (/api/v2). */
export function createAuth0Handler(context: Auth0Context): EmulatorHandler {
  return async (req) => {
    if (req.method === 'POST' && req.path === '/oauth/token') {
      return handleTokenRequest(req, context.store, context.tenant);
    }
    if (req.method === 'GET' && req.path === '/.well-known/jwks.json') {
      return { status: 200, json: context.tenant.jwks() };
    }
    if (req.path.startsWith(`${MANAGEMENT_BASE_PATH}/`)) return handleManagementRequest(req, context);
    // (inferred) anything else on the tenant domain.
    return { status: 404, text: 'Not Found' };
  };
}

/** Every Management API answer, 429 included, reports the rate-limit bucket in its headers. */
async function handleManagementRequest(req: EmulatorRequest, context: Auth0Context): Promise<EmulatorResponse> {
  const limit = context.rateLimit.take();
  const answer = limit.allowed
    ? await answerManagementRequest(req, context)
    : // (inferred) message of the tenant-wide bucket's 429.
      managementError(429, 'Global limit has been reached', 'too_many_requests');
  return { ...answer, headers: { ...answer.headers, ...limit.headers } };
}

async function answerManagementRequest(req: EmulatorRequest, context: Auth0Context): Promise<EmulatorResponse> {
  const match = matchRoute(req.method, req.path.slice(MANAGEMENT_BASE_PATH.length));
  // (inferred) the wording for a path that cannot be percent-decoded, and for an unknown route.
  if (match === 'malformed') return managementError(400, 'Invalid request URI.', 'invalid_uri');
  if (!match) return managementError(404, 'Not Found');

  const caller = await authenticateCaller(req, context.tenant);
  if ('status' in caller) return caller;
  const refusal = checkScopes(match.route.scopes, caller, match.params.id);
  if (refusal) return refusal;
  return match.route.handle({ req, params: match.params, caller, store: context.store, tenant: context.tenant });
}

async function authenticateCaller(
  req: EmulatorRequest,
  tenant: Auth0Tenant,
): Promise<AccessTokenClaims | EmulatorResponse> {
  const header = req.headers.authorization;
  // (inferred) message and errorCode when no bearer token is sent at all.
  if (!header) return managementError(401, 'Missing authentication', 'invalid_token');
  const token = /^Bearer (\S+)$/i.exec(header)?.[1];
  if (!token) return managementError(401, 'Invalid token.', 'invalid_token');
  const check = await tenant.verifyAccessToken(token);
  if (check.ok) return check.claims;
  return check.problem === 'bad-signature'
    ? managementError(401, 'Invalid signature received for JSON Web Token validation.', 'invalid_token')
    : managementError(401, 'Invalid token.', 'invalid_token');
}

function checkScopes(
  rule: ScopeRule,
  caller: AccessTokenClaims,
  targetUserId: string | undefined,
): EmulatorResponse | undefined {
  if (rule.anyUser.some((scope) => caller.scopes.has(scope))) return undefined;
  if (rule.ownUser && caller.scopes.has(rule.ownUser)) {
    if (targetUserId === caller.sub) return undefined;
    // (inferred) errorCode of the subject-mismatch refusal.
    return managementError(403, 'User to be acted on does not match subject in bearer token.', 'insufficient_scope');
  }
  return managementError(403, rule.insufficientMessage, 'insufficient_scope');
}

type RouteMatch = { route: ManagementRoute; params: Record<string, string> };

/** Finds the route for a path under /api/v2; `{name}` segments capture the percent-decoded value. */
function matchRoute(method: string, path: string): RouteMatch | 'malformed' | undefined {
  let segments: string[];
  try {
    segments = path.split('/').map(decodeURIComponent);
  } catch {
    return 'malformed';
  }
  for (const route of MANAGEMENT_ROUTES) {
    const params = matchSegments(route.path.split('/'), segments);
    if (params && route.method === method) return { route, params };
  }
  return undefined;
}

function matchSegments(template: string[], segments: string[]): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of template.entries()) {
    const placeholder = /^\{(\w+)\}$/.exec(part)?.[1];
    if (placeholder) {
      if (segments[index] === '') return undefined;
      params[placeholder] = segments[index];
    } else if (part !== segments[index]) {
      return undefined;
    }
  }
  return params;
}
