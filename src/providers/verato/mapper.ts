import { veratoSourceFor, type SourceMap } from './source-map';
import { formatGlobalId, tryParseGlobalId, type GlobalId } from '../../domain/global-id';
import { veratoGlobalId, veratoRelationshipGlobalId } from './id';
import type { Address, ClusterRecord, ClusterMemberRecord, IdentityRecord, RelationshipRecord } from '../../domain/identity';
import { relationshipKindOf } from '../../domain/relationship-kind';
import { emptyIdentity, isoDateTime, lastFour } from '../../domain/normalize';
import type {
  AddRelationshipContent,
  IdentityQueryReply,
  LinkIdentitiesContent,
  MergeIdentitiesContent,
  PostIdentityContent,
  UnlinkIdentitiesContent,
  UnmergeIdentitiesContent,
  VeratoAddress,
  VeratoIdentity,
  VeratoIdentityPerSource,
  VeratoName,
  VeratoRelationship,
  VeratoSource,
} from './wire';

/** Verato wire <-> domain. The only place Verato field names are read or written. */

/**
 * Global id of the identity a Verato source record stands for, through VERATO_SOURCE_MAP; a record
 * whose native id is not a valid id of that provider stays a Verato id; null when neither form is
 * valid (such a record cannot be addressed in the graph).
 */
export function memberGlobalId(source: VeratoSource, sourceMap: SourceMap): string | null {
  const provider = sourceMap.providerFor(source.name);
  const candidates = provider ? [formatGlobalId(provider, source.id), veratoGlobalId(source.name, source.id)] : [veratoGlobalId(source.name, source.id)];
  return candidates.find((id) => tryParseGlobalId(id) !== null) ?? null;
}

export function toCluster(reply: IdentityQueryReply, sourceMap: SourceMap): ClusterRecord | null {
  if (!reply.linkId) return null;
  const members: ClusterMemberRecord[] = [];
  for (const entry of reply.identityGroupedBySource ?? []) {
    const source = entry.source ?? entry.mergedSourceRecord ?? entry.deactivatedSourceRecord;
    const id = source?.name && source.id ? memberGlobalId(source, sourceMap) : null;
    if (!id) continue;
    members.push({
      id,
      source: source!.name,
      sourceId: source!.id,
      state: entry.mergedSourceRecord ? 'MERGED' : entry.deactivatedSourceRecord ? 'DEACTIVATED' : 'ACTIVE',
    });
  }
  return { linkId: reply.linkId, members };
}

/**
 * A Verato source record as an identity: its own asserted attributes (GROUP_BY_SOURCE entry),
 * falling back to the cluster's golden view for attributes the record does not assert.
 */
export function toIdentityRecord(source: VeratoSource, reply: IdentityQueryReply): IdentityRecord {
  const own = findRecord(reply, source);
  const golden = reply.identity ?? {};
  const name = first(own?.names?.map((n) => n.name)) ?? first(golden.names);
  const address = first(own?.addresses?.map((a) => a.address)) ?? first(golden.addresses);
  const record = emptyIdentity('verato', veratoGlobalId(source.name, source.id), `${source.name}:${source.id}`);
  record.givenName = name?.first ?? null;
  record.familyName = name?.last ?? null;
  record.displayName = displayName(name);
  record.email = first(own?.emails?.map((e) => inner(e.email, 'email'))) ?? first(golden.emails?.map((e) => e.email)) ?? null;
  record.phone = phoneOf(own, golden);
  record.birthDate = first(own?.datesOfBirth?.map((d) => inner(d.dateOfBirth, 'dateOfBirth'))) ?? first(golden.datesOfBirth?.map((d) => d.dateOfBirth)) ?? null;
  record.ssnLast4 = lastFour(first(own?.ssns?.map((s) => inner(s.ssn, 'ssn'))) ?? first(golden.ssns?.map((s) => s.ssn)));
  record.address = address ? toAddress(address) : null;
  record.country = address?.country ?? null;
  record.status = own?.mergedSourceRecord ? 'MERGED' : own?.deactivatedSourceRecord ? 'ARCHIVED' : 'ACTIVE';
  record.providerStatus = own?.mergedSourceRecord ? 'merged' : own?.deactivatedSourceRecord ? 'deactivated' : 'active';
  return record;
}

/** Edges of a Link ID, read from its side. The related identity is found later, from the related Link ID. */
export function toRelationshipRecords(linkId: string, relationships: VeratoRelationship[]): RelationshipRecord[] {
  return relationships
    .filter((r) => r.id && (r.subjectVeratoId === linkId || r.objectVeratoId === linkId))
    .map((r) => {
      const asSubject = r.subjectVeratoId === linkId;
      const relatedLinkId = (asSubject ? r.objectVeratoId : r.subjectVeratoId) ?? null;
      const verb = asSubject ? r.relationshipVerb : (r.inverseRelationshipVerb ?? r.relationshipVerb);
      const label = verb ?? 'related';
      return {
        // One record joins both clusters, so its id is the same from either side.
        id: veratoRelationshipGlobalId(r.id!),
        provider: 'verato' as const,
        type: relationshipKindOf(label),
        label,
        inverseType: (asSubject ? r.inverseRelationshipVerb : r.relationshipVerb) ?? null,
        relatedId: null,
        relatedLinkId,
        note: null,
        metadata: r.details ?? null,
        status: r.status ?? null,
        createdAt: isoDateTime(r.startDate),
        system: false,
      };
    });
}

/** The first active member of a cluster, as the identity that stands for the whole Link ID. */
export function representativeSource(reply: IdentityQueryReply): VeratoSource | null {
  const active = reply.identityGroupedBySource?.find((entry) => entry.source && !entry.mergedSourceRecord && !entry.deactivatedSourceRecord);
  return active?.source ?? null;
}

function findRecord(reply: IdentityQueryReply, source: VeratoSource): VeratoIdentityPerSource | undefined {
  return reply.identityGroupedBySource?.find((entry) => {
    const s = entry.source ?? entry.mergedSourceRecord;
    return s?.name === source.name && s.id === source.id;
  });
}

function phoneOf(own: VeratoIdentityPerSource | undefined, golden: VeratoIdentity): string | null {
  const phone = first(own?.phoneNumbers?.map((p) => p.phoneNumber)) ?? first(golden.phoneNumbers);
  if (!phone?.number) return null;
  return [phone.countryCode ? `+${phone.countryCode.replace(/^\+/, '')}` : '', phone.areaCode ?? '', phone.number].join('');
}

function displayName(name: VeratoName | undefined): string | null {
  const parts = [name?.first, name?.middle, name?.last].filter(Boolean);
  return parts.length ? parts.join(' ') : null;
}

function toAddress(address: VeratoAddress): Address {
  return {
    line1: address.line1 ?? null,
    line2: address.line2 ?? null,
    city: address.city ?? null,
    region: address.state ?? null,
    postalCode: address.postalCode ?? null,
    country: address.country ?? null,
  };
}

/** Per-source values are objects in the Person schema ({email: {email}}) but plain strings in some tenants. */
function inner<K extends string>(value: Partial<Record<K, string>> | string | undefined, key: K): string | undefined {
  return typeof value === 'string' ? value : value?.[key];
}

function first<T>(values: (T | undefined)[] | undefined): T | undefined {
  return values?.find((v) => v !== undefined && v !== null);
}

// Domain -> wire: the contents of the writes.

/**
 * The source record of an identity Verato does not hold yet, asserting the demographics its own
 * provider records: name, email, date of birth and address, the Person `Identity` fields with an
 * unambiguous counterpart. Left out: the SSN (the spec's `ssn` is the whole number, and only its
 * last four digits are ever read) and (inferred) the phone number, which the spec splits into
 * countryCode/areaCode/number while providers give one E.164 string. (inferred) The name is sent
 * only from given/family names (a display name cannot be split), and the address country falls
 * back to the record's country.
 */
export function toPostIdentityContent(source: VeratoSource, record: IdentityRecord): PostIdentityContent {
  const identity: PostIdentityContent['identity'] = { sources: [{ name: source.name, id: source.id }] };
  const name = defined({ first: record.givenName, last: record.familyName });
  if (name) identity.names = [name];
  if (record.email) identity.emails = [{ email: record.email }];
  // (inferred) the spec types dateOfBirth as a plain string; its example is yyyy-MM-dd, as the domain keeps it.
  if (record.birthDate) identity.datesOfBirth = [{ dateOfBirth: record.birthDate }];
  const address = record.address
    ? defined({
        line1: record.address.line1,
        line2: record.address.line2,
        city: record.address.city,
        state: record.address.region,
        postalCode: record.address.postalCode,
        country: record.address.country ?? record.country,
      })
    : null;
  if (address) identity.addresses = [address];
  return { identity };
}

/** The fields that have a value; null when none has. */
function defined<T extends Record<string, string | null>>(fields: T): { [K in keyof T]?: string } | null {
  const entries = Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '');
  return entries.length ? (Object.fromEntries(entries) as { [K in keyof T]?: string }) : null;
}

/** Links the secondary's record into the primary's Link ID (the primary's survives). */
export function toLinkContent(primary: GlobalId, secondary: GlobalId, sourceMap: SourceMap): LinkIdentitiesContent {
  return { linkToSource: veratoSourceFor(primary, sourceMap), source: veratoSourceFor(secondary, sourceMap) };
}

/** Splits the secondary's record out of the primary's Link ID. */
export function toUnlinkContent(primary: GlobalId, secondary: GlobalId, sourceMap: SourceMap): UnlinkIdentitiesContent {
  return { unlinkFromSource: veratoSourceFor(primary, sourceMap), source: veratoSourceFor(secondary, sourceMap) };
}

/** Retires the secondary's record into the primary's. */
export function toMergeContent(primary: GlobalId, secondary: GlobalId, sourceMap: SourceMap): MergeIdentitiesContent {
  return { toSurviveSource: veratoSourceFor(primary, sourceMap), toRetireSource: veratoSourceFor(secondary, sourceMap) };
}

/** Splits the retired secondary's record out of the primary's it was merged into. */
export function toUnmergeContent(primary: GlobalId, secondary: GlobalId, sourceMap: SourceMap): UnmergeIdentitiesContent {
  return { unmergeFromSource: veratoSourceFor(primary, sourceMap), unmergeSource: veratoSourceFor(secondary, sourceMap) };
}

/** An active Person relationship from one Link ID to another. */
export function toAddRelationshipContent(verb: string, subjectLinkId: string, objectLinkId: string): AddRelationshipContent {
  return { relationship: { relationshipVerb: verb, subjectVeratoId: subjectLinkId, objectVeratoId: objectLinkId, domain: 'Person', status: 'active' } };
}
