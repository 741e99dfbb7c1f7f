import type { NativeIdGrammar } from '../provider-module';

/** A Verato source record: `<SOURCE>:<native id>` (source codes hold no ":"; Verato ids travel in request bodies). */
export interface VeratoIdParts {
  source: string;
  sourceId: string;
}

const SOURCE = /^[^\s:"|']{1,64}$/;
const SOURCE_ID = /^[^\s"]{1,256}$/;

export const VERATO_ID: NativeIdGrammar<VeratoIdParts> = {
  example: 'CRM:12345',
  parse(nativeId, fail) {
    const separator = nativeId.indexOf(':');
    const source = nativeId.slice(0, separator);
    const sourceId = nativeId.slice(separator + 1);
    if (separator < 0 || !SOURCE.test(source) || !SOURCE_ID.test(sourceId)) return fail('a Verato id is "verato:<SOURCE>:<native id>"');
    return { source, sourceId };
  },
};

export function veratoNativeId(source: string, sourceId: string): string {
  return `${source}:${sourceId}`;
}

/** A Verato global id (this file stays free of imports: the registry reads it while loading). */
export function veratoGlobalId(source: string, sourceId: string): string {
  return `verato:${veratoNativeId(source, sourceId)}`;
}

/** A parsed global id of this provider. */
export type VeratoGlobalId = { provider: 'verato'; nativeId: string } & VeratoIdParts;

/** (inferred) Verato relationship ids are short tokens; they travel in a request body, this keeps tricks out before dispatch. */
const RELATIONSHIP_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** A Verato relationship's global id is `verato:<Verato's relationship id>`: one record joins both ends. */
export function veratoRelationshipGlobalId(relationshipId: string): string {
  return `verato:${relationshipId}`;
}

/** The Verato relationship id in the native part of a relationship's global id; null when it cannot be one. */
export function parseVeratoRelationshipId(nativeId: string): string | null {
  return RELATIONSHIP_ID.test(nativeId) ? nativeId : null;
}
