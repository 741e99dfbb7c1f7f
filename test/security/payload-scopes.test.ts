import { DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS } from '../../src/emulators/seed';
import { ALL_SCOPES, SCOPES } from '../../src/security/scopes';
import { startStack, type Stack } from '../support/stack';

/**
 * `Identity @requiresScopes(identities:read)` holds in mutation payloads too: a caller allowed to
 * write but not to read gets its mutation done and its userErrors back, while every Identity in
 * the payload is null with a FORBIDDEN error located at it, and nothing is read to fill it.
 */

const [alice, bob, carol, dan] = DEMO_PEOPLE;
const [bobWork] = DEMO_STANDALONE_AUTH0_USERS;
const WITHOUT_READ = ALL_SCOPES.filter((scope) => scope !== SCOPES.read);

type Result = Awaited<ReturnType<Stack['gql']>>;
const forbiddenPaths = (result: Result) =>
  (result.errors ?? []).map((error) => {
    expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScopes: [SCOPES.read] });
    return error.path!.join('.');
  });

describe('mutation payloads without identities:read', () => {
  let stack: Stack;
  let headers: Record<string, string>;
  beforeAll(async () => {
    stack = await startStack();
    headers = { authorization: `Bearer ${await stack.token({ scopes: WITHOUT_READ })}` };
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearCalls());

  const identityReads = () => stack.emulators.all.reduce((n, emulator) => n + emulator.calls.filter((call) => call.method === 'GET' || call.path.includes('Query')).length, 0);

  it('mergeIdentities (dry run of two Verifa ids): the would-be primary is withheld, the preview and userErrors are not', async () => {
    const result = await stack.gql(
      `mutation ($input: MergeIdentitiesInput!) { mergeIdentities(input: $input) {
        dryRun primary { id displayName email tags } secondary { id status } transferSummary { sessions } userErrors { code } } }`,
      { input: { primaryId: `verifa:${dan.verifaId}`, secondaryId: `verifa:${carol.verifaId}`, dryRun: true } },
      headers,
    );
    expect(result.data).toEqual({
      mergeIdentities: { dryRun: true, primary: null, secondary: { id: `verifa:${carol.verifaId}`, status: 'MERGED' }, transferSummary: { sessions: true }, userErrors: [] },
    });
    expect(forbiddenPaths(result)).toEqual(['mergeIdentities.primary']);
    expect(JSON.stringify(result)).not.toContain('Dan');
  });

  it('mergeIdentities: a refused merge still answers its userErrors', async () => {
    const result = await stack.gql(
      `mutation ($input: MergeIdentitiesInput!) { mergeIdentities(input: $input) { primary { id } userErrors { code field } } }`,
      { input: { primaryId: `verifa:${dan.verifaId}`, secondaryId: 'verifa:idn_doesnotexist000', dryRun: true } },
      headers,
    );
    expect(result.data).toEqual({ mergeIdentities: { primary: null, userErrors: [{ code: 'NOT_FOUND', field: 'secondaryId' }] } });
    expect(forbiddenPaths(result)).toEqual(['mergeIdentities.primary']);
  });

  it('linkIdentities: the link is made; primary, secondary and the cluster members\' identities are withheld', async () => {
    const result = await stack.gql(
      `mutation ($input: LinkIdentitiesInput!) { linkIdentities(input: $input) {
        linkId primary { id displayName } secondary { id } cluster { linkId members { id identity { displayName } } } userErrors { code } } }`,
      { input: { primaryId: `verato:CRM:${bob.crmId}`, secondaryId: `verato:AUTH0:${bobWork.userId}` } },
      headers,
    );
    const payload = (result.data as { linkIdentities: { linkId: string; primary: unknown; secondary: unknown; cluster: { members: { identity: unknown }[] }; userErrors: unknown[] } }).linkIdentities;
    expect(payload).toMatchObject({ linkId: bob.veratoLinkId, primary: null, secondary: null, userErrors: [] });
    expect(payload.cluster.members.length).toBeGreaterThan(1);
    expect(payload.cluster.members.every((member) => member.identity === null)).toBe(true);
    expect(forbiddenPaths(result).sort()).toEqual(
      ['linkIdentities.primary', 'linkIdentities.secondary', ...payload.cluster.members.map((_, index) => `linkIdentities.cluster.members.${index}.identity`)].sort(),
    );
    expect(stack.emulators.verato!.countCalls('POST', '/link-ws/svc/linkIdentities')).toBe(1);
  });

  it('unlinkIdentities: the unlink is made; primary and secondary are withheld', async () => {
    const result = await stack.gql(
      `mutation ($input: UnlinkIdentitiesInput!) { unlinkIdentities(input: $input) { primary { id } secondary { id } userErrors { code } } }`,
      { input: { primaryId: `verato:CRM:${alice.crmId}`, secondaryId: `verato:VERIFA:${alice.verifaId}` } },
      headers,
    );
    expect(result.data).toEqual({ unlinkIdentities: { primary: null, secondary: null, userErrors: [] } });
    expect(forbiddenPaths(result).sort()).toEqual(['unlinkIdentities.primary', 'unlinkIdentities.secondary']);
    expect(stack.emulators.verato!.countCalls('POST', '/link-ws/svc/unlinkIdentities')).toBe(1);
    expect(identityReads()).toBe(0);
  });

  it('createRelationship: the relationship is recorded and returned; its source and related identity are withheld', async () => {
    const result = await stack.gql(
      `mutation ($input: CreateRelationshipInput!) { createRelationship(input: $input) {
        relationship { id type related { id displayName } } source { id displayName } userErrors { code } } }`,
      { input: { sourceId: `verifa:${bob.verifaId}`, relatedId: `verifa:${carol.verifaId}`, type: 'SAME_HOUSEHOLD' } },
      headers,
    );
    expect(result.data).toEqual({
      createRelationship: { relationship: { id: expect.stringMatching(/^verifa:rel_/), type: 'SAME_HOUSEHOLD', related: null }, source: null, userErrors: [] },
    });
    expect(forbiddenPaths(result).sort()).toEqual(['createRelationship.relationship.related', 'createRelationship.source']);
    expect(stack.emulators.verifa!.countCalls('POST', `/api/v1/identities/${bob.verifaId}/relationships`)).toBe(1);
  });

  it('linkIdentifier: the identifier is linked; the BTC Direct identity is withheld', async () => {
    const userToken = await stack.emulators.btcdirect!.loginUser(bob.email, bob.btcPassword);
    const identifier = `scopes${'0123456789abcdef'.repeat(3)}`;
    const result = await stack.gql(
      `mutation ($input: LinkIdentifierInput!) { linkIdentifier(input: $input) { identity { id displayName } userErrors { code } } }`,
      { input: { identifier } },
      { ...headers, 'x-btcdirect-user-authorization': `Bearer ${userToken}` },
    );
    expect(result.data).toEqual({ linkIdentifier: { identity: null, userErrors: [] } });
    expect(forbiddenPaths(result)).toEqual(['linkIdentifier.identity']);
    expect(stack.emulators.btcdirect!.store.ownerOf(identifier)?.email).toBe(bob.email);
  });

  it('_entities: each representation is FORBIDDEN, with no upstream read', async () => {
    const result = await stack.gql(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Identity { id displayName } } }',
      { r: [{ __typename: 'Identity', id: `verifa:${alice.verifaId}` }, { __typename: 'Identity', id: `auth0:${alice.auth0UserId}` }] },
      headers,
    );
    expect(result.data).toEqual({ _entities: [null, null] });
    expect(forbiddenPaths(result)).toEqual(['_entities.0', '_entities.1']);
    expect(identityReads()).toBe(0);
  });

  it('with identities:read the same payload fields resolve', async () => {
    const withRead = { authorization: `Bearer ${await stack.token({ scopes: [SCOPES.read, SCOPES.merge] })}` };
    const result = await stack.gql(
      `mutation ($input: MergeIdentitiesInput!) { mergeIdentities(input: $input) { primary { id } userErrors { code } } }`,
      { input: { primaryId: `verifa:${dan.verifaId}`, secondaryId: `verifa:${carol.verifaId}`, dryRun: true } },
      withRead,
    );
    expect(result).toMatchObject({ data: { mergeIdentities: { primary: { id: `verifa:${dan.verifaId}` }, userErrors: [] } } });
    expect(result.errors).toBeUndefined();
  });
});
