import { ConfigError, providerSettings, secretOrPair, type EnvReader, type ProviderSettings } from '../../env';
import { DEFAULT_SOURCE_MAP, parseSourceMap, type SourceMap } from './source-map';

export type VeratoAuth = { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string };

export type VeratoSettings = ProviderSettings<VeratoAuth> & { sourceMap: SourceMap; relationshipVerbs: readonly string[] };

/**
 * The verbs of Verato's documented relationship-definition catalogue (contract §1.4, both
 * directions; the published list is truncated). A tenant's definitions are its own:
 * VERATO_RELATIONSHIP_VERBS names them.
 */
export const DEFAULT_RELATIONSHIP_VERBS: readonly string[] = [
  'is parent of',
  'is child of',
  'is twin of',
  'is sibling to',
  'is next of kin for',
  'is next of kin of',
  'is guardian for',
  'under guardianship of',
  'has dependent',
  'is dependent of',
  'employs',
  'is employed by',
];

/** VERATO_RELATIONSHIP_VERBS: comma-separated verbs, each trimmed; at least one. */
export function parseRelationshipVerbs(text: string | undefined): readonly string[] {
  if (text === undefined) return DEFAULT_RELATIONSHIP_VERBS;
  const verbs = [...new Set(text.split(',').map((verb) => verb.trim()).filter(Boolean))];
  if (verbs.length === 0) throw new ConfigError('VERATO_RELATIONSHIP_VERBS', 'names no verb; use e.g. "is parent of,is child of,employs,is employed by"');
  return verbs;
}

export function readVeratoConfig(read: EnvReader): VeratoSettings {
  const credential = secretOrPair(read, { secret: 'VERATO_TOKEN', pair: ['VERATO_USERNAME', 'VERATO_PASSWORD'], pairNeeds: 'Basic auth needs' });
  const auth: VeratoAuth | null =
    credential === null ? null : 'secret' in credential ? { kind: 'bearer', token: credential.secret } : { kind: 'basic', username: credential.pair[0], password: credential.pair[1] };
  return {
    ...providerSettings(read, 'VERATO', auth),
    sourceMap: parseSourceMap(read('VERATO_SOURCE_MAP') ?? DEFAULT_SOURCE_MAP),
    relationshipVerbs: parseRelationshipVerbs(read('VERATO_RELATIONSHIP_VERBS')),
  };
}

/** Its lines of `npm start -- --help`. */
export const VERATO_HELP = [
  '  VERATO_BASE_URL           e.g. https://cust1234.verato-connect.com/link-ws/svc',
  '  VERATO_TOKEN | VERATO_USERNAME + VERATO_PASSWORD',
  '  VERATO_SOURCE_MAP         Verato source code per provider (VERIFA=verifa,AUTH0=auth0,BTCDIRECT=btcdirect)',
  '  VERATO_RELATIONSHIP_VERBS the verbs of the tenant\'s relationship definitions, comma-separated (default: Verato\'s catalogue)',
];
