import { DeleteRelationshipDocument, LinkIdentitiesDocument, MergeIdentitiesDocument, UnmergeIdentitiesDocument } from '../../../generated/graphql';
import { SCOPES } from '../../security/scopes';
import { startInProcess, type InProcessSubgraph } from '../../../test/support/in-process';

/**
 * deleteRelationship and unmergeIdentities in process, against the emulators: dispatch by the
 * ids' provider, refusals as userErrors, idempotent replays, and a read after the write that
 * shows the new state (the write made the cached reads of what it touched stale). Also that a
 * mutation's `reason` reaches Verato as auditLogMap.
 */

const READ = `query Read($id: ID!) {
  identity(id: $id) {
    id
    status
    cluster { linkId }
    relationships(first: 10) { nodes { id type } }
  }
}`;
interface ReadData {
  identity: { id: string; status: string; cluster: { linkId: string } | null; relationships: { nodes: { id: string; type: string }[] } | null } | null;
}

let subgraph: InProcessSubgraph;
beforeAll(async () => {
  subgraph = await startInProcess();
});
afterAll(() => subgraph.close());
beforeEach(() => subgraph.reset());

let sequence = 0;
const unique = (prefix: string) => `${prefix}${++sequence}${Date.now().toString(36)}`;
const verato = () => subgraph.emulators.verato!;
const verifa = () => subgraph.emulators.verifa!;
const read = async (id: string) => (await subgraph.execute<ReadData>(READ, { id })).data!.identity!;
const callsTo = (emulator: { calls: { method: string; path: string }[] }, pattern: RegExp) => emulator.calls.filter((call) => pattern.test(`${call.method} ${call.path}`));

describe('deleteRelationship', () => {
  it('Verifa: a relationship read from one end, deleted by its id, is gone from both ends; a replay of the key sends nothing', async () => {
    const source = verifa().store.addIdentity();
    const related = verifa().store.addIdentity();
    verifa().store.addRelationship({ source_identity_id: source.id, related_identity_id: related.id, relationship_type: 'family_member' });
    const sourceId = `verifa:${source.id}`;
    const relatedId = `verifa:${related.id}`;
    const [listed] = (await read(sourceId)).relationships!.nodes;
    expect(listed).toMatchObject({ id: expect.stringMatching(/^verifa:rel_/), type: 'FAMILY_MEMBER' });
    expect((await read(relatedId)).relationships!.nodes).toEqual([listed]);

    const input = { id: listed.id, idempotencyKey: unique('del-verifa-') };
    const first = await subgraph.execute(DeleteRelationshipDocument, { input });
    expect(first.errors).toBeUndefined();
    expect(first.data!.deleteRelationship).toMatchObject({ deletedId: listed.id, replayed: false, userErrors: [] });
    expect(first.data!.deleteRelationship.identities.map((identity) => [identity.id, identity.relationships?.nodes])).toEqual(
      [[sourceId, []], [relatedId, []]].sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
    expect((await read(sourceId)).relationships!.nodes).toEqual([]);
    expect((await read(relatedId)).relationships!.nodes).toEqual([]);
    expect(callsTo(verifa(), /^DELETE /)).toHaveLength(1);

    const replay = await subgraph.execute(DeleteRelationshipDocument, { input });
    expect(replay.data!.deleteRelationship).toEqual({ ...first.data!.deleteRelationship, replayed: true });
    expect(callsTo(verifa(), /^DELETE /)).toHaveLength(1);

    const again = await subgraph.execute(DeleteRelationshipDocument, { input: { id: listed.id } });
    expect(again.data!.deleteRelationship).toMatchObject({ deletedId: null, identities: [], userErrors: [{ code: 'NOT_FOUND', field: 'id', provider: 'VERIFA' }] });
    expect(callsTo(verifa(), /^DELETE /)).toHaveLength(1);
  });

  it('Verifa: a system relationship is refused by Verifa (422) as an INVALID_INPUT userError on id, and is still listed', async () => {
    const source = verifa().store.addIdentity();
    const related = verifa().store.addIdentity();
    verifa().store.addRelationship({ source_identity_id: source.id, related_identity_id: related.id, relationship_type: 'same_phone' });
    const [listed] = (await read(`verifa:${related.id}`)).relationships!.nodes;
    const result = await subgraph.execute(DeleteRelationshipDocument, { input: { id: listed.id } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.deleteRelationship).toMatchObject({ deletedId: null, identities: [], userErrors: [{ code: 'INVALID_INPUT', field: 'id', provider: 'VERIFA', providerCode: 'validation_error' }] });
    expect((await read(`verifa:${source.id}`)).relationships!.nodes).toEqual([listed]);
  });

  it('Verato: removes the relationship by its id; a read after it no longer lists it from either end, and a replay sends nothing', async () => {
    const subject = verato().store.addSourceRecord({ source: { name: 'CRM', id: unique('DEL-A') } });
    const object = verato().store.addSourceRecord({ source: { name: 'CRM', id: unique('DEL-B') } });
    const relationship = verato().store.addRelationship({ relationshipVerb: 'is guardian for', subjectVeratoId: subject.linkId, objectVeratoId: object.linkId, domain: 'Person' });
    const subjectId = `verato:CRM:${subject.source.id}`;
    const objectId = `verato:CRM:${object.source.id}`;
    const [listed] = (await read(subjectId)).relationships!.nodes;
    expect(listed).toMatchObject({ id: `verato:${relationship.id}` });
    expect((await read(objectId)).relationships!.nodes.map((node) => node.id)).toEqual([listed.id]);

    const input = { id: listed.id, idempotencyKey: unique('del-verato-') };
    const first = await subgraph.execute(DeleteRelationshipDocument, { input });
    expect(first.data!.deleteRelationship).toMatchObject({ deletedId: listed.id, identities: [], userErrors: [] });
    expect((await read(subjectId)).relationships!.nodes).toEqual([]);
    expect((await read(objectId)).relationships!.nodes).toEqual([]);

    await subgraph.execute(DeleteRelationshipDocument, { input });
    expect(callsTo(verato(), /deleteRelationshipService$/)).toHaveLength(1);
  });

  it('a bare provider record id, a foreign or a malformed id is INVALID_INPUT, without a call', async () => {
    const verifaRecord = verifa().store.addRelationship({ source_identity_id: verifa().store.addIdentity().id, related_identity_id: verifa().store.addIdentity().id, relationship_type: 'family_member' });
    for (const id of [verifaRecord.id, `verifa:${verifaRecord.id}`, 'auth0:auth0|65a1a1a1a1a1a1a1a1a1a003', 'verifa:rel_../x', 'idrel_1/../x', '']) {
      const result = await subgraph.execute(DeleteRelationshipDocument, { input: { id } });
      expect(result.data!.deleteRelationship.userErrors).toMatchObject([{ code: 'INVALID_INPUT', field: 'id' }]);
    }
    expect(subgraph.upstreamCalls()).toBe(0);
  });

  it(`needs ${SCOPES.relationshipsWrite}`, async () => {
    const result = await subgraph.execute(DeleteRelationshipDocument, { input: { id: 'verato:R-1' } }, { scopes: [SCOPES.read, SCOPES.link, SCOPES.merge] });
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(subgraph.upstreamCalls()).toBe(0);
  });
});

describe('unmergeIdentities', () => {
  it('Verato: the retired record is active again in its own Link ID; a read after it shows so, and a replay sends nothing', async () => {
    const survivor = verato().store.addSourceRecord({ source: { name: 'CRM', id: unique('UNM-A') } });
    const retired = verato().store.addSourceRecord({ source: { name: 'CRM', id: unique('UNM-B') } });
    const primaryId = `verato:CRM:${survivor.source.id}`;
    const secondaryId = `verato:CRM:${retired.source.id}`;
    const merged = await subgraph.execute(MergeIdentitiesDocument, { input: { primaryId, secondaryId } });
    expect(merged.data!.mergeIdentities.userErrors).toEqual([]);
    expect(await read(secondaryId)).toMatchObject({ status: 'MERGED', cluster: { linkId: survivor.linkId } });

    const input = { primaryId, secondaryId, reason: 'two people', idempotencyKey: unique('unmerge-') };
    const first = await subgraph.execute(UnmergeIdentitiesDocument, { input });
    expect(first.errors).toBeUndefined();
    const payload = first.data!.unmergeIdentities;
    expect(payload).toMatchObject({ userErrors: [], unmergedFromLinkId: survivor.linkId, primary: { id: primaryId }, secondary: { id: secondaryId, status: 'ACTIVE' } });
    expect(payload.unmergedLinkId).toBeTruthy();
    expect(payload.unmergedLinkId).not.toBe(survivor.linkId);
    expect(await read(secondaryId)).toMatchObject({ status: 'ACTIVE', cluster: { linkId: payload.unmergedLinkId } });

    const replay = await subgraph.execute(UnmergeIdentitiesDocument, { input });
    expect(replay.data!.unmergeIdentities).toMatchObject({ unmergedLinkId: payload.unmergedLinkId, userErrors: [] });
    expect(callsTo(verato(), /unmergeIdentities$/)).toHaveLength(1);
  });

  it('Verato: a record that is not merged is refused by Verato and answered NOT_MERGED', async () => {
    const a = verato().store.addSourceRecord({ source: { name: 'CRM', id: unique('UNM-C') } });
    const b = verato().store.addSourceRecord({ source: { name: 'CRM', id: unique('UNM-D') } });
    const result = await subgraph.execute(UnmergeIdentitiesDocument, { input: { primaryId: `verato:CRM:${a.source.id}`, secondaryId: `verato:CRM:${b.source.id}` } });
    expect(result.data!.unmergeIdentities).toMatchObject({ unmergedLinkId: null, primary: null, userErrors: [{ code: 'NOT_MERGED', field: 'secondaryId', provider: 'VERATO', providerCode: 'success_false' }] });
  });

  it(`two Verifa identities are UNSUPPORTED_OPERATION; it needs ${SCOPES.merge}`, async () => {
    const verifaPair = await subgraph.execute(UnmergeIdentitiesDocument, { input: { primaryId: 'verifa:idn_abc', secondaryId: 'verifa:idn_def' } });
    expect(verifaPair.data!.unmergeIdentities.userErrors).toMatchObject([{ code: 'UNSUPPORTED_OPERATION' }]);
    const denied = await subgraph.execute(UnmergeIdentitiesDocument, { input: { primaryId: 'verato:CRM:a', secondaryId: 'verato:CRM:b' } }, { scopes: [SCOPES.read, SCOPES.link] });
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(subgraph.upstreamCalls()).toBe(0);
  });
});

describe('reason', () => {
  it('reaches Verato as auditLogMap on a link and a merge; without a reason the envelope has none', async () => {
    const a = verato().store.addSourceRecord({ source: { name: 'CRM', id: unique('RSN-A') } });
    const b = verato().store.addSourceRecord({ source: { name: 'CRM', id: unique('RSN-B') } });
    const c = verato().store.addSourceRecord({ source: { name: 'CRM', id: unique('RSN-C') } });
    await subgraph.execute(LinkIdentitiesDocument, { input: { primaryId: `verato:CRM:${a.source.id}`, secondaryId: `verato:CRM:${b.source.id}`, reason: 'same passport' } });
    await subgraph.execute(MergeIdentitiesDocument, { input: { primaryId: `verato:CRM:${a.source.id}`, secondaryId: `verato:CRM:${c.source.id}` } });
    const bodies = verato().calls.filter((call) => /(linkIdentities|mergeIdentities)$/.test(call.path)).map((call) => call.body as Record<string, unknown>);
    expect(bodies.map((body) => body.auditLogMap)).toEqual([{ reason: 'same passport' }, undefined]);
  });
});
