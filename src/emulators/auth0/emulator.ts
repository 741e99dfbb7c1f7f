import { startEmulator, type RunningEmulator } from '../harness';
import { DEMO_CREDENTIALS } from '../seed';
import { createAuth0Handler } from './handler';
import { TokenBucket, type RateLimitSettings } from './rate-limit';
import { Auth0Store } from './store';
import { Auth0Tenant, type IdTokenOverrides } from './tokens';

export interface Auth0EmulatorOptions {
  port?: number;
  /** Load the demo dataset (default true). */
  seed?: boolean;
  /** Lifetime of issued access tokens (default 86400, as Auth0's M2M default). */
  tokenTtlSeconds?: number;
  /** How long user search lags behind writes (default 0). */
  searchLagMs?: number;
  /** The Management API token bucket (default 1000 burst, 1000 per second). */
  rateLimit?: RateLimitSettings;
  /**
   * The tenant as reached through a custom domain: the `iss` of its tokens and the Management
   * API audience are these instead of ones derived from the served URL.
   */
  issuer?: string;
  managementAudience?: string;
}

export type RunningAuth0Emulator = RunningEmulator & {
  store: Auth0Store;
  baseUrl: string;
  /** The tenant's issuer, `${baseUrl}/` unless the `issuer` option says otherwise. */
  issuer: string;
  /** The Management API audience, `${baseUrl}/api/v2/` unless the `managementAudience` option says otherwise. */
  managementAudience: string;
  /**
   * Signs an ID token for `userId` as the tenant would issue it to the demo frontend (aud = its
   * client id), for `link_with`; overrides allow malformed tokens for negative tests.
   */
  mintIdToken(userId: string, overrides?: IdTokenOverrides): Promise<string>;
  /** Replaces the Management API token bucket's settings (a full bucket). */
  setRateLimit(settings: RateLimitSettings): void;
  /**
   * A Management API access token of `userId` as the demo frontend obtains it (sub = the user,
   * azp = the frontend's client id), by default with `update:current_user_identities`: the token
   * a self-service link is sent with.
   */
  mintUserToken(userId: string, options?: { scope?: string; azp?: string }): Promise<string>;
};

const USER_TOKEN_SCOPE = 'openid profile email read:current_user update:current_user_identities';
const DEFAULT_RATE_LIMIT: RateLimitSettings = { burst: 1000, perSecond: 1000 };

export async function startAuth0Emulator(options: Auth0EmulatorOptions = {}): Promise<RunningAuth0Emulator> {
  const store = new Auth0Store(options.searchLagMs ?? 0);
  if (options.seed ?? true) store.seed();
  const tenant = await Auth0Tenant.create(options.tokenTtlSeconds ?? 86_400);
  const rateLimit = new TokenBucket(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const running = await startEmulator('auth0', createAuth0Handler({ store, tenant, rateLimit }), { port: options.port });
  tenant.setBaseUrl(running.url, { issuer: options.issuer, managementAudience: options.managementAudience });

  return {
    ...running,
    store,
    baseUrl: running.url,
    issuer: tenant.issuer,
    managementAudience: tenant.managementAudience,
    async mintIdToken(userId, overrides) {
      const user = store.getUser(userId);
      if (!user) throw new Error(`no Auth0 user ${userId} in the emulator`);
      return tenant.signIdToken(user, DEMO_CREDENTIALS.auth0.frontendClientId, 'openid profile email', overrides);
    },
    async mintUserToken(userId, options = {}) {
      if (!store.getUser(userId)) throw new Error(`no Auth0 user ${userId} in the emulator`);
      return tenant.signAccessToken({
        sub: userId,
        audience: [tenant.managementAudience, tenant.userinfoAudience],
        azp: options.azp ?? DEMO_CREDENTIALS.auth0.frontendClientId,
        scope: options.scope ?? USER_TOKEN_SCOPE,
      });
    },
    setRateLimit: (settings) => rateLimit.configure(settings),
    async close() {
      store.dispose();
      await running.close();
    },
  };
}
