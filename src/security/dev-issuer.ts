import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The embedded dev issuer: when no AUTH_JWKS_URL is configured, callers present tokens signed by
 * this issuer's own key pair, minted with `npm run token`. The key pair is created on first use
 * and kept in `.dev-issuer/key.json` (git-ignored) so the server and the token script agree.
 * It signs nothing outside development.
 */
export const DEV_ISSUER = 'urn:identity-subgraph:dev-issuer';
export const DEV_AUDIENCE = 'identity-subgraph';
const ALGORITHM = 'ES256';

export interface DevIssuer {
  publicJwk: JWK;
  mint(claims: { sub: string; scope: string; expiresInSeconds?: number; issuer?: string; audience?: string }): Promise<string>;
}

export async function loadDevIssuer(keyFile = defaultKeyFile()): Promise<DevIssuer> {
  const privateJwk = await readOrCreateKey(keyFile);
  const { d: _private, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, ALGORITHM);
  return {
    publicJwk: { ...publicJwk, alg: ALGORITHM, use: 'sig' },
    mint: ({ sub, scope, expiresInSeconds = 3600, issuer = DEV_ISSUER, audience = DEV_AUDIENCE }) =>
      new SignJWT({ scope })
        .setProtectedHeader({ alg: ALGORITHM, kid: privateJwk.kid })
        .setSubject(sub)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
        .sign(privateKey),
  };
}

/** The project root's `.dev-issuer/key.json`, whether running from src/ (ts-node) or dist/src/. */
function defaultKeyFile(): string {
  const root = __dirname.includes(`${join('dist', 'src')}`) ? join(__dirname, '..', '..', '..') : join(__dirname, '..', '..');
  return join(root, '.dev-issuer', 'key.json');
}

async function readOrCreateKey(keyFile: string): Promise<JWK> {
  try {
    return JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
  } catch {
    const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: `dev-${Date.now().toString(36)}` };
    mkdirSync(dirname(keyFile), { recursive: true });
    // Written aside, then linked into place: linking fails if another process got there first,
    // and then its key (the one everybody reads) wins.
    const draft = `${keyFile}.${process.pid}.${Date.now()}`;
    writeFileSync(draft, JSON.stringify(jwk), { mode: 0o600 });
    try {
      linkSync(draft, keyFile);
    } catch {
      // Another process created the key first.
    } finally {
      unlinkSync(draft);
    }
    return JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
  }
}
