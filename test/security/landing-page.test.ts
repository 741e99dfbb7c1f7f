import http from 'node:http';
import { startStack, type Stack } from '../support/stack';

/**
 * Only a bare GET (no query string) may get the playground page without the caller gates; any
 * GET with an operation goes through them like a POST. A browser reloading a GraphiQL address
 * (`?query=…`) is sent to the bare page instead, with nothing run.
 */

const SDL_QUERY = `?query=${encodeURIComponent('{_service{sdl}}')}`;
const upstreamCalls = (stack: Stack) => stack.emulators.all.reduce((n, emulator) => n + emulator.calls.length, 0);

function get(stack: Stack, search: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${stack.url}${search}`, { headers, redirect: 'manual' });
}

/** A GET as a browser's page load sends it (fetch() would replace the Sec-Fetch-Mode header). */
function navigate(url: URL): Promise<{ status: number; location: string | undefined; body: string }> {
  const headers = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, location: res.headers.location, body }));
      })
      .on('error', reject);
  });
}

describe('GET /graphql in production, AUTH_* configured', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { NODE_ENV: 'production', PLAYGROUND: 'true', INTROSPECTION: 'true' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearCalls());

  it.each([
    ['application/json, text/html'],
    ['text/html'],
    ['text/html, application/json;q=0.9'],
  ])('an operation in the query string with Accept "%s" and no token is 401', async (accept) => {
    const response = await get(stack, SDL_QUERY, { accept, 'apollo-require-preflight': '1' });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('an identity read in the query string without a token is 401, with no upstream call', async () => {
    const search = `?query=${encodeURIComponent('{ identity(id: "verifa:idn_alice0000000001") { displayName } }')}`;
    const response = await get(stack, search, { accept: 'application/json, text/html', 'apollo-require-preflight': '1' });
    expect(response.status).toBe(401);
    expect(upstreamCalls(stack)).toBe(0);
  });

  it('with a valid token the same GET runs', async () => {
    const token = await stack.token({ scopes: ['identities:read'] });
    const response = await get(stack, SDL_QUERY, { accept: 'application/json, text/html', 'apollo-require-preflight': '1', authorization: `Bearer ${token}` });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { _service: { sdl: string } } }).data._service.sdl).toContain('type Identity');
  });

  it('a bare GET accepting HTML gets the page without a token', async () => {
    const response = await get(stack, '', { accept: 'text/html' });
    expect(response.status).toBe(200);
    expect((await response.text()).includes('renderYogaGraphiQL')).toBe(true);
  });

  it('a browser page load with a query string is sent to the bare page, running nothing', async () => {
    const search = `?query=${encodeURIComponent('{ identity(id: "verifa:idn_alice0000000001") { displayName } }')}`;
    for (const path of ['/graphql', '/']) {
      const response = await navigate(new URL(`${path}${search}`, stack.url));
      expect(response.status).toBe(303);
      expect(response.location).toBe(path);
      expect(response.body.includes('displayName')).toBe(false);
    }
    expect(upstreamCalls(stack)).toBe(0);
  });
});

describe('GET /graphql in production with the playground off (the default)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { NODE_ENV: 'production' } });
  });
  afterAll(() => stack.close());

  it('a browser page load with a query string is not redirected but refused: there is no page to go to', async () => {
    const response = await navigate(new URL(SDL_QUERY, stack.url));
    expect(response.status).toBe(401);
  });
});
