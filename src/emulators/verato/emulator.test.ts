import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEMO_CREDENTIALS, DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS, DEMO_VERATO_RELATIONSHIPS } from '../seed';
import { startVeratoEmulator, type RunningVeratoEmulator } from './emulator';
import { READ_OPERATIONS } from './routes-read';
import { WRITE_OPERATIONS } from './routes-write';

const REPO_ROOT = join(__dirname, '..', '..', '..');
/** The provider specs, vendored under `specs/`. */
const SPEC_DIR = [join(REPO_ROOT, 'specs')].find(existsSync);
const BEARER = `Bearer ${DEMO_CREDENTIALS.verato.token}`;
const [alice, bob, carol, dan] = DEMO_PEOPLE;
const [bobWork] = DEMO_STANDALONE_AUTH0_USERS;

type Envelope = {
  success: boolean;
  message: string;
  errors: string[];
  warnings: string[];
  retryableError: boolean;
  auditId: string;
  trackingId?: string;
  content: any;
};

let emulator: RunningVeratoEmulator;

beforeAll(async () => {
  emulator = await startVeratoEmulator();
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.store.clear();
  emulator.store.seed();
  emulator.setFaults(null);
});

function post(path: string, body: unknown, authorization: string | null = BEARER): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (authorization) headers.authorization = authorization;
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(`${emulator.baseUrl}${path}`, { method: 'POST', headers, body: payload });
}

async function call(path: string, content: unknown, trackingId?: string): Promise<Envelope> {
  const response = await post(path, { trackingId, content });
  expect(response.status).toBe(200);
  return (await response.json()) as Envelope;
}

const source = (name: string, id: string) => ({ name, id });
const auth0Of = (person: (typeof DEMO_PEOPLE)[number]) => source('AUTH0', person.auth0UserId);
const crmOf = (person: (typeof DEMO_PEOPLE)[number]) => source('CRM', person.crmId);

describe('stacks', () => {
  let provider: RunningVeratoEmulator;
  beforeAll(async () => {
    provider = await startVeratoEmulator({ stack: 'provider' });
  });
  afterAll(async () => {
    await provider.close();
  });
  const postTo = (url: string, content: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: BEARER }, body: JSON.stringify({ content }) });

  it('a Provider-stack tenant serves its operations below /provider-link-ws/svc, queries unversioned', async () => {
    expect(provider.baseUrl).toBe(`${provider.url}/provider-link-ws/svc`);
    const query = await postTo(`${provider.baseUrl}/identityIdQuery`, { linkId: alice.veratoLinkId });
    expect(query.status).toBe(200);
    expect(((await query.json()) as Envelope).content.identity).toBeDefined();
    expect((await postTo(`${provider.baseUrl}/v2/identityIdQuery`, { linkId: alice.veratoLinkId })).status).toBe(404);
    const link = await postTo(`${provider.baseUrl}/linkIdentities`, { linkToSource: crmOf(alice), source: crmOf(bob) });
    expect(((await link.json()) as Envelope).success).toBe(true);
  });

  it.each(['/link-ws/svc/linkIdentities', '/link-ws/svc/v2/identityIdQuery', '/org-link-ws/svc/linkIdentities'])(
    'a Provider-stack tenant answers 404 with a blank body on another stack: %s',
    async (path) => {
      const response = await postTo(`${provider.url}${path}`, { linkToSource: crmOf(alice), source: crmOf(bob) });
      expect(response.status).toBe(404);
      expect(await response.text()).toBe('');
    },
  );
});

describe('transport: auth, paths and bodies', () => {
  it('accepts preemptive Bearer and Basic credentials', async () => {
    const { username, password } = DEMO_CREDENTIALS.verato;
    const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    for (const authorization of [BEARER, basic]) {
      const response = await post('/v2/identityIdQuery', { content: { linkId: alice.veratoLinkId } }, authorization);
      expect(response.status).toBe(200);
    }
  });

  it.each([
    ['missing', null],
    ['wrong token', 'Bearer nope'],
    ['wrong password', `Basic ${Buffer.from('demo-verato-user:nope').toString('base64')}`],
  ])('answers 401 with the container HTML page when credentials are %s', async (_case, authorization) => {
    const response = await post('/v2/identityIdQuery', { content: { linkId: alice.veratoLinkId } }, authorization);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('<title>HTTP Status 401 – Unauthorized</title>');
    expect(page).toContain('User is not authenticated');
  });

  it.each(['/identityIdQuery', '/v2/linkIdentities', '/nope'])('answers 404 with a blank body for %s', async (path) => {
    const response = await post(path, { content: {} });
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('');
  });

  it('answers 404 outside the Person base path', async () => {
    const response = await fetch(`${emulator.url}/org-link-ws/svc/linkIdentities`, { method: 'POST', headers: { authorization: BEARER } });
    expect(response.status).toBe(404);
  });

  it('answers 400 with a blank body for malformed JSON', async () => {
    const response = await post('/linkIdentities', '{"content":');
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('');
  });

  it('returns the envelope with a business failure when content is missing', async () => {
    const reply = (await (await post('/linkIdentities', { trackingId: 't-0' })).json()) as Envelope;
    expect(reply).toMatchObject({ success: false, message: 'content is required', errors: ['content is required'] });
  });

  it('lets the harness fault knobs simulate a 429', async () => {
    emulator.setFaults({ status: 429, retryAfterSeconds: 1, times: 1 });
    expect((await post('/v2/identityIdQuery', { content: { linkId: alice.veratoLinkId } })).status).toBe(429);
    expect((await post('/v2/identityIdQuery', { content: { linkId: alice.veratoLinkId } })).status).toBe(200);
  });
});

describe('identityIdQuery', () => {
  it('returns the golden view and the full envelope, echoing trackingId', async () => {
    const reply = await call('/v2/identityIdQuery', { linkId: alice.veratoLinkId }, 'track-1');
    expect(reply).toMatchObject({ success: true, message: '', errors: [], warnings: [], retryableError: false, trackingId: 'track-1' });
    expect(typeof reply.auditId).toBe('string');
    expect(reply.content.linkId).toBe(alice.veratoLinkId);
    expect(reply.content.requestedLinkId).toBe(alice.veratoLinkId);
    expect(reply.content.identityGroupedBySource).toBeUndefined();
    expect(reply.content.identity).toEqual({
      names: [{ first: 'Alice', last: 'Martin' }],
      emails: [{ email: alice.email }],
      phoneNumbers: [{ type: 'mobile', number: alice.phone }],
      datesOfBirth: [{ dateOfBirth: alice.birthDate }],
      addresses: [{ line1: 'Keizersgracht 101', city: 'Amsterdam', state: 'NH', postalCode: '1015 CJ', country: 'NL' }],
      ssns: [{ ssn: alice.ssn }],
      genders: [{ gender: 'F' }],
    });
  });

  it('lists one IdentityPerSource per member with GROUP_BY_SOURCE', async () => {
    const reply = await call('/v2/identityIdQuery', {
      linkId: bob.veratoLinkId,
      responseIdentityFormatNames: ['DEFAULT', 'GROUP_BY_SOURCE'],
    });
    const members = reply.content.identityGroupedBySource;
    expect(members.map((member: any) => member.source)).toEqual([
      source('AUTH0', bob.auth0UserId),
      source('VERIFA', bob.verifaId),
      source('BTCDIRECT', bob.btcIdentifier),
      source('CRM', bob.crmId),
    ]);
    expect(members[0].names).toEqual([
      { name: { first: 'Bob', last: 'Jansen' }, firstAsserted: bob.createdAt, lastAsserted: bob.createdAt },
    ]);
    expect(members[0].emails[0].email).toEqual({ email: bob.email });
    expect(members[0].datesOfBirth[0].dateOfBirth).toEqual({ dateOfBirth: bob.birthDate });
    expect(members[0].mergedSourceRecord).toBeUndefined();
  });

  it('seeds the standalone Auth0 users as single-record clusters', async () => {
    const reply = await call('/v2/identityIdQuery', { linkId: '100000101', responseIdentityFormatNames: ['GROUP_BY_SOURCE'] });
    expect(reply.content.identityGroupedBySource.map((member: any) => member.source)).toEqual([source('AUTH0', bobWork.userId)]);
    expect(reply.content.identity.emails).toEqual([{ email: bobWork.email }]);
  });

  it('answers an unknown Link ID with success, an empty message and no identity', async () => {
    const reply = await call('/v2/identityIdQuery', { linkId: '999999999' });
    expect(reply).toMatchObject({ success: true, message: '' });
    expect(reply.content.identity).toBeUndefined();
  });

  it('fails inside the envelope when linkId is missing', async () => {
    const reply = await call('/v2/identityIdQuery', {});
    expect(reply).toMatchObject({ success: false, message: 'linkId is required', errors: ['linkId is required'] });
  });
});

describe('nativeIdQuery', () => {
  it('finds the cluster holding a source record', async () => {
    const reply = await call('/v2/nativeIdQuery', { source: source('VERIFA', carol.verifaId) });
    expect(reply).toMatchObject({ success: true, message: 'Identity found!' });
    expect(reply.content.linkId).toBe(carol.veratoLinkId);
    expect(reply.content.identity.names).toEqual([{ first: 'Carol', last: 'Martin' }]);
    expect(reply.content.requestedLinkId).toBeUndefined();
  });

  it('answers an unknown source record with success and the documented message', async () => {
    const reply = await call('/v2/nativeIdQuery', { source: source('CRM', 'CRM-404') });
    expect(reply).toMatchObject({ success: true, message: 'Could not find entity with nativeId CRM-404 and source CRM' });
    expect(reply.content.identity).toBeUndefined();
  });
});

describe('demographicsSearch', () => {
  it('ranks the clusters matching the searched values, best first, with the golden view', async () => {
    const reply = await call('/v2/demographicsSearch', { identity: { names: [{ last: 'MARTIN' }], datesOfBirth: [{ dateOfBirth: alice.birthDate }] } });
    expect(reply).toMatchObject({ success: true });
    const results = reply.content.searchResults;
    expect(results[0]).toMatchObject({ linkId: alice.veratoLinkId, matchScore: 1, sameIdentity: 'Y', identity: { names: [{ first: 'Alice', last: 'Martin' }] } });
    // Carol shares the family name only: a weaker candidate; people matching nothing are not listed.
    expect(results[1]).toMatchObject({ linkId: carol.veratoLinkId, matchScore: 0.5, sameIdentity: 'U' });
    expect(results.map((result: any) => result.linkId)).not.toContain(bob.veratoLinkId);
  });

  it('finds every cluster asserting an e-mail, case-insensitively, and honours maxSearchResults and matchScoreThreshold', async () => {
    const byEmail = await call('/v2/demographicsSearch', { identity: { emails: [{ email: bob.email.toUpperCase() }] } });
    expect(byEmail.content.searchResults.map((result: any) => result.linkId)).toEqual([bob.veratoLinkId]);
    const capped = await call('/v2/demographicsSearch', { identity: { names: [{ last: 'Martin' }] }, maxSearchResults: 1 });
    expect(capped.content.searchResults).toHaveLength(1);
    const none = await call('/v2/demographicsSearch', { identity: { names: [{ last: 'Martin' }], emails: [{ email: alice.email }] }, matchScoreThreshold: 1 });
    expect(none.content.searchResults.map((result: any) => result.linkId)).toEqual([alice.veratoLinkId]);
  });

  it.each([
    ['no identity', {}],
    ['an identity without search values', { identity: {} }],
    ['names that are not a list', { identity: { names: { last: 'Martin' } } }],
    ['maxSearchResults 0', { identity: { names: [{ last: 'Martin' }] }, maxSearchResults: 0 }],
  ])('refuses %s with success:false', async (_, content) => {
    const reply = await call('/v2/demographicsSearch', content);
    expect(reply.success).toBe(false);
  });
});

describe('linkIdentities / unlinkIdentities', () => {
  it('links a standalone record into a cluster and retires its Link ID', async () => {
    const reply = await call('/linkIdentities', { linkToSource: auth0Of(bob), source: source('AUTH0', bobWork.userId) });
    expect(reply).toMatchObject({ success: true, errors: [] });
    expect(reply.content).toEqual({ linkId: bob.veratoLinkId, linkToSource: auth0Of(bob) });

    const retired = await call('/v2/identityIdQuery', { linkId: '100000101', responseIdentityFormatNames: ['GROUP_BY_SOURCE'] });
    expect(retired.content.requestedLinkId).toBe('100000101');
    expect(retired.content.linkId).toBe(bob.veratoLinkId);
    expect(retired.content.identityGroupedBySource).toHaveLength(5);
    expect(retired.content.identity.emails).toEqual([{ email: bob.email }, { email: bobWork.email }]);
  });

  it('moves relationships of a retired Link ID to the surviving one', async () => {
    await call('/linkIdentities', { linkToSource: auth0Of(alice), source: auth0Of(carol) });
    const reply = await call('/searchRelationshipsService', { relationshipFilter: { filterByObjectVeratoId: alice.veratoLinkId } });
    expect(reply.content.relationships.map((relationship: any) => relationship.id)).toEqual(['rel-0001']);
  });

  it('fails with success:false for an unknown source record', async () => {
    const reply = await call('/linkIdentities', { linkToSource: auth0Of(bob), source: source('AUTH0', 'auth0|missing') });
    const message = 'Could not find entity with nativeId auth0|missing and source AUTH0';
    expect(reply).toMatchObject({ success: false, message, errors: [message], content: { linkToSource: null } });
  });

  it('splits a record out into a new Link ID', async () => {
    const reply = await call('/unlinkIdentities', { unlinkFromSource: auth0Of(alice), source: crmOf(alice) });
    expect(reply.success).toBe(true);
    expect(reply.content).toEqual({
      unlinkedId: '100000103',
      unlinkedSource: crmOf(alice),
      unlinkedFromId: alice.veratoLinkId,
      unlinkedFromSource: auth0Of(alice),
    });
    const split = await call('/v2/nativeIdQuery', { source: crmOf(alice), responseIdentityFormatNames: ['GROUP_BY_SOURCE'] });
    expect(split.content.linkId).toBe('100000103');
    expect(split.content.identityGroupedBySource).toHaveLength(1);
  });

  it('refuses to unlink records that are not in the same Link ID', async () => {
    const reply = await call('/unlinkIdentities', { unlinkFromSource: auth0Of(alice), source: auth0Of(bob) });
    expect(reply.success).toBe(false);
    expect(reply.message).toMatch(/not in the same Link ID/);
    expect(reply.errors).toEqual([reply.message]);
  });
});

describe('mergeIdentities / unmergeIdentities', () => {
  const legacy = source('LEGACY', 'L-1');

  beforeEach(() => {
    emulator.store.addSourceRecord({ source: legacy, attributes: { emails: [{ email: 'old.dan@example.com' }] } });
  });

  it('retires a record: hidden from the golden view, still listed and still found by nativeIdQuery', async () => {
    const reply = await call('/mergeIdentities', { toSurviveSource: auth0Of(dan), toRetireSource: legacy });
    expect(reply.content).toEqual({ linkId: dan.veratoLinkId, toSurviveSource: auth0Of(dan) });

    const found = await call('/v2/nativeIdQuery', { source: legacy, responseIdentityFormatNames: ['GROUP_BY_SOURCE'] });
    expect(found.message).toBe('Identity found!');
    expect(found.content.linkId).toBe(dan.veratoLinkId);
    expect(found.content.identity.emails).toEqual([{ email: dan.email }]);
    const retired = found.content.identityGroupedBySource.find((member: any) => member.source.name === 'LEGACY');
    expect(retired.mergedSourceRecord).toMatchObject({ name: 'LEGACY', id: 'L-1', activeSource: 'AUTH0', activeNativeId: dan.auth0UserId });
    expect(retired.mergedSourceRecord.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/);
  });

  it('refuses to merge a record that is already retired', async () => {
    await call('/mergeIdentities', { toSurviveSource: auth0Of(dan), toRetireSource: legacy });
    const reply = await call('/mergeIdentities', { toSurviveSource: crmOf(dan), toRetireSource: legacy });
    expect(reply).toMatchObject({ success: false, content: { toSurviveSource: null } });
    expect(reply.message).toMatch(/retired/);
  });

  it('unmerges a retired record into a new Link ID', async () => {
    await call('/mergeIdentities', { toSurviveSource: auth0Of(dan), toRetireSource: legacy });
    const reply = await call('/unmergeIdentities', { unmergeFromSource: auth0Of(dan), unmergeSource: legacy });
    expect(reply.success).toBe(true);
    expect(reply.content).toMatchObject({ unmergedSource: legacy, unmergedFromId: dan.veratoLinkId, unmergedFromSource: auth0Of(dan) });
    const found = await call('/v2/nativeIdQuery', { source: legacy, responseIdentityFormatNames: ['GROUP_BY_SOURCE'] });
    expect(found.content.linkId).toBe(reply.content.unmergedId);
    expect(found.content.identityGroupedBySource[0].mergedSourceRecord).toBeUndefined();
  });

  it('refuses to unmerge a record that is not retired', async () => {
    const reply = await call('/unmergeIdentities', { unmergeFromSource: auth0Of(dan), unmergeSource: crmOf(dan) });
    expect(reply.success).toBe(false);
    expect(reply.message).toMatch(/not a retired/);
  });
});

describe('relationships', () => {
  it('searches the seeded relationships by subject', async () => {
    const reply = await call('/searchRelationshipsService', { relationshipFilter: { filterBySubjectVeratoId: alice.veratoLinkId } });
    const [seeded] = DEMO_VERATO_RELATIONSHIPS;
    expect(reply.content.relationships).toEqual([
      {
        id: seeded.id,
        relationshipVerb: seeded.verb,
        inverseRelationshipVerb: seeded.inverse,
        subjectVeratoId: alice.veratoLinkId,
        objectVeratoId: carol.veratoLinkId,
        domain: 'Person',
        status: 'active',
      },
    ]);
  });

  it('adds, finds and deletes a relationship', async () => {
    const added = await call('/addRelationshipService', {
      relationship: { relationshipVerb: 'is sibling to', subjectVeratoId: bob.veratoLinkId, objectVeratoId: dan.veratoLinkId, domain: 'Person', status: 'active' },
    });
    expect(added.success).toBe(true);
    const { id } = added.content.relationship;
    expect(added.content.relationship).toMatchObject({ id: expect.any(String), inverseRelationshipVerb: 'is sibling to' });

    const found = await call('/searchRelationshipsService', {
      relationshipFilter: { filterBySubjectOrObjectVeratoId: dan.veratoLinkId, filterByRelationshipVerb: 'is sibling to' },
    });
    expect(found.content.relationships.map((relationship: any) => relationship.id)).toEqual([id]);

    const deleted = await call('/deleteRelationshipService', { id });
    expect(deleted).toMatchObject({ success: true, content: { id } });
    const again = await call('/deleteRelationshipService', { id });
    expect(again.success).toBe(false);
  });

  it('accepts only verbs of its configured relationship definitions', async () => {
    const relationship = { subjectVeratoId: bob.veratoLinkId, objectVeratoId: dan.veratoLinkId, domain: 'Person' };
    const unknown = await call('/addRelationshipService', { relationship: { ...relationship, relationshipVerb: 'is neighbour of' } });
    expect(unknown).toMatchObject({ success: false, content: null });
    expect(unknown.message).toContain('configured relationship definitions');

    const tenant = await startVeratoEmulator({ seed: false, relationshipVerbs: ['is neighbour of'] });
    try {
      const [subject, object] = ['N-1', 'N-2'].map((id) => tenant.store.addSourceRecord({ source: source('CRM', id) }).linkId);
      const send = (relationshipVerb: string) =>
        fetch(`${tenant.baseUrl}/addRelationshipService`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: BEARER },
          body: JSON.stringify({ content: { relationship: { subjectVeratoId: subject, objectVeratoId: object, domain: 'Person', relationshipVerb } } }),
        }).then((response) => response.json() as Promise<Envelope>);
      expect((await send('is neighbour of')).success).toBe(true);
      expect((await send('is parent of')).success).toBe(false);
    } finally {
      await tenant.close();
    }
  });

  it('refuses a relationship to an unknown Link ID', async () => {
    const reply = await call('/addRelationshipService', {
      relationship: { relationshipVerb: 'employs', subjectVeratoId: dan.veratoLinkId, objectVeratoId: '999999999', domain: 'Person' },
    });
    expect(reply).toMatchObject({ success: false, message: 'Could not find identity with linkId 999999999' });
  });
});

describe('searchNotifications', () => {
  const ALL_TIME = { startDate: '2000-01-01T00:00:00Z', endDate: '2999-01-01T00:00:00Z' };

  it('has no notification for the seed, one per write made through its API, oldest first', async () => {
    expect((await call('/searchNotifications', { pageNumber: 0, pageSize: 10, ...ALL_TIME })).content).toMatchObject({ totalElements: 0, hasNext: false, notifications: [] });
    await call('/linkIdentities', { linkToSource: auth0Of(bob), source: source('AUTH0', bobWork.userId) });
    await call('/unlinkIdentities', { unlinkFromSource: auth0Of(bob), source: source('AUTH0', bobWork.userId) });
    await call('/mergeIdentities', { toSurviveSource: auth0Of(carol), toRetireSource: crmOf(carol) });
    const reply = await call('/searchNotifications', { pageNumber: 0, pageSize: 10, ...ALL_TIME });
    expect(reply.success).toBe(true);
    expect(reply.content.totalElements).toBe(3);
    const [link, unlink, merge] = reply.content.notifications;
    expect(link).toMatchObject({
      notificationType: 'LINK',
      notificationLowerCaseBody: { source: 'AUTH0', nativeId: bobWork.userId, newLinkId: bob.veratoLinkId },
    });
    expect(JSON.parse(link.body)).toEqual(link.notificationLowerCaseBody);
    expect(unlink).toMatchObject({ notificationType: 'UNLINK', notificationLowerCaseBody: { previousLinkId: bob.veratoLinkId } });
    expect(merge).toMatchObject({
      notificationType: 'MERGE',
      notificationLowerCaseBody: { survivingNativeId: carol.auth0UserId, retiredSource: 'CRM', retiredNativeId: carol.crmId, newLinkId: carol.veratoLinkId },
    });
  });

  it('pages, and keeps to the window [startDate, endDate)', async () => {
    await call('/mergeIdentities', { toSurviveSource: auth0Of(carol), toRetireSource: crmOf(carol) });
    await call('/unmergeIdentities', { unmergeFromSource: auth0Of(carol), unmergeSource: crmOf(carol) });
    const first = await call('/searchNotifications', { pageNumber: 0, pageSize: 1, ...ALL_TIME });
    const second = await call('/searchNotifications', { pageNumber: 1, pageSize: 1, ...ALL_TIME });
    expect(first.content).toMatchObject({ hasNext: true, totalElements: 2, notifications: [{ notificationType: 'MERGE' }] });
    expect(second.content).toMatchObject({ hasNext: false, notifications: [{ notificationType: 'UNMERGE' }] });
    const ts = first.content.notifications[0].ts;
    expect((await call('/searchNotifications', { pageNumber: 0, pageSize: 10, startDate: ALL_TIME.startDate, endDate: ts })).content.totalElements).toBe(0);
  });

  it('refuses a request without its required fields, inside the envelope', async () => {
    const reply = await call('/searchNotifications', { pageNumber: 0, pageSize: 10, startDate: ALL_TIME.startDate });
    expect(reply).toMatchObject({ success: false, message: 'endDate is required' });
  });
});

describe('postIdentity', () => {
  const posted = source('AUTH0', 'auth0|notyetinverato01');
  const identity = { sources: [posted], names: [{ first: 'Nora', last: 'Nieuw' }], emails: [{ email: 'nora@example.com' }], datesOfBirth: [{ dateOfBirth: '1990-02-03' }] };

  it('files a new S+N under a Link ID of its own, and the same S+N again updates it', async () => {
    expect((await call('/v2/nativeIdQuery', { source: posted })).content.identity).toBeUndefined();
    const reply = await call('/v2/postIdentity', { identity, responseIdentityFormatNames: ['DEFAULT', 'GROUP_BY_SOURCE'] });
    expect(reply).toMatchObject({ success: true, message: 'The identity has been successfully posted.' });
    const { linkId } = reply.content;
    expect(reply.content.identityGroupedBySource).toEqual([expect.objectContaining({ source: posted })]);
    expect(reply.content.incomingIdentity).toEqual({ names: identity.names, emails: identity.emails, datesOfBirth: identity.datesOfBirth });
    expect(DEMO_PEOPLE.map((person) => person.veratoLinkId)).not.toContain(linkId);

    const again = await call('/v2/postIdentity', { identity: { sources: [posted], emails: [{ email: 'nora.new@example.com' }] } });
    expect(again.content.linkId).toBe(linkId);
    const read = await call('/v2/nativeIdQuery', { source: posted });
    expect(read.content.identity).toEqual({ emails: [{ email: 'nora.new@example.com' }] });
  });

  it('refuses anything but exactly one source, and a source code that is not a data source of the tenant', async () => {
    for (const sources of [[], [posted, crmOf(alice)], undefined]) {
      expect(await call('/v2/postIdentity', { identity: { ...identity, sources } })).toMatchObject({ success: false, message: 'identity.sources must hold exactly one source' });
    }
    const unknown = await call('/v2/postIdentity', { identity: { ...identity, sources: [source('NOPE', 'n-1')] } });
    expect(unknown).toMatchObject({ success: false, message: 'Source NOPE is not a registered data source', errors: ['Source NOPE is not a registered data source'] });
    expect((await call('/v2/nativeIdQuery', { source: source('NOPE', 'n-1') })).content.identity).toBeUndefined();
  });

  it('is served unversioned on the other stacks', async () => {
    const tenant = await startVeratoEmulator({ stack: 'provider' });
    try {
      const response = await fetch(`${tenant.baseUrl}/postIdentity`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: BEARER },
        body: JSON.stringify({ content: { identity } }),
      });
      expect(((await response.json()) as Envelope).success).toBe(true);
    } finally {
      await tenant.close();
    }
  });
});

describe('contract: the Person OpenAPI spec declares what the emulator serves', () => {
  const personSpec = loadSpec('verato/verato-person-openapi.yml');
  const servedPaths = [...Object.keys(READ_OPERATIONS), ...Object.keys(WRITE_OPERATIONS)];

  it('declares every served path as a POST', () => {
    for (const path of servedPaths) expect(personSpec.paths[path]?.post).toBeDefined();
  });

  it('declares every field of the replies the emulator sends', async () => {
    emulator.store.addSourceRecord({ source: source('LEGACY', 'L-2'), attributes: { names: [{ first: 'D' }] } });
    await call('/mergeIdentities', { toSurviveSource: auth0Of(dan), toRetireSource: source('LEGACY', 'L-2') });
    const groupBySource = ['DEFAULT', 'GROUP_BY_SOURCE'];
    const replies: [string, Envelope][] = [
      ['/v2/identityIdQuery', await call('/v2/identityIdQuery', { linkId: dan.veratoLinkId, responseIdentityFormatNames: groupBySource }, 't')],
      ['/v2/nativeIdQuery', await call('/v2/nativeIdQuery', { source: auth0Of(dan), responseIdentityFormatNames: groupBySource })],
      ['/searchRelationshipsService', await call('/searchRelationshipsService', {})],
      ['/v2/demographicsSearch', await call('/v2/demographicsSearch', { identity: { emails: [{ email: dan.email }] }, responseIdentityFormatNames: groupBySource })],
      ['/linkIdentities', await call('/linkIdentities', { linkToSource: auth0Of(bob), source: source('AUTH0', bobWork.userId) })],
      ['/unlinkIdentities', await call('/unlinkIdentities', { unlinkFromSource: auth0Of(bob), source: source('AUTH0', bobWork.userId) })],
      ['/mergeIdentities', await call('/mergeIdentities', { toSurviveSource: auth0Of(carol), toRetireSource: crmOf(carol) })],
      ['/unmergeIdentities', await call('/unmergeIdentities', { unmergeFromSource: auth0Of(carol), unmergeSource: crmOf(carol) })],
      [
        '/addRelationshipService',
        await call('/addRelationshipService', {
          relationship: { relationshipVerb: 'employs', subjectVeratoId: dan.veratoLinkId, objectVeratoId: alice.veratoLinkId, domain: 'Person' },
        }),
      ],
      ['/deleteRelationshipService', await call('/deleteRelationshipService', { id: 'rel-0002' })],
      ['/searchNotifications', await call('/searchNotifications', { pageNumber: 0, pageSize: 100, startDate: '2000-01-01T00:00:00Z', endDate: '2999-01-01T00:00:00Z' })],
      [
        '/v2/postIdentity',
        await call('/v2/postIdentity', { identity: { sources: [source('AUTH0', 'auth0|posted')], names: [{ first: 'P' }] }, responseIdentityFormatNames: groupBySource }),
      ],
    ];
    expect(replies.map(([path]) => path).sort()).toEqual([...servedPaths].sort());
    for (const [path, reply] of replies) {
      expect(reply.success).toBe(true);
      const schema = personSpec.paths[path].post.responses['200'].content['application/json'].schema;
      expect({ path, undeclared: undeclaredFields(reply, schema, personSpec) }).toEqual({ path, undeclared: [] });
    }
  });

  it('matches the Person (`_2`) schemas of the 3.2.0 per-operation files', async () => {
    const replies: Record<string, unknown> = {
      linkidentities: (await call('/linkIdentities', { linkToSource: auth0Of(bob), source: source('AUTH0', bobWork.userId) })).content,
      unlinkidentities: (await call('/unlinkIdentities', { unlinkFromSource: auth0Of(bob), source: source('AUTH0', bobWork.userId) })).content,
      mergeidentities: (await call('/mergeIdentities', { toSurviveSource: auth0Of(carol), toRetireSource: crmOf(carol) })).content,
      unmergeidentities: (await call('/unmergeIdentities', { unmergeFromSource: auth0Of(carol), unmergeSource: crmOf(carol) })).content,
    };
    for (const [file, content] of Object.entries(replies)) {
      const spec = loadSpec(`verato-${file}-api-openapi.yml`);
      const [responseSchema] = Object.keys(spec.components.schemas).filter((name) => /^[A-Z]\w+WsResponse_2$/.test(name));
      const undeclared = undeclaredFields(content, { $ref: `#/components/schemas/${responseSchema}` }, spec);
      expect({ file, undeclared }).toEqual({ file, undeclared: [] });
    }
  });
});

function loadSpec(relativePath: string): any {
  if (!SPEC_DIR) throw new Error('Verato OpenAPI specs not found (looked for specs/)');
  return parse(readFileSync(join(SPEC_DIR, relativePath), 'utf8'));
}

/**
 * Paths of fields in `value` that `schema` does not declare, following $refs and array items.
 * The Person spec types some object fields as `type: string, enum: ["<SchemaName>"]` (a generator
 * artefact); such a field holding an object is checked against the named schema.
 */
function undeclaredFields(value: unknown, schema: any, spec: any, at = '$'): string[] {
  const resolved = resolveSchema(schema, spec);
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => undeclaredFields(item, resolved.items ?? {}, spec, `${at}[${index}]`));
  }
  if (typeof value !== 'object' || value === null) return [];
  const artefact = resolved.type === 'string' && resolved.enum?.length === 1 && spec.components.schemas[resolved.enum[0]];
  if (artefact) return undeclaredFields(value, artefact, spec, at);
  if (!resolved.properties) return resolved.additionalProperties ? [] : [`${at} (not an object in the spec)`];
  return Object.entries(value).flatMap(([key, child]) =>
    key in resolved.properties ? undeclaredFields(child, resolved.properties[key], spec, `${at}.${key}`) : [`${at}.${key}`],
  );
}

function resolveSchema(schema: any, spec: any): any {
  let current = schema;
  while (current?.$ref) current = spec.components.schemas[current.$ref.replace('#/components/schemas/', '')];
  return current ?? {};
}
