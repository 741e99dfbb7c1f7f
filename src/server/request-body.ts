import type http from 'node:http';

export const MAX_BODY_BYTES = 1_000_000;

export type BodyResult = { value: unknown; error?: undefined } | { error: string; status: number };

/**
 * The request body as JSON (Apollo expects it parsed); oversized or malformed bodies are refused,
 * and so is a body that has not fully arrived within the request timeout (HTTP 408). An oversized
 * body is still read to its end (and dropped) so the client gets the 413 answer, in the same time.
 */
export async function readJsonBody(req: http.IncomingMessage, timing: { requestTimeoutMs: number; remainingMs: number }): Promise<BodyResult> {
  const received = await receiveBody(req, timing.remainingMs);
  if (received === 'timed_out') return { error: `request not fully received within ${timing.requestTimeoutMs} ms`, status: 408 };
  const { chunks, size } = received;
  if (size > MAX_BODY_BYTES) return { error: `request body larger than ${MAX_BODY_BYTES} bytes`, status: 413 };
  if (size === 0) return { value: undefined };
  const contentType = req.headers['content-type'] ?? '';
  const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8');
  if (!/\bjson\b/i.test(contentType)) return { value: text };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: 'request body is not valid JSON', status: 400 };
  }
}

/**
 * Reads the body with a timer of its own: Node checks its request timeout only now and then, and
 * a client trickling one byte a second must not hold the connection past the timeout. Rejects
 * when the client goes away before the end.
 */
function receiveBody(req: http.IncomingMessage, timeoutMs: number): Promise<{ chunks: Buffer[]; size: number } | 'timed_out'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    };
    const onEnd = () => finish(() => resolve({ chunks, size }));
    const onError = (error: Error) => finish(() => reject(error));
    const onClose = () => finish(() => reject(new Error('client closed the connection before the body ended')));
    const timer = setTimeout(() => {
      finish(() => resolve('timed_out'));
      req.pause();
    }, Math.max(0, timeoutMs));
    function finish(settle: () => void): void {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      settle();
    }
    req.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
  });
}

/** The answer is the last thing on this connection (the rest of a late body is not waited for). */
export function closeAfterAnswer(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.setHeader('connection', 'close');
  res.once('finish', () => req.socket.destroy());
}
