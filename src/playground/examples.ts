import { DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS } from '../emulators/seed';

/** One playground tab: an operation and the variables it runs with. */
export interface ExampleOperation {
  query: string;
  variables?: Record<string, unknown>;
  /** The tab's headers also forward a demo BTC Direct user token (embedded mode). */
  forwardsBtcDirectUser?: boolean;
}

/** The example idempotency key as rendered; the page replaces every key of this form at each load. */
export const EXAMPLE_IDEMPOTENCY_KEY = 'playground-00000000-0000-0000-0000-000000000000';
/** Example keys, as a JavaScript regular expression literal for the page script. */
export const EXAMPLE_KEY_PATTERN = '/playground-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g';
/** Comment lines of the examples fit the query editor's width at 1280 px without clipping. */
export const EXAMPLE_COMMENT_MAX_COLUMNS = 50;

const [alice, bob, carol, dan] = DEMO_PEOPLE;
const [bobWork] = DEMO_STANDALONE_AUTH0_USERS;

const USER_ERROR_FIELDS = 'userErrors { code message field provider providerCode hint retryable }';

/**
 * The playground's tabs: every query and mutation, on the demo dataset of src/emulators/seed.ts.
 * Run in this order on a fresh start, each succeeds (in embedded mode the linkIdentifier tab
 * forwards the demo BTC Direct user Alice's token; otherwise it needs one added). The first one only reads, and takes no
 * variables: GraphiQL fills the variables editor of the tab open at start-up from its own storage,
 * not from the tab, so that operation's arguments are written inline.
 */
export const EXAMPLE_OPERATIONS: readonly ExampleOperation[] = [
  {
    query: `# Alice, one of the demo people: her Auth0 user,
# the accounts linked to it in every provider,
# her Verato golden record and her relationships.
# Run it with Ctrl-Enter or the run button. The
# other tabs hold every query and mutation.
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
    query: `# Several identities at once, one per provider,
# in the order asked (null for unknown ids).
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
    query: `# Links Bob's work login into his main Auth0
# user. Without identities:admin a caller must
# prove it owns both: its token's subject as
# primaryId, the secondary's ID token in linkWith,
# and Bob's own Auth0 token in the header
# x-auth0-user-authorization (npm run token --
# --help). An admin may send connectionId instead.
# The idempotencyKey is new at each page load; the
# same key again answers the first outcome, with
# replayed: true.
mutation LinkBobsLogins($input: LinkIdentitiesInput!) {
  linkIdentities(input: $input) {
    replayed
    linkId
    primary { id linkedAccounts { id via } }
    secondary { id }
    ${USER_ERROR_FIELDS}
  }
}
`,
    variables: { input: { primaryId: `auth0:${bob.auth0UserId}`, secondaryId: `auth0:${bobWork.userId}`, idempotencyKey: EXAMPLE_IDEMPOTENCY_KEY } },
  },
  {
    query: `# Splits Bob's work login out of his main Auth0
# user again (run LinkBobsLogins first).
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
    query: `# Previews folding Bob's Verifa identity into
# Dan's: with dryRun nothing changes.
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
    query: `# Records that Bob and Carol share a household
# (a Verifa relationship).
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
    query: `# Links a partner identifier to a BTC Direct
# user: the one whose user token is forwarded in
# the x-btcdirect-user-authorization header. In
# embedded mode this tab's headers hold the demo
# user Alice's (npm run token -- --btcdirect-user
# alice); without one the answer is a
# USER_TOKEN_INVALID userError.
mutation LinkPartnerIdentifier($input: LinkIdentifierInput!) {
  linkIdentifier(input: $input) {
    identity { id displayName }
    ${USER_ERROR_FIELDS}
  }
}
`,
    variables: { input: { identifier: 'playground0123456789abcdef0123456789abcdef0123' } },
    forwardsBtcDirectUser: true,
  },
];
