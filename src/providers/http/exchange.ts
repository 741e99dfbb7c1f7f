import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header';

/** The most of an answer's body kept (bytes): a larger one fails the exchange rather than fill the memory. */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export interface Exchanged {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The whole body, decoded as UTF-8 (a leading byte-order mark dropped). */
  text: string;
}

/**
 * The answer's status and headers had arrived when its body failed (cut off by the signal, the
 * connection, or its size): `statusCode` says what the provider had answered, `cause` why the rest
 * did not arrive.
 */
export class AnswerInterruptedError extends Error {
  constructor(
    readonly statusCode: number,
    override readonly cause: unknown,
    message = `the answer's body was cut off (${(cause as Error)?.message ?? String(cause)})`,
  ) {
    super(message);
    this.name = 'AnswerInterruptedError';
  }
}

/** The answer was larger than MAX_ANSWER_BYTES; the exchange was cut off. */
export class AnswerTooLargeError extends AnswerInterruptedError {
  constructor(statusCode: number) {
    super(statusCode, undefined, `the answer is larger than ${MAX_ANSWER_BYTES} bytes`);
    this.name = 'AnswerTooLargeError';
  }
}

const abortWaiters = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Runs `onAbort` when `signal` aborts; answers the function that forgets it. Many calls share one
 * signal (a request's deadline, an attempt-timeout window), so each signal gets a single listener
 * over a set of waiters: EventTarget looks for a duplicate on every add and remove, a walk over
 * every listener the signal already has.
 */
function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
  const waiters = abortWaiters.get(signal) ?? watch(signal);
  waiters.add(onAbort);
  return () => void waiters.delete(onAbort);
}

function watch(signal: AbortSignal): Set<() => void> {
  const waiters = new Set<() => void>();
  signal.addEventListener('abort', () => waiters.forEach((waiter) => waiter()), { once: true });
  abortWaiters.set(signal, waiters);
  return waiters;
}

/**
 * One request and its whole answer, straight through undici's dispatcher handler: no response
 * stream and no body mixin in between (undici's `request()` + `body.text()` cost a third more CPU
 * per call on a bare upstream call, in an ad-hoc measurement). Before the answer's headers, it
 * rejects with the signal's reason when the signal aborts and with undici's error when the
 * connection fails; after them, with AnswerInterruptedError carrying the status and that cause,
 * or AnswerTooLargeError past MAX_ANSWER_BYTES.
 */
export function exchange(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, signal: AbortSignal): Promise<Exchanged> {
  return new Promise<Exchanged>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let controller: Dispatcher.DispatchController | undefined;
    let statusCode = 0;
    let headers: IncomingHttpHeaders = {};
    let chunks: Buffer[] = [];
    let size = 0;
    const settle = whenAborted(signal, () => controller?.abort(signal.reason as Error));
    try {
      dispatcher.dispatch(options, {
        onRequestStart(started) {
          controller = started;
          if (signal.aborted) started.abort(signal.reason as Error);
        },
        onResponseStart(_, status, responseHeaders) {
          statusCode = status;
          headers = responseHeaders;
          chunks = [];
          size = 0;
        },
        onResponseData(current, chunk) {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) current.abort(new AnswerTooLargeError(statusCode));
          else chunks.push(chunk);
        },
        onResponseEnd() {
          settle();
          const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
          const text = body.toString('utf8');
          resolve({ statusCode, headers, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text });
        },
        onResponseError(_, error) {
          settle();
          reject(statusCode === 0 || error instanceof AnswerInterruptedError ? error : new AnswerInterruptedError(statusCode, error));
        },
      });
    } catch (error) {
      settle();
      reject(error);
    }
  });
}
