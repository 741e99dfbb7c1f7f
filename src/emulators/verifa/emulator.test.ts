import { DEMO_CREDENTIALS, DEMO_PEOPLE, DEMO_VERIFA_RELATIONSHIPS } from '../seed';
import { startVerifaEmulator, type RunningVerifaEmulator } from './emulator';

const [alice, bob, carol, dan] = DEMO_PEOPLE;
const API_KEY = DEMO_CREDENTIALS.verifa.apiKey;

let emulator: RunningVerifaEmulator;

beforeAll(async () => {
  emulator = await startVerifaEmulator();
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.store.clear();
  emulator.store.seed();
});

interface Call {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

async function request(path: string, { method = 'GET', body, headers = {} }: Call = {}, target = emulator) {
  const response = await fetch(`${target.baseUrl}${path}`, {
    method,
    headers: { 'x-api-key': API_KEY, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

const ref = (person: (typeof DEMO_PEOPLE)[number]) => `auth0:${person.auth0UserId}`;

describe('auth, headers and errors', () => {
  it('refuses a wrong API key with the error body', async () => {
    const reply = await request('/identities', { headers: { 'x-api-key': 'vk_sandbox_wrong' } });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ error: 'unauthorized', detail: 'Invalid API key.', status_code: 401 });
  });

  it('puts the rate-limit headers on every answer', async () => {
    for (const reply of [await request('/identities'), await request('/identities/idn_missing')]) {
      expect(reply.headers.get('x-ratelimit-limit')).toBe('1000');
      expect(Number(reply.headers.get('x-ratelimit-remaining'))).toBeLessThan(1000);
      expect(Number(reply.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    }
  });

  it('answers 429 rate_limited with Retry-After once the window is used up', async () => {
    const limited = await startVerifaEmulator({ rateLimitPerMinute: 2 });
    try {
      await request('/identities', {}, limited);
      const last = await request('/identities', {}, limited);
      expect(last.headers.get('x-ratelimit-remaining')).toBe('0');
      const refused = await request('/identities', {}, limited);
      expect(refused.status).toBe(429);
      const retryAfter = refused.headers.get('retry-after');
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(refused.body).toEqual({
        error: 'rate_limited',
        detail: `Rate limit exceeded. Retry after ${retryAfter} seconds.`,
        status_code: 429,
      });
    } finally {
      await limited.close();
    }
  });

  it('answers 404 not_found for an unknown identity', async () => {
    const reply = await request('/identities/idn_missing');
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ error: 'not_found', detail: 'Identity not found.', status_code: 404 });
  });

  it('accepts a well-formed Verifa-Version and refuses a malformed one', async () => {
    expect((await request('/identities', { headers: { 'verifa-version': '2026-01-01' } })).status).toBe(200);
    const reply = await request('/identities', { headers: { 'verifa-version': '2026-13-01' } });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('validation_error');
  });

  it.each([
    ['camel', 'sessionCount', 'firstName'],
    ['kebab', 'session-count', 'first-name'],
  ])('inflects response keys to %s', async (inflection, sessionKey, nameKey) => {
    const reply = await request(`/identities/${alice.verifaId}`, { headers: { 'key-inflection': inflection } });
    expect(reply.body[sessionKey]).toBe(1);
    expect(reply.body.session_count).toBeUndefined();
    expect(Object.keys(reply.body[inflection === 'camel' ? 'extractedData' : 'extracted-data'])).toContain(nameKey);
  });

  it('answers 400 for malformed JSON', async () => {
    const reply = await request('/identities', { method: 'POST', body: '{"external_ref":' });
    expect(reply.status).toBe(400);
  });
});

describe('GET /identities', () => {
  it('lists the seeded identities with default pagination', async () => {
    const reply = await request('/identities');
    expect(reply.status).toBe(200);
    expect(reply.body.data.map((identity: any) => identity.id)).toEqual(DEMO_PEOPLE.map((person) => person.verifaId));
    expect(reply.body.pagination).toEqual({ total: 4, limit: 25, offset: 0 });
  });

  it('filters by status and by external_ref search', async () => {
    const pending = await request('/identities?status=pending');
    expect(pending.body.data.map((identity: any) => identity.id)).toEqual([carol.verifaId]);
    const search = await request(`/identities?q=${encodeURIComponent(bob.auth0UserId)}`);
    expect(search.body.data.map((identity: any) => identity.id)).toEqual([bob.verifaId]);
  });

  it('pages through bulk identities added by the store helper', async () => {
    for (let index = 0; index < 40; index += 1) emulator.store.addIdentity({ external_ref: `bulk-${index}` });
    const reply = await request('/identities?limit=10&offset=40');
    expect(reply.body.pagination).toEqual({ total: 44, limit: 10, offset: 40 });
    expect(reply.body.data.map((identity: any) => identity.external_ref)).toEqual(['bulk-36', 'bulk-37', 'bulk-38', 'bulk-39']);
  });

  it.each(['limit=0', 'limit=101', 'limit=abc', 'offset=-1'])('refuses %s with 422 validation_error', async (query) => {
    const reply = await request(`/identities?${query}`);
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ error: 'validation_error', status_code: 422 });
  });
});

describe('POST /identities/search', () => {
  const searchFor = (body: unknown) => request('/identities/search', { method: 'POST', body });

  it('matches an e-mail by its search hash, case-insensitively, without returning it', async () => {
    const reply = await searchFor({ email: alice.email.toUpperCase() });
    expect(reply.status).toBe(200);
    expect(reply.body.data.map((identity: any) => identity.id)).toEqual([alice.verifaId]);
    expect(JSON.stringify(reply.body)).not.toContain(alice.email);
    expect(reply.body.pagination).toEqual({ total: 1, limit: 25, offset: 0 });
  });

  it('matches first name, last name and date of birth together', async () => {
    const reply = await searchFor({ first_name: bob.givenName, last_name: bob.familyName, date_of_birth: bob.birthDate });
    expect(reply.body.data.map((identity: any) => identity.id)).toEqual([bob.verifaId]);
    const wrongDate = await searchFor({ first_name: bob.givenName, last_name: bob.familyName, date_of_birth: '1900-01-01' });
    expect(wrongDate.body.data).toEqual([]);
  });

  it.each([
    ['a name without a date of birth', { first_name: 'Bob', last_name: 'Jansen' }],
    ['no field', {}],
    ['an unknown field', { nickname: 'bob' }],
    ['a non-string value', { email: 42 }],
  ])('refuses %s with 422 validation_error', async (_, body) => {
    const reply = await searchFor(body);
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ error: 'validation_error', status_code: 422 });
  });
});

describe('GET /identities/:identity_id', () => {
  it('returns the full identity by id and by external_ref', async () => {
    const byId = await request(`/identities/${alice.verifaId}`);
    const byRef = await request(`/identities/${encodeURIComponent(ref(alice))}`);
    expect(byRef.body).toEqual(byId.body);
    expect(byId.body).toMatchObject({
      id: alice.verifaId,
      external_ref: ref(alice),
      status: 'approved',
      session_count: 1,
      is_sandbox: true,
      created_at: alice.createdAt,
      tags: ['vip'],
      country: 'NL',
      archived_at: null,
      latest_session_snapshot: { status: 'approved', face_match_passed: true, extracted_age: 35 },
      extracted_data: {
        first_name: 'Alice',
        last_name: 'Martin',
        date_of_birth: alice.birthDate,
        address: { line1: 'Keizersgracht 101', line2: null, city: 'Amsterdam', state: 'NH', zip: '1015 CJ' },
        document_number: alice.documentNumber,
        nationality: 'NL',
        gender: 'female',
        ssn: alice.ssn,
        document_type: 'passport',
      },
    });
  });
});

describe('POST /identities', () => {
  it('creates a stub, refuses a duplicate with 409 and upserts on request', async () => {
    const created = await request('/identities', { method: 'POST', body: { external_ref: 'crm:42' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^idn_/), external_ref: 'crm:42', is_sandbox: true, upserted: false });

    const duplicate = await request('/identities', { method: 'POST', body: { external_ref: 'crm:42' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ error: 'conflict', status_code: 409 });

    const upserted = await request('/identities', { method: 'POST', body: { external_ref: 'crm:42', upsert: true } });
    expect(upserted.status).toBe(200);
    expect(upserted.body).toMatchObject({ id: created.body.id, upserted: true });
  });

  it('requires external_ref', async () => {
    expect((await request('/identities', { method: 'POST', body: {} })).status).toBe(422);
  });
});

describe('Idempotency-Key', () => {
  const create = (key: string, externalRef: string) =>
    request('/identities', { method: 'POST', body: { external_ref: externalRef }, headers: { 'idempotency-key': key } });

  it('replays the stored reply for the same key and parameters without creating again', async () => {
    const first = await create('key-1', 'crm:77');
    const replay = await create('key-1', 'crm:77');
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect((await request('/identities?q=crm:77')).body.pagination.total).toBe(1);
  });

  it('refuses the same key with different parameters', async () => {
    await create('key-2', 'crm:78');
    const reply = await create('key-2', 'crm:79');
    expect(reply.status).toBe(422);
    expect(reply.body).toEqual({
      error: 'idempotency_mismatch',
      detail: 'Idempotency key has already been used with different parameters.',
      status_code: 422,
    });
  });

  it('refuses keys longer than 255 characters', async () => {
    expect((await create('k'.repeat(256), 'crm:80')).status).toBe(422);
  });
});

describe('relationships', () => {
  it('lists only relationships where the identity is the source, with a type filter', async () => {
    const reply = await request(`/identities/${alice.verifaId}/relationships`);
    expect(reply.body.pagination).toEqual({ total: 3, limit: 25, offset: 0 });
    const [familyMember] = reply.body.data;
    expect(familyMember).toEqual({
      id: DEMO_VERIFA_RELATIONSHIPS[0].id,
      source_identity_id: alice.verifaId,
      related_identity_id: carol.verifaId,
      relationship_type: 'family_member',
      note: 'Parent and child',
      metadata: {},
      created_at: carol.createdAt,
    });
    expect(reply.body.data.map((relationship: any) => relationship.relationship_type)).toEqual([
      'family_member',
      'business_associate',
      'same_address',
    ]);
    const filtered = await request(`/identities/${alice.verifaId}/relationships?type=same_address`);
    expect(filtered.body.data.map((relationship: any) => relationship.related_identity_id)).toEqual([carol.verifaId]);
  });

  it('answers 404 for an unknown identity', async () => {
    expect((await request('/identities/idn_missing/relationships')).status).toBe(404);
  });

  it('creates a relationship in both directions and deletes both', async () => {
    const created = await request(`/identities/${bob.verifaId}/relationships`, {
      method: 'POST',
      body: { related_identity_id: carol.verifaId, note: 'Neighbours', metadata: { checked_by: 'ops' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^idrel_/),
      source_identity_id: bob.verifaId,
      related_identity_id: carol.verifaId,
      relationship_type: 'user_linked',
      note: 'Neighbours',
      metadata: { checked_by: 'ops' },
      created_at: expect.any(String),
    });
    const fromCarol = await request(`/identities/${carol.verifaId}/relationships?type=user_linked`);
    expect(fromCarol.body.data.map((relationship: any) => relationship.related_identity_id)).toEqual([bob.verifaId]);

    const deleted = await request(`/identities/${bob.verifaId}/relationships/${created.body.id}`, { method: 'DELETE' });
    expect(deleted).toMatchObject({ status: 200, body: { deleted: true } });
    expect((await request(`/identities/${carol.verifaId}/relationships?type=user_linked`)).body.data).toEqual([]);
  });

  it('accepts an active custom type and refuses inactive custom and system types', async () => {
    emulator.store.addCustomRelationshipType('guarantor');
    emulator.store.addCustomRelationshipType('retired_type', false);
    const create = (type: string) =>
      request(`/identities/${dan.verifaId}/relationships`, {
        method: 'POST',
        body: { related_identity_id: alice.verifaId, relationship_type: type },
      });
    expect((await create('guarantor')).status).toBe(201);
    expect((await create('retired_type')).status).toBe(422);
    const system = await create('same_ssn');
    expect(system.status).toBe(422);
    expect(system.body.error).toBe('validation_error');
  });

  it('answers 404 when the related identity is unknown', async () => {
    const reply = await request(`/identities/${dan.verifaId}/relationships`, {
      method: 'POST',
      body: { related_identity_id: 'idn_missing' },
    });
    expect(reply.status).toBe(404);
  });

  it('refuses to delete a system relationship and answers 404 for an unknown one', async () => {
    const list = await request(`/identities/${alice.verifaId}/relationships?type=same_address`);
    const system = await request(`/identities/${alice.verifaId}/relationships/${list.body.data[0].id}`, { method: 'DELETE' });
    expect(system.status).toBe(422);
    const unknown = await request(`/identities/${alice.verifaId}/relationships/idrel_missing`, { method: 'DELETE' });
    expect(unknown.status).toBe(404);
  });
});

describe('POST /identities/merge', () => {
  const merge = (body: unknown, headers: Record<string, string> = {}) =>
    request('/identities/merge', { method: 'POST', body, headers });

  it('merges as documented: tags deduped, sessions summed, a merged relationship', async () => {
    emulator.store.findIdentity(dan.verifaId)!.tags.push('vip');
    const reply = await merge({ primary_identity_id: alice.verifaId, secondary_identity_id: dan.verifaId, reason: 'Duplicate' });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body)).toEqual(['primary', 'secondary', 'transfer_summary', 'redacted_secondary', 'reason']);
    expect(reply.body.primary).toMatchObject({ id: alice.verifaId, tags: ['vip', 'business'], session_count: 2 });
    expect(reply.body.secondary).toEqual({ id: dan.verifaId, status: 'merged' });
    expect(reply.body.transfer_summary).toEqual({
      sessions: true,
      screening_checks: true,
      face_embeddings: true,
      ip_links: true,
      device_links: true,
    });
    expect(reply.body).toMatchObject({ redacted_secondary: false, reason: 'Duplicate' });
    const merged = await request(`/identities/${alice.verifaId}/relationships?type=merged`);
    expect(merged.body.data.map((relationship: any) => relationship.related_identity_id)).toEqual([dan.verifaId]);
  });

  it('redacts the secondary on request and keeps session counts when sessions stay', async () => {
    const reply = await merge({
      primary_identity_id: bob.verifaId,
      secondary_identity_id: ref(carol),
      transfer: { sessions: false },
      redact_secondary: true,
    });
    expect(reply.body.primary.session_count).toBe(1);
    expect(reply.body.secondary).toEqual({ id: carol.verifaId, status: 'redacted' });
    expect(reply.body.transfer_summary.sessions).toBe(false);
    expect(reply.body.reason).toBeNull();
    expect((await request(`/identities/${carol.verifaId}`)).body.extracted_data).toBeNull();
  });

  it('refuses an already merged secondary, a self-merge and unknown identities', async () => {
    await merge({ primary_identity_id: alice.verifaId, secondary_identity_id: dan.verifaId });
    expect((await merge({ primary_identity_id: bob.verifaId, secondary_identity_id: dan.verifaId })).status).toBe(422);
    expect((await merge({ primary_identity_id: bob.verifaId, secondary_identity_id: bob.verifaId })).status).toBe(422);
    const unknown = await merge({ primary_identity_id: bob.verifaId, secondary_identity_id: 'idn_missing' });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('replays an idempotent merge instead of failing on the now-merged secondary', async () => {
    const body = { primary_identity_id: alice.verifaId, secondary_identity_id: dan.verifaId };
    const first = await merge(body, { 'idempotency-key': 'merge-1' });
    const replay = await merge(body, { 'idempotency-key': 'merge-1' });
    expect(replay).toMatchObject({ status: 200, body: first.body });
  });
});
