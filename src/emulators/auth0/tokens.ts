import { randomBytes } from 'node:crypto';
import {
  SignJWT,
  decodeProtectedHeader,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type KeyLike,
} from 'jose';
import { LRUCache } from 'lru-cache';
import type { Auth0User } from './store';

const KEY_ID = 'emulator-tenant-key-1';
// (inferred) Auth0's default ID token lifetime (10 h).
const ID_TOKEN_TTL_SECONDS = 36_000;
/** Distinct access tokens whose verification is remembered (a client sends one token on every call until it renews it). */
const VERIFIED_TOKENS_KEPT = 256;

/** Claims of a verified Management API access token that the handler needs. */
export interface AccessTokenClaims {
  sub: string;
  iss: string;
  azp: string;
  scopes: ReadonlySet<string>;
}

export type AccessTokenCheck =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; problem: 'invalid' | 'bad-signature' };

export type LinkWithCheck =
  | { ok: true; sub: string }
  | { ok: false; message: string };

export interface IdTokenOverrides {
  /** Merged over the default claims; a claim set to `undefined` is left out. */
  claims?: Record<string, unknown>;
  /** `HS256` signs with a shared secret instead of the tenant's RSA key. */
  alg?: 'RS256' | 'HS256';
  /** Sign with an RSA key the tenant does not publish (the signature will not verify). */
  foreignKey?: boolean;
  /** The header's `typ` (default `JWT`), e.g. `at+jwt` to dress it as an RFC 9068 access token. */
  typ?: string;
}

export interface AccessTokenRequest {
  sub: string;
  audience: string | string[];
  azp: string;
  scope: string;
  extraClaims?: Record<string, unknown>;
}

/** The tenant's signing identity: RSA key pair, JWKS, and the tokens it issues and accepts. */
export class Auth0Tenant {
  private url: string | undefined;
  private overrides: { issuer?: string; managementAudience?: string } = {};
  /**
   * Access tokens that verified, with their claims, until they expire: a token's signature,
   * issuer and audience do not change, so the answer for it holds until `exp`. (An RS256
   * verification on every call was a fifth of the emulators' CPU under the bench's load.)
   */
  private readonly verified = new LRUCache<string, { claims: AccessTokenClaims; exp: number }>({ max: VERIFIED_TOKENS_KEPT });

  private constructor(
    private readonly privateKey: KeyLike,
    private readonly publicKey: KeyLike,
    private readonly publicJwk: JWK,
    readonly accessTokenTtlSeconds: number,
  ) {}

  static async create(accessTokenTtlSeconds: number): Promise<Auth0Tenant> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const publicJwk = { ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' };
    return new Auth0Tenant(privateKey, publicKey, publicJwk, accessTokenTtlSeconds);
  }

  /** Set once the server listens; the tenant's issuer and audience derive from it. */
  setBaseUrl(url: string, overrides: { issuer?: string; managementAudience?: string } = {}): void {
    this.url = url;
    this.overrides = overrides;
    this.verified.clear();
  }

  get baseUrl(): string {
    if (!this.url) throw new Error('the Auth0 tenant has no base URL yet');
    return this.url;
  }

  get issuer(): string {
    return this.overrides.issuer ?? `${this.baseUrl}/`;
  }

  get managementAudience(): string {
    return this.overrides.managementAudience ?? `${this.baseUrl}/api/v2/`;
  }

  get userinfoAudience(): string {
    return `${this.baseUrl}/userinfo`;
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  async signAccessToken(request: AccessTokenRequest): Promise<string> {
    return new SignJWT({ ...request.extraClaims, azp: request.azp, scope: request.scope })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: KEY_ID })
      .setIssuer(this.issuer)
      .setSubject(request.sub)
      .setAudience(request.audience)
      .setIssuedAt()
      .setExpirationTime(nowSeconds() + this.accessTokenTtlSeconds)
      .sign(this.privateKey);
  }

  /** An ID token for `user` as the tenant issues it to `clientId`, profile claims chosen by `scope`. */
  async signIdToken(user: Auth0User, clientId: string, scope: string, overrides: IdTokenOverrides = {}): Promise<string> {
    const now = nowSeconds();
    const claims = dropUndefined({
      ...profileClaims(user, scope),
      iss: this.issuer,
      sub: user.user_id,
      aud: clientId,
      iat: now,
      exp: now + ID_TOKEN_TTL_SECONDS,
      ...overrides.claims,
    });
    const alg = overrides.alg ?? 'RS256';
    const jwt = new SignJWT(claims).setProtectedHeader({ alg, typ: overrides.typ ?? 'JWT', kid: KEY_ID });
    if (alg === 'HS256') return jwt.sign(randomBytes(32));
    return jwt.sign(overrides.foreignKey ? (await generateKeyPair('RS256')).privateKey : this.privateKey);
  }

  /** Verifies a Management API bearer token: tenant signature, issuer, audience, expiry. */
  async verifyAccessToken(token: string): Promise<AccessTokenCheck> {
    const known = this.verified.get(token);
    // jose refuses a token once `exp` <= now (whole seconds): the same rule, so the answer is the same.
    if (known && nowSeconds() < known.exp) return { ok: true, claims: known.claims };
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        algorithms: ['RS256'],
        issuer: this.issuer,
        audience: this.managementAudience,
      });
      const claims = accessClaimsOf(payload);
      if (typeof payload.exp === 'number') this.verified.set(token, { claims, exp: payload.exp });
      return { ok: true, claims };
    } catch (error) {
      return { ok: false, problem: error instanceof joseErrors.JWSSignatureVerificationFailed ? 'bad-signature' : 'invalid' };
    }
  }

  /**
   * Checks a `link_with` ID token against the calling token, in the order and with the exact
   * messages of the Management API (contract B3).
   */
  async verifyLinkWith(idToken: string, caller: AccessTokenClaims): Promise<LinkWithCheck> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(idToken).alg;
    } catch {
      return { ok: false, message: 'Invalid token (link_with).' };
    }
    if (alg !== 'RS256') return { ok: false, message: 'JWT (link_with) must have an alg of RS256.' };

    let payload: JWTPayload;
    try {
      payload = (await jwtVerify(idToken, this.publicKey, { algorithms: ['RS256'] })).payload;
    } catch {
      return { ok: false, message: 'Invalid token (link_with).' };
    }
    if (payload.iss !== caller.iss) {
      return { ok: false, message: 'JWT (link_with) must have the same issuer as the calling user.' };
    }
    if (payload.sub === undefined) return { ok: false, message: 'JWT (link_with) must contains sub claim.' };
    if (!payload.sub.includes('|')) return { ok: false, message: 'JWT (link_with) contains an invalid sub claim.' };
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(caller.azp)) {
      return { ok: false, message: "JWT (link_with) must have an aud claim that matches that of the calling token's azp." };
    }
    return { ok: true, sub: payload.sub };
  }
}

function accessClaimsOf(payload: JWTPayload): AccessTokenClaims {
  const scope = typeof payload.scope === 'string' ? payload.scope : '';
  return {
    sub: payload.sub ?? '',
    iss: payload.iss ?? '',
    azp: typeof payload.azp === 'string' ? payload.azp : '',
    scopes: new Set(scope.split(' ').filter(Boolean)),
  };
}

/** OIDC standard claims released by the `profile` and `email` scopes. */
function profileClaims(user: Auth0User, scope: string): Record<string, unknown> {
  const scopes = new Set(scope.split(' '));
  return {
    ...(scopes.has('profile') && {
      name: user.name,
      given_name: user.given_name,
      family_name: user.family_name,
      nickname: user.nickname,
      picture: user.picture,
      updated_at: user.updated_at,
    }),
    ...(scopes.has('email') && { email: user.email, email_verified: user.email_verified }),
  };
}

function dropUndefined(claims: Record<string, unknown>): JWTPayload {
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
