import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';

/** Partner ("client") tokens come from /authenticate, user tokens from /user/login. */
export type TokenKind = 'partner' | 'user';

export interface TokenPair {
  token: string;
  refreshToken: string;
}

export type TokenCheck = { ok: true; subject: string } | { ok: false; problem: 'expired' | 'invalid' };

export interface TokenLifetimes {
  partnerSeconds: number;
  userSeconds: number;
}

interface RefreshGrant {
  kind: TokenKind;
  subject: string;
  expiresAt: number;
}

const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The emulators' signing secret: a demo value like the demo API key, the same in every emulator,
 * so tokens for the demo users can be minted without a login (mintDemoUserToken). Tokens it
 * signs are trusted by nothing but these emulators.
 */
const DEMO_SIGNING_SECRET = new TextEncoder().encode('btcdirect-emulator-demo-signing-secret-not-for-production');

/**
 * Issues and checks BTC Direct's JWTs (HS256, signed with the emulators' demo secret) and
 * their refresh tokens. A refresh token lasts a month and its validity restarts at each use
 * (contract A1).
 */
export class BtcDirectTokens {
  private readonly secret = DEMO_SIGNING_SECRET;
  private readonly refreshGrants = new Map<string, RefreshGrant>();
  private readonly revokedTokenIds = new Set<string>();

  constructor(private readonly lifetimes: TokenLifetimes) {}

  async issuePair(kind: TokenKind, subject: string): Promise<TokenPair> {
    const refreshToken = randomBytes(48).toString('hex');
    this.refreshGrants.set(refreshToken, { kind, subject, expiresAt: Date.now() + REFRESH_TOKEN_TTL_MS });
    return { token: await this.issueToken(kind, subject), refreshToken };
  }

  /**
   * A new access token for a valid refresh token. (inferred) The same refresh token comes back
   * with its validity restarted, which is what "validity restarts at each use" describes.
   */
  async refresh(refreshToken: string): Promise<TokenPair | undefined> {
    const grant = this.refreshGrants.get(refreshToken);
    if (!grant || grant.expiresAt <= Date.now()) return undefined;
    grant.expiresAt = Date.now() + REFRESH_TOKEN_TTL_MS;
    return { token: await this.issueToken(grant.kind, grant.subject), refreshToken };
  }

  async verify(token: string, kind: TokenKind): Promise<TokenCheck> {
    try {
      const { payload } = await jwtVerify(token, this.secret, { algorithms: ['HS256'] });
      const valid = payload.kind === kind && payload.sub && payload.jti && !this.revokedTokenIds.has(payload.jti);
      return valid ? { ok: true, subject: payload.sub! } : { ok: false, problem: 'invalid' };
    } catch (error) {
      return { ok: false, problem: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
    }
  }

  /** Invalidates one token (user logout). */
  async revoke(token: string): Promise<void> {
    const { payload } = await jwtVerify(token, this.secret, { algorithms: ['HS256'] });
    if (payload.jti) this.revokedTokenIds.add(payload.jti);
  }

  async issueToken(kind: TokenKind, subject: string): Promise<string> {
    return signToken(kind, subject, kind === 'partner' ? this.lifetimes.partnerSeconds : this.lifetimes.userSeconds);
  }
}

/**
 * A user token for a demo BTC Direct user, as POST /api/v1/user/login would issue it (default
 * lifetime 3600 s, as documented), accepted by any emulator holding the demo dataset.
 */
export function mintDemoUserToken(userId: string, expiresInSeconds = 3600): Promise<string> {
  return signToken('user', userId, expiresInSeconds);
}

function signToken(kind: TokenKind, subject: string, ttl: number): Promise<string> {
  return new SignJWT({ kind })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
    .sign(DEMO_SIGNING_SECRET);
}
