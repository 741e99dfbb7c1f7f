import { print } from 'graphql';
import { LinkIdentifierDocument, LinkIdentitiesDocument, UnlinkIdentitiesDocument } from '../../generated/graphql';
import { DEMO_PEOPLE } from '../../src/emulators/seed';
import { startStack, type Stack } from '../support/stack';

/**
 * When the subgraph's idempotency store keeps a key and when it frees it (src/mutations/run.ts):
 * kept with its outcome once a write was sent and answered; freed when the attempt wrote nothing,
 * so the same key works again once the request is fixed.
 */

const [alice, bob, carol, dan] = DEMO_PEOPLE;
const identifier = (tag: string) => `${tag}${'0123456789abcdef'.repeat(4)}`.slice(0, 48);
const LINK_IDENTIFIER = '/api/v2/user/link-identifier';

describe('idempotency keys', () => {
  let stack: Stack;
  let bobToken: string;
  beforeAll(async () => {
    stack = await startStack();
    bobToken = await stack.emulators.btcdirect!.loginUser(bob.email, bob.btcPassword);
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearCalls());

  const linkIdentifier = (input: { identifier: string; idempotencyKey: string }, userToken: string) =>
    stack.gql(LinkIdentifierDocument, { input }, { 'x-btcdirect-user-authorization': `Bearer ${userToken}` });

  it('a BTC Direct user token refused before writing frees the key: the same key with a valid token links', async () => {
    const input = { identifier: identifier('bobretry'), idempotencyKey: 'btc-bogus-then-valid' };
    const refused = await linkIdentifier(input, 'not-a-real-token');
    expect(refused.data!.linkIdentifier.userErrors).toMatchObject([{ code: 'USER_TOKEN_INVALID', providerCode: 'ER702' }]);
    expect(stack.emulators.btcdirect!.store.ownerOf(input.identifier)).toBeUndefined();

    const fixed = await linkIdentifier(input, bobToken);
    expect(fixed.errors).toBeUndefined();
    expect(fixed.data!.linkIdentifier).toMatchObject({ identity: { id: `btcdirect:${input.identifier}` }, userErrors: [] });
    expect(stack.emulators.btcdirect!.store.ownerOf(input.identifier)?.email).toBe(bob.email);

    // Now the key holds the success: a repeat replays it without another call, and says so.
    expect(fixed.data!.linkIdentifier.replayed).toBe(false);
    const replay = await linkIdentifier(input, bobToken);
    expect(replay.data!.linkIdentifier).toEqual({ ...fixed.data!.linkIdentifier, replayed: true });
    expect(stack.emulators.btcdirect!.countCalls('POST', LINK_IDENTIFIER)).toBe(2);
  });

  it('a refusal of a write that was sent and answered stays with the key (IDENTIFIER_IN_USE is replayed)', async () => {
    const input = { identifier: alice.btcIdentifier, idempotencyKey: 'btc-in-use' };
    const first = await linkIdentifier(input, bobToken);
    expect(first.data!.linkIdentifier.userErrors).toMatchObject([{ code: 'IDENTIFIER_IN_USE', providerCode: 'ER706' }]);
    const again = await linkIdentifier(input, bobToken);
    expect(again.data!.linkIdentifier).toEqual({ ...first.data!.linkIdentifier, replayed: true });
    expect(stack.emulators.btcdirect!.countCalls('POST', LINK_IDENTIFIER)).toBe(1);
  });

  it('a refusal found before writing (no user_linked relationship to delete) frees the key', async () => {
    const input = { primaryId: `verifa:${dan.verifaId}`, secondaryId: `verifa:${carol.verifaId}`, idempotencyKey: 'verifa-unlink-early' };
    const notLinked = await stack.gql(UnlinkIdentitiesDocument, { input });
    expect(notLinked.data!.unlinkIdentities.userErrors).toMatchObject([{ code: 'NOT_LINKED' }]);

    const linked = await stack.gql(LinkIdentitiesDocument, { input: { primaryId: input.primaryId, secondaryId: input.secondaryId } });
    expect(linked.data!.linkIdentities.userErrors).toEqual([]);

    const unlinked = await stack.gql(UnlinkIdentitiesDocument, { input });
    expect(unlinked.errors).toBeUndefined();
    expect(unlinked.data!.unlinkIdentities.userErrors).toEqual([]);
    expect(stack.emulators.verifa!.countCalls('DELETE', `/api/v1/identities/${dan.verifaId}/relationships/`)).toBe(1);
  });
});

describe('a replay over HTTP', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('carries replayed: true and an Idempotent-Replayed: true header; the first answer neither', async () => {
    const bobToken = await stack.emulators.btcdirect!.loginUser(bob.email, bob.btcPassword);
    const body = JSON.stringify({ query: print(LinkIdentifierDocument), variables: { input: { identifier: identifier('header'), idempotencyKey: 'replay-header' } } });
    const send = async () => {
      const response = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await stack.token()}`, 'x-btcdirect-user-authorization': `Bearer ${bobToken}` },
        body,
      });
      const result = (await response.json()) as { data: { linkIdentifier: { replayed: boolean; userErrors: unknown[] } } };
      return { header: response.headers.get('idempotent-replayed'), payload: result.data.linkIdentifier };
    };
    const first = await send();
    expect(first).toMatchObject({ header: null, payload: { replayed: false, userErrors: [] } });
    const again = await send();
    expect(again).toMatchObject({ header: 'true', payload: { replayed: true, userErrors: [] } });
    expect(stack.emulators.btcdirect!.countCalls('POST', LINK_IDENTIFIER)).toBe(1);
  });
});

describe('IDEMPOTENCY_MAX_KEYS', () => {
  let stack: Stack;
  let bobToken: string;
  beforeAll(async () => {
    stack = await startStack({ env: { IDEMPOTENCY_MAX_KEYS: '2' } });
    bobToken = await stack.emulators.btcdirect!.loginUser(bob.email, bob.btcPassword);
  });
  afterAll(() => stack.close());

  it('keeps only the most recently used keys: an evicted key runs again', async () => {
    const send = (key: string) =>
      stack.gql(LinkIdentifierDocument, { input: { identifier: identifier(key), idempotencyKey: key } }, { 'x-btcdirect-user-authorization': `Bearer ${bobToken}` });
    const posts = () => stack.emulators.btcdirect!.countCalls('POST', LINK_IDENTIFIER);

    for (const key of ['keya', 'keyb', 'keyc']) expect((await send(key)).data!.linkIdentifier.userErrors).toEqual([]);
    expect(posts()).toBe(3);

    await send('keyc'); // kept: replayed
    expect(posts()).toBe(3);
    await send('keya'); // evicted by keyc: sent again (linking it again is a no-op at BTC Direct)
    expect(posts()).toBe(4);
  });
});
