import 'reflect-metadata';
import { buildIdentitySubgraphSchema } from '../schema/build-subgraph-schema';
import { cacheControlFor, personalFields, type CacheFacts } from './cache-control';

const TTLS = { verato: 120, verifa: 45, auth0: 30, btcdirect: 0 };
const read = (overrides: Partial<CacheFacts>): CacheFacts => ({ operationType: 'query', hasErrors: false, providersRead: new Set(['verato']), personal: false, ...overrides });

describe('cacheControlFor', () => {
  it('is the smallest TTL of the providers read, public or private', () => {
    expect(cacheControlFor(read({ providersRead: new Set(['verato', 'verifa']) }), TTLS)).toBe('max-age=45, public');
    expect(cacheControlFor(read({ personal: true }), TTLS)).toBe('max-age=120, private');
  });

  it('is no-store for mutations, errors, a provider without cache, and a response that read no provider', () => {
    expect(cacheControlFor(read({ operationType: 'mutation' }), TTLS)).toBe('no-store');
    expect(cacheControlFor(read({ operationType: null }), TTLS)).toBe('no-store');
    expect(cacheControlFor(read({ hasErrors: true }), TTLS)).toBe('no-store');
    expect(cacheControlFor(read({ providersRead: new Set(['auth0', 'btcdirect']) }), TTLS)).toBe('no-store');
    expect(cacheControlFor(read({ providersRead: new Set() }), TTLS)).toBe('no-store');
  });
});

describe('personalFields', () => {
  it('are the fields whose @requiresScopes asks more than identities:read', () => {
    const fields = personalFields(buildIdentitySubgraphSchema());
    expect(fields).toContain('Identity.birthDate');
    expect(fields).toContain('Identity.documentNumber');
    expect(fields).not.toContain('Identity.displayName');
    expect(fields).not.toContain('Query.identity');
  });
});
