import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Agent } from 'undici';
import { exchange } from '../../src/providers/http/exchange';

/**
 * The calibration's child processes (forked by scripts/bench/calibration.ts with an IPC channel),
 * one role each, so that each one's CPU is its own:
 *   --role anchor    the plain-resolver Apollo Server anchor: the subgraph's own SDL
 *                    (schema/identity.graphql) served by Apollo's standalone server, with resolvers
 *                    that return a constant identity, or a constant person in the shape of the person
 *                    scenario's answer (no loaders, plugins, gates or upstream calls).
 *   --role upstream  a bare node:http server answering every request with a provider-sized JSON body.
 *   --role client    on { type: 'calls', url, seconds, inFlight }: undici requests to `url`, that many
 *                    in flight, for that long; replies { type: 'calls', calls, cpu }.
 * Every role answers { type: 'cpu' } with its process.cpuUsage() and { type: 'stop' } by exiting.
 */

type Message = { id: number; type: 'cpu' } | { id: number; type: 'stop' } | { id: number; type: 'calls'; url: string; seconds: number; inFlight: number };

const ROOT = join(__dirname, '..', '..', '..');

/** About the size of a Verifa identity as the emulator answers it. */
const UPSTREAM_BODY = JSON.stringify({
  id: 'idn_calibration0001',
  status: 'approved',
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-02T00:00:00Z',
  external_ref: 'btcdirect:calibration',
  person: {
    first_name: 'Calibration',
    last_name: 'Person',
    date_of_birth: '1980-01-01',
    email: 'calibration@example.invalid',
    phone: '+31600000000',
    address: { line1: 'Calibration Street 1', city: 'Testville', postal_code: '9000 ZZ', country: 'NL' },
  },
  document: { type: 'passport', number: 'CAL000001', country: 'NL', expires_on: '2030-01-01' },
  tags: ['calibration'],
  metadata: { source: 'calibration', checks: ['document', 'selfie', 'watchlist'] },
});

const identity = (id: unknown, provider = 'VERIFA') => ({ id: String(id), provider, displayName: 'Calibration Person', status: 'VERIFIED' });

/**
 * A person answer in shape, constant: the person scenario's (Alice's in the demo data: three linked
 * accounts, each with its identity, and four relationships, each with its related identity), or for
 * a synthetic person (the fleet's) the same without relationships, as theirs have none.
 */
function person(id: string) {
  const synthetic = id.includes('synth');
  const account = (provider: string) => {
    const accountId = `${provider.toLowerCase()}:calibration-account`;
    return { id: accountId, provider, via: 'VERATO_CLUSTER', identity: identity(accountId, provider) };
  };
  return {
    ...identity(id),
    linkedAccounts: ['AUTH0', 'BTCDIRECT', 'VERATO'].map(account),
    relationships: {
      totalCount: synthetic ? 0 : 4,
      nodes: (synthetic ? [] : [1, 2, 3, 4]).map((n) => ({ id: `verifa:rel_calibration${n}`, type: 'FAMILY_MEMBER', related: identity(`verifa:idn_calibration${n}`) })),
    },
  };
}

async function startAnchor(): Promise<string> {
  const schema = buildSubgraphSchema({
    typeDefs: parse(readFileSync(join(ROOT, 'schema', 'identity.graphql'), 'utf8')),
    resolvers: {
      Query: { identity: (_: unknown, args: { id: string }) => person(args.id) },
      Identity: { __resolveReference: (reference: { id: string }) => identity(reference.id) },
    } as never,
  });
  const server = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return url;
}

async function startUpstream(): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(UPSTREAM_BODY) });
    res.end(UPSTREAM_BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}/identities/idn_calibration0001`;
}

/** Closed-loop undici calls, `inFlight` at a time, as the subgraph's transport makes them (its `exchange`, JSON body read whole). */
async function runCalls(url: string, seconds: number, inFlight: number): Promise<{ calls: number; cpu: NodeJS.CpuUsage }> {
  const agent = new Agent({ connections: inFlight });
  const { origin, pathname } = new URL(url);
  const signal = new AbortController().signal;
  const deadline = performance.now() + seconds * 1000;
  const cpuBefore = process.cpuUsage();
  let calls = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const answer = await exchange(agent, { origin, path: pathname, method: 'GET', headers: { accept: 'application/json', authorization: 'Bearer calibration' } }, signal);
      JSON.parse(answer.text);
      calls++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const cpu = process.cpuUsage(cpuBefore);
  await agent.close();
  return { calls, cpu };
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('scripts/bench/calibration-child.js is started by the bench (it needs an IPC channel)');
  const role = process.argv[process.argv.indexOf('--role') + 1];
  const reply = (message: object) => process.send!(message);
  process.on('message', (message: Message) => {
    if (message.type === 'cpu') reply({ id: message.id, type: 'cpu', cpu: process.cpuUsage() });
    else if (message.type === 'stop') process.exit(0);
    else if (message.type === 'calls') void runCalls(message.url, message.seconds, message.inFlight).then((result) => reply({ id: message.id, type: 'calls', ...result }));
  });
  process.on('disconnect', () => process.exit(0));
  const url = role === 'anchor' ? await startAnchor() : role === 'upstream' ? await startUpstream() : role === 'client' ? null : undefined;
  if (url === undefined) throw new Error(`unknown --role "${role}"`);
  reply({ type: 'ready', url });
}

main().catch((error: unknown) => {
  process.stderr.write(`calibration child failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
