import { DEMO_BTCDIRECT_USERS, demoBtcDirectUserToken } from '../src/emulators/btcdirect/emulator';
import { loadDevIssuer, DEV_AUDIENCE, DEV_ISSUER } from '../src/security/dev-issuer';
import { ALL_SCOPES } from '../src/security/scopes';

const HELP = `npm run -s token -- [--sub SUBJECT] [--scope "SCOPES"] [--expires-in SECONDS] [--issuer I] [--audience A]
npm run -s token -- --btcdirect-user NAME [--expires-in SECONDS]

Prints a bearer token signed by the embedded dev issuer (the one the subgraph trusts when
AUTH_JWKS_URL is not set). Use it as: Authorization: Bearer <token>
  --sub         token subject (default: auth0|65a1a1a1a1a1a1a1a1a1a001, the demo user Alice)
  --scope       space-separated scopes (default: "identities:read"); all of them: "${ALL_SCOPES.join(' ')}"
  --expires-in  lifetime in seconds (default 3600; negative for an already expired token)
  --issuer, --audience   override the claims (default ${DEV_ISSUER} / ${DEV_AUDIENCE}), e.g. to test refusals
  --btcdirect-user   instead, a BTC Direct user token for a demo person (${DEMO_BTCDIRECT_USERS.join(', ')}) that the
                BTC Direct emulator accepts; send it as x-btcdirect-user-authorization: Bearer <token>
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

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
