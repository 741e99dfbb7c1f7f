import { BadUserInputError } from '../errors/domain-errors';

/**
 * The global identity id: `<provider>:<nativeId>`. This module is the only place that knows its
 * grammar; everything else passes `GlobalId` values around.
 *
 *   verato:<SOURCE>:<native id>   a Verato source record (Source + Native id; source codes hold no ":")
 *   verifa:idn_…                  a Verifa identity
 *   auth0:<connection>|<id>       an Auth0 user_id, e.g. auth0:google-oauth2|1150…
 *   btcdirect:<identifier>        a partner identifier linked to a BTC Direct user (36-255 alphanumerics)
 *
 * Parts that become URL path segments (the Auth0 connection and user id, the Verifa id) are
 * refused when a URL parser or the provider could read them as something else: a dot segment
 * ("." or "..", which URL parsers fold away), a slash, a backslash, a percent sign (a pre-encoded
 * %2F or %2E that a decoding hop would turn into one), or a control character. Verato ids travel
 * in request bodies and BTC Direct identifiers are alphanumeric only.
 */

export const PROVIDERS = ['verato', 'verifa', 'auth0', 'btcdirect'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export type GlobalId =
  | { provider: 'verato'; nativeId: string; source: string; sourceId: string }
  | { provider: 'verifa'; nativeId: string }
  | { provider: 'auth0'; nativeId: string; connection: string; userId: string }
  | { provider: 'btcdirect'; nativeId: string };

export const GLOBAL_ID_FORM =
  '"<provider>:<nativeId>" with provider verato|verifa|auth0|btcdirect, e.g. "verato:CRM:12345", ' +
  '"verifa:idn_abc123", "auth0:google-oauth2|1150", "btcdirect:<36-255 letters or digits>"';

const MAX_ID_LENGTH = 512;
const VERATO_SOURCE = /^[^\s:"|']{1,64}$/;
const VERATO_NATIVE = /^[^\s"]{1,256}$/;
const VERIFA_ID = /^idn_[A-Za-z0-9]{1,64}$/;
const AUTH0_USER_ID = /^([a-z0-9][a-z0-9-]{0,49})\|([^\s"\\|]{1,200})$/;
/** What must not appear in a part that becomes a URL path segment (see above). */
const UNSAFE_IN_PATH = /[/\\%\x00-\x1f\x7f]/;
const DOT_SEGMENT = /^\.\.?$/;
const BTCDIRECT_IDENTIFIER = /^[A-Za-z0-9]{36,255}$/;

/** Parses a global id; a malformed one is a BAD_USER_INPUT error that names the expected form. */
export function parseGlobalId(raw: string, argumentName = 'id'): GlobalId {
  const fail = (problem: string): never => {
    throw new BadUserInputError(`Malformed identity id in "${argumentName}": ${problem}. Expected ${GLOBAL_ID_FORM}.`, argumentName);
  };
  if (typeof raw !== 'string' || raw.length === 0) return fail('it is empty');
  if (raw.length > MAX_ID_LENGTH) return fail(`it is longer than ${MAX_ID_LENGTH} characters`);
  const colon = raw.indexOf(':');
  if (colon < 0) return fail('it has no provider prefix');
  const provider = raw.slice(0, colon);
  const nativeId = raw.slice(colon + 1);
  switch (provider) {
    case 'verato': {
      const sep = nativeId.indexOf(':');
      const source = nativeId.slice(0, sep);
      const sourceId = nativeId.slice(sep + 1);
      if (sep < 0 || !VERATO_SOURCE.test(source) || !VERATO_NATIVE.test(sourceId)) {
        return fail('a Verato id is "verato:<SOURCE>:<native id>"');
      }
      return { provider, nativeId, source, sourceId };
    }
    case 'verifa':
      if (!VERIFA_ID.test(nativeId)) return fail('a Verifa id is "verifa:idn_<letters or digits>"');
      return { provider, nativeId };
    case 'auth0': {
      const match = AUTH0_USER_ID.exec(nativeId);
      if (!match) return fail('an Auth0 id is "auth0:<connection>|<user id>"');
      if (DOT_SEGMENT.test(match[2]) || UNSAFE_IN_PATH.test(match[2])) {
        return fail('an Auth0 user id may not be "." or ".." nor hold "/", "\\", "%" or control characters');
      }
      return { provider, nativeId, connection: match[1], userId: match[2] };
    }
    case 'btcdirect':
      if (!BTCDIRECT_IDENTIFIER.test(nativeId)) return fail('a BTC Direct id is "btcdirect:<36-255 letters or digits>"');
      return { provider, nativeId };
    default:
      return fail(/^[a-z0-9-]{1,20}$/.test(provider) ? `unknown provider "${provider}"` : 'unknown provider');
  }
}

export function formatGlobalId(provider: ProviderName, nativeId: string): string {
  return `${provider}:${nativeId}`;
}

export function veratoGlobalId(source: string, sourceId: string): string {
  return `verato:${source}:${sourceId}`;
}

/** Parses without throwing; for data coming from providers, where a bad value is just ignored. */
export function tryParseGlobalId(raw: string): GlobalId | null {
  try {
    return parseGlobalId(raw);
  } catch {
    return null;
  }
}
