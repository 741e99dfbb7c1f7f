import { LinkIdentitiesDocument, type UserErrorFieldsFragment } from '../../../generated/graphql';
import { DEMO_PEOPLE } from '../../emulators/seed';
import { startInProcess, type InProcessSubgraph } from '../../../test/support/in-process';

/**
 * linkIdentities of identities of different providers that Verato does not hold yet: the source
 * records are registered (postIdentity) with the demographics of the provider records, then
 * linked, in one mutation; a registration Verato refuses is a userError, not a GraphQL error.
 */

const [alice] = DEMO_PEOPLE;
const VERATO = '/link-ws/svc';
let sequence = 0;
const unique = (prefix: string) => `${prefix}${++sequence}${Date.now().toString(36)}`;

function onlyError(userErrors: readonly UserErrorFieldsFragment[]): UserErrorFieldsFragment {
  expect(userErrors).toHaveLength(1);
  return userErrors[0];
}

/** The Verato calls that write (not the queries). */
const veratoWrites = (subgraph: InProcessSubgraph) =>
  subgraph.emulators.verato!.calls.filter((call) => !/Query$/.test(call.path) && !call.path.endsWith('searchRelationshipsService')).map((call) => call.path);

function newAuth0User(subgraph: InProcessSubgraph) {
  return subgraph.emulators.auth0!.store.addUser({ userId: `auth0|${unique('reg')}`, email: `${unique('reg')}@example.com`, givenName: 'Reggie', familyName: 'Newcomer' });
}

function newVerifaIdentity(subgraph: InProcessSubgraph) {
  const verifa = subgraph.emulators.verifa!.store;
  return verifa.addIdentity({
    country: 'NL',
    extracted_data: { ...verifa.findIdentity(alice.verifaId)!.extracted_data!, first_name: 'Reggie', last_name: 'Newcomer', date_of_birth: '1993-03-03' },
  });
}

describe('with the default VERATO_SOURCE_MAP', () => {
  let subgraph: InProcessSubgraph;
  beforeAll(async () => {
    subgraph = await startInProcess();
  });
  afterAll(() => subgraph.close());
  beforeEach(() => subgraph.reset());

  it('registers both records with the mapped demographics, links them, and the payload shows one cluster', async () => {
    const user = newAuth0User(subgraph);
    const identity = newVerifaIdentity(subgraph);
    const input = { primaryId: `auth0:${user.user_id}`, secondaryId: `verifa:${identity.id}`, idempotencyKey: unique('register-link-') };

    const result = await subgraph.execute(LinkIdentitiesDocument, { input });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.linkIdentities;
    expect(payload.userErrors).toEqual([]);
    expect(veratoWrites(subgraph)).toEqual([`${VERATO}/v2/postIdentity`, `${VERATO}/v2/postIdentity`, `${VERATO}/linkIdentities`]);

    const store = subgraph.emulators.verato!.store;
    const primaryRecord = store.findRecord({ name: 'AUTH0', id: user.user_id })!;
    const secondaryRecord = store.findRecord({ name: 'VERIFA', id: identity.id })!;
    expect(primaryRecord.attributes).toMatchObject({ names: [{ first: 'Reggie', last: 'Newcomer' }], emails: [{ email: user.email }], ssns: [], phoneNumbers: [] });
    expect(secondaryRecord.attributes).toMatchObject({ names: [{ first: 'Reggie', last: 'Newcomer' }], datesOfBirth: [{ dateOfBirth: '1993-03-03' }], ssns: [] });
    expect(secondaryRecord.attributes.addresses).toEqual([expect.objectContaining({ line1: alice.address.line1, country: 'NL' })]);
    expect(secondaryRecord.linkId).toBe(primaryRecord.linkId);
    // Read fresh after the write: the new records and their shared cluster.
    expect(payload).toMatchObject({ linkId: primaryRecord.linkId, cluster: { linkId: primaryRecord.linkId }, primary: { id: input.primaryId }, secondary: { id: input.secondaryId } });
    expect(payload.cluster!.members).toEqual(expect.arrayContaining([{ id: input.primaryId, state: 'ACTIVE' }, { id: input.secondaryId, state: 'ACTIVE' }]));

    // The registration is part of the keyed mutation: a replay sends nothing.
    subgraph.reset();
    const replay = await subgraph.execute(LinkIdentitiesDocument, { input });
    expect(replay.data!.linkIdentities).toMatchObject({ linkId: primaryRecord.linkId, userErrors: [] });
    expect(veratoWrites(subgraph)).toEqual([]);
  });

  it('registers only the side Verato does not hold', async () => {
    const identity = newVerifaIdentity(subgraph);
    const result = await subgraph.execute(LinkIdentitiesDocument, { input: { primaryId: `auth0:${alice.auth0UserId}`, secondaryId: `verifa:${identity.id}` } });
    expect(result.data!.linkIdentities).toMatchObject({ linkId: alice.veratoLinkId, userErrors: [] });
    const posts = subgraph.emulators.verato!.calls.filter((call) => call.path.endsWith('/postIdentity'));
    expect(posts.map((call) => (call.body as { content: { identity: { sources: unknown } } }).content.identity.sources)).toEqual([[{ name: 'VERIFA', id: identity.id }]]);
  });

  it('an identity neither Verato nor its provider holds is NOT_FOUND, and nothing is written', async () => {
    const result = await subgraph.execute(LinkIdentitiesDocument, { input: { primaryId: `auth0:${alice.auth0UserId}`, secondaryId: 'verifa:idn_nowhere0000000001' } });
    expect(result.errors).toBeUndefined();
    expect(onlyError(result.data!.linkIdentities.userErrors)).toMatchObject({ code: 'NOT_FOUND', field: 'secondaryId', provider: 'VERIFA' });
    expect(veratoWrites(subgraph)).toEqual([]);
  });
});

describe('a source code that is not a data source of the Verato tenant', () => {
  let subgraph: InProcessSubgraph;
  beforeAll(async () => {
    // KYC is no data source of the emulated tenant: postIdentity of a Verifa record is refused.
    subgraph = await startInProcess({ env: { VERATO_SOURCE_MAP: 'AUTH0=auth0,KYC=verifa,BTCDIRECT=btcdirect' } });
  });
  afterAll(() => subgraph.close());
  beforeEach(() => subgraph.reset());

  it('a refused first registration is a PROVIDER_REJECTED userError; nothing is linked and the key may be used again', async () => {
    const identity = newVerifaIdentity(subgraph);
    const user = newAuth0User(subgraph);
    const input = { primaryId: `verifa:${identity.id}`, secondaryId: `auth0:${user.user_id}`, idempotencyKey: unique('refused-') };

    const result = await subgraph.execute(LinkIdentitiesDocument, { input });
    expect(result.errors).toBeUndefined();
    expect(result.data!.linkIdentities).toMatchObject({ linkId: null, primary: null, secondary: null });
    const error = onlyError(result.data!.linkIdentities.userErrors);
    expect(error).toMatchObject({ code: 'PROVIDER_REJECTED', field: 'primaryId', provider: 'VERATO', providerCode: 'registration_refused', retryable: false });
    expect(error.hint).toContain('VERATO_SOURCE_MAP');
    // Verato's free text (it names the source) is not passed on.
    expect(error.message).not.toContain('KYC');
    expect(veratoWrites(subgraph)).toEqual([`${VERATO}/v2/postIdentity`]);
    expect(subgraph.emulators.verato!.store.findRecord({ name: 'AUTH0', id: user.user_id })).toBeUndefined();

    // Nothing was written, so the key was released: the same request is sent again.
    subgraph.reset();
    await subgraph.execute(LinkIdentitiesDocument, { input });
    expect(veratoWrites(subgraph)).toEqual([`${VERATO}/v2/postIdentity`]);
  });

  it('a refusal after the other side was registered names that side; the link is not sent', async () => {
    const user = newAuth0User(subgraph);
    const identity = newVerifaIdentity(subgraph);
    const result = await subgraph.execute(LinkIdentitiesDocument, { input: { primaryId: `auth0:${user.user_id}`, secondaryId: `verifa:${identity.id}` } });
    expect(result.errors).toBeUndefined();
    expect(onlyError(result.data!.linkIdentities.userErrors)).toMatchObject({ code: 'PROVIDER_REJECTED', field: 'secondaryId', providerCode: 'registration_refused' });
    expect(veratoWrites(subgraph)).toEqual([`${VERATO}/v2/postIdentity`, `${VERATO}/v2/postIdentity`]);
    expect(subgraph.emulators.verato!.store.findRecord({ name: 'AUTH0', id: user.user_id })).toBeDefined();
  });
});
