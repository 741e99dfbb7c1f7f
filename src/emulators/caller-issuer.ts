import { DEV_AUDIENCE, DEV_ISSUER, loadDevIssuer, type DevIssuer } from '../security/dev-issuer';
import { startEmulator, type RunningEmulator } from './harness';

export const CALLER_ISSUER_JWKS_PATH = '/.well-known/jwks.json';

export type RunningCallerIssuer = RunningEmulator & {
  /** The dev issuer whose public key is published here; `mint` signs caller tokens. */
  devIssuer: DevIssuer;
  /** The subgraph's configuration that trusts this issuer. */
  env: { AUTH_JWKS_URL: string; AUTH_ISSUER: string; AUTH_AUDIENCE: string };
};

/**
 * Stands in for the identity provider that issues callers' tokens, for a subgraph pointed at
 * separately started emulators: the subgraph trusts its embedded dev issuer only while every
 * provider is embedded, so here it is configured (AUTH_*) like against a real issuer. This
 * publishes the dev issuer's public key as a JWKS, so tokens from `npm run token` verify through
 * that ordinary path; there are no anonymous reads and no playground token.
 */
export async function startCallerIssuer(options: { port?: number } = {}): Promise<RunningCallerIssuer> {
  const devIssuer = await loadDevIssuer();
  const running = await startEmulator(
    'caller-issuer',
    (req) =>
      req.method === 'GET' && req.path === CALLER_ISSUER_JWKS_PATH
        ? { status: 200, json: { keys: [devIssuer.publicJwk] } }
        : { status: 404, json: { error: `not found; the JWKS is at ${CALLER_ISSUER_JWKS_PATH}` } },
    { port: options.port },
  );
  return {
    ...running,
    devIssuer,
    env: { AUTH_JWKS_URL: `${running.url}${CALLER_ISSUER_JWKS_PATH}`, AUTH_ISSUER: DEV_ISSUER, AUTH_AUDIENCE: DEV_AUDIENCE },
  };
}
