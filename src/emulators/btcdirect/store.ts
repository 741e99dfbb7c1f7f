import { createHash, randomUUID } from 'node:crypto';
import { DEMO_PEOPLE, type DemoPerson } from '../seed';

/** One BTC Direct account. Its internal id is never shown to partners (contract A6). */
export interface BtcDirectUser {
  id: string;
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  /** Country code. */
  region: string;
  phoneNumber: string;
  registrationDate: string;
  activationDate: string;
  isBusiness: boolean;
  enabledIbanAccounts: string[];
  enabledWalletAddresses: string[];
  deleted: boolean;
  /** A KYC document awaits review (link-identifier answers ER708). */
  pendingDocument: boolean;
}

export interface NewBtcDirectUser {
  /** Default: a random UUID. */
  id?: string;
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  region?: string;
  phoneNumber?: string;
  registrationDate?: string;
  isBusiness?: boolean;
  /** Partner identifiers to link to the new user. */
  identifiers?: string[];
}

export type LinkIdentifierOutcome = 'linked' | 'already-linked' | 'held-by-another-user';

/**
 * BTC Direct accounts and the partner identifiers linked to them: many identifiers may point to
 * one user, an identifier points to at most one user (contract A6).
 */
export class BtcDirectStore {
  private readonly users = new Map<string, BtcDirectUser>();
  private readonly identifierOwners = new Map<string, string>();

  seed(): void {
    for (const person of DEMO_PEOPLE) this.addPerson(person);
  }

  /** Adds a person's account with their partner identifier, as the demo people are seeded. */
  addPerson(person: DemoPerson): BtcDirectUser {
    return this.addUser(newUserFromPerson(person));
  }

  addUser(input: NewBtcDirectUser): BtcDirectUser {
    if (this.userByEmail(input.email)) throw new Error(`a BTC Direct user with e-mail ${input.email} already exists`);
    const registrationDate = input.registrationDate ?? new Date().toISOString();
    const user: BtcDirectUser = {
      id: input.id ?? randomUUID(),
      email: input.email,
      password: input.password,
      firstName: input.firstName,
      lastName: input.lastName,
      region: input.region ?? 'NL',
      phoneNumber: input.phoneNumber ?? '',
      registrationDate,
      activationDate: registrationDate,
      isBusiness: input.isBusiness ?? false,
      enabledIbanAccounts: [],
      enabledWalletAddresses: [],
      deleted: false,
      pendingDocument: false,
    };
    this.users.set(user.id, user);
    for (const identifier of input.identifiers ?? []) this.addIdentifier(user.email, identifier);
    return user;
  }

  /** Links `identifier` to the user with `email`; throws when either side is already taken or unknown. */
  addIdentifier(email: string, identifier: string): void {
    const user = this.requireUser(email);
    const outcome = this.linkIdentifier(user.id, identifier);
    if (outcome === 'held-by-another-user') throw new Error(`identifier ${identifier} is linked to another user`);
  }

  markDeleted(email: string): void {
    this.requireUser(email).deleted = true;
  }

  setPendingDocument(email: string, pending = true): void {
    this.requireUser(email).pendingDocument = pending;
  }

  userByEmail(email: string): BtcDirectUser | undefined {
    const wanted = email.toLowerCase();
    return [...this.users.values()].find((user) => user.email.toLowerCase() === wanted);
  }

  userById(id: string): BtcDirectUser | undefined {
    return this.users.get(id);
  }

  ownerOf(identifier: string): BtcDirectUser | undefined {
    const ownerId = this.identifierOwners.get(identifier);
    return ownerId === undefined ? undefined : this.users.get(ownerId);
  }

  identifiersOf(userId: string): string[] {
    return [...this.identifierOwners].filter(([, ownerId]) => ownerId === userId).map(([identifier]) => identifier);
  }

  /** The user with this e-mail (case-insensitive) and password; undefined when either is wrong. */
  authenticate(email: string, password: string): BtcDirectUser | undefined {
    const user = this.userByEmail(email);
    return user && user.password === password ? user : undefined;
  }

  linkIdentifier(userId: string, identifier: string): LinkIdentifierOutcome {
    const ownerId = this.identifierOwners.get(identifier);
    if (ownerId === userId) return 'already-linked';
    if (ownerId !== undefined) return 'held-by-another-user';
    this.identifierOwners.set(identifier, userId);
    return 'linked';
  }

  private requireUser(email: string): BtcDirectUser {
    const user = this.userByEmail(email);
    if (!user) throw new Error(`no BTC Direct user with e-mail ${email}`);
    return user;
  }
}

/**
 * A demo person's BTC Direct user id: fixed, so a user token can be minted for them without a
 * login (`npm run token -- --btcdirect-user alice`, the playground's linkIdentifier tab).
 */
export function demoBtcDirectUserId(person: DemoPerson): string {
  const hex = createHash('sha256').update(`btcdirect-demo-user\u0000${person.email}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function newUserFromPerson(person: DemoPerson): NewBtcDirectUser {
  return {
    id: demoBtcDirectUserId(person),
    email: person.email,
    password: person.btcPassword,
    firstName: person.givenName,
    lastName: person.familyName,
    region: person.address.country,
    phoneNumber: person.phone,
    registrationDate: person.createdAt,
    identifiers: [person.btcIdentifier],
  };
}
