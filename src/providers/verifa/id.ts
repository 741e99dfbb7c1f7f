import type { NativeIdGrammar } from '../provider-module';

/** A Verifa identity id, `idn_…` (it becomes a URL path segment; the grammar leaves no room for path tricks). */
const IDENTITY_ID = /^idn_[A-Za-z0-9]{1,64}$/;

export const VERIFA_ID: NativeIdGrammar<object> = {
  example: 'idn_abc123',
  parse(nativeId, fail) {
    if (!IDENTITY_ID.test(nativeId)) return fail('a Verifa id is "verifa:idn_<letters or digits>"');
    return {};
  },
};

/** A parsed global id of this provider. */
export type VerifaGlobalId = { provider: 'verifa'; nativeId: string };

/** The two ends and the type a Verifa relationship id names (ends sorted, so either end gives the same id). */
export interface VerifaRelationshipKey {
  ends: [string, string];
  type: string;
}

const RELATIONSHIP_PREFIX = 'rel_';
/** (inferred) Far beyond two ids and a type name; keeps a crafted id from being decoded at any length. */
const MAX_RELATIONSHIP_ID_LENGTH = 1024;

/**
 * Verifa stores a relationship as two records, one per direction, each with an `idrel_` id of its
 * own, and names neither from the other. What both share is the pair of identities and the type
 * (Verifa refuses a second relationship of one type between one pair (inferred)), so the id
 * encodes those: the same from both ends without reading the other side, and reversible, so
 * deleteRelationship can find the records again. Opaque to callers (base64url of the parts).
 */
export function verifaRelationshipNativeId(sourceId: string, relatedId: string, type: string): string {
  const ends = [sourceId, relatedId].sort();
  return `${RELATIONSHIP_PREFIX}${Buffer.from(JSON.stringify([...ends, type])).toString('base64url')}`;
}

/** The parts of a relationship id made by verifaRelationshipNativeId; null for anything else. */
export function parseVerifaRelationshipId(nativeId: string): VerifaRelationshipKey | null {
  if (nativeId.length > MAX_RELATIONSHIP_ID_LENGTH || !nativeId.startsWith(RELATIONSHIP_PREFIX)) return null;
  const encoded = nativeId.slice(RELATIONSHIP_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parts) || parts.length !== 3 || !parts.every((part) => typeof part === 'string' && part.length > 0)) return null;
  const [first, second, type] = parts as [string, string, string];
  // Only the encoder's own output: sorted ends, one of them a Verifa identity (the record's source), in canonical form.
  if (first > second || !(IDENTITY_ID.test(first) || IDENTITY_ID.test(second))) return null;
  if (verifaRelationshipNativeId(first, second, type) !== nativeId) return null;
  return { ends: [first, second], type };
}

export function isVerifaIdentityId(nativeId: string): boolean {
  return IDENTITY_ID.test(nativeId);
}
