import { UpstreamAuthError } from '../http/errors';
import { TokenCache, bearerHeaders, type IssuedToken } from '../http/token-cache';
import { HttpTransport, type BudgetReservation, type CallContext } from '../http/transport';
import type { ProviderClientOptions } from '../client-options';
import type { Auth0Auth } from './config';
import { Auth0IdTokenVerifier } from './id-token';
import { readAuth0ErrorCode } from './mapper';
import { CoalescedUserReads } from './user-reads';
import {
  isAuth0User,
  isIdentityList,
  isListUsersResponse,
  isUserArray,
  isTokenResponse,
  type Auth0User,
  type Auth0UserIdentity,
  type ClientCredentialsRequest,
  type LinkIdentityBody,
  type ListUsersResponse,
  type TokenResponse,
} from './wire';

/** The most ids one `GET /users?q=user_id:(…)` search carries (the page size it asks for). */
export const AUTH0_SEARCH_BATCH = 50;

/**
 * Auth0 Management API v2 (base URL https://TENANT.auth0.com). Authenticates with a
 * client-credentials token from /oauth/token (kept in a TokenCache on the shared token store, so
 * the fleet fetches it once), or with a static
 * AUTH0_MGMT_TOKEN.
 */
export class Auth0Client {
  readonly transport: HttpTransport;
  /**
   * For calls sent with a caller's own Auth0 token: no machine token, and a 401/403 is that
   * token's refusal (a user error), not the subgraph's credentials failing.
   */
  private readonly userTransport: HttpTransport;
  readonly idTokens: Auth0IdTokenVerifier;
  /** The management token from /oauth/token; null with a static AUTH0_MGMT_TOKEN. */
  private readonly tokens: TokenCache<IssuedToken> | null;
  private readonly userReads: CoalescedUserReads;

  constructor(private readonly options: ProviderClientOptions<Auth0Auth> & { idTokenAudiences: readonly string[]; managementAudience: string; idTokenIssuer: string }) {
    const auth = options.auth;
    this.tokens =
      auth.kind === 'client_credentials'
        ? new TokenCache(
            (ctx) => this.requestToken(ctx, auth),
            // A cached token the tenant stopped accepting (rotated keys, revoked grant).
            (error) => error instanceof UpstreamAuthError && error.status === 401,
            { store: options.shared.tokens, name: 'auth0-management' },
          )
        : null;
    this.idTokens = new Auth0IdTokenVerifier(options.baseUrl, options.idTokenIssuer, options.idTokenAudiences, options.policy.timeoutMs);
    this.transport = new HttpTransport({
      provider: 'auth0',
      baseUrl: options.baseUrl,
      policy: options.policy,
      logger: options.logger,
      metrics: options.metrics,
      rateBudget: options.rateBudget,
      errors: { errorCode: readAuth0ErrorCode, isCredentialFailure: (status) => status === 401 || status === 403 },
      authHeaders: (ctx) => bearerHeaders(this.accessToken(ctx)),
    });
    this.userReads = new CoalescedUserReads(
      {
        rateBudgeted: this.transport.rateBudgeted,
        reserveBudgetCall: (ctx) => this.transport.reserveBudgetCall(ctx, { method: 'GET', pathTemplate: '/api/v2/users' }),
        getUser: (ctx, userId, reserved) => this.getUser(ctx, userId, reserved),
        searchUsersByIds: (ctx, userIds, reserved) => this.searchUsersByIds(ctx, userIds, reserved),
      },
      AUTH0_SEARCH_BATCH,
    );
    this.userTransport = new HttpTransport({
      provider: 'auth0',
      baseUrl: options.baseUrl,
      policy: options.policy,
      logger: options.logger,
      metrics: options.metrics,
      rateBudget: options.rateBudget,
      errors: { errorCode: readAuth0ErrorCode, isCredentialFailure: () => false },
      authHeaders: () => ({}),
    });
  }

  /**
   * Users by id with the machine token: one id exactly (GET), several in one search; coalesced
   * with other requests' reads while the rate budget makes them wait (see user-reads.ts).
   * Answers every id asked, `null` for a user Auth0 does not have.
   */
  readUsers(ctx: CallContext, userIds: readonly string[]): Promise<Map<string, Auth0User | null>> {
    return this.userReads.read(ctx, userIds);
  }

  /** Batch read: `GET /api/v2/users?q=user_id:("a" OR "b")&search_engine=v3` (eventually consistent). */
  async searchUsersByIds(ctx: CallContext, userIds: readonly string[], reserved?: BudgetReservation): Promise<Auth0User[]> {
    if (userIds.length === 0) return [];
    if (userIds.length > AUTH0_SEARCH_BATCH) throw new RangeError(`at most ${AUTH0_SEARCH_BATCH} ids per search`);
    const q = `user_id:(${userIds.map(luceneQuote).join(' OR ')})`;
    const response = await this.withFreshTokenOnce(() =>
      this.transport.send<ListUsersResponse>(ctx, {
        method: 'GET',
        path: '/api/v2/users',
        pathTemplate: '/api/v2/users',
        query: { q, search_engine: 'v3', per_page: AUTH0_SEARCH_BATCH },
        retry: 'safe',
        shape: isListUsersResponse,
      }, reserved),
    );
    const body = response.body;
    return Array.isArray(body) ? body : body.users;
  }

  /**
   * `GET /api/v2/users-by-email?email=`: the users with that e-mail. The lookup is case-sensitive
   * and Auth0 keeps e-mails lower-cased, so the address is sent lower-cased (inferred).
   */
  async usersByEmail(ctx: CallContext, email: string): Promise<Auth0User[]> {
    const response = await this.withFreshTokenOnce(() =>
      this.transport.send<Auth0User[]>(ctx, {
        method: 'GET',
        path: '/api/v2/users-by-email',
        pathTemplate: '/api/v2/users-by-email',
        query: { email: email.toLowerCase() },
        retry: 'safe',
        shape: isUserArray,
      }),
    );
    return response.body;
  }

  /** Exact read: `GET /api/v2/users/{id}` (`|` encoded); null on 404. */
  async getUser(ctx: CallContext, userId: string, reserved?: BudgetReservation): Promise<Auth0User | null> {
    const response = await this.withFreshTokenOnce(() =>
      this.transport.send<Auth0User>(ctx, {
        method: 'GET',
        path: `/api/v2/users/${encodeURIComponent(userId)}`,
        pathTemplate: '/api/v2/users/{id}',
        retry: 'safe',
        acceptStatuses: [404],
        shape: isAuth0User,
      }, reserved),
    );
    return response.status === 404 ? null : response.body;
  }

  /**
   * `POST /api/v2/users/{primary}/identities`: answers the primary's identities. Sent with the
   * machine token, or with `userAuthorization` (the primary user's own token, self-service mode).
   */
  async linkIdentity(ctx: CallContext, primaryUserId: string, body: LinkIdentityBody, userAuthorization: string | null = null): Promise<Auth0UserIdentity[]> {
    const transport = userAuthorization === null ? this.transport : this.userTransport;
    const response = await transport.send<Auth0UserIdentity[]>(ctx, {
      method: 'POST',
      path: `/api/v2/users/${encodeURIComponent(primaryUserId)}/identities`,
      pathTemplate: '/api/v2/users/{id}/identities',
      ...(userAuthorization !== null && { headers: { authorization: `Bearer ${userAuthorization}` } }),
      body,
      // Not idempotent (a second link answers 409): sent exactly once.
      retry: 'never',
      shape: isIdentityList,
    });
    return response.body ?? [];
  }

  /** `DELETE /api/v2/users/{primary}/identities/{provider}/{user_id}`: answers the identities left. */
  async unlinkIdentity(ctx: CallContext, primaryUserId: string, provider: string, secondaryUserId: string): Promise<Auth0UserIdentity[]> {
    const response = await this.transport.send<Auth0UserIdentity[]>(ctx, {
      method: 'DELETE',
      path: `/api/v2/users/${encodeURIComponent(primaryUserId)}/identities/${encodeURIComponent(provider)}/${encodeURIComponent(secondaryUserId)}`,
      pathTemplate: '/api/v2/users/{id}/identities/{provider}/{user_id}',
      retry: 'never',
      shape: isIdentityList,
    });
    return response.body ?? [];
  }

  async close(): Promise<void> {
    await Promise.all([this.transport.close(), this.userTransport.close()]);
  }

  /** The management token: at once when static or cached and fresh, else a promise of a fetched one. */
  private accessToken(ctx: CallContext): string | Promise<string> {
    const auth = this.options.auth;
    return auth.kind === 'static_token' ? auth.token : this.tokens!.token(ctx);
  }

  private async requestToken(ctx: CallContext, auth: Extract<Auth0Auth, { kind: 'client_credentials' }>): Promise<IssuedToken> {
    const body: ClientCredentialsRequest = {
      grant_type: 'client_credentials',
      client_id: auth.clientId,
      client_secret: auth.clientSecret,
      audience: this.options.managementAudience,
    };
    const response = await this.transport.send<TokenResponse>(ctx, {
      method: 'POST',
      path: '/oauth/token',
      pathTemplate: '/oauth/token',
      body,
      skipAuth: true,
      retry: 'safe',
      shape: isTokenResponse,
    });
    const { access_token: token, expires_in: expiresIn } = response.body;
    return { token, expiresAt: Date.now() + expiresIn * 1000 };
  }

  private withFreshTokenOnce<T>(send: () => Promise<T>): Promise<T> {
    return this.tokens ? this.tokens.withRenewOnce(send) : send();
  }
}

/** A Lucene phrase: ids are validated by the global id grammar, so only `"` and `\` need escaping. */
function luceneQuote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
