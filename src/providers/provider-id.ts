/**
 * The grammar of one provider's native id, the part after `<provider>:` in a global id
 * (src/domain/global-id.ts reads the envelope and hands the rest to this).
 */
export interface NativeIdGrammar<Parts extends object> {
  /** A native id in the expected form, for the message that names it, e.g. `CRM:12345`. */
  example: string;
  /** Reads the native part into its parts; `fail` names what is wrong (e.g. 'a Verifa id is "verifa:idn_…"'). */
  parse(nativeId: string, fail: (problem: string) => never): Parts;
}
