import type { IdentityQueryReply } from '../providers/verato/wire';
import { createMetrics } from '../observability/metrics';
import { UpstreamCallBudget } from '../providers/http/budget';
import { UpstreamUnavailableError } from '../providers/http/errors';
import type { ProviderClients } from '../providers/provider-clients';
import { ProviderReadError } from '../providers/read-error';
import { DEFAULT_SOURCE_MAP, parseSourceMap } from '../providers/verato/source-map';
import { parseGlobalId } from '../domain/global-id';
import { CoalescedUserReads, type UserReadCalls } from '../providers/auth0/user-reads';
import { createLoaders } from './create-loaders';

/** A fake Auth0 client's reads, with `readUsers` made of them as the real client does (no rate budget configured). */
function auth0Reads<T extends Pick<UserReadCalls, 'getUser' | 'searchUsersByIds'>>(calls: T) {
  const reads = new CoalescedUserReads({ ...calls, rateBudgeted: false, reserveBudgetCall: () => Promise.reject(new Error('no rate budget')) }, 50);
  return { ...calls, readUsers: (ctx: Parameters<UserReadCalls['getUser']>[0], ids: readonly string[]) => reads.read(ctx, ids) };
}

const BTC_ID = 'a1c3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3';

/** A cluster of three records as Verato's GROUP_BY_SOURCE answers it. */
const CLUSTER_REPLY: IdentityQueryReply = {
  linkId: 'L-1',
  identity: { names: [{ first: 'Alice', last: 'Martin' }] },
  identityGroupedBySource: [
    { source: { name: 'AUTH0', id: 'auth0|a1' } },
    { source: { name: 'VERIFA', id: 'idn_alice' } },
    { source: { name: 'CRM', id: 'CRM-1' } },
  ],
};

/** More than one page of Verifa relationships (its pages hold at most 100). */
const ALICE_VERIFA_RELATIONSHIPS = Array.from({ length: 120 }, (_, n) => ({
  id: `idrel_${n}`,
  source_identity_id: 'idn_alice',
  related_identity_id: `idn_r${n}`,
  relationship_type: 'family_member',
  created_at: new Date(Date.UTC(2024, 0, 1, 0, n)).toISOString(),
}));

/** Fake provider clients: each method records its calls and answers from the small dataset above. */
function fakeClients() {
  const calls: string[] = [];
  const clients = {
    verato: {
      nativeIdQuery: jest.fn(async (_ctx: unknown, source: { name: string; id: string }) => {
        calls.push(`verato nativeIdQuery ${source.name}:${source.id}`);
        return CLUSTER_REPLY.identityGroupedBySource!.some((g) => g.source?.name === source.name && g.source.id === source.id) ? CLUSTER_REPLY : null;
      }),
      identityIdQuery: jest.fn(async (_ctx: unknown, linkId: string) => {
        calls.push(`verato identityIdQuery ${linkId}`);
        return linkId === 'L-1' ? CLUSTER_REPLY : null;
      }),
      searchRelationships: jest.fn(async (_ctx: unknown, linkId: string) => {
        calls.push(`verato searchRelationships ${linkId}`);
        return [1, 2, 3].map((n) => ({ id: `rel-${n}`, subjectVeratoId: linkId, objectVeratoId: `L-${n + 1}`, relationshipVerb: 'is parent of' }));
      }),
    },
    verifa: {
      getIdentity: jest.fn(async (_ctx: unknown, id: string) => {
        calls.push(`verifa getIdentity ${id}`);
        return id === 'idn_missing' ? null : { id, status: 'approved' };
      }),
      listRelationships: jest.fn(async (_ctx: unknown, id: string, page: { limit: number; offset: number }) => {
        calls.push(`verifa listRelationships ${id} ${page.limit} ${page.offset}`);
        const all = id === 'idn_alice' ? ALICE_VERIFA_RELATIONSHIPS : [];
        return { data: all.slice(page.offset, page.offset + page.limit), pagination: { total: all.length, limit: page.limit, offset: page.offset } };
      }),
    },
    auth0: auth0Reads({
      getUser: jest.fn(async (_ctx: unknown, userId: string) => {
        calls.push(`auth0 getUser ${userId}`);
        return { user_id: userId, name: 'exact' };
      }),
      searchUsersByIds: jest.fn(async (_ctx: unknown, userIds: readonly string[]) => {
        calls.push(`auth0 searchUsersByIds ${userIds.join(',')}`);
        return userIds.filter((id) => id !== 'auth0|unknown').map((id) => ({ user_id: id, name: 'searched' }));
      }),
    }),
    btcdirect: {
      getUserInfo: jest.fn(async (_ctx: unknown, identifier: string) => {
        calls.push(`btcdirect getUserInfo ${identifier}`);
        return {};
      }),
    },
    sourceMap: parseSourceMap(DEFAULT_SOURCE_MAP),
  };
  return { clients: clients as unknown as ProviderClients, fakes: clients, calls };
}

function setUp() {
  const { clients, fakes, calls } = fakeClients();
  const metrics = createMetrics();
  const call = { requestId: 'req-1', deadline: Date.now() + 10_000, budget: new UpstreamCallBudget(100) };
  return { loaders: createLoaders(clients, call, metrics), fakes, calls, metrics };
}

describe('createLoaders: identity', () => {
  it('routes each id to its own provider, duplicates collapsed', async () => {
    const { loaders, calls } = setUp();
    const ids = ['verifa:idn_a', 'verifa:idn_a', `btcdirect:${BTC_ID}`, 'verato:CRM:CRM-1', 'verifa:idn_b'];
    const records = await Promise.all(ids.map((id) => loaders.identity(id)));
    expect(records.map((r) => r?.id)).toEqual(ids);
    expect(calls.sort()).toEqual([
      `btcdirect getUserInfo ${BTC_ID}`,
      'verato nativeIdQuery CRM:CRM-1',
      'verifa getIdentity idn_a',
      'verifa getIdentity idn_b',
    ]);
  });

  it('takes a parsed id as well as its text', async () => {
    const { loaders, calls } = setUp();
    await loaders.identity(parseGlobalId('verifa:idn_a'));
    await loaders.identity('verifa:idn_a');
    expect(calls).toEqual(['verifa getIdentity idn_a']);
  });

  it('reads several Auth0 users with one search, and a lone user exactly', async () => {
    const { loaders, calls } = setUp();
    const [a, b, unknown] = await Promise.all(['auth0:auth0|a', 'auth0:auth0|b', 'auth0:auth0|unknown'].map((id) => loaders.identity(id)));
    expect([a?.displayName, b?.displayName, unknown]).toEqual(['searched', 'searched', null]);
    expect(await loaders.identity('auth0:auth0|c')).toMatchObject({ displayName: 'exact' });
    expect(calls).toEqual(['auth0 searchUsersByIds auth0|a,auth0|b,auth0|unknown', 'auth0 getUser auth0|c']);
  });

  it('a failing key fails alone, and an untyped failure names its provider', async () => {
    const { loaders, fakes } = setUp();
    fakes.verifa.getIdentity.mockImplementation(async (_ctx: unknown, id: string) => {
      if (id === 'idn_down') throw new UpstreamUnavailableError({ provider: 'verifa', method: 'GET', pathTemplate: '/identities/{id}', status: 503 });
      if (id === 'idn_bug') throw new TypeError('cannot read');
      return { id, status: 'approved' };
    });
    const [ok, down, bug] = await Promise.allSettled(['verifa:idn_ok', 'verifa:idn_down', 'verifa:idn_bug'].map((id) => loaders.identity(id)));
    expect(ok.status).toBe('fulfilled');
    expect(down).toMatchObject({ status: 'rejected', reason: expect.any(UpstreamUnavailableError) });
    expect(bug).toMatchObject({ status: 'rejected', reason: expect.any(ProviderReadError) });
    expect((bug as PromiseRejectedResult).reason.provider).toBe('verifa');
  });

  it('records every batch size under the loader name', async () => {
    const { loaders, metrics } = setUp();
    await Promise.all(['verifa:idn_a', 'verifa:idn_b'].map((id) => loaders.identity(id)));
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/loader="verifaIdentity"/);
  });
});

describe('createLoaders: Verato records', () => {
  it("finds another provider's identity under its source code, and primes every member of the cluster from one reply", async () => {
    const { loaders, calls } = setUp();
    const record = await loaders.veratoRecordFor('auth0:auth0|a1');
    expect(record?.cluster?.linkId).toBe('L-1');
    // The other members come from the same reply: no second query.
    await loaders.veratoRecordFor('verifa:idn_alice');
    expect((await loaders.identity('verato:CRM:CRM-1'))?.id).toBe('verato:CRM:CRM-1');
    expect(calls).toEqual(['verato nativeIdQuery AUTH0:auth0|a1']);
  });

  it('collapses a Verato id and the other-provider id of the same source record into one key', async () => {
    const { loaders, calls } = setUp();
    await Promise.all([loaders.veratoRecordFor('verato:AUTH0:auth0|a1'), loaders.veratoRecordFor('auth0:auth0|a1')]);
    expect(calls).toEqual(['verato nativeIdQuery AUTH0:auth0|a1']);
  });

  it('a cluster read by Link ID names its representative and primes its members', async () => {
    const { loaders, calls } = setUp();
    const lookup = await loaders.veratoCluster.load('L-1');
    expect(lookup?.representativeId).toBe('auth0:auth0|a1');
    await loaders.veratoRecordFor('verato:CRM:CRM-1');
    expect(calls).toEqual(['verato identityIdQuery L-1']);
  });
});

describe('createLoaders: personRelationships', () => {
  it("reads a person's relationships whole, the same from each of their ids: every Verifa page of the cluster's Verifa identities and the cluster's Verato ones, each read once", async () => {
    const { loaders, calls } = setUp();
    const answers = [];
    // One after the other: the first cluster read primes the other members' records.
    for (const id of ['auth0:auth0|a1', 'verifa:idn_alice', 'verato:CRM:CRM-1']) answers.push(await loaders.personRelationships(id));
    for (const answer of answers) {
      expect(answer.failures).toEqual([]);
      expect(answer.records.map((r) => r.id)).toEqual(answers[0].records.map((r) => r.id));
    }
    const records = answers[0].records;
    expect(records).toHaveLength(123);
    expect(new Set(records.map((r) => r.id)).size).toBe(123);
    // Verifa's first, oldest first; then Verato's.
    expect(records[0]).toMatchObject({ provider: 'verifa', label: 'family_member', relatedId: 'verifa:idn_r0' });
    expect(records.slice(-3).map((r) => r.id)).toEqual(['verato:rel-1', 'verato:rel-2', 'verato:rel-3']);
    expect(calls.sort()).toEqual([
      'verato nativeIdQuery AUTH0:auth0|a1',
      'verato searchRelationships L-1',
      'verifa listRelationships idn_alice 100 0',
      'verifa listRelationships idn_alice 100 100',
    ]);
  });

  it('an identity Verato does not know has only its own: none for BTC Direct, its Verifa ones for Verifa', async () => {
    const { loaders, calls } = setUp();
    await expect(loaders.personRelationships(`btcdirect:${BTC_ID}`)).resolves.toEqual({ records: [], failures: [] });
    await expect(loaders.personRelationships('verifa:idn_a')).resolves.toEqual({ records: [], failures: [] });
    expect(calls.filter((c) => c.startsWith('verifa'))).toEqual(['verifa listRelationships idn_a 100 0']);
  });

  it("Verato down: a Verifa identity still lists its own, with Verato's error beside them; any other identity's read fails", async () => {
    const { loaders, fakes } = setUp();
    const down = new UpstreamUnavailableError({ provider: 'verato', method: 'POST', pathTemplate: '/link-ws/svc/v2/nativeIdQuery', status: 503 });
    fakes.verato.nativeIdQuery.mockRejectedValue(down);
    const verifa = await loaders.personRelationships('verifa:idn_alice');
    expect(verifa.records).toHaveLength(120);
    expect(verifa.failures).toEqual([down]);
    await expect(loaders.personRelationships('auth0:auth0|a1')).rejects.toBe(down);
  });
});

describe('createLoaders: forget', () => {
  it('reads a touched identity again, an untouched one from the request cache', async () => {
    const { loaders, calls } = setUp();
    await Promise.all([loaders.identity('verifa:idn_a'), loaders.identity('verifa:idn_b')]);
    loaders.forget(['verifa:idn_a']);
    await Promise.all([loaders.identity('verifa:idn_a'), loaders.identity('verifa:idn_b')]);
    expect(calls.filter((c) => c === 'verifa getIdentity idn_a')).toHaveLength(2);
    expect(calls.filter((c) => c === 'verifa getIdentity idn_b')).toHaveLength(1);
  });

  it('reads an Auth0 user written in this request exactly (GET), even inside a batch, since the search lags', async () => {
    const { loaders, calls } = setUp();
    await loaders.identity('auth0:auth0|a');
    loaders.forget(['auth0:auth0|a']);
    calls.length = 0;
    await Promise.all([loaders.identity('auth0:auth0|a'), loaders.identity('auth0:auth0|b')]);
    expect(calls.sort()).toEqual(['auth0 getUser auth0|a', 'auth0 getUser auth0|b']);
  });

  it('drops every cluster and relationship read, whichever ids were touched', async () => {
    const { loaders, calls } = setUp();
    await Promise.all([
      loaders.veratoRecordFor('auth0:auth0|a1'),
      loaders.veratoCluster.load('L-1'),
      loaders.personRelationships('auth0:auth0|a1'),
      loaders.personRelationships('verifa:idn_a'),
    ]);
    const before = calls.length;
    loaders.forget([`btcdirect:${BTC_ID}`]);
    await Promise.all([
      loaders.veratoRecordFor('auth0:auth0|a1'),
      loaders.veratoCluster.load('L-1'),
      loaders.personRelationships('auth0:auth0|a1'),
      loaders.personRelationships('verifa:idn_a'),
    ]);
    expect(calls.slice(before).sort()).toEqual([
      'verato identityIdQuery L-1',
      'verato nativeIdQuery AUTH0:auth0|a1',
      'verato nativeIdQuery VERIFA:idn_a',
      'verato searchRelationships L-1',
      'verifa listRelationships idn_a 100 0',
      'verifa listRelationships idn_alice 100 0',
      'verifa listRelationships idn_alice 100 100',
    ]);
  });
});
