import { DEMO_PEOPLE, type DemoPerson } from '../seed';
import type { ExtractedData, NewIdentity, SessionSnapshot } from './store';

// The demo people as Verifa identities: each verified once, with the document data Verifa extracted.

/** A seeded person: one verification session, verified when the person's status is approved. */
export function seededIdentity(person: DemoPerson): NewIdentity {
  const approved = person.verifaStatus === 'approved';
  const sessionAt = minutesAfter(person.createdAt, 5);
  const reviewedAt = approved ? minutesAfter(person.createdAt, 10) : null;
  const age = ageOn(person.birthDate, person.createdAt);
  const number = person.verifaId.slice(-4);
  const snapshot: SessionSnapshot = {
    result_id: `res_${person.key}${number}`,
    session_id: `sess_${person.key}${number}`,
    status: person.verifaStatus,
    face_match_passed: approved ? true : null,
    face_match_score: approved ? 0.97 : null,
    age_check_passed: approved ? true : null,
    extracted_age: age,
    rejection_reason: null,
    rejection_reason_code: null,
    check_results: {},
    reviewed_by: approved ? 'auto' : null,
    reviewed_at: reviewedAt,
    created_at: sessionAt,
  };
  return {
    id: person.verifaId,
    external_ref: `auth0:${person.auth0UserId}`,
    status: person.verifaStatus,
    session_count: 1,
    created_at: person.createdAt,
    updated_at: reviewedAt ?? sessionAt,
    first_verified_at: reviewedAt,
    last_verified_at: reviewedAt,
    latest_session_id: snapshot.session_id,
    latest_result_id: snapshot.result_id,
    latest_session_snapshot: snapshot,
    face_match_passed: snapshot.face_match_passed,
    age_check_passed: snapshot.age_check_passed,
    extracted_age: age,
    country: person.address.country,
    extracted_data: personExtractedData(person),
    tags: [...person.verifaTags],
  };
}

function personExtractedData(person: DemoPerson): ExtractedData {
  const { address } = person;
  return {
    first_name: person.givenName,
    last_name: person.familyName,
    date_of_birth: person.birthDate,
    address: { line1: address.line1, line2: address.line2 ?? null, city: address.city, state: address.state ?? null, zip: address.postalCode },
    document_number: person.documentNumber,
    nationality: address.country,
    gender: person.gender,
    ssn: person.ssn,
    document_type: 'passport',
    document_expiration_date: yearsAfter(person.createdAt, 10),
    document_issuing_state: null,
  };
}

export function demoPerson(key: string): DemoPerson {
  const person = DEMO_PEOPLE.find((candidate) => candidate.key === key);
  if (!person) throw new Error(`seed refers to unknown demo person ${key}`);
  return person;
}

export function laterOf(a: string, b: string): string {
  return a > b ? a : b;
}

function minutesAfter(instant: string, minutes: number): string {
  return new Date(Date.parse(instant) + minutes * 60_000).toISOString();
}

function yearsAfter(instant: string, years: number): string {
  const date = new Date(instant);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date.toISOString().slice(0, 10);
}

function ageOn(birthDate: string, instant: string): number {
  const birth = new Date(birthDate);
  const on = new Date(instant);
  const hadBirthday =
    on.getUTCMonth() > birth.getUTCMonth() ||
    (on.getUTCMonth() === birth.getUTCMonth() && on.getUTCDate() >= birth.getUTCDate());
  return on.getUTCFullYear() - birth.getUTCFullYear() - (hadBirthday ? 0 : 1);
}
