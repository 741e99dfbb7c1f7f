import type { Context } from '../context';
import type { GlobalId } from '../domain/global-id';
import type { ProviderName } from '../domain/provider-name';
import type { RefusalWording, UserErrorRecord } from './user-errors';

/**
 * What a provider route is: the one write a mutation sends for ids of that provider (each
 * provider's `routes.ts`), run by `runRoute` (run.ts) with the mutation's idempotency rules.
 */

/** Every mutation outcome is plain data (it may be stored for idempotent replays). */
export interface Outcome {
  userErrors: UserErrorRecord[];
  /** True on the stored outcome of an earlier request with the same idempotency key (set by the runner, never stored). */
  replayed?: boolean;
}

/** How a write may be sent: retried only when a key makes a repeat harmless; Verifa gets the key itself. */
export interface WriteOptions {
  retry: 'safe' | 'never';
  /** Idempotency-Key for providers that take one (Verifa), derived from caller + mutation + key. */
  upstreamKey?: string;
}

export interface Route<O extends Outcome> {
  /** The provider keeps idempotency itself (Verifa); for the others this subgraph's store does. */
  upstreamIdempotency: boolean;
  /** Global ids whose cached reads the write makes stale. */
  touches: string[];
  /** This route's words for provider refusals too generic to explain themselves (see RefusalWording). */
  refusalWording?: RefusalWording;
  /** Sends the write; a provider refusal it throws becomes the outcome's user error in runRoute. */
  execute(options: WriteOptions): Promise<O>;
}

/**
 * A route's refusal found before it sent its write (a read showed there is nothing to do): the
 * runner returns `userErrors` and releases the idempotency key, since nothing was written.
 */
export class RefusedBeforeWriting extends Error {
  constructor(readonly userErrors: UserErrorRecord[]) {
    super('refused before writing');
    this.name = 'RefusedBeforeWriting';
  }
}

/** A global id of one provider. */
export type IdOf<P extends ProviderName> = Extract<GlobalId, { provider: P }>;

/** What a two-identity mutation hands the route of its ids' provider. */
export interface PairRequest<I, R, O extends Outcome, Id extends GlobalId> {
  input: I;
  primary: Id;
  secondary: Id;
  /** The payload of a write that was done, from what the provider answered. */
  done(result: R): O;
  /** The payload of a refusal (nothing done). */
  refused(userErrors: UserErrorRecord[]): O;
}

/** A two-identity write: it touches both ids, so the mutation names what it touches. */
export type PairWrite<O extends Outcome> = Omit<Route<O>, 'touches'>;

/** The route of one provider (or of ids of different providers) for one mutation; a user error refuses before any call. */
export type PairRoute<I, R, O extends Outcome, Id extends GlobalId = GlobalId> = (ctx: Context, request: PairRequest<I, R, O, Id>) => PairWrite<O> | UserErrorRecord;
