import { getEventListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { AnswerInterruptedError, AnswerTooLargeError, MAX_ANSWER_BYTES, exchange } from './exchange';

describe('exchange', () => {
  let server: http.Server;
  let origin: string;
  let agent: Agent;
  let handle: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  let received: { method?: string; url?: string; body: string }[];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, body });
        handle(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    agent = new Agent({ connections: 4 });
  });
  beforeEach(() => {
    received = [];
  });
  afterAll(async () => {
    await agent.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers status, headers and the whole body, sent in several chunks, as text', async () => {
    handle = (_, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-ratelimit-remaining': '7' });
      res.write('{"a":');
      setTimeout(() => res.end('"é"}'), 5);
    };
    const signal = new AbortController().signal;
    const answer = await exchange(agent, { origin, path: '/users?q=1', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":1}' }, signal);
    expect(answer).toEqual({ statusCode: 201, headers: expect.objectContaining({ 'content-type': 'application/json', 'x-ratelimit-remaining': '7' }), text: '{"a":"é"}' });
    expect(received).toEqual([{ method: 'POST', url: '/users?q=1', body: '{"x":1}' }]);
  });

  it('drops a leading byte-order mark, as a body reader does', async () => {
    handle = (_, res) => res.end('\uFEFF{"ok":true}');
    const answer = await exchange(agent, { origin, path: '/', method: 'GET' }, new AbortController().signal);
    expect(JSON.parse(answer.text)).toEqual({ ok: true });
  });

  it('sends nothing when the signal has already aborted, and rejects with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('out of time');
    controller.abort(reason);
    await expect(exchange(agent, { origin, path: '/', method: 'GET' }, controller.signal)).rejects.toBe(reason);
    expect(received).toEqual([]);
  });

  it('cuts an exchange off when the signal aborts mid-answer, after an earlier exchange on the same signal ended, and says what status had arrived', async () => {
    const controller = new AbortController();
    const reason = new Error('out of time');
    handle = (_, res) => res.end('{}');
    await exchange(agent, { origin, path: '/done', method: 'GET' }, controller.signal);
    handle = (_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    };
    const pending = exchange(agent, { origin, path: '/slow', method: 'GET' }, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 30));
    controller.abort(reason);
    const failure = await pending.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AnswerInterruptedError);
    expect(failure).toMatchObject({ statusCode: 200, cause: reason });
  });

  it('gives the calls that share a signal one listener between them, and cuts all of them off when it aborts', async () => {
    handle = (_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    };
    const controller = new AbortController();
    const reason = new Error('deadline');
    const pending = Array.from({ length: 12 }, (_, i) => exchange(agent, { origin, path: `/slow/${i}`, method: 'GET' }, controller.signal));
    // The agent holds 4 connections: 4 calls are sent and answered in part, 8 wait for a connection.
    while (received.length < 4) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(reason);
    const outcomes = await Promise.allSettled(pending);
    const sent = new Set(received.map((request) => request.url));
    expect(sent.size).toBe(4);
    outcomes.forEach((outcome, i) => {
      expect(outcome.status).toBe('rejected');
      const failure = (outcome as PromiseRejectedResult).reason as unknown;
      if (sent.has(`/slow/${i}`)) {
        // Its answer's headers had arrived: the status is kept, the abort is the cause.
        expect(failure).toBeInstanceOf(AnswerInterruptedError);
        expect(failure).toMatchObject({ statusCode: 200, cause: reason });
      } else {
        // Still waiting for a connection: rejected with the reason itself, nothing sent.
        expect(failure).toBe(reason);
      }
    });
  });

  it(`refuses an answer larger than ${MAX_ANSWER_BYTES} bytes`, async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    handle = (_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const writeMore = (left: number): void => {
        if (left === 0) return void res.end();
        if (res.write(chunk)) writeMore(left - 1);
        else res.once('drain', () => writeMore(left - 1));
      };
      res.on('error', () => undefined);
      writeMore(MAX_ANSWER_BYTES / chunk.length + 1);
    };
    const failure = await exchange(agent, { origin, path: '/huge', method: 'GET' }, new AbortController().signal).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AnswerTooLargeError);
    expect(failure).toMatchObject({ statusCode: 200 });
  });

  it("rejects with undici's error when nothing listens", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const signal = new AbortController().signal;
    await expect(exchange(agent, { origin: `http://127.0.0.1:${port}`, path: '/', method: 'GET' }, signal)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
