import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { UpstreamConnectionError, UpstreamTimeoutError, UpstreamUnavailableError, type CallInfo } from '../http/errors';

const JWKS_PATH = '/.well-known/jwks.json';
const JWKS_CALL: CallInfo = { provider: 'auth0', method: 'GET', pathTemplate: JWKS_PATH };
const CLOCK_TOLERANCE_SECONDS = 30;

/** What the token says about itself, each of which makes it no proof of anything. */
const INVALID_TOKEN_ERRORS = [
  errors.JWSInvalid,
  errors.JWTInvalid,
  errors.JWTExpired,
  errors.JWTClaimValidationFailed,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
  errors.JWSSignatureVerificationFailed,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
];

/**
 * Checks that `linkWith` is an Auth0 ID token, the proof that the caller holds a fresh login of
 * the account: signed RS256 by the tenant (its /.well-known/jwks.json), issued by the tenant,
 * with `sub` and `exp`, not expired, and issued to one of the configured applications: every
 * `aud` must be one of their client ids (OIDC Core 3.1.3.7), which shuts out access tokens (aud =
 * the Management API `https://TENANT/api/v2/` or another API). Done before calling Auth0, which
 * checks the same token again (contract B3).
 *
 * A token that fails a check is `null`; the tenant's keys being unreachable is an UpstreamError
 * (PROVIDER_UNAVAILABLE), since that says nothing about the caller's token.
 */
export class Auth0IdTokenVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;
  private readonly issuer: string;
  private readonly audiences: ReadonlySet<string>;

  /** `issuer`: the `iss` of the tenant's ID tokens (differs from `baseUrl` behind a custom domain). */
  constructor(baseUrl: string, issuer: string, audiences: readonly string[], private readonly timeoutMs: number) {
    const base = baseUrl.replace(/\/+$/, '');
    this.issuer = issuer;
    this.audiences = new Set(audiences);
    this.keys = createRemoteJWKSet(new URL(`${base}${JWKS_PATH}`), { cooldownDuration: 30_000, cacheMaxAge: 600_000, timeoutDuration: timeoutMs });
  }

  /** False when no application client id is configured: then no token proves ownership. */
  get configured(): boolean {
    return this.audiences.size > 0;
  }

  /** The subject (Auth0 user_id) of a valid ID token, or null when `idToken` is not one. */
  async subjectOf(idToken: string): Promise<string | null> {
    if (!this.configured) return null;
    try {
      const { payload, protectedHeader } = await jwtVerify(idToken, this.keys, {
        issuer: this.issuer,
        audience: [...this.audiences],
        algorithms: ['RS256'],
        requiredClaims: ['sub', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      if (isAccessTokenType(protectedHeader.typ)) return null;
      const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!audiences.every((audience) => audience !== undefined && this.audiences.has(audience))) return null;
      return payload.sub ?? null;
    } catch (error) {
      if (INVALID_TOKEN_ERRORS.some((kind) => error instanceof kind)) return null;
      throw keysUnavailable(error, this.timeoutMs);
    }
  }
}

/** RFC 9068 access tokens announce themselves in `typ`. */
function isAccessTokenType(typ: string | undefined): boolean {
  return typ !== undefined && /^(application\/)?at\+jwt$/i.test(typ);
}

/** The JWKS fetch failed: timed out, no connection, a non-200 answer or an unreadable key set. */
function keysUnavailable(error: unknown, timeoutMs: number): Error {
  if (error instanceof errors.JWKSTimeout) return new UpstreamTimeoutError(JWKS_CALL, timeoutMs);
  if (typeof (error as { code?: unknown })?.code === 'string' && !(error instanceof errors.JOSEError)) return new UpstreamConnectionError(JWKS_CALL, error);
  return new UpstreamUnavailableError(JWKS_CALL, { retryable: true, detail: 'its signing keys (JWKS) could not be read' });
}
