import { DEMO_PEOPLE, DEMO_VERATO_SOURCES, type DemoPerson } from '../seed';
import type { PersonAttributes, VeratoSource } from './store';

// The demo people as Verato source records: one S+N per provider plus CRM, each asserting the same attributes.

export function demoPerson(key: string): DemoPerson {
  const person = DEMO_PEOPLE.find((candidate) => candidate.key === key);
  if (!person) throw new Error(`seed refers to unknown demo person ${key}`);
  return person;
}

export function personSources(person: DemoPerson): VeratoSource[] {
  return [
    { name: DEMO_VERATO_SOURCES.auth0, id: person.auth0UserId },
    { name: DEMO_VERATO_SOURCES.verifa, id: person.verifaId },
    { name: DEMO_VERATO_SOURCES.btcdirect, id: person.btcIdentifier },
    { name: DEMO_VERATO_SOURCES.crm, id: person.crmId },
  ];
}

export function personAttributes(person: DemoPerson): PersonAttributes {
  const { address } = person;
  return {
    names: [{ first: person.givenName, last: person.familyName }],
    emails: [{ email: person.email }],
    // (inferred) the E.164 number is kept whole in `number`; the seed has no split country/area code.
    phoneNumbers: [{ type: 'mobile', number: person.phone }],
    datesOfBirth: [{ dateOfBirth: person.birthDate }],
    addresses: [
      {
        line1: address.line1,
        line2: address.line2,
        city: address.city,
        state: address.state,
        postalCode: address.postalCode,
        country: address.country,
      },
    ],
    ssns: [{ ssn: person.ssn }],
    // (inferred) code-set values as in the Person spec example ("M").
    genders: [{ gender: person.gender === 'female' ? 'F' : 'M' }],
  };
}
