import { UpstreamAuthError, UpstreamStatusError } from '../http/errors';
import { TokenCache, bearerHeaders } from '../http/token-cache';
import { HttpTransport, type CallContext } from '../http/transport';
import type { ProviderClientOptions } from '../client-options';
import type { BtcDirectAuth } from './config';
import { PARTNER_CREDENTIAL_CODES, USER_NOT_FOUND_CODES } from './mapper';
import { decidingErrorCode } from './refusals';
import { isTokenPair, isUserInfo, type AuthenticateRequest, type LinkIdentifierRequest, type RefreshRequest, type TokenPair, type UserInfo } from './wire';

/** The partner JWT's documented lifetime, for a token whose `exp` cannot be read. */
const PARTNER_TOKEN_LIFETIME_MS = 3_600_000;

interface PartnerSession {
  token: string;
  refreshToken: string;
  expiresAt: number;
}

/**
 * BTC Direct partner API. Client authentication is exactly one of `X-Api-Key` or a partner JWT
 * from /api/v1/authenticate (renewed through /api/v1/refresh before it expires); sending both
 * is ER803. Users are named by headers only: `User-Identifier` (a linked partner identifier)
 * for reads, the user's own `User-Authorization` token for linking.
 */
export class BtcDirectClient {
  readonly transport: HttpTransport;
  /** The partner JWT; null with an API key. */
  private readonly sessions: TokenCache<PartnerSession> | null;

  constructor(private readonly options: ProviderClientOptions<BtcDirectAuth>) {
    const auth = options.auth;
    this.sessions =
      auth.kind === 'partner_login'
        ? new TokenCache(
            (ctx, previous) => this.openSession(ctx, auth, previous),
            // An expired or revoked partner token (ER800/ER801).
            (error) => error instanceof UpstreamAuthError && (error.providerCode === 'ER800' || error.providerCode === 'ER801'),
            // Kept for the fleet; the refresh token stays with the replica that logged in.
            { store: options.shared.tokens, name: 'btcdirect-partner' },
          )
        : null;
    this.transport = new HttpTransport({
      provider: 'btcdirect',
      baseUrl: options.baseUrl,
      policy: options.policy,
      logger: options.logger,
      metrics: options.metrics,
      rateBudget: options.rateBudget,
      errors: {
        errorCode: decidingErrorCode,
        // Statuses are undocumented; the ER code says whose credentials failed.
        isCredentialFailure: (_status, code) => code !== undefined && PARTNER_CREDENTIAL_CODES.has(code),
      },
      authHeaders: (ctx) => this.clientAuthHeaders(ctx),
    });
  }

  /** `GET /api/v1/user/info` for the user a linked identifier names; null when none (ER705, ER709). */
  async getUserInfo(ctx: CallContext, identifier: string): Promise<UserInfo | null> {
    try {
      const response = await this.withRenewedTokenOnce(() =>
        this.transport.send<UserInfo>(ctx, {
          method: 'GET',
          path: '/api/v1/user/info',
          pathTemplate: '/api/v1/user/info',
          headers: { 'user-identifier': identifier },
          retry: 'safe',
          shape: isUserInfo,
        }),
      );
      return response.body;
    } catch (error) {
      if (error instanceof UpstreamStatusError && error.providerCode && USER_NOT_FOUND_CODES.has(error.providerCode)) return null;
      throw error;
    }
  }

  /**
   * `POST /api/v2/user/link-identifier` for the user whose token the caller forwarded. The user
   * is only ever the one in `userAuthorization`; nothing in the body names a user.
   */
  async linkIdentifier(ctx: CallContext, userAuthorization: string, identifier: string, retry: 'safe' | 'never'): Promise<void> {
    const body: LinkIdentifierRequest = { identifier };
    await this.withRenewedTokenOnce(() =>
      this.transport.send(ctx, {
        method: 'POST',
        path: '/api/v2/user/link-identifier',
        pathTemplate: '/api/v2/user/link-identifier',
        headers: { 'user-authorization': userAuthorization },
        body,
        retry,
        // The success is documented by its sentence only (no status, body or content type).
        ignoreSuccessBody: true,
      }),
    );
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  /** At once with an API key or a fresh session token; a promise while the session is opened or renewed. */
  private clientAuthHeaders(ctx: CallContext): Record<string, string> | Promise<Record<string, string>> {
    const auth = this.options.auth;
    if (auth.kind === 'api_key') return { 'x-api-key': auth.apiKey };
    return bearerHeaders(this.sessions!.token(ctx));
  }

  /** Refreshes the expiring session when there is one, else (or when refresh fails) logs in again. */
  private async openSession(ctx: CallContext, auth: Extract<BtcDirectAuth, { kind: 'partner_login' }>, previous: PartnerSession | null): Promise<PartnerSession> {
    let pair: TokenPair | null = null;
    if (previous) {
      const refresh: RefreshRequest = { refreshToken: previous.refreshToken };
      pair = await this.tokenCall(ctx, '/api/v1/refresh', refresh).catch(() => null);
    }
    if (!pair) {
      const login: AuthenticateRequest = { username: auth.username, password: auth.password };
      pair = await this.tokenCall(ctx, '/api/v1/authenticate', login);
    }
    return { token: pair.token, refreshToken: pair.refreshToken, expiresAt: expiryOf(pair.token) };
  }

  private async tokenCall(ctx: CallContext, path: string, body: AuthenticateRequest | RefreshRequest): Promise<TokenPair> {
    const response = await this.transport.send<TokenPair>(ctx, {
      method: 'POST',
      path,
      pathTemplate: path,
      body,
      skipAuth: true,
      retry: 'safe',
      shape: isTokenPair,
    });
    return response.body;
  }

  private withRenewedTokenOnce<T>(send: () => Promise<T>): Promise<T> {
    return this.sessions ? this.sessions.withRenewOnce(send) : send();
  }
}

/** When a JWT expires: its `exp` (read without verifying; it is our own token). */
function expiryOf(jwt: string): number {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number };
    if (typeof payload.exp === 'number') return payload.exp * 1000;
  } catch {
    // Not a readable JWT: fall through to the documented one-hour lifetime.
  }
  return Date.now() + PARTNER_TOKEN_LIFETIME_MS;
}
