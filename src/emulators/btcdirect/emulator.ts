import { startEmulator, type RunningEmulator } from '../harness';
import { createBtcDirectHandler, type BtcDirectAnswers, type LinkIdentifierSuccess } from './handler';
import { DEMO_PEOPLE } from '../seed';
import { BtcDirectStore, demoBtcDirectUserId } from './store';
import { BtcDirectTokens, mintDemoUserToken } from './tokens';

export interface BtcDirectEmulatorOptions {
  port?: number;
  /** Load the demo dataset (default true). */
  seed?: boolean;
  /** Lifetime of partner tokens (default 3600, as documented). */
  partnerTokenTtlSeconds?: number;
  /** Lifetime of user tokens (default 3600, as documented). */
  userTokenTtlSeconds?: number;
  /** How a successful link-identifier answers (default `empty`; its body is undocumented). */
  linkIdentifierSuccess?: LinkIdentifierSuccess;
}

export type RunningBtcDirectEmulator = RunningEmulator & {
  store: BtcDirectStore;
  baseUrl: string;
  /** Switchable answer forms (see BtcDirectAnswers); tests that change one restore it. */
  answers: BtcDirectAnswers;
  /** A user token for these credentials, as POST /api/v1/user/login would issue it. */
  loginUser(email: string, password: string): Promise<string>;
};

export async function startBtcDirectEmulator(options: BtcDirectEmulatorOptions = {}): Promise<RunningBtcDirectEmulator> {
  const store = new BtcDirectStore();
  if (options.seed ?? true) store.seed();
  const tokens = new BtcDirectTokens({
    partnerSeconds: options.partnerTokenTtlSeconds ?? 3600,
    userSeconds: options.userTokenTtlSeconds ?? 3600,
  });
  const answers: BtcDirectAnswers = { linkIdentifierSuccess: options.linkIdentifierSuccess ?? 'empty' };
  const running = await startEmulator('btcdirect', createBtcDirectHandler({ store, tokens, answers }), { port: options.port });

  return {
    ...running,
    store,
    answers,
    baseUrl: running.url,
    async loginUser(email, password) {
      const user = store.authenticate(email, password);
      if (!user || user.deleted) throw new Error(`BTC Direct login refused for ${email}`);
      return tokens.issueToken('user', user.id);
    },
  };
}

/** The demo people a BTC Direct user token can be minted for, by given name: alice, bob, carol, dan. */
export const DEMO_BTCDIRECT_USERS: readonly string[] = DEMO_PEOPLE.map((person) => person.givenName.toLowerCase());

/** A user token for a demo person (by given name or e-mail) that every seeded BTC Direct emulator accepts. */
export async function demoBtcDirectUserToken(who: string, expiresInSeconds?: number): Promise<string> {
  const person = DEMO_PEOPLE.find((candidate) => candidate.givenName.toLowerCase() === who.toLowerCase() || candidate.email === who);
  if (!person) throw new Error(`no demo BTC Direct user "${who}"; one of: ${DEMO_BTCDIRECT_USERS.join(', ')}`);
  return mintDemoUserToken(demoBtcDirectUserId(person), expiresInSeconds);
}
