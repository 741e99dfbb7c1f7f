import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LinkIdentitiesDocument } from '../../generated/graphql';
import { DEMO_PEOPLE, DEMO_STANDALONE_AUTH0_USERS } from '../../src/emulators/seed';
import { startStack, type Stack } from '../support/stack';

const [, bob, carol] = DEMO_PEOPLE;
const [bobWork] = DEMO_STANDALONE_AUTH0_USERS;
const SECRET = 'router-invalidation-shared-key-1';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** A stand-in for the router's invalidation endpoint: records each request, answers as the router does (201, `{ count }`). */
async function startInvalidationEndpoint(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ count: 1 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/invalidation`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function invalidations(stack: Stack): Promise<string> {
  return stack.subgraph.metrics.registry.getSingleMetricAsString('identity_router_invalidations_total');
}

describe('router cache invalidation after mutations', () => {
  let endpoint: Awaited<ReturnType<typeof startInvalidationEndpoint>>;
  let stack: Stack;
  beforeAll(async () => {
    endpoint = await startInvalidationEndpoint();
    stack = await startStack({ env: { ROUTER_INVALIDATION_URL: endpoint.url, ROUTER_INVALIDATION_SECRET: SECRET } });
  });
  afterAll(async () => {
    await stack.close();
    await endpoint.close();
  });

  it("a successful mutation posts the touched identities' cache tags, with the shared key, before it answers", async () => {
    const primaryId = `verato:CRM:${bob.crmId}`;
    const secondaryId = `verato:AUTH0:${bobWork.userId}`;
    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId, secondaryId } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.linkIdentities.userErrors).toEqual([]);

    expect(endpoint.received).toHaveLength(1);
    const [request] = endpoint.received;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/invalidation');
    expect(request.headers.authorization).toBe(SECRET);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual([
      { kind: 'cache_tag', subgraphs: ['identity'], cache_tag: `identity-${primaryId}` },
      { kind: 'cache_tag', subgraphs: ['identity'], cache_tag: `identity-${secondaryId}` },
    ]);
    expect(await invalidations(stack)).toContain('identity_router_invalidations_total{result="sent"} 1');
  });

  it('a mutation that changed nothing (a userError) posts nothing', async () => {
    endpoint.received.length = 0;
    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${carol.crmId}`, secondaryId: 'verato:CRM:CRM-404' } });
    expect(result.data!.linkIdentities.userErrors).not.toEqual([]);
    expect(endpoint.received).toEqual([]);
  });
});

describe('router cache invalidation to a dead endpoint', () => {
  let stack: Stack;
  const logLines: string[] = [];
  beforeAll(async () => {
    const endpoint = await startInvalidationEndpoint();
    await endpoint.close();
    stack = await startStack({ env: { ROUTER_INVALIDATION_URL: endpoint.url, ROUTER_INVALIDATION_SECRET: SECRET }, logLines });
  });
  afterAll(() => stack.close());

  it('leaves the mutation successful; a warning (without URL or secret) and the failed counter say so', async () => {
    const primaryId = `verato:CRM:${bob.crmId}`;
    const secondaryId = `verato:AUTH0:${bobWork.userId}`;
    const result = await stack.gql(LinkIdentitiesDocument, { input: { primaryId, secondaryId } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.linkIdentities.userErrors).toEqual([]);
    expect(result.data!.linkIdentities.primary?.id).toBe(primaryId);

    expect(await invalidations(stack)).toContain('identity_router_invalidations_total{result="failed"} 1');
    const warnings = logLines.filter((line) => line.includes('router cache invalidation failed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain(SECRET);
    expect(warnings[0]).not.toContain('127.0.0.1');
  });
});
