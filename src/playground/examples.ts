import { DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS } from '../emulators/seed';

/** One playground tab: an operation and the variables it runs with. */
export interface ExampleOperation {
  query: string;
  variables?: Record<string, unknown>;
}

const [alice, bob, carol, dan] = DEMO_PEOPLE;
const [bobWork] = DEMO_STANDALONE_AUTH0_USERS;

const USER_ERROR_FIELDS = 'userErrors { code message field provider providerCode hint retryable }';

/**
 * The playground's tabs: every query and mutation, on the demo dataset of src/emulators/seed.ts.
 * Run in this order on a fresh start, each succeeds (linkIdentifier answers a userError until a
 * BTC Direct user token is added to the headers). The first one only reads, and takes no
 * variables: GraphiQL fills the variables editor of the tab open at start-up from its own storage,
 * not from the tab, so that operation's arguments are written inline.
 */
export const EXAMPLE_OPERATIONS: readonly ExampleOperation[] = [
  {
    query: `# Alice, one of the demo people: her Auth0 user, the accounts
# linked to it in every provider, her Verato golden record and
# her relationships. Run it with Ctrl-Enter or the run button.
# The other tabs hold an example of every query and mutation.
query Alice {
  identity(id: "auth0:${alice.auth0UserId}") {
    id
    displayName
    email
    status
    linkedAccounts {
      provider
      via
      connection
      identity { id displayName status }
    }
    cluster { linkId members { source sourceId state } }
    relationships(first: 10) {
      totalCount
      nodes { type label provider related { id displayName } }
    }
  }
}
`,
  },
  {
    query: `# Several identities at once, one per provider, in the order
# asked (null for ids no provider knows).
query DemoPeople($ids: [ID!]!) {
  identities(ids: $ids) {
    id
    provider
    displayName
    status
  }
}
`,
    variables: {
      ids: [`verifa:${bob.verifaId}`, `auth0:${carol.auth0UserId}`, `verato:CRM:${dan.crmId}`, `btcdirect:${dan.btcIdentifier}`],
    },
  },
  {
    query: `# Links Bob's work login into his main Auth0 user. Without the
# identities:admin scope a caller must prove it owns both: its
# token's subject as primaryId, the secondary's ID token in
# linkWith.
mutation LinkBobsLogins($input: LinkIdentitiesInput!) {
  linkIdentities(input: $input) {
    linkId
    primary { id linkedAccounts { id via } }
    secondary { id }
    ${USER_ERROR_FIELDS}
  }
}
`,
    variables: { input: { primaryId: `auth0:${bob.auth0UserId}`, secondaryId: `auth0:${bobWork.userId}`, idempotencyKey: '3f1c9a1e-2b7d-4a51-9d0e-6f0b1f9a7c11' } },
  },
  {
    query: `# Splits Bob's work login out of his main Auth0 user again
# (run LinkBobsLogins first).
mutation UnlinkBobsLogins($input: UnlinkIdentitiesInput!) {
  unlinkIdentities(input: $input) {
    primary { id linkedAccounts { id } }
    secondary { id }
    ${USER_ERROR_FIELDS}
  }
}
`,
    variables: { input: { primaryId: `auth0:${bob.auth0UserId}`, secondaryId: `auth0:${bobWork.userId}` } },
  },
  {
    query: `# Previews folding Bob's Verifa identity into Dan's: with
# dryRun nothing changes.
mutation PreviewMerge($input: MergeIdentitiesInput!) {
  mergeIdentities(input: $input) {
    dryRun
    primary { id status }
    secondary { id status }
    transferSummary { sessions screeningChecks faceEmbeddings ipLinks deviceLinks }
    ${USER_ERROR_FIELDS}
  }
}
`,
    variables: { input: { primaryId: `verifa:${dan.verifaId}`, secondaryId: `verifa:${bob.verifaId}`, dryRun: true } },
  },
  {
    query: `# Records that Bob and Carol share a household (a Verifa
# relationship).
mutation BobAndCarolShareAHousehold($input: CreateRelationshipInput!) {
  createRelationship(input: $input) {
    relationship { id provider type label note related { id displayName } }
    source { id }
    ${USER_ERROR_FIELDS}
  }
}
`,
    variables: { input: { sourceId: `verifa:${bob.verifaId}`, relatedId: `verifa:${carol.verifaId}`, type: 'SAME_HOUSEHOLD', note: 'Flatmates' } },
  },
  {
    query: `# Links a partner identifier to a BTC Direct user: the one whose
# token is forwarded in the "x-btcdirect-user-authorization"
# header (add it in the Headers editor). Without it the answer
# is a USER_TOKEN_INVALID userError.
mutation LinkPartnerIdentifier($input: LinkIdentifierInput!) {
  linkIdentifier(input: $input) {
    identity { id displayName }
    ${USER_ERROR_FIELDS}
  }
}
`,
    variables: { input: { identifier: 'playground0123456789abcdef0123456789abcdef0123' } },
  },
];
