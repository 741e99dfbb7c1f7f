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
