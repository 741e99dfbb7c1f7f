import { VERIFA_SYSTEM_RELATIONSHIP_TYPES, VERIFA_USER_RELATIONSHIP_TYPES } from '../providers/verifa/wire';

/**
 * What a relationship is, normalised: the built-in kinds (Verifa's user and system types), and
 * `custom` for every other word (a Verifa custom type, a Verato verb). The provider's own word is
 * kept beside it as the label.
 */
export const RELATIONSHIP_KINDS = [...VERIFA_USER_RELATIONSHIP_TYPES, ...VERIFA_SYSTEM_RELATIONSHIP_TYPES, 'custom'] as const;
export type RelationshipKind = (typeof RELATIONSHIP_KINDS)[number];

/** The kind a provider's type word names: itself when built in, else `custom`. */
export function relationshipKindOf(word: string): RelationshipKind {
  return (RELATIONSHIP_KINDS as readonly string[]).includes(word) && word !== 'custom' ? (word as RelationshipKind) : 'custom';
}
