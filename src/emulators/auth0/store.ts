import { DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS, type DemoPerson } from '../seed';

/** One login account inside a user's `identities[]` (contract B5, UserIdentity). */
export interface Auth0Identity {
  connection: string;
  /** The part of the root user_id after the `|`; a number for some providers. */
  user_id: string | number;
  provider: string;
  isSocial: boolean;
  profileData?: Auth0ProfileData;
}

export interface Auth0ProfileData {
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  phone_number?: string;
}

/** The user object as GET /api/v2/users/{id} returns it (contract B5). */
export interface Auth0User {
  user_id: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  nickname?: string;
  picture?: string;
  phone_number?: string;
  created_at: string;
  updated_at: string;
  identities: Auth0Identity[];
  app_metadata?: Record<string, unknown>;
  user_metadata?: Record<string, unknown>;
  logins_count: number;
  last_login?: string;
  blocked: boolean;
}

export interface Auth0Connection {
  id: string;
  name: string;
  /** The identity provider the connection logs in with (`auth0` for database connections). */
  strategy: string;
}

export interface NewAuth0User {
  /** Full user_id, `{provider}|{id}`. */
  userId: string;
  email?: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  phoneNumber?: string;
  /** Enables the password grant for this user. */
  password?: string;
  userMetadata?: Record<string, unknown>;
  appMetadata?: Record<string, unknown>;
  createdAt?: string;
}

export type LinkOutcome =
  | { ok: true; identities: Auth0Identity[] }
  | { ok: false; reason: 'primary-missing' | 'same-account' | 'identity-exists' | 'secondary-missing' | 'secondary-has-links' };

export type UnlinkOutcome =
  | { ok: true; identities: Auth0Identity[] }
  | { ok: false; reason: 'primary-missing' | 'main-identity' | 'not-linked' };

export const DATABASE_CONNECTION = 'Username-Password-Authentication';
export const STANDALONE_PASSWORD = 'demo-password-standalone';

/** Passwords the password grant accepts for the seeded primaries: `demo-password-<person.key>`. */
export function demoPasswordFor(person: DemoPerson): string {
  return `demo-password-${person.key}`;
}

/** The tenant's connections; ids follow the documented `^con_[A-Za-z0-9]{16}$` pattern. */
const TENANT_CONNECTIONS: Auth0Connection[] = [
  { id: 'con_Db00000000000001', name: DATABASE_CONNECTION, strategy: 'auth0' },
  { id: 'con_Go00000000000002', name: 'google-oauth2', strategy: 'google-oauth2' },
  { id: 'con_Gh00000000000003', name: 'github', strategy: 'github' },
];

// (inferred) which providers count as social; only these three appear in the demo.
const NON_SOCIAL_PROVIDERS = new Set(['auth0', 'sms', 'email']);

/**
 * The tenant's users. Reads by id always see the latest state; searches see a snapshot that is
 * refreshed `searchLagMs` after each write, which is how Auth0's eventually consistent user
 * search behaves.
 */
export class Auth0Store {
  readonly connections: readonly Auth0Connection[] = TENANT_CONNECTIONS;
  private readonly users = new Map<string, Auth0User>();
  private credentials: Array<{ userId: string; email: string; password: string }> = [];
  private searchIndex: Auth0User[] = [];
  /** Without lag the index is rebuilt lazily, on the first search after a write. */
  private searchIndexIsStale = false;
  private readonly pendingRefreshes = new Set<NodeJS.Timeout>();

  constructor(private readonly searchLagMs = 0) {}

  seed(): void {
    for (const person of DEMO_PEOPLE) this.addPerson(person);
    for (const standalone of DEMO_STANDALONE_AUTH0_USERS) {
      const person = DEMO_PEOPLE.find((candidate) => candidate.key === standalone.personKey);
      this.addUser({
        userId: standalone.userId,
        email: standalone.email,
        name: standalone.name,
        givenName: person?.givenName,
        familyName: person?.familyName,
        password: STANDALONE_PASSWORD,
        userMetadata: { note: 'standalone demo account' },
        appMetadata: {},
        createdAt: person?.createdAt,
      });
    }
  }

  /** Adds a person's primary user (and the social logins linked into it), as the demo people are seeded. */
  addPerson(person: DemoPerson): void {
    this.insert(userFromPerson(person), demoPasswordFor(person));
  }

  /** Adds a standalone user with a single identity; returns the stored user. */
  addUser(input: NewAuth0User): Auth0User {
    if (this.users.has(input.userId)) throw new Error(`an Auth0 user ${input.userId} already exists`);
    const { provider, id } = splitUserId(input.userId);
    const createdAt = input.createdAt ?? new Date().toISOString();
    const user = withoutUndefined<Auth0User>({
      user_id: input.userId,
      email: input.email,
      email_verified: input.email !== undefined,
      name: input.name ?? input.email,
      given_name: input.givenName,
      family_name: input.familyName,
      nickname: input.email?.split('@')[0],
      picture: defaultPicture(input.name ?? input.email ?? input.userId),
      phone_number: input.phoneNumber,
      created_at: createdAt,
      updated_at: createdAt,
      identities: [identityFor(provider, id)],
      app_metadata: input.appMetadata ?? {},
      user_metadata: input.userMetadata ?? {},
      logins_count: 0,
      blocked: false,
    });
    this.insert(user, input.password);
    return user;
  }

  getUser(userId: string): Auth0User | undefined {
    return this.users.get(userId);
  }

  /** The users as the search index currently sees them (possibly stale, see class comment). */
  /** Users whose e-mail is exactly `email` (the users-by-email lookup reads the user store, not the lagging search index; inferred). */
  usersByEmail(email: string): Auth0User[] {
    return [...this.users.values()].filter((user) => user.email === email);
  }

  searchableUsers(): readonly Auth0User[] {
    if (this.searchIndexIsStale) this.refreshSearchIndex();
    return this.searchIndex;
  }

  /** Makes the search index reflect every write so far, without waiting for the lag. */
  refreshSearchIndex(): void {
    this.searchIndex = [...this.users.values()].map((user) => structuredClone(user));
    this.searchIndexIsStale = false;
  }

  connectionById(connectionId: string): Auth0Connection | undefined {
    return this.connections.find((connection) => connection.id === connectionId);
  }

  hasConnectionFor(provider: string): boolean {
    return this.connections.some((connection) => connection.strategy === provider);
  }

  /** The user whose e-mail and password match, for the password grant. */
  authenticate(email: string, password: string): Auth0User | undefined {
    const match = this.credentials.find(
      (entry) => entry.email.toLowerCase() === email.toLowerCase() && entry.password === password,
    );
    return match ? this.users.get(match.userId) : undefined;
  }

  /**
   * Links the standalone user `secondaryUserId` into `primaryId` (contract B4): the primary keeps
   * its profile and metadata, the secondary's identity is appended with the secondary's profile
   * as profileData, and the secondary user disappears together with its metadata.
   */
  link(primaryId: string, secondaryUserId: string): LinkOutcome {
    const primary = this.users.get(primaryId);
    if (!primary) return { ok: false, reason: 'primary-missing' };
    if (secondaryUserId === primaryId) return { ok: false, reason: 'same-account' };
    const { provider, id } = splitUserId(secondaryUserId);
    if (this.isLinkedSomewhere(provider, id)) return { ok: false, reason: 'identity-exists' };
    const secondary = this.users.get(secondaryUserId);
    if (!secondary) return { ok: false, reason: 'secondary-missing' };
    // (inferred) a secondary that itself holds linked identities is refused with the documented
    // "Unable to link with the secondary account." rather than merged transitively.
    if (secondary.identities.length > 1) return { ok: false, reason: 'secondary-has-links' };

    primary.identities.push({ ...secondary.identities[0], profileData: profileDataOf(secondary) });
    primary.updated_at = new Date().toISOString();
    this.users.delete(secondaryUserId);
    this.credentials = this.credentials.filter((entry) => entry.userId !== secondaryUserId);
    this.recordWrite();
    return { ok: true, identities: primary.identities };
  }

  /**
   * Removes a linked identity from `primaryId` and recreates it as a standalone user
   * `{provider}|{user_id}` built from its profileData, with no metadata (contract B3).
   */
  unlink(primaryId: string, provider: string, identityUserId: string): UnlinkOutcome {
    const primary = this.users.get(primaryId);
    if (!primary) return { ok: false, reason: 'primary-missing' };
    const index = primary.identities.findIndex((identity) => sameIdentity(identity, provider, identityUserId));
    if (index === 0) return { ok: false, reason: 'main-identity' };
    if (index < 0) return { ok: false, reason: 'not-linked' };

    const [removed] = primary.identities.splice(index, 1);
    const now = new Date().toISOString();
    primary.updated_at = now;
    this.users.set(`${provider}|${identityUserId}`, standaloneFromIdentity(removed, now));
    this.recordWrite();
    return { ok: true, identities: primary.identities };
  }

  /** Cancels pending search-index refreshes (call when the emulator closes). */
  dispose(): void {
    for (const timer of this.pendingRefreshes) clearTimeout(timer);
    this.pendingRefreshes.clear();
  }

  private insert(user: Auth0User, password?: string): void {
    this.users.set(user.user_id, user);
    if (password !== undefined && user.email !== undefined) {
      this.credentials.push({ userId: user.user_id, email: user.email, password });
    }
    this.recordWrite();
  }

  private isLinkedSomewhere(provider: string, identityUserId: string): boolean {
    for (const user of this.users.values()) {
      if (user.identities.slice(1).some((identity) => sameIdentity(identity, provider, identityUserId))) return true;
    }
    return false;
  }

  private recordWrite(): void {
    if (this.searchLagMs <= 0) {
      this.searchIndexIsStale = true;
      return;
    }
    const timer = setTimeout(() => {
      this.pendingRefreshes.delete(timer);
      this.refreshSearchIndex();
    }, this.searchLagMs);
    timer.unref();
    this.pendingRefreshes.add(timer);
  }
}

/** Splits `provider|id` at the first `|`. */
export function splitUserId(userId: string): { provider: string; id: string } {
  const bar = userId.indexOf('|');
  return bar < 0 ? { provider: '', id: userId } : { provider: userId.slice(0, bar), id: userId.slice(bar + 1) };
}

function userFromPerson(person: DemoPerson): Auth0User {
  const { id } = splitUserId(person.auth0UserId);
  const name = `${person.givenName} ${person.familyName}`;
  return {
    user_id: person.auth0UserId,
    email: person.email,
    email_verified: true,
    name,
    given_name: person.givenName,
    family_name: person.familyName,
    nickname: person.email.split('@')[0],
    picture: defaultPicture(name),
    phone_number: person.phone,
    created_at: person.createdAt,
    updated_at: person.createdAt,
    identities: [
      { connection: DATABASE_CONNECTION, provider: 'auth0', user_id: id, isSocial: false },
      ...person.auth0LinkedSocial.map((social) => ({
        connection: social.connection,
        provider: social.provider,
        user_id: social.userId,
        isSocial: social.isSocial,
        profileData: { email: social.email, email_verified: true, name: social.name },
      })),
    ],
    app_metadata: { crm_id: person.crmId, roles: ['customer'] },
    user_metadata: { preferred_language: 'nl', newsletter: false },
    logins_count: 3,
    last_login: person.createdAt,
    blocked: false,
  };
}

function identityFor(provider: string, id: string): Auth0Identity {
  const connection = provider === 'auth0' ? DATABASE_CONNECTION : provider;
  return { connection, provider, user_id: id, isSocial: !NON_SOCIAL_PROVIDERS.has(provider) };
}

function profileDataOf(user: Auth0User): Auth0ProfileData {
  return withoutUndefined({
    email: user.email,
    email_verified: user.email_verified,
    name: user.name,
    given_name: user.given_name,
    family_name: user.family_name,
    phone_number: user.phone_number,
  });
}

function standaloneFromIdentity(identity: Auth0Identity, now: string): Auth0User {
  const { profileData, ...bareIdentity } = identity;
  return withoutUndefined({
    user_id: `${identity.provider}|${identity.user_id}`,
    email: profileData?.email,
    email_verified: profileData?.email_verified,
    name: profileData?.name,
    given_name: profileData?.given_name,
    family_name: profileData?.family_name,
    phone_number: profileData?.phone_number,
    picture: defaultPicture(profileData?.name ?? profileData?.email ?? String(identity.user_id)),
    created_at: now,
    updated_at: now,
    identities: [bareIdentity],
    logins_count: 0,
    blocked: false,
  });
}

function sameIdentity(identity: Auth0Identity, provider: string, identityUserId: string): boolean {
  return identity.provider === provider && String(identity.user_id) === identityUserId;
}

/** Auth0's default avatar: the initials on its CDN. */
function defaultPicture(displayName: string): string {
  const initials = displayName
    .split(/\s+/)
    .map((word) => word[0] ?? '')
    .join('')
    .slice(0, 2)
    .toLowerCase();
  return `https://cdn.auth0.com/avatars/${initials || 'u'}.png`;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
