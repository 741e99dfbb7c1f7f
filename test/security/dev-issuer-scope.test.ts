import { startStack, type Stack } from '../support/stack';

/**
 * With providers outside the process the subgraph verifies callers against AUTH_* only: no
 * all-scopes token in the playground page, no anonymous reads.
 */
describe('providers outside the process: no dev-issuer privileges', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { DEV_ANONYMOUS_READ: 'true' } });
  });
  afterAll(() => stack.close());

  it('the playground page carries no token', async () => {
    const response = await fetch(stack.url, { headers: { accept: 'text/html' } });
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html.includes('renderYogaGraphiQL')).toBe(true);
    expect(/Bearer\s/.test(html)).toBe(false);
  });

  it('a request without a token is refused (401), with no upstream call', async () => {
    stack.clearCalls();
    const result = await stack.gql('{ identity(id: "verifa:idn_alice0000000001") { displayName } }', undefined, { authorization: '' });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(stack.emulators.all.reduce((n, emulator) => n + emulator.calls.length, 0)).toBe(0);
  });

  it('a token of the configured issuer is accepted', async () => {
    const token = await stack.token({ scopes: ['identities:read'] });
    const result = await stack.gql('{ identity(id: "verifa:idn_alice0000000001") { displayName } }', undefined, { authorization: `Bearer ${token}` });
    expect(result.errors).toBeUndefined();
  });
});
