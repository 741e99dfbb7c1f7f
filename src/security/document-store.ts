import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/** Bytes of parsed operations Apollo Server may keep between requests. */
export const DOCUMENT_STORE_MAX_BYTES = 32 * 1024 * 1024;

/**
 * Apollo Server's cache of parsed and validated operations (its `documentStore`), bounded by
 * what the documents really hold. Apollo's default store also has a byte bound, but it sizes a
 * document by its JSON, which leaves out the operation text every parsed node keeps a reference
 * to (`loc.source`): a short operation padded with a long comment weighs a few hundred bytes
 * there and holds the whole text. Here a document costs its text plus its JSON.
 */
export class BoundedDocumentStore {
  private readonly documents: LRUCache<string, DocumentNode>;

  constructor(maxBytes: number = DOCUMENT_STORE_MAX_BYTES) {
    this.documents = new LRUCache<string, DocumentNode>({ maxSize: maxBytes, sizeCalculation: documentBytes });
  }

  async get(key: string): Promise<DocumentNode | undefined> {
    return this.documents.get(key);
  }

  async set(key: string, document: DocumentNode): Promise<void> {
    this.documents.set(key, document);
  }

  async delete(key: string): Promise<boolean> {
    return this.documents.delete(key);
  }

  /** What the store holds: documents and their computed bytes. */
  get held(): { entries: number; bytes: number } {
    return { entries: this.documents.size, bytes: this.documents.calculatedSize };
  }
}

export function documentBytes(document: DocumentNode): number {
  const text = document.loc?.source.body ?? '';
  return Buffer.byteLength(text) + Buffer.byteLength(JSON.stringify(document)) || 1;
}
