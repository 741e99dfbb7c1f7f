import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { DEMO_PEOPLE } from '../../src/emulators/seed';
import { serveApollo } from './http';

/**
 * An example second subgraph for the local supergraph: it owns `Account` and references the
 * identity subgraph's `Identity` entity by key only (`resolvable: false`), so every `owner { … }`
 * beyond `id` is fetched from the identity subgraph through `_entities`.
 */
export const ACCOUNTS_TYPE_DEFS = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])

  """A balance held for a person, owned by one of their identities."""
  type Account @key(fields: "id") {
    id: ID!
    """Balance in the currency's smallest unit (cents, satoshis)."""
    balance: Int!
    currency: String!
    owner: Identity!
  }

  type Identity @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type Query {
    accounts: [Account!]!
    account(id: ID!): Account
  }
`);

const [alice, bob, carol, dan] = DEMO_PEOPLE;

/** Owners in every provider but Verato; Alice owns two accounts through the same identity. */
export const DEMO_ACCOUNTS = [
  { id: 'acc-1001', balance: 125_000, currency: 'EUR', ownerId: `auth0:${alice.auth0UserId}` },
  { id: 'acc-1002', balance: 4_200, currency: 'EUR', ownerId: `verifa:${bob.verifaId}` },
  { id: 'acc-1003', balance: 150_000, currency: 'BTC', ownerId: `btcdirect:${carol.btcIdentifier}` },
  { id: 'acc-1004', balance: 98_750, currency: 'USD', ownerId: `auth0:${dan.auth0UserId}` },
  { id: 'acc-1005', balance: 2_500_000, currency: 'BTC', ownerId: `verifa:${dan.verifaId}` },
  { id: 'acc-1006', balance: 310, currency: 'EUR', ownerId: `auth0:${alice.auth0UserId}` },
] as const;

type DemoAccount = (typeof DEMO_ACCOUNTS)[number];

const resolvers = {
  Query: {
    accounts: () => DEMO_ACCOUNTS,
    account: (_: unknown, { id }: { id: string }) => DEMO_ACCOUNTS.find((account) => account.id === id) ?? null,
  },
  Account: {
    __resolveReference: ({ id }: { id: string }) => DEMO_ACCOUNTS.find((account) => account.id === id) ?? null,
    owner: (account: DemoAccount) => ({ __typename: 'Identity', id: account.ownerId }),
  },
};

export interface ReceivedRequest {
  query: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface RunningAccountsSubgraph {
  url: string;
  typeDefs: typeof ACCOUNTS_TYPE_DEFS;
  /** Every GraphQL request received, oldest first. */
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** Serves the accounts subgraph on 127.0.0.1 (`port` 0 or unset: any free port). */
export async function startAccountsSubgraph(options: { port?: number } = {}): Promise<RunningAccountsSubgraph> {
  const requests: ReceivedRequest[] = [];
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: ACCOUNTS_TYPE_DEFS, resolvers }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url, close } = await serveApollo(server, {
    port: options.port ?? 0,
    host: '127.0.0.1',
    context: async (req, body) => {
      const query = (body as { query?: unknown } | undefined)?.query;
      requests.push({ query: typeof query === 'string' ? query : '', headers: { ...req.headers } });
      return {};
    },
  });
  return { url, typeDefs: ACCOUNTS_TYPE_DEFS, requests, close };
}
