/**
 * The demo dataset every emulator starts with: a few people, each known to Auth0, Verifa and
 * BTC Direct, and clustered in Verato (one source record per provider plus a CRM record, all
 * under one Link ID). Each emulator turns these neutral facts into its own provider's shapes.
 * All values are fictitious.
 */

export interface DemoAddress {
  line1: string;
  line2?: string;
  city: string;
  state?: string;
  postalCode: string;
  country: string;
}

export interface DemoSocialIdentity {
  provider: string;
  connection: string;
  userId: string;
  isSocial: boolean;
  email: string;
  name: string;
}

export interface DemoPerson {
  key: string;
  givenName: string;
  familyName: string;
  email: string;
  phone: string;
  birthDate: string;
  gender: 'female' | 'male';
  ssn: string;
  documentNumber: string;
  address: DemoAddress;
  createdAt: string;
  /** Full Auth0 user_id of the person's primary Auth0 user. */
  auth0UserId: string;
  /** Social logins already linked into the Auth0 user's identities[]. */
  auth0LinkedSocial: DemoSocialIdentity[];
  verifaId: string;
  verifaStatus: string;
  verifaTags: string[];
  /** Partner identifier linked to the person's BTC Direct account (36-255 alphanumeric). */
  btcIdentifier: string;
  btcPassword: string;
  veratoLinkId: string;
  crmId: string;
}

export const DEMO_PEOPLE: DemoPerson[] = [
  {
    key: 'alice',
    givenName: 'Alice',
    familyName: 'Martin',
    email: 'alice.martin@example.com',
    phone: '+31612345601',
    birthDate: '1988-04-12',
    gender: 'female',
    ssn: '900-11-0001',
    documentNumber: 'NL1000001',
    address: { line1: 'Keizersgracht 101', city: 'Amsterdam', state: 'NH', postalCode: '1015 CJ', country: 'NL' },
    createdAt: '2024-02-01T09:00:00.000Z',
    auth0UserId: 'auth0|65a1a1a1a1a1a1a1a1a1a001',
    auth0LinkedSocial: [
      {
        provider: 'google-oauth2',
        connection: 'google-oauth2',
        userId: '110000000000000000001',
        isSocial: true,
        email: 'alice.martin@example.com',
        name: 'Alice Martin',
      },
      {
        provider: 'github',
        connection: 'github',
        userId: '9100001',
        isSocial: true,
        email: 'alice.martin@example.com',
        name: 'alicem',
      },
    ],
    verifaId: 'idn_alice0000000001',
    verifaStatus: 'approved',
    verifaTags: ['vip'],
    btcIdentifier: 'a1c3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3',
    btcPassword: 'demo-password-alice',
    veratoLinkId: '100000001',
    crmId: 'CRM-1001',
  },
  {
    key: 'bob',
    givenName: 'Bob',
    familyName: 'Jansen',
    email: 'bob.jansen@example.com',
    phone: '+31612345602',
    birthDate: '1985-09-30',
    gender: 'male',
    ssn: '900-11-0002',
    documentNumber: 'NL1000002',
    address: { line1: 'Oudegracht 22', city: 'Utrecht', state: 'UT', postalCode: '3511 AP', country: 'NL' },
    createdAt: '2024-03-15T10:30:00.000Z',
    auth0UserId: 'auth0|65a1a1a1a1a1a1a1a1a1a002',
    auth0LinkedSocial: [],
    verifaId: 'idn_bob00000000000002',
    verifaStatus: 'approved',
    verifaTags: [],
    btcIdentifier: 'b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4',
    btcPassword: 'demo-password-bob',
    veratoLinkId: '100000002',
    crmId: 'CRM-1002',
  },
  {
    key: 'carol',
    givenName: 'Carol',
    familyName: 'Martin',
    email: 'carol.martin@example.com',
    phone: '+31612345603',
    birthDate: '2012-06-01',
    gender: 'female',
    ssn: '900-11-0003',
    documentNumber: 'NL1000003',
    address: { line1: 'Keizersgracht 101', city: 'Amsterdam', state: 'NH', postalCode: '1015 CJ', country: 'NL' },
    createdAt: '2024-05-20T08:15:00.000Z',
    auth0UserId: 'auth0|65a1a1a1a1a1a1a1a1a1a003',
    auth0LinkedSocial: [],
    verifaId: 'idn_carol000000000003',
    verifaStatus: 'pending',
    verifaTags: [],
    btcIdentifier: 'c3e5a7c9e1a3c5e7a9c1e3a5c7e9a1c3e5a7c9e1a3c5e7a9c1e3a5c7e9a1c3e5',
    btcPassword: 'demo-password-carol',
    veratoLinkId: '100000003',
    crmId: 'CRM-1003',
  },
  {
    key: 'dan',
    givenName: 'Dan',
    familyName: 'de Vries',
    email: 'dan.devries@example.com',
    phone: '+31612345604',
    birthDate: '1979-01-23',
    gender: 'male',
    ssn: '900-11-0004',
    documentNumber: 'NL1000004',
    address: { line1: 'Coolsingel 40', city: 'Rotterdam', state: 'ZH', postalCode: '3011 AD', country: 'NL' },
    createdAt: '2024-07-04T12:00:00.000Z',
    auth0UserId: 'auth0|65a1a1a1a1a1a1a1a1a1a004',
    auth0LinkedSocial: [
      {
        provider: 'google-oauth2',
        connection: 'google-oauth2',
        userId: '110000000000000000004',
        isSocial: true,
        email: 'dan.devries@example.com',
        name: 'Dan de Vries',
      },
    ],
    verifaId: 'idn_dan00000000000004',
    verifaStatus: 'approved',
    verifaTags: ['business'],
    btcIdentifier: 'd4f6b8d0f2b4d6f8b0d2f4b6d8f0b2d4f6b8d0f2b4d6f8b0d2f4b6d8f0b2d4f6',
    btcPassword: 'demo-password-dan',
    veratoLinkId: '100000004',
    crmId: 'CRM-1004',
  },
];

/**
 * Two unclustered Auth0 users for trying linkIdentities by hand: a second database login of
 * Bob's and a standalone Google login of Dan's.
 */
export const DEMO_STANDALONE_AUTH0_USERS = [
  { userId: 'auth0|65a1a1a1a1a1a1a1a1a1b002', email: 'bob.work@example.com', name: 'Bob Jansen (work)', personKey: 'bob' },
  { userId: 'google-oauth2|110000000000000000099', email: 'dan.devries@example.com', name: 'Dan de Vries', personKey: 'dan' },
];

/** Verifa user relationships (source -> related, one direction given; Verifa stores both). */
export const DEMO_VERIFA_RELATIONSHIPS = [
  { id: 'idrel_0000000000000001', from: 'alice', to: 'carol', type: 'family_member', note: 'Parent and child' },
  { id: 'idrel_0000000000000002', from: 'alice', to: 'bob', type: 'business_associate', note: 'Co-founders' },
  { id: 'idrel_0000000000000003', from: 'dan', to: 'bob', type: 'authorized_representative', note: null },
];

/** Verato relationships between the people's Link IDs. */
export const DEMO_VERATO_RELATIONSHIPS = [
  { id: 'rel-0001', subject: 'alice', verb: 'is parent of', inverse: 'is child of', object: 'carol' },
  { id: 'rel-0002', subject: 'dan', verb: 'employs', inverse: 'is employed by', object: 'bob' },
];

/** Verato source codes used by the demo clusters (the subgraph's default VERATO_SOURCE_MAP). */
export const DEMO_VERATO_SOURCES = { auth0: 'AUTH0', verifa: 'VERIFA', btcdirect: 'BTCDIRECT', crm: 'CRM' } as const;

/**
 * Credentials the emulators accept. The subgraph uses them when a provider has no base URL
 * configured; they open nothing outside the emulators.
 */
export const DEMO_CREDENTIALS = {
  verato: { token: 'demo-verato-bearer-token', username: 'demo-verato-user', password: 'demo-verato-password' },
  verifa: { apiKey: 'vk_sandbox_demo0000000000000000', version: '2026-01-01' },
  auth0: {
    clientId: 'demo-auth0-client',
    clientSecret: 'demo-auth0-client-secret',
    /** The demo frontend (a public single-page application): its users' tokens and ID tokens are issued to it. */
    frontendClientId: 'demo-auth0-spa',
  },
  btcdirect: { apiKey: 'demo-btcdirect-api-key', username: 'demo-partner', password: 'demo-partner-password' },
} as const;
