import { isAuth0User, isIdentityList, isListUsersResponse, isTokenResponse } from './auth0/wire';
import { isTokenPair, isUserInfo } from './btcdirect/wire';
import { isEnvelope, isIdentityQueryReply, isLinkIdReply, isSearchRelationshipsReply } from './verato/wire';
import { isMergeReply, isVerifaIdentity, isVerifaRelationshipList } from './verifa/wire';

/** Each provider's shape checks: a documented answer passes, a wrongly shaped one does not. */

const verifaIdentity = { id: 'idn_alice0000000001', status: 'verified', tags: ['vip'], extracted_data: { first_name: 'Alice', address: { city: 'Utrecht' } } };
const auth0User = { user_id: 'auth0|1', name: 'Alice', identities: [{ provider: 'auth0', user_id: '1', connection: 'Username-Password-Authentication', isSocial: false }] };

describe('provider answer shapes', () => {
  it('Verifa', () => {
    expect(isVerifaIdentity(verifaIdentity)).toBe(true);
    expect(isVerifaIdentity({ identity: verifaIdentity })).toBe(false);
    expect(isVerifaIdentity({ ...verifaIdentity, extracted_data: { first_name: 42 } })).toBe(false);
    expect(isVerifaIdentity({ ...verifaIdentity, tags: 'vip' })).toBe(false);
    const relationship = { id: 'idrel_1', source_identity_id: 'idn_a', related_identity_id: 'idn_b', relationship_type: 'family_member' };
    expect(isVerifaRelationshipList({ data: [relationship], pagination: { limit: 10, offset: 0, total: 1 } })).toBe(true);
    expect(isVerifaRelationshipList({ data: [relationship] })).toBe(false);
    expect(isVerifaRelationshipList({ data: [{ ...relationship, related_identity_id: undefined }], pagination: { limit: 10, offset: 0 } })).toBe(false);
    expect(isMergeReply({ primary: verifaIdentity, secondary: { id: 'idn_b', status: 'merged' } })).toBe(true);
    expect(isMergeReply({ primary: verifaIdentity })).toBe(false);
  });

  it('Auth0', () => {
    expect(isAuth0User(auth0User)).toBe(true);
    expect(isAuth0User({ ...auth0User, user_id: undefined })).toBe(false);
    expect(isAuth0User({ ...auth0User, identities: [{ provider: 'auth0' }] })).toBe(false);
    expect(isListUsersResponse([auth0User])).toBe(true);
    expect(isListUsersResponse({ start: 0, limit: 50, length: 1, total: 1, users: [auth0User] })).toBe(true);
    expect(isListUsersResponse({ users: 'none' })).toBe(false);
    expect(isIdentityList(undefined)).toBe(true);
    expect(isIdentityList({ identities: [] })).toBe(false);
    expect(isTokenResponse({ access_token: 'a.b.c', token_type: 'Bearer', expires_in: 86400 })).toBe(true);
    expect(isTokenResponse({ access_token: 'a.b.c' })).toBe(false);
  });

  it('BTC Direct', () => {
    expect(isUserInfo({ firstName: 'Dan', lastName: 'de Vries', status: { status: 'active', details: {} }, isBusiness: false })).toBe(true);
    expect(isUserInfo({ firstName: ['Dan'] })).toBe(false);
    expect(isUserInfo('Dan')).toBe(false);
    expect(isTokenPair({ token: 'a.b.c', refreshToken: 'r' })).toBe(true);
    expect(isTokenPair({ token: 'a.b.c' })).toBe(false);
  });

  it('Verato', () => {
    const reply = { linkId: 'L1', identity: { names: [{ first: 'Dan' }] }, identityGroupedBySource: [{ source: { name: 'CRM', id: 'CRM-1004' }, emails: ['dan@example.com'] }] };
    expect(isEnvelope(isIdentityQueryReply)({ success: true, content: reply })).toBe(true);
    expect(isEnvelope(isIdentityQueryReply)({ success: false, message: 'no' })).toBe(true);
    expect(isEnvelope(isIdentityQueryReply)({ content: reply })).toBe(false);
    expect(isIdentityQueryReply({ ...reply, identityGroupedBySource: [{ source: { name: 'CRM' } }] })).toBe(false);
    expect(isIdentityQueryReply({ ...reply, identity: { names: { first: 'Dan' } } })).toBe(false);
    expect(isSearchRelationshipsReply({ relationships: [{ id: 'r1', relationshipVerb: 'spouse' }] })).toBe(true);
    expect(isSearchRelationshipsReply({ relationships: { id: 'r1' } })).toBe(false);
    expect(isLinkIdReply({ linkId: 7 })).toBe(false);
  });
});
