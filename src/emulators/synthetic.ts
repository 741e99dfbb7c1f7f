import type { Emulators } from '.';
import type { DemoPerson } from './seed';

/**
 * Synthetic people for load tests and benchmarks (`EMULATOR_SYNTHETIC_PEOPLE=N`): shaped like the
 * demo people (an Auth0 user, a Verifa identity, a BTC Direct account, a four-record Verato
 * cluster), with values that are plainly made up: names "Synthetic PersonNNNNN", addresses on
 * example.invalid, SSNs in the never-issued 9xx range. None of them is related to another.
 */

const pad = (i: number) => String(i).padStart(5, '0');
const hex = (i: number, width: number) => i.toString(16).padStart(width, '0');

/** The `i`th synthetic person (0-based); the same `i` always gives the same person. */
export function syntheticPerson(i: number): DemoPerson {
  const created = new Date(Date.UTC(2025, 0, 1) + (i % 365) * 86_400_000).toISOString();
  const birth = new Date(Date.UTC(1960, 0, 1) + ((i * 37) % 15_000) * 86_400_000).toISOString().slice(0, 10);
  return {
    key: `synthetic${pad(i)}`,
    givenName: 'Synthetic',
    familyName: `Person${pad(i)}`,
    email: `synthetic.${pad(i)}@example.invalid`,
    phone: `+3169${String(i).padStart(7, '0')}`,
    birthDate: birth,
    gender: i % 2 === 0 ? 'female' : 'male',
    ssn: `999-${String(Math.floor(i / 10_000) % 100).padStart(2, '0')}-${String(i % 10_000).padStart(4, '0')}`,
    documentNumber: `SYN${pad(i)}`,
    address: { line1: `Synthetic Street ${i + 1}`, city: 'Testville', postalCode: `9${pad(i % 100_000).slice(1)} ZZ`, country: 'NL' },
    createdAt: created,
    auth0UserId: `auth0|5e0000000000${hex(i, 12)}`,
    auth0LinkedSocial: [],
    verifaId: `idn_synth${pad(i)}`,
    verifaStatus: 'approved',
    verifaTags: ['synthetic'],
    btcIdentifier: `synthetic${hex(i, 12)}${'0'.repeat(24)}`,
    btcPassword: `synthetic-password-${pad(i)}`,
    veratoLinkId: String(300_000_000 + i),
    crmId: `CRM-S${pad(i)}`,
  };
}

export function syntheticPeople(count: number): DemoPerson[] {
  return Array.from({ length: count }, (_, i) => syntheticPerson(i));
}

/** Adds the first `count` synthetic people to whichever of the four emulators are running. */
export function plantSyntheticPeople(emulators: Emulators, count: number): DemoPerson[] {
  const people = syntheticPeople(count);
  for (const person of people) {
    emulators.auth0?.store.addPerson(person);
    emulators.verifa?.store.addPerson(person);
    emulators.btcdirect?.store.addPerson(person);
    emulators.verato?.store.addPerson(person);
  }
  // Auth0 user search reads an index rebuilt lazily after writes: build it now, not under load.
  emulators.auth0?.store.refreshSearchIndex();
  return people;
}
