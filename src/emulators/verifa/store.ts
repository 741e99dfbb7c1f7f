import { randomBytes } from 'node:crypto';
import { DEMO_PEOPLE, DEMO_VERIFA_RELATIONSHIPS, type DemoPerson } from '../seed';
import { demoPerson, laterOf, seededIdentity } from './demo-records';
import { IdempotencyCache } from './idempotency';

// Resources are kept in Verifa's own snake_case wire shape; the response layer only re-inflects keys.

export interface ExtractedData {
  first_name: string | null;
  last_name: string | null;
  date_of_birth: string | null;
  address: { line1: string | null; line2: string | null; city: string | null; state: string | null; zip: string | null } | null;
  document_number: string | null;
  nationality: string | null;
  gender: string | null;
  ssn: string | null;
  document_type: string | null;
  document_expiration_date: string | null;
  document_issuing_state: string | null;
}

export interface SessionSnapshot {
  result_id: string;
  session_id: string;
  status: string;
  face_match_passed: boolean | null;
  face_match_score: number | null;
  age_check_passed: boolean | null;
  extracted_age: number | null;
  rejection_reason: string | null;
  rejection_reason_code: string | null;
  check_results: Record<string, unknown>;
  reviewed_by: string | null;
  reviewed_at: string | null;
  created_at: string;
}

export interface VerifaIdentity {
  id: string;
  external_ref: string | null;
  status: string;
  session_count: number;
  is_sandbox: boolean;
  created_at: string;
  updated_at: string;
  first_verified_at: string | null;
  last_verified_at: string | null;
  archived_at: string | null;
  latest_session_id: string | null;
  latest_result_id: string | null;
  latest_session_snapshot: SessionSnapshot | null;
  face_match_passed: boolean | null;
  age_check_passed: boolean | null;
  extracted_age: number | null;
  rejection_reason: string | null;
  country: string | null;
  extracted_data: ExtractedData | null;
  identity_type_id: string | null;
  custom_fields: Record<string, unknown>;
  tags: string[];
  is_flagged: boolean;
  flag_reason: string | null;
  flagged_at: string | null;
  flagged_by: string | null;
  monitoring_enabled: boolean;
}

export interface VerifaRelationship {
  id: string;
  source_identity_id: string;
  related_identity_id: string;
  relationship_type: string;
  note: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
}

export type NewIdentity = Partial<VerifaIdentity>;

export interface NewRelationship {
  /** Id of the source → related direction; generated when omitted. */
  id?: string;
  source_identity_id: string;
  related_identity_id: string;
  relationship_type: string;
  note?: string | null;
  metadata?: Record<string, unknown>;
  created_at?: string;
}

export interface MergeOptions {
  transferSessions: boolean;
  redactSecondary: boolean;
}

export const USER_RELATIONSHIP_TYPES = [
  'user_linked',
  'same_household',
  'family_member',
  'business_associate',
  'authorized_representative',
  'power_of_attorney',
  'beneficial_owner',
  'related_account',
];

export const SYSTEM_RELATIONSHIP_TYPES = [
  'same_document',
  'same_name_dob',
  'same_ssn',
  'same_device',
  'same_email',
  'same_phone',
  'same_address',
  'same_ip',
  'same_face',
  'same_document_face',
  'merged',
];

export class VerifaStore {
  /** Idempotency-Key replies, kept with the rest of the state so `clear()` forgets them too. */
  readonly idempotency = new IdempotencyCache();
  private readonly identities = new Map<string, VerifaIdentity>();
  private readonly relationships = new Map<string, VerifaRelationship>();
  /** Each relationship id mapped to the id of its opposite direction. */
  private readonly inverseOf = new Map<string, string>();
  /** Custom relationship type names and whether they are active. */
  private readonly customTypes = new Map<string, boolean>();
  /**
   * The e-mail each identity was verified with, lower-cased, kept only for `POST /identities/search`
   * (Verifa matches e-mails by a search hash and never returns them; inferred).
   */
  private readonly searchEmails = new Map<string, string>();

  clear(): void {
    this.idempotency.clear();
    this.identities.clear();
    this.relationships.clear();
    this.inverseOf.clear();
    this.customTypes.clear();
    this.searchEmails.clear();
  }

  /** Loads the demo people, their user relationships and one system `same_address` relationship. */
  seed(): void {
    for (const person of DEMO_PEOPLE) this.addPerson(person);
    for (const relationship of DEMO_VERIFA_RELATIONSHIPS) {
      const from = demoPerson(relationship.from);
      const to = demoPerson(relationship.to);
      this.addRelationship({
        id: relationship.id,
        source_identity_id: from.verifaId,
        related_identity_id: to.verifaId,
        relationship_type: relationship.type,
        note: relationship.note,
        created_at: laterOf(from.createdAt, to.createdAt),
      });
    }
    const alice = demoPerson('alice');
    const carol = demoPerson('carol');
    this.addRelationship({
      source_identity_id: alice.verifaId,
      related_identity_id: carol.verifaId,
      relationship_type: 'same_address',
      created_at: laterOf(alice.createdAt, carol.createdAt),
    });
  }

  /** Adds a person's identity, as the demo people are seeded. */
  addPerson(person: DemoPerson): VerifaIdentity {
    const identity = this.addIdentity(seededIdentity(person));
    this.searchEmails.set(identity.id, person.email.toLowerCase());
    return identity;
  }

  /** The e-mail an identity's search hash stands for (lower-cased); null when it has none. */
  searchEmailOf(identityId: string): string | null {
    return this.searchEmails.get(identityId) ?? null;
  }

  /** Adds an identity; unspecified fields get the values of a fresh, unverified stub. */
  addIdentity(input: NewIdentity = {}): VerifaIdentity {
    const id = input.id ?? this.allocateIdentityId();
    const identity: VerifaIdentity = { ...stubIdentity(new Date().toISOString()), ...input, id };
    if (this.identities.has(identity.id)) throw new Error(`identity ${identity.id} already exists`);
    this.identities.set(identity.id, identity);
    return identity;
  }

  /** An identity by its `idn_*` id or by its `external_ref`. */
  findIdentity(idOrExternalRef: string): VerifaIdentity | undefined {
    return this.identities.get(idOrExternalRef) ?? this.findByExternalRef(idOrExternalRef);
  }

  findByExternalRef(externalRef: string): VerifaIdentity | undefined {
    return [...this.identities.values()].find((identity) => identity.external_ref === externalRef);
  }

  /** All identities in creation order. */
  listIdentities(): VerifaIdentity[] {
    return [...this.identities.values()];
  }

  /** Adds a relationship in both directions and returns the source → related one. */
  addRelationship(input: NewRelationship): VerifaRelationship {
    const createdAt = input.created_at ?? new Date().toISOString();
    const forward = this.storeRelationship(input.id ?? this.allocateRelationshipId(), input, createdAt);
    const backward = this.storeRelationship(
      this.allocateRelationshipId(),
      { ...input, source_identity_id: input.related_identity_id, related_identity_id: input.source_identity_id },
      createdAt,
    );
    this.inverseOf.set(forward.id, backward.id);
    this.inverseOf.set(backward.id, forward.id);
    return forward;
  }

  /** Relationships whose source is the identity, in creation order. */
  relationshipsFrom(identityId: string): VerifaRelationship[] {
    return [...this.relationships.values()].filter((relationship) => relationship.source_identity_id === identityId);
  }

  findRelationship(id: string): VerifaRelationship | undefined {
    return this.relationships.get(id);
  }

  /** Deletes a relationship together with its opposite direction. */
  deleteRelationship(id: string): void {
    const inverseId = this.inverseOf.get(id);
    for (const relationshipId of [id, inverseId]) {
      if (relationshipId === undefined) continue;
      this.relationships.delete(relationshipId);
      this.inverseOf.delete(relationshipId);
    }
  }

  /** Test helper: defines a custom relationship type (the /relationship-types API is not emulated). */
  addCustomRelationshipType(name: string, active = true): void {
    this.customTypes.set(name, active);
  }

  isActiveCustomType(name: string): boolean {
    return this.customTypes.get(name) === true;
  }

  /** Folds `secondary` into `primary`: tags merged, sessions moved, secondary merged or redacted, `merged` link. */
  mergeIdentities(primary: VerifaIdentity, secondary: VerifaIdentity, options: MergeOptions): void {
    const now = new Date().toISOString();
    primary.tags = [...new Set([...primary.tags, ...secondary.tags])];
    if (options.transferSessions) {
      primary.session_count += secondary.session_count;
      secondary.session_count = 0;
    }
    secondary.status = options.redactSecondary ? 'redacted' : 'merged';
    if (options.redactSecondary) redactPii(secondary);
    primary.updated_at = now;
    secondary.updated_at = now;
    // (inferred) the `merged` system relationship links primary and secondary, both directions.
    this.addRelationship({
      source_identity_id: primary.id,
      related_identity_id: secondary.id,
      relationship_type: 'merged',
      created_at: now,
    });
  }

  private storeRelationship(id: string, input: NewRelationship, createdAt: string): VerifaRelationship {
    if (this.relationships.has(id)) throw new Error(`relationship ${id} already exists`);
    const relationship: VerifaRelationship = {
      id,
      source_identity_id: input.source_identity_id,
      related_identity_id: input.related_identity_id,
      relationship_type: input.relationship_type,
      note: input.note ?? null,
      metadata: input.metadata ?? {},
      created_at: createdAt,
    };
    this.relationships.set(id, relationship);
    return relationship;
  }

  private allocateIdentityId(): string {
    return uniqueId('idn_', (id) => this.identities.has(id));
  }

  private allocateRelationshipId(): string {
    return uniqueId('idrel_', (id) => this.relationships.has(id));
  }
}

/** A prefixed random id (16 hex digits) not yet taken. */
function uniqueId(prefix: string, isTaken: (id: string) => boolean): string {
  let id: string;
  do id = `${prefix}${randomBytes(8).toString('hex')}`;
  while (isTaken(id));
  return id;
}

export function isSystemRelationshipType(type: string): boolean {
  return SYSTEM_RELATIONSHIP_TYPES.includes(type);
}

function stubIdentity(now: string): Omit<VerifaIdentity, 'id'> {
  return {
    external_ref: null,
    status: 'pending', // (inferred) status of a fresh stub
    session_count: 0,
    is_sandbox: true, // the demo key is a vk_sandbox_ key
    created_at: now,
    updated_at: now,
    first_verified_at: null,
    last_verified_at: null,
    archived_at: null,
    latest_session_id: null,
    latest_result_id: null,
    latest_session_snapshot: null,
    face_match_passed: null,
    age_check_passed: null,
    extracted_age: null,
    rejection_reason: null,
    country: null,
    extracted_data: null,
    identity_type_id: null,
    custom_fields: {},
    tags: [],
    is_flagged: false,
    flag_reason: null,
    flagged_at: null,
    flagged_by: null,
    monitoring_enabled: false,
  };
}

/** Redaction nulls PII and keeps id, status and timestamps. */
function redactPii(identity: VerifaIdentity): void {
  identity.extracted_data = null;
  identity.extracted_age = null;
  if (identity.latest_session_snapshot) identity.latest_session_snapshot.extracted_age = null;
}
