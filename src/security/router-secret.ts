import { hash, timingSafeEqual } from 'node:crypto';

/**
 * The router's shared secret (ROUTER_SECRET), checked in constant time. Both sides are hashed
 * first so that the comparison takes the same time whatever the lengths.
 */
export function routerSecretMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(expectedDigest(expected), digest(presented));
}

/** The configured secret is one string for the life of the process: hashed once. */
let lastExpected: { value: string; digest: Buffer } | null = null;
function expectedDigest(expected: string): Buffer {
  if (lastExpected?.value !== expected) lastExpected = { value: expected, digest: digest(expected) };
  return lastExpected.digest;
}

function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}
