import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ACCOUNTS_TYPE_DEFS } from '../test/supergraph/accounts-subgraph';
import { composeSupergraph, DEFAULT_SUBGRAPH_URLS, identityTypeDefs } from '../test/supergraph/local-supergraph';

const ROOT = join(__dirname, '..');
const DEFAULT_OUT = 'supergraph/supergraph.graphql';

const HELP = `npm run supergraph [-- --identity-url URL] [--accounts-url URL] [--out FILE]

Composes the committed identity subgraph SDL (schema/identity.graphql) with the example accounts
subgraph (test/supergraph/accounts-subgraph.ts) into a Federation 2 supergraph, as Apollo Router
loads it (router --supergraph ${DEFAULT_OUT}). Prints composition hints; exits 1 on any
composition error and then writes nothing.
  --identity-url   routing URL recorded for the identity subgraph (default ${DEFAULT_SUBGRAPH_URLS.identity})
  --accounts-url   routing URL recorded for the accounts subgraph (default ${DEFAULT_SUBGRAPH_URLS.accounts})
  --out            where to write the supergraph SDL (default ${DEFAULT_OUT})
The URLs are placeholders: point the router elsewhere with override_subgraph_url in router.yaml.
`;

function main(): void {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const option = (name: string, fallback: string): string => {
    const index = args.indexOf(name);
    if (index < 0) return fallback;
    const value = args[index + 1];
    if (!value || value.startsWith('--')) throw new Error(`${name} needs a value (see --help)`);
    return value;
  };
  const known = new Set(['--identity-url', '--accounts-url', '--out']);
  const unknown = args.filter((arg, i) => arg.startsWith('--') && !known.has(arg) && !known.has(args[i - 1]));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown[0]} (see --help)`);

  const identityUrl = httpUrl('--identity-url', option('--identity-url', DEFAULT_SUBGRAPH_URLS.identity));
  const accountsUrl = httpUrl('--accounts-url', option('--accounts-url', DEFAULT_SUBGRAPH_URLS.accounts));
  const out = resolve(ROOT, option('--out', DEFAULT_OUT));

  const { supergraphSdl, errors, hints } = composeSupergraph([
    { name: 'identity', url: identityUrl, typeDefs: identityTypeDefs() },
    { name: 'accounts', url: accountsUrl, typeDefs: ACCOUNTS_TYPE_DEFS },
  ]);
  for (const hint of hints) process.stdout.write(`hint: ${hint}\n`);
  if (supergraphSdl === null) {
    for (const error of errors) process.stderr.write(`error: ${error}\n`);
    process.stderr.write(`composition failed: ${errors.length} error${errors.length === 1 ? '' : 's'}, ${hints.length} hints; nothing written\n`);
    process.exit(1);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, supergraphSdl.endsWith('\n') ? supergraphSdl : `${supergraphSdl}\n`);
  process.stdout.write(`wrote ${relative(process.cwd(), out)}: identity (${identityUrl}) + accounts (${accountsUrl}), 0 errors, ${hints.length} hint${hints.length === 1 ? '' : 's'}\n`);
}

function httpUrl(flag: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${flag}: "${value}" is not a URL; use e.g. http://localhost:4001/graphql`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${flag} must be an http(s) URL`);
  return value;
}

try {
  main();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
