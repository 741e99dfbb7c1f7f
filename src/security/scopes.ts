/** The OAuth scopes the subgraph checks (and declares in the SDL with @requiresScopes). */
export const SCOPES = {
  /** Queries and entity resolution. */
  read: 'identities:read',
  /** Birth dates and document numbers (a full SSN is never exposed to anyone). */
  pii: 'identities:pii',
  /** linkIdentities, unlinkIdentities, linkIdentifier. */
  link: 'identities:link',
  /** mergeIdentities, unmergeIdentities. */
  merge: 'identities:merge',
  /** createRelationship, deleteRelationship. */
  relationshipsWrite: 'relationships:write',
  /** Lifts ownership checks: link any accounts, not only the caller's own. */
  admin: 'identities:admin',
} as const;

export type Scope = (typeof SCOPES)[keyof typeof SCOPES];

export const ALL_SCOPES: readonly Scope[] = Object.values(SCOPES);

/** `@requiresScopes` argument text for a field needing all of `scopes`. */
export function requiresScopes(...scopes: Scope[]): string {
  return `@requiresScopes(scopes: [[${scopes.map((scope) => JSON.stringify(scope)).join(', ')}]])`;
}
