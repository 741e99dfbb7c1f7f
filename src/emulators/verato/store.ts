import { DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS, DEMO_VERATO_RELATIONSHIPS, DEMO_VERATO_SOURCES, type DemoPerson } from '../seed';
import { demoPerson, personAttributes, personSources } from './demo-records';

/** A Source + Native ID (S+N): the stable key of a source record. */
export interface VeratoSource {
  name: string;
  id: string;
}

export interface VeratoName {
  use?: string;
  prefix?: string;
  first?: string;
  middle?: string;
  last?: string;
  suffix?: string;
}

export interface VeratoEmail {
  type?: string;
  email: string;
}

export interface VeratoPhone {
  type?: string;
  countryCode?: string;
  areaCode?: string;
  number: string;
  extension?: string;
}

export interface VeratoAddress {
  type?: string;
  line1?: string;
  line2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
}

/** What one source record asserts, each attribute an array of Person `Identity` items. */
export interface PersonAttributes {
  names: VeratoName[];
  emails: VeratoEmail[];
  phoneNumbers: VeratoPhone[];
  datesOfBirth: { dateOfBirth: string }[];
  addresses: VeratoAddress[];
  ssns: { ssn: string }[];
  genders: { gender: string }[];
}

export const PERSON_ATTRIBUTE_KEYS = [
  'names',
  'emails',
  'phoneNumbers',
  'datesOfBirth',
  'addresses',
  'ssns',
  'genders',
] as const satisfies readonly (keyof PersonAttributes)[];

export interface SourceRecord {
  source: VeratoSource;
  linkId: string;
  attributes: PersonAttributes;
  /** When the source asserted its attributes (firstAsserted = lastAsserted in the emulator). */
  assertedAt: string;
  /** Set while the record is retired (merged) into the active record `source`. */
  mergedInto?: { source: VeratoSource; at: string };
}

export interface NewSourceRecord {
  source: VeratoSource;
  /** Cluster to join; a fresh Link ID when omitted. */
  linkId?: string;
  attributes?: Partial<PersonAttributes>;
  assertedAt?: string;
}

/** A relationship in the `RelationshipWs` wire shape. */
export interface VeratoRelationship {
  id: string;
  relationshipVerb: string;
  inverseRelationshipVerb?: string;
  subjectVeratoId: string;
  objectVeratoId: string;
  domain: string;
  status: string;
  startDate?: string;
  endDate?: string;
}

export interface NewRelationship {
  id?: string;
  relationshipVerb: string;
  subjectVeratoId: string;
  objectVeratoId: string;
  domain: string;
  status?: string;
  startDate?: string;
  endDate?: string;
}

/**
 * One entry of the change feed `/searchNotifications` answers, in the `NotificationData` shape.
 * The notification types and which body fields each carries are (inferred): the spec lists the
 * fields of `NotificationLowerCaseBody` without saying which event sets which.
 */
export interface VeratoNotification {
  notificationType: VeratoNotificationType;
  ts: string;
  body: VeratoNotificationBody;
}

export type VeratoNotificationType = 'LINK' | 'UNLINK' | 'MERGE' | 'UNMERGE' | 'RELATIONSHIP_ADD' | 'RELATIONSHIP_DELETE';

export interface VeratoNotificationBody {
  source?: string;
  nativeId?: string;
  survivingSource?: string;
  survivingNativeId?: string;
  retiredSource?: string;
  retiredNativeId?: string;
  previousLinkId?: string;
  newLinkId?: string;
}

// (inferred) a relationship event names its subject in previousLinkId and its object in newLinkId.

/** (inferred) how much of the feed a tenant keeps; the emulator forgets the oldest beyond it. */
export const MAX_KEPT_NOTIFICATIONS = 10_000;

export interface RelationshipFilter {
  filterBySubjectVeratoId?: string;
  filterByObjectVeratoId?: string;
  filterBySubjectOrObjectVeratoId?: string;
  filterByRelationshipVerb?: string;
}

/** A failure Verato reports inside the envelope (`success:false`), not as an HTTP error. */
export class VeratoBusinessError extends Error {}

/** Verb pairs from Verato's relationship-definition catalogue (subject verb, inverse verb). */
const VERB_CATALOGUE: readonly (readonly [string, string])[] = [
  ['is parent of', 'is child of'],
  ['is twin of', 'is twin of'],
  ['is sibling to', 'is sibling to'],
  ['is next of kin for', 'is next of kin of'],
  ['is guardian for', 'under guardianship of'],
  ['has dependent', 'is dependent of'],
  ['employs', 'is employed by'],
];

const RELATIONSHIP_STATUSES = ['active', 'inactive'];
/** The standalone demo Auth0 users get consecutive Link IDs from here. */
const FIRST_STANDALONE_LINK_NUMBER = 100000101;
// (inferred) support names "Person" as the only domain on link-ws.
const PERSON_DOMAIN = 'Person';

export function describeSource(source: VeratoSource): string {
  return `nativeId ${source.id} and source ${source.name}`;
}

export function notFoundMessage(source: VeratoSource): string {
  return `Could not find entity with ${describeSource(source)}`;
}

export class VeratoStore {
  private readonly records = new Map<string, SourceRecord>();
  /** Link IDs retired by link/merge, mapped to the Link ID that absorbed them. */
  private readonly retiredLinkIds = new Map<string, string>();
  private readonly relationships = new Map<string, VeratoRelationship>();
  private highestLinkNumber = 0;
  private relationshipNumber = 0;
  private readonly relationshipVerbs: ReadonlySet<string>;
  private readonly feed: VeratoNotification[] = [];
  /** The seed's own writes are the tenant's starting state, not changes. */
  private seeding = false;
  /** Source codes of the tenant's data sources (createDataSource); postIdentity takes records of these only. */
  private readonly dataSources = new Set<string>();

  /** `relationshipVerbs`: the verbs of this tenant's relationship definitions (default: the catalogue's). */
  constructor(options: { relationshipVerbs?: readonly string[] } = {}) {
    this.relationshipVerbs = new Set(options.relationshipVerbs ?? VERB_CATALOGUE.flat());
  }

  clear(): void {
    this.records.clear();
    this.dataSources.clear();
    this.retiredLinkIds.clear();
    this.relationships.clear();
    this.highestLinkNumber = 0;
    this.relationshipNumber = 0;
    this.feed.length = 0;
  }

  /** The change feed in time order (oldest first), at most MAX_KEPT_NOTIFICATIONS. */
  notifications(): readonly VeratoNotification[] {
    return this.feed;
  }

  private notify(notificationType: VeratoNotificationType, body: VeratoNotificationBody): void {
    if (this.seeding) return;
    this.feed.push({ notificationType, ts: new Date().toISOString(), body });
    if (this.feed.length > MAX_KEPT_NOTIFICATIONS) this.feed.splice(0, this.feed.length - MAX_KEPT_NOTIFICATIONS);
  }

  /** Loads the demo dataset: one four-record cluster per person, the standalone Auth0 users, the relationships. */
  seed(): void {
    this.seeding = true;
    try {
      this.seedDemo();
    } finally {
      this.seeding = false;
    }
  }

  private seedDemo(): void {
    for (const name of Object.values(DEMO_VERATO_SOURCES)) this.dataSources.add(name);
    for (const person of DEMO_PEOPLE) this.addPerson(person);
    DEMO_STANDALONE_AUTH0_USERS.forEach((user, index) => {
      const person = demoPerson(user.personKey);
      this.addSourceRecord({
        source: { name: DEMO_VERATO_SOURCES.auth0, id: user.userId },
        linkId: String(FIRST_STANDALONE_LINK_NUMBER + index),
        attributes: { names: [{ first: person.givenName, last: person.familyName }], emails: [{ email: user.email }] },
        assertedAt: person.createdAt,
      });
    });
    for (const relationship of DEMO_VERATO_RELATIONSHIPS) {
      this.addRelationship({
        id: relationship.id,
        relationshipVerb: relationship.verb,
        subjectVeratoId: demoPerson(relationship.subject).veratoLinkId,
        objectVeratoId: demoPerson(relationship.object).veratoLinkId,
        domain: PERSON_DOMAIN,
        status: 'active',
      });
    }
  }

  /** Adds a person's cluster: one source record per provider plus the CRM record, under the person's Link ID. */
  addPerson(person: DemoPerson): void {
    for (const source of personSources(person)) {
      this.addSourceRecord({ source, linkId: person.veratoLinkId, attributes: personAttributes(person), assertedAt: person.createdAt });
    }
  }

  /** Test helper: adds a source record, to an existing cluster or a new one. */
  addSourceRecord(input: NewSourceRecord): SourceRecord {
    const key = recordKey(input.source);
    if (this.records.has(key)) throw new Error(`source record ${describeSource(input.source)} already exists`);
    const linkId = input.linkId === undefined ? this.allocateLinkId() : this.currentLinkId(input.linkId);
    this.noteLinkId(linkId);
    const record: SourceRecord = {
      source: { name: input.source.name, id: input.source.id },
      linkId,
      attributes: { ...emptyAttributes(), ...input.attributes },
      assertedAt: input.assertedAt ?? new Date().toISOString(),
    };
    this.records.set(key, record);
    this.dataSources.add(record.source.name);
    return record;
  }

  /** Test helper: a source code the tenant accepts records of, as createDataSource registers it. */
  addDataSource(name: string): void {
    this.dataSources.add(name);
  }

  /**
   * postIdentity: a new S+N becomes a record in a Link ID of its own; the same S+N again updates
   * what that record asserts ("Same S+N again = update, not new record").
   */
  postIdentity(source: VeratoSource, attributes: Partial<PersonAttributes>): SourceRecord {
    // (inferred) a record can only be filed under a source code registered with createDataSource.
    if (!this.dataSources.has(source.name)) throw new VeratoBusinessError(`Source ${source.name} is not a registered data source`);
    const existing = this.findRecord(source);
    if (!existing) return this.addSourceRecord({ source, attributes });
    if (existing.mergedInto) throw new VeratoBusinessError(`Source record with ${describeSource(source)} is retired (merged) and cannot be updated`);
    existing.attributes = { ...emptyAttributes(), ...attributes };
    existing.assertedAt = new Date().toISOString();
    return existing;
  }

  findRecord(source: VeratoSource): SourceRecord | undefined {
    return this.records.get(recordKey(source));
  }

  /** The Link ID now holding a cluster, following link/merge retirements. */
  currentLinkId(linkId: string): string {
    let current = linkId;
    for (let next = this.retiredLinkIds.get(current); next !== undefined; next = this.retiredLinkIds.get(current)) {
      current = next;
    }
    return current;
  }

  /** The Link IDs that hold at least one active (not merged) record. */
  activeLinkIds(): string[] {
    return [...new Set([...this.records.values()].filter((record) => !record.mergedInto).map((record) => record.linkId))];
  }

  /** All records of a cluster, retired (merged) ones included. */
  members(linkId: string): SourceRecord[] {
    return [...this.records.values()].filter((record) => record.linkId === linkId);
  }

  /** Forces `source` (and its whole cluster) into the cluster of `linkToSource`; returns the surviving Link ID. */
  linkIdentities(linkToSource: VeratoSource, source: VeratoSource): string {
    const target = this.requireActiveRecord(linkToSource, 'linked');
    const incoming = this.requireActiveRecord(source, 'linked');
    requireDistinct(target, incoming);
    // (inferred) linking records that already share a Link ID is a no-op success.
    if (incoming.linkId !== target.linkId) {
      const previousLinkId = incoming.linkId;
      this.absorbCluster(incoming.linkId, target.linkId);
      this.notify('LINK', { source: source.name, nativeId: source.id, previousLinkId, newLinkId: target.linkId });
    }
    return target.linkId;
  }

  /** Splits `source` out of the cluster it shares with `unlinkFromSource` into a new Link ID. */
  unlinkIdentities(unlinkFromSource: VeratoSource, source: VeratoSource): { unlinkedId: string; unlinkedFromId: string } {
    const staying = this.requireActiveRecord(unlinkFromSource, 'unlinked');
    const leaving = this.requireActiveRecord(source, 'unlinked');
    requireDistinct(staying, leaving);
    requireSameCluster(staying, leaving);
    const unlinkedId = this.allocateLinkId();
    // (inferred) records retired into the leaving record go with it.
    const previousLinkId = leaving.linkId;
    for (const record of [leaving, ...this.recordsMergedInto(leaving.source)]) record.linkId = unlinkedId;
    this.notify('UNLINK', { source: source.name, nativeId: source.id, previousLinkId, newLinkId: unlinkedId });
    return { unlinkedId, unlinkedFromId: staying.linkId };
  }

  /** Retires `toRetireSource` into `toSurviveSource`, combining their clusters; returns the surviving Link ID. */
  mergeIdentities(toSurviveSource: VeratoSource, toRetireSource: VeratoSource): string {
    const survivor = this.requireActiveRecord(toSurviveSource, 'merged');
    const retiring = this.requireActiveRecord(toRetireSource, 'merged');
    requireDistinct(survivor, retiring);
    const previousLinkId = retiring.linkId;
    if (retiring.linkId !== survivor.linkId) this.absorbCluster(retiring.linkId, survivor.linkId);
    retiring.mergedInto = { source: { ...survivor.source }, at: new Date().toISOString() };
    this.notify('MERGE', {
      survivingSource: survivor.source.name,
      survivingNativeId: survivor.source.id,
      retiredSource: retiring.source.name,
      retiredNativeId: retiring.source.id,
      previousLinkId,
      newLinkId: survivor.linkId,
    });
    return survivor.linkId;
  }

  /** Re-activates the retired `unmergeSource` and splits it alone into a new Link ID. */
  unmergeIdentities(
    unmergeFromSource: VeratoSource,
    unmergeSource: VeratoSource,
  ): { unmergedId: string; unmergedFromId: string } {
    const active = this.requireActiveRecord(unmergeFromSource, 'unmerged from');
    const retired = this.requireRecord(unmergeSource);
    if (!retired.mergedInto) {
      throw new VeratoBusinessError(`Source record with ${describeSource(unmergeSource)} is not a retired (merged) record`);
    }
    requireSameCluster(active, retired);
    retired.mergedInto = undefined;
    const previousLinkId = retired.linkId;
    retired.linkId = this.allocateLinkId();
    this.notify('UNMERGE', { source: unmergeSource.name, nativeId: unmergeSource.id, previousLinkId, newLinkId: retired.linkId });
    return { unmergedId: retired.linkId, unmergedFromId: active.linkId };
  }

  addRelationship(input: NewRelationship): VeratoRelationship {
    const id = input.id ?? this.allocateRelationshipId();
    if (this.relationships.has(id)) throw new VeratoBusinessError(`A relationship with id ${id} already exists`);
    // "according to configured relationship definitions"; (inferred) message.
    if (!this.relationshipVerbs.has(input.relationshipVerb)) {
      throw new VeratoBusinessError(`Relationship verb ${input.relationshipVerb} is not in the configured relationship definitions`);
    }
    if (input.domain !== PERSON_DOMAIN) {
      throw new VeratoBusinessError(`Unsupported domain ${input.domain}; only ${PERSON_DOMAIN} is allowed`);
    }
    const status = input.status ?? 'active'; // (inferred) default status
    if (!RELATIONSHIP_STATUSES.includes(status)) {
      throw new VeratoBusinessError(`Invalid relationship status ${status}; expected active or inactive`);
    }
    for (const date of [input.startDate, input.endDate]) {
      if (date !== undefined && Number.isNaN(Date.parse(date))) throw new VeratoBusinessError(`Invalid date ${date}`);
    }
    const relationship: VeratoRelationship = {
      id,
      relationshipVerb: input.relationshipVerb,
      inverseRelationshipVerb: inverseVerb(input.relationshipVerb),
      subjectVeratoId: this.requireLinkId(input.subjectVeratoId),
      objectVeratoId: this.requireLinkId(input.objectVeratoId),
      domain: input.domain,
      status,
      startDate: input.startDate,
      endDate: input.endDate,
    };
    this.relationships.set(id, relationship);
    this.notify('RELATIONSHIP_ADD', { previousLinkId: relationship.subjectVeratoId, newLinkId: relationship.objectVeratoId });
    return relationship;
  }

  /** Relationships matching every given filter; retired Link IDs in filters are followed (inferred). */
  searchRelationships(filter: RelationshipFilter): VeratoRelationship[] {
    const current = (linkId: string | undefined) => (linkId === undefined ? undefined : this.currentLinkId(linkId));
    const subject = current(filter.filterBySubjectVeratoId);
    const object = current(filter.filterByObjectVeratoId);
    const either = current(filter.filterBySubjectOrObjectVeratoId);
    return [...this.relationships.values()].filter(
      (relationship) =>
        (subject === undefined || relationship.subjectVeratoId === subject) &&
        (object === undefined || relationship.objectVeratoId === object) &&
        (either === undefined || relationship.subjectVeratoId === either || relationship.objectVeratoId === either) &&
        (filter.filterByRelationshipVerb === undefined || relationship.relationshipVerb === filter.filterByRelationshipVerb),
    );
  }

  deleteRelationship(id: string): void {
    const relationship = this.relationships.get(id);
    if (!relationship) throw new VeratoBusinessError(`Could not find relationship with id ${id}`);
    this.relationships.delete(id);
    this.notify('RELATIONSHIP_DELETE', { previousLinkId: relationship.subjectVeratoId, newLinkId: relationship.objectVeratoId });
  }

  private requireRecord(source: VeratoSource): SourceRecord {
    const record = this.findRecord(source);
    if (!record) throw new VeratoBusinessError(notFoundMessage(source));
    return record;
  }

  // (inferred) retired records are "no longer updatable", so link/unlink/merge refuse them.
  private requireActiveRecord(source: VeratoSource, action: string): SourceRecord {
    const record = this.requireRecord(source);
    if (record.mergedInto) {
      throw new VeratoBusinessError(`Source record with ${describeSource(source)} is retired (merged) and cannot be ${action}`);
    }
    return record;
  }

  private requireLinkId(linkId: string): string {
    const current = this.currentLinkId(linkId);
    if (this.members(current).length === 0) throw new VeratoBusinessError(`Could not find identity with linkId ${linkId}`);
    return current;
  }

  private recordsMergedInto(source: VeratoSource): SourceRecord[] {
    const key = recordKey(source);
    return [...this.records.values()].filter((record) => record.mergedInto && recordKey(record.mergedInto.source) === key);
  }

  /** Moves every record of `retiredLinkId` into `survivingLinkId` and retires the former. */
  private absorbCluster(retiredLinkId: string, survivingLinkId: string): void {
    for (const record of this.members(retiredLinkId)) record.linkId = survivingLinkId;
    this.retiredLinkIds.set(retiredLinkId, survivingLinkId);
    // (inferred) relationships follow the cluster to its surviving Link ID.
    for (const relationship of this.relationships.values()) {
      if (relationship.subjectVeratoId === retiredLinkId) relationship.subjectVeratoId = survivingLinkId;
      if (relationship.objectVeratoId === retiredLinkId) relationship.objectVeratoId = survivingLinkId;
    }
  }

  private noteLinkId(linkId: string): void {
    const number = Number(linkId);
    if (Number.isSafeInteger(number)) this.highestLinkNumber = Math.max(this.highestLinkNumber, number);
  }

  private allocateLinkId(): string {
    this.highestLinkNumber += 1;
    return String(this.highestLinkNumber);
  }

  private allocateRelationshipId(): string {
    let id: string;
    do {
      this.relationshipNumber += 1;
      id = `rel-${String(this.relationshipNumber).padStart(4, '0')}`;
    } while (this.relationships.has(id));
    return id;
  }
}

function recordKey(source: VeratoSource): string {
  return JSON.stringify([source.name, source.id]);
}

function requireDistinct(a: SourceRecord, b: SourceRecord): void {
  if (recordKey(a.source) === recordKey(b.source)) {
    throw new VeratoBusinessError(`Both sources refer to the same source record (${describeSource(a.source)})`);
  }
}

function requireSameCluster(a: SourceRecord, b: SourceRecord): void {
  if (a.linkId !== b.linkId) {
    throw new VeratoBusinessError(
      `Source records with ${describeSource(a.source)} and ${describeSource(b.source)} are not in the same Link ID`,
    );
  }
}

function inverseVerb(verb: string): string | undefined {
  for (const [subjectVerb, objectVerb] of VERB_CATALOGUE) {
    if (verb === subjectVerb) return objectVerb;
    if (verb === objectVerb) return subjectVerb;
  }
  return undefined;
}

function emptyAttributes(): PersonAttributes {
  return { names: [], emails: [], phoneNumbers: [], datesOfBirth: [], addresses: [], ssns: [], genders: [] };
}
