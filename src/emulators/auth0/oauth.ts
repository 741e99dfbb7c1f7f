import { DEMO_CREDENTIALS } from '../seed';
import type { EmulatorRequest, EmulatorResponse } from '../harness';
import { oauthError } from './errors';
import type { Auth0Store } from './store';
import type { Auth0Tenant } from './tokens';

/** Scopes the tenant grants the demo machine-to-machine client on the Management API. */
const CLIENT_GRANT_SCOPES = ['read:users', 'update:users'];
/** Management API scopes a user may obtain for acting on their own account. */
const USER_SELF_SCOPES = ['read:current_user', 'update:current_user_identities'];
const OIDC_SCOPES = ['openid', 'profile', 'email'];

type TokenParams = Record<string, string | undefined>;

/** POST /oauth/token (Authentication API): client_credentials and password grants. */
export async function handleTokenRequest(
  req: EmulatorRequest,
  store: Auth0Store,
  tenant: Auth0Tenant,
): Promise<EmulatorResponse> {
  const params = readTokenParams(req);
  // (inferred) the description for a body that is neither JSON nor a form.
  if (!params) return oauthError(400, 'invalid_request', 'Invalid request body');
  const grantType = params.grant_type;
  if (!grantType) return oauthError(400, 'invalid_request', 'Missing required parameter: grant_type');
  if (grantType !== 'client_credentials' && grantType !== 'password') {
    return oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
  }
  const { clientId, clientSecret, frontendClientId } = DEMO_CREDENTIALS.auth0;
  // (inferred) the demo frontend is a public client: it logs users in without a secret, and
  // cannot use client_credentials.
  if (grantType === 'password' && params.client_id === frontendClientId && params.client_secret === undefined) {
    return passwordGrant(params, store, tenant, frontendClientId);
  }
  if (params.client_id !== clientId || params.client_secret !== clientSecret) {
    return oauthError(401, 'access_denied', 'Unauthorized');
  }
  return grantType === 'client_credentials'
    ? clientCredentialsGrant(params, tenant)
    : passwordGrant(params, store, tenant, clientId);
}

async function clientCredentialsGrant(params: TokenParams, tenant: Auth0Tenant): Promise<EmulatorResponse> {
  // (inferred) the brief's 400 invalid_request for a missing audience; the real tenant answers 403.
  if (!params.audience) return oauthError(400, 'invalid_request', 'Missing required parameter: audience');
  const unknownAudience = checkAudience(params.audience, tenant);
  if (unknownAudience) return unknownAudience;

  const requested = splitScopes(params.scope);
  const notGranted = requested.filter((scope) => !CLIENT_GRANT_SCOPES.includes(scope));
  // (inferred) wording of the refusal when a client asks for scopes its grant lacks.
  if (notGranted.length > 0) {
    return oauthError(403, 'access_denied', `Client has not been granted scopes: ${notGranted.join(', ')}`);
  }
  const scope = (requested.length > 0 ? requested : CLIENT_GRANT_SCOPES).join(' ');
  const clientId = DEMO_CREDENTIALS.auth0.clientId;
  const accessToken = await tenant.signAccessToken({
    sub: `${clientId}@clients`,
    audience: params.audience,
    azp: clientId,
    scope,
    extraClaims: { gty: 'client-credentials' },
  });
  return {
    status: 200,
    json: { access_token: accessToken, token_type: 'Bearer', expires_in: tenant.accessTokenTtlSeconds, scope },
  };
}

/**
 * The resource-owner password grant: how a demo user proves they own an account and obtains the
 * ID token that `link_with` carries. Both tokens are issued to the client that asked (`azp` and
 * the ID token's `aud`).
 */
async function passwordGrant(params: TokenParams, store: Auth0Store, tenant: Auth0Tenant, clientId: string): Promise<EmulatorResponse> {
  if (!params.username) return oauthError(400, 'invalid_request', 'Missing required parameter: username');
  if (!params.password) return oauthError(400, 'invalid_request', 'Missing required parameter: password');
  if (params.audience) {
    const unknownAudience = checkAudience(params.audience, tenant);
    if (unknownAudience) return unknownAudience;
  }
  const user = store.authenticate(params.username, params.password);
  // (inferred) Auth0's answer to a wrong password: 403 invalid_grant.
  if (!user) return oauthError(403, 'invalid_grant', 'Wrong email or password.');

  const requested = splitScopes(params.scope);
  const grantable = params.audience ? [...OIDC_SCOPES, ...USER_SELF_SCOPES] : OIDC_SCOPES;
  const scope = requested.filter((candidate) => grantable.includes(candidate)).join(' ');
  const accessToken = await tenant.signAccessToken({
    sub: user.user_id,
    audience: params.audience ? [params.audience, tenant.userinfoAudience] : tenant.userinfoAudience,
    azp: clientId,
    scope,
  });
  // (inferred) without `openid` in the scope no ID token is issued, as in OIDC.
  const idToken = requested.includes('openid') ? await tenant.signIdToken(user, clientId, scope) : undefined;
  return {
    status: 200,
    json: {
      access_token: accessToken,
      ...(idToken && { id_token: idToken }),
      scope,
      token_type: 'Bearer',
      expires_in: tenant.accessTokenTtlSeconds,
    },
  };
}

/** The one API this tenant serves is the Management API; other audiences are refused. */
function checkAudience(audience: string, tenant: Auth0Tenant): EmulatorResponse | undefined {
  if (audience === tenant.managementAudience) return undefined;
  // (inferred) Auth0's wording for an audience that names no API of the tenant.
  return oauthError(403, 'access_denied', `Service not enabled within domain: ${audience}`);
}

/** The Authentication API takes JSON or application/x-www-form-urlencoded bodies. */
function readTokenParams(req: EmulatorRequest): TokenParams | undefined {
  const contentType = String(req.headers['content-type'] ?? '');
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(req.rawBody));
  }
  if (req.rawBody === '') return {};
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) return undefined;
  return Object.fromEntries(
    Object.entries(req.body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function splitScopes(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter(Boolean);
}
