import type { BtcDirectAuth } from '../../config';
import { UpstreamAuthError, UpstreamStatusError } from '../http/errors';
import { HttpTransport, type CallContext } from '../http/transport';
import type { ProviderClientOptions } from '../client-options';
import { PARTNER_CREDENTIAL_CODES, USER_NOT_FOUND_CODES, readBtcDirectErrorCode } from './mapper';
import { isTokenPair, isUserInfo, type AuthenticateRequest, type LinkIdentifierRequest, type RefreshRequest, type TokenPair, type UserInfo } from './wire';

/** Renew the partner JWT (valid 1 h) this long before it expires. */
const TOKEN_RENEW_MARGIN_MS = 60_000;

/**
 * BTC Direct partner API. Client authentication is exactly one of `X-Api-Key` or a partner JWT
 * from /api/v1/authenticate (renewed through /api/v1/refresh before it expires); sending both
 * is ER803. Users are named by headers only: `User-Identifier` (a linked partner identifier)
 * for reads, the user's own `User-Authorization` token for linking.
 */
export class BtcDirectClient {
  readonly transport: HttpTransport;
  private session: { token: string; refreshToken: string; renewAt: number } | null = null;
  private pendingSession: Promise<string> | null = null;

  constructor(private readonly options: ProviderClientOptions<BtcDirectAuth>) {
    this.transport = new HttpTransport({
      provider: 'btcdirect',
      baseUrl: options.baseUrl,
      policy: options.policy,
      logger: options.logger,
      metrics: options.metrics,
      errors: {
        errorCode: readBtcDirectErrorCode,
        // Statuses are undocumented; the ER code says whose credentials failed.
        isCredentialFailure: (_status, code) => code !== undefined && PARTNER_CREDENTIAL_CODES.has(code),
      },
      authHeaders: async (ctx) => this.clientAuthHeaders(ctx),
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
      }),
    );
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private async clientAuthHeaders(ctx: CallContext): Promise<Record<string, string>> {
    const auth = this.options.auth;
    if (auth.kind === 'api_key') return { 'x-api-key': auth.apiKey };
    return { authorization: `Bearer ${await this.partnerToken(ctx, auth)}` };
  }

  private async partnerToken(ctx: CallContext, auth: Extract<BtcDirectAuth, { kind: 'partner_login' }>): Promise<string> {
    if (this.session && Date.now() < this.session.renewAt) return this.session.token;
    this.pendingSession ??= this.openSession(ctx, auth).finally(() => {
      this.pendingSession = null;
    });
    return this.pendingSession;
  }

  /** Refreshes the session when there is one, else (or when refresh fails) logs in again. */
  private async openSession(ctx: CallContext, auth: Extract<BtcDirectAuth, { kind: 'partner_login' }>): Promise<string> {
    let pair: TokenPair | null = null;
    if (this.session) {
      const refresh: RefreshRequest = { refreshToken: this.session.refreshToken };
      pair = await this.tokenCall(ctx, '/api/v1/refresh', refresh).catch(() => null);
    }
    if (!pair) {
      const login: AuthenticateRequest = { username: auth.username, password: auth.password };
      pair = await this.tokenCall(ctx, '/api/v1/authenticate', login);
    }
    this.session = { token: pair.token, refreshToken: pair.refreshToken, renewAt: renewTime(pair.token) };
    return pair.token;
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

  /** An expired or revoked partner token (ER800/ER801) gets one fresh login and a second try. */
  private async withRenewedTokenOnce<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const stale = error instanceof UpstreamAuthError && (error.providerCode === 'ER800' || error.providerCode === 'ER801');
      if (!stale || this.options.auth.kind !== 'partner_login' || !this.session) throw error;
      this.session = null;
      return send();
    }
  }
}

/** When to renew a JWT: shortly before its `exp` (read without verifying; it is our own token). */
function renewTime(jwt: string): number {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number };
    if (typeof payload.exp === 'number') return payload.exp * 1000 - TOKEN_RENEW_MARGIN_MS;
  } catch {
    // Not a readable JWT: fall through to the documented one-hour lifetime.
  }
  return Date.now() + 3_600_000 - TOKEN_RENEW_MARGIN_MS;
}
