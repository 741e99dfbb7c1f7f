import { CALL_LOG_LIMIT, CallLog, credentialMarker } from './call-log';
import { startEmulator, type RunningEmulator } from './harness';

const SECRETS = {
  bearer: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
  apiKey: 'sk_live_CALL_LOG_SECRET_0001',
  userToken: 'btc-user-token-CALL-LOG-0002',
  cookie: 'session=CALL_LOG_COOKIE_0003',
  clientSecret: 'CALL_LOG_CLIENT_SECRET_0004',
  password: 'CALL_LOG_PASSWORD_0005',
  idToken: 'CALL_LOG_ID_TOKEN_0006',
  queryToken: 'CALL_LOG_QUERY_TOKEN_0007',
};

describe('emulator call log', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator('test', () => ({ status: 200, json: { ok: true } }));
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.clearCalls());

  it(`keeps only the newest ${CALL_LOG_LIMIT} calls and still counts every call received`, () => {
    const log = new CallLog();
    const sent = CALL_LOG_LIMIT + 250;
    for (let n = 0; n < sent; n++) log.record({ method: 'GET', path: `/items/${n}`, query: {}, headers: {}, body: undefined, at: n });

    expect(log.entries).toHaveLength(CALL_LOG_LIMIT);
    expect(log.received).toBe(sent);
    expect(log.entries[0].path).toBe('/items/250');
    expect(log.entries[CALL_LOG_LIMIT - 1].path).toBe(`/items/${sent - 1}`);

    log.clear();
    expect(log.entries).toHaveLength(0);
    expect(log.received).toBe(0);
  });

  it('an emulator records through a bounded log: calls, GET /__emulator/calls and the received count', async () => {
    const small = await startEmulator('small', () => ({ status: 204 }), { callLogLimit: 3 });
    try {
      for (let n = 0; n < 5; n++) await fetch(`${small.url}/n/${n}`);
      expect(small.calls.map((call) => call.path)).toEqual(['/n/2', '/n/3', '/n/4']);
      const served = (await (await fetch(`${small.url}/__emulator/calls`)).json()) as { path: string }[];
      expect(served.map((call) => call.path)).toEqual(['/n/2', '/n/3', '/n/4']);
      expect(small.receivedCalls()).toBe(5);
      small.clearCalls();
      expect(small.calls).toHaveLength(0);
      expect(small.receivedCalls()).toBe(0);
    } finally {
      await small.close();
    }
  });

  it(`an emulator started without a limit keeps ${CALL_LOG_LIMIT} calls`, async () => {
    expect(CALL_LOG_LIMIT).toBe(1_000);
    expect(new CallLog().limit).toBe(CALL_LOG_LIMIT);
    const sent = CALL_LOG_LIMIT + 5;
    for (let n = 0; n < sent; n += 50) await Promise.all(Array.from({ length: Math.min(50, sent - n) }, (_, i) => fetch(`${emulator.url}/n/${n + i}`)));
    expect(emulator.calls).toHaveLength(CALL_LOG_LIMIT);
    expect(emulator.receivedCalls()).toBe(sent);
  });

  it('never holds a credential header, query parameter or body field, but tells which one was sent', async () => {
    await fetch(`${emulator.url}/oauth/token?access_token=${SECRETS.queryToken}&page=2`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${SECRETS.bearer}`,
        'x-api-key': SECRETS.apiKey,
        'user-authorization': `Bearer ${SECRETS.userToken}`,
        cookie: SECRETS.cookie,
        'x-request-id': 'req-1',
        'idempotency-key': 'key-1',
      },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'demo-client', client_secret: SECRETS.clientSecret, nested: { password: SECRETS.password }, link_with: SECRETS.idToken }),
    });
    await fetch(`${emulator.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: 'alice', password: SECRETS.password }).toString(),
    });

    const served = await (await fetch(`${emulator.url}/__emulator/calls`)).text();
    for (const secret of Object.values(SECRETS)) {
      expect(served).not.toContain(secret);
      expect(JSON.stringify(emulator.calls)).not.toContain(secret);
    }

    const [json, form] = emulator.calls;
    expect(json.headers).toMatchObject({
      authorization: credentialMarker(`Bearer ${SECRETS.bearer}`),
      'x-api-key': credentialMarker(SECRETS.apiKey),
      'user-authorization': credentialMarker(`Bearer ${SECRETS.userToken}`),
      cookie: credentialMarker(SECRETS.cookie),
      'x-request-id': 'req-1',
      'idempotency-key': 'key-1',
    });
    expect(json.headers.authorization).toMatch(/^Bearer \[redacted [0-9a-f]{16}\]$/);
    expect(json.query).toEqual({ access_token: credentialMarker(SECRETS.queryToken), page: '2' });
    expect(json.body).toEqual({
      grant_type: 'client_credentials',
      client_id: 'demo-client',
      client_secret: credentialMarker(SECRETS.clientSecret),
      nested: { password: credentialMarker(SECRETS.password) },
      link_with: credentialMarker(SECRETS.idToken),
    });
    expect(form.body).toEqual({ grant_type: 'password', username: 'alice', password: credentialMarker(SECRETS.password) });
  });

  it('gives different credentials different markers', () => {
    expect(credentialMarker('Bearer one')).not.toBe(credentialMarker('Bearer two'));
    expect(credentialMarker('Bearer one')).toBe(credentialMarker('Bearer one'));
    expect(credentialMarker('plain-key')).toMatch(/^\[redacted [0-9a-f]{16}\]$/);
  });
});
