import { createRemoteJWKSet, jwtVerify } from 'jose';

/**
 * Checks an Auth0 ID token the way the Management API checks `link_with` (contract B3): signed
 * RS256 by the tenant (its /.well-known/jwks.json), issued by the tenant, with a `sub`. Done
 * before calling Auth0, so a caller can only link an account whose fresh login it holds.
 */
export class Auth0IdTokenVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;
  private readonly issuer: string;

  constructor(baseUrl: string) {
    const base = baseUrl.replace(/\/+$/, '');
    this.issuer = `${base}/`;
    this.keys = createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  }

  /** The token's subject (the Auth0 user_id), or null when the token is not a valid ID token of this tenant. */
  async subjectOf(idToken: string): Promise<string | null> {
    try {
      const { payload } = await jwtVerify(idToken, this.keys, { issuer: this.issuer, algorithms: ['RS256'], requiredClaims: ['sub'] });
      return payload.sub ?? null;
    } catch {
      return null;
    }
  }
}
