import type { NativeIdGrammar } from '../provider-module';

/** A partner identifier linked to a BTC Direct user: 36-255 letters or digits (it travels in a header). */
const IDENTIFIER = /^[A-Za-z0-9]{36,255}$/;

export const BTCDIRECT_ID: NativeIdGrammar<object> = {
  example: '<36-255 letters or digits>',
  parse(nativeId, fail) {
    if (!IDENTIFIER.test(nativeId)) return fail('a BTC Direct id is "btcdirect:<36-255 letters or digits>"');
    return {};
  },
};

/** A parsed global id of this provider. */
export type BtcDirectGlobalId = { provider: 'btcdirect'; nativeId: string };
