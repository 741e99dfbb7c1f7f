import net from 'node:net';
import { DEMO_PEOPLE } from '../../src/emulators/seed';
import { DOCUMENT_STORE_MAX_BYTES } from '../../src/security/document-store';
import { startStack, type Stack } from '../support/stack';

/**
 * What one request may take of the subgraph: list arguments however they are spelled, the
 * upstream call budget, the operation's length, and the time its body may take to arrive.
 */

const alice = DEMO_PEOPLE[0];
const ALICE_AUTH0 = `auth0:${alice.auth0UserId}`;
const ids = (n: number) => Array.from({ length: n }, (_, i) => `verifa:idn_limit${String(i).padStart(5, '0')}`);
const representations = (n: number) => ids(n).map((id) => ({ __typename: 'Identity', id }));

const upstreamCalls = (stack: Stack) => stack.emulators.all.reduce((sum, emulator) => sum + emulator.countCalls(), 0);

/** The README's first query. */
const ALICE_QUERY = `query Alice {
  identity(id: "${ALICE_AUTH0}") {
    id displayName email status
    linkedAccounts { provider via connection identity { id displayName status } }
    cluster { linkId members { source sourceId state } }
    relationships(first: 10) { totalCount nodes { type provider related { id displayName } } }
  }
}`;

describe('list arguments and the upstream call budget (default 200)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearCalls());

  it('refuses 5,000 ids in an inline fragment and 150 representations in a named one, with no upstream call', async () => {
    const inline = await stack.gql('query Sneaky_Inline($ids: [ID!]!) { ... on Query { identities(ids: $ids) { id } } }', { ids: ids(5_000) });
    const named = await stack.gql(
      'query Sneaky_Named($r: [_Any!]!) { ...Entities } fragment Entities on Query { ... on Query { _entities(representations: $r) { ... on Identity { id } } } }',
      { r: representations(150) },
    );
    for (const refused of [inline, named]) {
      expect(refused.status).toBe(400);
      expect(refused.errors).toHaveLength(1);
      expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(refused.errors![0].message).toMatch(/takes at most 100 items/);
    }
    expect(upstreamCalls(stack)).toBe(0);
  });

  it('decides the same operation text again for each request: a remembered refusal is refused alike, other lengths run', async () => {
    const query = 'query Repeated($r: [_Any!]!) { _entities(representations: $r) { ... on Identity { id } } }';
    const refusals = [];
    for (let i = 0; i < 3; i++) refusals.push(await stack.gql(query, { r: representations(101) }));
    const withoutRequestId = (error: { extensions?: Record<string, unknown> }) => ({ ...error, extensions: { ...error.extensions, requestId: undefined } });
    for (const refused of refusals) {
      expect(refused.status).toBe(400);
      expect(refused.errors).toHaveLength(1);
      expect(withoutRequestId(refused.errors![0])).toEqual(withoutRequestId(refusals[0].errors![0]));
      expect(refused.errors![0].message).toBe('_entities(representations:) takes at most 100 items; got 101. Split the request.');
    }
    // Each refusal is annotated for its own request, not a copy of the first.
    expect(new Set(refusals.map((refused) => refused.errors![0].extensions?.requestId)).size).toBe(3);
    expect(upstreamCalls(stack)).toBe(0);

    const answered = await stack.gql(query, { r: [{ __typename: 'Identity', id: ALICE_AUTH0 }] });
    expect(answered.status).toBe(200);
    expect(answered.errors).toBeUndefined();
    expect(answered.data).toEqual({ _entities: [{ id: ALICE_AUTH0 }] });
    expect((await stack.gql(query, { r: representations(102) })).errors![0].message).toMatch(/got 102\./);
  });

  it('answers an operation over the cost limit with HTTP 400 and COST_ESTIMATED_TOO_EXPENSIVE, and runs two hops of 10', async () => {
    const hops = (n: number) =>
      `query Hops($id: ID!) { identity(id: $id) { relationships(first: ${n}) { nodes { related { displayName relationships(first: ${n}) { nodes { related { displayName } } } } } } } }`;
    const refused = await stack.gql(hops(50), { id: ALICE_AUTH0 });
    expect(refused.status).toBe(400);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors![0].extensions).toMatchObject({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: 7754, maxCost: 5000 });
    expect(refused.errors![0].message).toMatch(/each `relationships\(first: N\)` multiplies its subtree/);
    expect(upstreamCalls(stack)).toBe(0);

    const profile = await stack.gql(hops(10), { id: ALICE_AUTH0 });
    expect(profile.status).toBe(200);
    expect(profile.errors).toBeUndefined();
  });

  it('refuses 15 aliases x 100 ids before any upstream call, naming the budget', async () => {
    const aliases = Array.from({ length: 15 }, (_, i) => `a${i}: identities(ids: $ids) { id }`).join(' ');
    const refused = await stack.gql(`query Aliased($ids: [ID!]!) { ${aliases} }`, { ids: ids(100) });
    expect(refused.status).toBe(400);
    expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstreamBudget: 200 });
    expect(refused.errors![0].message).toMatch(/about 1500 upstream calls, over the budget of 200/);
    expect(refused.data).toBeUndefined();
    expect(upstreamCalls(stack)).toBe(0);
  });

  it('runs normal queries: the README query, 100 representations, and two aliases of 100 ids (exactly the budget)', async () => {
    const readme = await stack.gql(ALICE_QUERY);
    expect(readme.errors).toBeUndefined();
    expect((readme.data as { identity: { displayName: string } }).identity.displayName).toBeTruthy();

    const entities = await stack.gql('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Identity { id } } }', { r: representations(100) });
    expect(entities.errors).toBeUndefined();

    const twice = await stack.gql('query ($ids: [ID!]!) { a: identities(ids: $ids) { id } b: identities(ids: $ids) { id } }', { ids: ids(100) });
    expect(twice.errors).toBeUndefined();
  });

  it('labels refused operations in the metrics with a fixed value, never their client-chosen names', async () => {
    await stack.gql('query Sneaky_Metrics($ids: [ID!]!) { ... on Query { identities(ids: $ids) { id } } }', { ids: ids(101) });
    const text = await (await fetch(`http://127.0.0.1:${stack.subgraph.port}/metrics`)).text();
    expect(text).not.toMatch(/Sneaky_/);
    expect(text).toMatch(/identity_graphql_operation_duration_seconds_count\{type="query",name="not_executed"\}/);
  });
});

describe('the upstream call budget while the request runs', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { REQUEST_UPSTREAM_BUDGET: '3' } });
    // The Auth0 management token is the subgraph's own call, outside any request's budget; fetch it first.
    await stack.gql(`{ identity(id: "${ALICE_AUTH0}") { id } }`);
  });
  afterAll(() => stack.close());

  it('a call beyond the budget fails as a located BAD_USER_INPUT error without reaching the provider; the rest resolves', async () => {
    stack.clearCalls();
    const response = await stack.gql(ALICE_QUERY);
    expect(upstreamCalls(stack)).toBe(3);
    expect(response.status).toBe(200);
    expect((response.data as { identity: { id: string } | null }).identity?.id).toBe(ALICE_AUTH0);
    const overBudget = (response.errors ?? []).filter((error) => error.extensions?.code === 'BAD_USER_INPUT');
    expect(overBudget.length).toBeGreaterThan(0);
    for (const error of overBudget) {
      expect(error.extensions).toMatchObject({ upstreamBudget: 3, retryable: false });
      expect(error.path?.length).toBeGreaterThan(1);
      expect(error.message).toMatch(/budget of 3 upstream calls/);
    }
  });
});

describe('operation text size and the caches keyed by it', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  /** `{ __typename }` padded with a comment to exactly `bytes` bytes. */
  const paddedOperation = (bytes: number, tag = '') => {
    const head = `{ __typename } #${tag}`;
    return head + 'x'.repeat(bytes - Buffer.byteLength(head));
  };

  it('accepts an operation of 64 KB and refuses one byte more with HTTP 413 BAD_USER_INPUT', async () => {
    const atLimit = await stack.gql(paddedOperation(64 * 1024));
    expect(atLimit.status).toBe(200);
    expect(atLimit.errors).toBeUndefined();
    const over = await stack.gql(paddedOperation(64 * 1024 + 1));
    expect(over.status).toBe(413);
    expect(over.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(over.errors![0].message).toMatch(/longer than 65536 bytes/);
  });

  it('counts the text of every operation it keeps, in bytes', async () => {
    const { documents, tokenLimit } = stack.subgraph.app.operationCaches;
    const before = documents.held;
    for (let i = 0; i < 20; i++) expect((await stack.gql(paddedOperation(60_000, `${i}-`))).errors).toBeUndefined();
    expect(documents.held.entries - before.entries).toBe(20);
    expect(documents.held.bytes - before.bytes).toBeGreaterThanOrEqual(20 * 60_000);
    expect(documents.held.bytes).toBeLessThanOrEqual(DOCUMENT_STORE_MAX_BYTES);
    expect(tokenLimit.remembered.bytes).toBeGreaterThanOrEqual(20 * 60_000);
  });
});

describe('request timeout (REQUEST_TIMEOUT_MS)', () => {
  let stack: Stack;
  let token: string;
  beforeAll(async () => {
    stack = await startStack({ env: { REQUEST_TIMEOUT_MS: '1500' } });
    token = await stack.token();
  });
  afterAll(() => stack.close());

  /**
   * Sends a POST's headers announcing `contentLength` body bytes, then one body byte per
   * `intervalMs` (none when 0) until the server answers or closes; returns what came back and
   * how many body bytes had gone out by then.
   */
  function slowClient(contentLength: number, intervalMs: number): Promise<{ answer: string; bytesSent: number }> {
    return new Promise((resolve) => {
      const socket = net.connect(stack.subgraph.port, '127.0.0.1');
      let answer = '';
      let bytesSent = 0;
      socket.write(
        `POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nauthorization: Bearer ${token}\r\ncontent-length: ${contentLength}\r\n\r\n`,
      );
      const trickle =
        intervalMs > 0
          ? setInterval(() => {
              if (bytesSent < contentLength && socket.writable) {
                socket.write(' ');
                bytesSent++;
              }
            }, intervalMs)
          : undefined;
      socket.on('data', (chunk) => {
        answer += chunk.toString('utf8');
      });
      socket.on('error', () => undefined); // the server may reset a connection it cut
      socket.on('close', () => {
        clearInterval(trickle);
        resolve({ answer, bytesSent });
      });
    });
  }

  it('cuts off a body trickling in at 1 byte/s with a 408 long before it is complete', async () => {
    const { answer, bytesSent } = await slowClient(120, 1_000);
    expect(bytesSent).toBeLessThan(120);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers a silent body with 408 and closes the connection', async () => {
    const { answer, bytesSent } = await slowClient(50, 0);
    expect(bytesSent).toBe(0);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('still serves a request whose body arrives in time', async () => {
    const response = await stack.gql('{ __typename }');
    expect(response.status).toBe(200);
  });
});
