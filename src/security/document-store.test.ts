import { parse } from 'graphql';
import { BoundedDocumentStore, documentBytes } from './document-store';

describe('BoundedDocumentStore (Apollo documentStore)', () => {
  it('sizes a document by its operation text too, which comment padding makes long', () => {
    const padded = parse(`{ __typename } #${'x'.repeat(50_000)}`);
    expect(documentBytes(padded)).toBeGreaterThan(50_000);
    // What Apollo's default store counts: the JSON, where the text does not show.
    expect(Buffer.byteLength(JSON.stringify(padded))).toBeLessThan(1_000);
  });

  it('keeps at most its byte bound of documents, dropping the least recently used', async () => {
    const maxBytes = 1_000_000;
    const store = new BoundedDocumentStore(maxBytes);
    for (let i = 0; i < 100; i++) await store.set(`hash-${i}`, parse(`{ __typename } #${'x'.repeat(60_000)}${i}`));
    expect(store.held.bytes).toBeLessThanOrEqual(maxBytes);
    expect(store.held.entries).toBeLessThanOrEqual(16);
    expect(await store.get('hash-0')).toBeUndefined();
    expect(await store.get('hash-99')).toBeDefined();
  });

  it('answers get, set and delete as a key-value cache', async () => {
    const store = new BoundedDocumentStore();
    const document = parse('{ __typename }');
    await store.set('k', document);
    expect(await store.get('k')).toBe(document);
    expect(await store.delete('k')).toBe(true);
    expect(await store.get('k')).toBeUndefined();
  });
});
