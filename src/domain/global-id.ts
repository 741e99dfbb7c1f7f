import { BadUserInputError } from '../errors/domain-errors';
import { GLOBAL_ID_FORM, PROVIDER_MODULES, type ProviderTypes } from '../providers';
import { PROVIDERS, type ProviderName } from './provider-name';

/**
 * The global identity id: `<provider>:<nativeId>`. This module reads the envelope; the grammar
 * of each native part (`verato:<SOURCE>:<id>`, `verifa:idn_…`, `auth0:<connection>|<id>`,
 * `btcdirect:<identifier>`) belongs to its provider module (`src/providers/<p>/id.ts`).
 * Everything else passes `GlobalId` values around.
 */

/** A parsed id of one provider: the envelope plus the parts its grammar reads. */
export type GlobalIdOf<P extends ProviderName> = { provider: P; nativeId: string } & ProviderTypes[P]['idParts'];
export type GlobalId = { [P in ProviderName]: GlobalIdOf<P> }[ProviderName];

/** The expected form, named by every malformed-id message (built from each provider's example). */
export { GLOBAL_ID_FORM };

const MAX_ID_LENGTH = 512;

/** Parses a global id; a malformed one is a BAD_USER_INPUT error that names the expected form. */
export function parseGlobalId(raw: string, argumentName = 'id'): GlobalId {
  return readGlobalId(raw, (problem): never => {
    throw new BadUserInputError(`Malformed identity id in "${argumentName}": ${problem}. Expected ${GLOBAL_ID_FORM}.`, argumentName);
  });
}

export function formatGlobalId(provider: ProviderName, nativeId: string): string {
  return `${provider}:${nativeId}`;
}

/**
 * Parses without throwing (nor building an error); for data coming from providers, where a bad
 * value is just ignored. Accepts and refuses exactly what parseGlobalId does.
 */
export function tryParseGlobalId(raw: string): GlobalId | null {
  return readGlobalId(raw, rejected);
}

const rejected = (): null => null;

/** The grammar, once: `fail` decides what a malformed id becomes (an exception, or null). */
function readGlobalId<F extends null>(raw: string, fail: (problem: string) => F): GlobalId | F {
  if (typeof raw !== 'string' || raw.length === 0) return fail('it is empty');
  if (raw.length > MAX_ID_LENGTH) return fail(`it is longer than ${MAX_ID_LENGTH} characters`);
  const colon = raw.indexOf(':');
  if (colon < 0) return fail('it has no provider prefix');
  const provider = raw.slice(0, colon);
  if (!isProviderName(provider)) return fail(/^[a-z0-9-]{1,20}$/.test(provider) ? `unknown provider "${provider}"` : 'unknown provider');
  const nativeId = raw.slice(colon + 1);
  const parts = PROVIDER_MODULES[provider].idGrammar.parse(nativeId, fail);
  if (parts === null) return parts as F;
  return { provider, nativeId, ...parts } as GlobalId;
}

function isProviderName(name: string): name is ProviderName {
  return (PROVIDERS as readonly string[]).includes(name);
}
