import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Config } from '../config';
import { PROVIDERS } from '../domain/provider-name';
import type { Caller } from '../context';
import { UnauthenticatedError } from '../errors/domain-errors';
import { DEV_AUDIENCE, DEV_ISSUER, loadDevIssuer, type DevIssuer } from './dev-issuer';
import { SCOPES } from './scopes';

/** Signature algorithms a caller token may use; `none` and HMAC are never accepted. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
/** Allowed clock difference between the issuer and this subgraph. */
const CLOCK_TOLERANCE_SECONDS = 30;
/** Verified tokens remembered (until they expire), so a caller's token is checked once, not per request. */
const VERIFIED_TOKENS_KEPT = 10_000;

export interface CallerVerifier {
  /** The caller of a request, from its Authorization header; throws UnauthenticatedError. */
  callerFor(authorization: string | undefined): Promise<Caller>;
  /** Present in embedded mode: the dev issuer whose tokens are accepted. */
  devIssuer: DevIssuer | null;
}

/** The caller of a request without a token, where the dev issuer allows one (reads only). */
export const ANONYMOUS_DEV_CALLER: Caller = { subject: 'anonymous', scopes: new Set([SCOPES.read]) };

/**
 * Verifies `Authorization: Bearer <JWT>` against AUTH_JWKS_URL (fetched once, cached, fetched
 * again when a token names an unknown key id), AUTH_ISSUER and AUTH_AUDIENCE; or, with no AUTH_*
 * configured (allowed only while every provider is an embedded emulator), against the embedded dev issuer.
 */
export async function createCallerVerifier(config: Config): Promise<CallerVerifier> {
  const { jwksUrl, issuer, audience } = config.callerAuth;
  if (!jwksUrl && PROVIDERS.some((provider) => config[provider].baseUrl !== null)) {
    // loadConfig refuses this too; a hand-made Config must not hand dev-issuer tokens real data either.
    throw new Error('the embedded dev issuer is only trusted while every provider is an embedded emulator; configure AUTH_*');
  }
  const devIssuer = jwksUrl ? null : await loadDevIssuer();
  const keys = jwksUrl ? createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 }) : createLocalJWKSet({ keys: [devIssuer!.publicJwk] });
  const expected = { issuer: issuer ?? DEV_ISSUER, audience: audience ?? DEV_AUDIENCE };
  const verified = new Map<string, { caller: Caller; expiresAt: number }>();

  return {
    devIssuer,
    async callerFor(authorization) {
      if (!authorization) {
        if (config.devAnonymousRead && devIssuer) return ANONYMOUS_DEV_CALLER;
        throw new UnauthenticatedError('A bearer token is required (Authorization: Bearer <token>).');
      }
      const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(authorization.trim());
      if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
      const token = match[1];
      const known = verified.get(token);
      if (known && known.expiresAt > Date.now()) return known.caller;
      try {
        const { payload } = await jwtVerify(token, keys, {
          ...expected,
          algorithms: ACCEPTED_ALGORITHMS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['sub', 'exp'],
        });
        const caller: Caller = { subject: payload.sub!, scopes: scopesOf(payload) };
        remember(verified, token, { caller, expiresAt: payload.exp! * 1000 });
        return caller;
      } catch (error) {
        throw new UnauthenticatedError(rejectionMessage(error));
      }
    },
  };
}

/** Keeps at most VERIFIED_TOKENS_KEPT entries, dropping the oldest (Map iteration is insertion order). */
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > VERIFIED_TOKENS_KEPT) cache.delete(cache.keys().next().value!);
}

/** Scopes from `scope` (space-separated, OAuth), `scp` or `permissions` (Auth0 RBAC). */
function scopesOf(payload: JWTPayload): Set<string> {
  const scopes = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string') value.split(/\s+/).filter(Boolean).forEach((s) => scopes.add(s));
    if (Array.isArray(value)) value.filter((s): s is string => typeof s === 'string').forEach((s) => scopes.add(s));
  };
  add(payload.scope);
  add(payload.scp);
  add(payload.permissions);
  return scopes;
}

function rejectionMessage(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The bearer token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) return `The bearer token was refused: its "${error.claim}" claim does not match this subgraph.`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The bearer token uses a signature algorithm this subgraph does not accept.';
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return 'The bearer token signature is not valid.';
  if (error instanceof errors.JWKSTimeout || (error as { code?: string }).code === 'ERR_JOSE_GENERIC') return 'The bearer token could not be verified right now; try again.';
  return 'The bearer token is malformed.';
}
