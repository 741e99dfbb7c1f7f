import { demoPasswordFor, STANDALONE_PASSWORD } from '../src/emulators/auth0/store';
import { DEMO_CREDENTIALS, DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS } from '../src/emulators/seed';
import { DEMO_BTCDIRECT_USERS, demoBtcDirectUserToken } from '../src/emulators/btcdirect/emulator';
import { loadDevIssuer, DEV_AUDIENCE, DEV_ISSUER } from '../src/security/dev-issuer';
import { ALL_SCOPES } from '../src/security/scopes';

const DEFAULT_AUTH0_URL = 'http://127.0.0.1:4103';

const HELP = `npm run -s token -- [--sub SUBJECT] [--scope "SCOPES"] [--expires-in SECONDS] [--issuer I] [--audience A]
npm run -s token -- --auth0-user USER_ID [--auth0-url URL]
npm run -s token -- --btcdirect-user NAME [--expires-in SECONDS]

Prints a bearer token signed by the embedded dev issuer (the one the subgraph trusts when
AUTH_JWKS_URL is not set). Use it as: Authorization: Bearer <token>
  --sub         token subject (default: auth0|65a1a1a1a1a1a1a1a1a1a001, the demo user Alice)
  --scope       space-separated scopes (default: "identities:read"); all of them: "${ALL_SCOPES.join(' ')}"
  --expires-in  lifetime in seconds (default 3600; negative for an already expired token)
  --issuer, --audience   override the claims (default ${DEV_ISSUER} / ${DEV_AUDIENCE}), e.g. to test refusals
  --btcdirect-user   instead, a BTC Direct user token for a demo person (${DEMO_BTCDIRECT_USERS.join(', ')}) that the
                BTC Direct emulator accepts; send it as x-btcdirect-user-authorization: Bearer <token>

With --auth0-user, logs that demo Auth0 user in to the demo frontend application of the Auth0
emulator (the password grant; default ${DEFAULT_AUTH0_URL}, the one "npm run emulators" starts) and
prints, as shell assignments, the user's Management API token (scope update:current_user_identities;
send it as "x-auth0-user-authorization: Bearer $AUTH0_USER_TOKEN" when that user is the primary)
and the user's ID token (pass it in linkWith when that user is the secondary).
`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const option = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const auth0User = option('--auth0-user');
  if (auth0User !== undefined) {
    const { accessToken, idToken } = await auth0UserTokens(option('--auth0-url') ?? DEFAULT_AUTH0_URL, auth0User);
    process.stdout.write(`AUTH0_USER_TOKEN=${accessToken}\nAUTH0_ID_TOKEN=${idToken}\n`);
    return;
  }
  const btcDirectUser = option('--btcdirect-user');
  if (btcDirectUser !== undefined) {
    const expiresIn = option('--expires-in');
    process.stdout.write(`${await demoBtcDirectUserToken(btcDirectUser, expiresIn === undefined ? undefined : Number(expiresIn))}\n`);
    return;
  }
  const issuer = await loadDevIssuer();
  const token = await issuer.mint({
    sub: option('--sub') ?? 'auth0|65a1a1a1a1a1a1a1a1a1a001',
    scope: option('--scope') ?? 'identities:read',
    expiresInSeconds: Number(option('--expires-in') ?? 3600),
    issuer: option('--issuer'),
    audience: option('--audience'),
  });
  process.stdout.write(`${token}\n`);
}

/** The demo user's tokens from the emulator's password grant, as the demo frontend obtains them. */
async function auth0UserTokens(baseUrl: string, userId: string): Promise<{ accessToken: string; idToken: string }> {
  const person = DEMO_PEOPLE.find((candidate) => candidate.auth0UserId === userId);
  const standalone = DEMO_STANDALONE_AUTH0_USERS.find((candidate) => candidate.userId === userId);
  const email = person?.email ?? standalone?.email;
  if (!email) {
    const known = [...DEMO_PEOPLE.map((p) => p.auth0UserId), ...DEMO_STANDALONE_AUTH0_USERS.map((u) => u.userId)];
    throw new Error(`--auth0-user takes a demo Auth0 user: ${known.join(', ')}`);
  }
  const base = baseUrl.replace(/\/+$/, '');
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'password',
      client_id: DEMO_CREDENTIALS.auth0.frontendClientId,
      username: email,
      password: person ? demoPasswordFor(person) : STANDALONE_PASSWORD,
      audience: `${base}/api/v2/`,
      scope: 'openid profile email read:current_user update:current_user_identities',
    }),
  });
  const body = (await response.json()) as { access_token?: string; id_token?: string; error_description?: string };
  if (!response.ok || !body.access_token || !body.id_token) {
    throw new Error(`the Auth0 emulator at ${base} refused the login (${response.status} ${body.error_description ?? ''})`);
  }
  return { accessToken: body.access_token, idToken: body.id_token };
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
