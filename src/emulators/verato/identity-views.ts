import { PERSON_ATTRIBUTE_KEYS, type PersonAttributes, type SourceRecord } from './store';

/** Per-source attribute arrays name their value after the attribute (e.g. `names[].name`). */
const PER_SOURCE_VALUE_KEY = {
  names: 'name',
  emails: 'email',
  phoneNumbers: 'phoneNumber',
  datesOfBirth: 'dateOfBirth',
  addresses: 'address',
  ssns: 'ssn',
  genders: 'gender',
} as const satisfies Record<keyof PersonAttributes, string>;

export const GROUP_BY_SOURCE = 'GROUP_BY_SOURCE';

// (inferred) the Domain id is not documented; only the name is sent.
const PERSON_DOMAINS = [{ name: 'Person' }];

/** The query `content` for a found cluster: golden view always, per-source view when requested. */
export function identityQueryContent(linkId: string, members: SourceRecord[], formatNames: string[]): Record<string, unknown> {
  return {
    linkId,
    identity: goldenIdentity(members),
    identityGroupedBySource: formatNames.includes(GROUP_BY_SOURCE) ? members.map(identityPerSource) : undefined,
    domains: PERSON_DOMAINS,
  };
}

/**
 * The DEFAULT golden view: the distinct attribute values of the cluster's active records
 * (retired records are hidden). Attributes nobody asserts are left out (inferred).
 */
export function goldenIdentity(members: SourceRecord[]): Record<string, unknown[]> {
  const active = members.filter((record) => !record.mergedInto);
  const identity: Record<string, unknown[]> = {};
  for (const key of PERSON_ATTRIBUTE_KEYS) {
    const values = distinct(active.flatMap((record) => record.attributes[key] as unknown[]));
    if (values.length > 0) identity[key] = values;
  }
  return identity;
}

/** One `IdentityPerSource`: the record's own values, plus `mergedSourceRecord` while it is retired. */
export function identityPerSource(record: SourceRecord): Record<string, unknown> {
  const view: Record<string, unknown> = { source: { name: record.source.name, id: record.source.id } };
  for (const key of PERSON_ATTRIBUTE_KEYS) {
    const values = record.attributes[key] as unknown[];
    if (values.length === 0) continue;
    view[key] = values.map((value) => ({
      [PER_SOURCE_VALUE_KEY[key]]: value,
      firstAsserted: record.assertedAt,
      lastAsserted: record.assertedAt,
    }));
  }
  if (record.mergedInto) {
    view.mergedSourceRecord = {
      name: record.source.name,
      id: record.source.id,
      activeSource: record.mergedInto.source.name,
      activeNativeId: record.mergedInto.source.id,
      timestamp: isoLocalDateTimeUtc(record.mergedInto.at),
    };
  }
  return view;
}

function distinct(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Java's ISO_LOCAL_DATE_TIME in UTC: an ISO instant without the zone designator. */
function isoLocalDateTimeUtc(instant: string): string {
  return new Date(instant).toISOString().replace(/Z$/, '');
}
