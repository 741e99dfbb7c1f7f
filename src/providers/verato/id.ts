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
