import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { CallLog, maskFields, maskJsonCredentials, type RecordedCall } from './call-log';

export type { RecordedCall } from './call-log';

/**
 * The HTTP shell every provider emulator runs in: body parsing, a call log for tests and
 * benchmarks (the newest calls only, credentials masked: see call-log.ts), and fault knobs. Provider behaviour (paths, auth, envelopes) lives in each
 * emulator's own handler; nothing here knows a provider's contract.
 *
 * Emulator-only control endpoints (never part of a provider's API) sit under `/__emulator/`:
 *   GET    /__emulator/calls    the recorded calls (the newest CALL_LOG_LIMIT, newest last)
 *   DELETE /__emulator/calls    forget them
 *   PUT    /__emulator/faults   set a FaultPlan (JSON body)
 *   DELETE /__emulator/faults   clear faults
 */

export interface FaultPlan {
  /** Added delay before every answer, in milliseconds. */
  latencyMs?: number;
  /** Answer with this status instead of the real handler's answer. */
  status?: number;
  /** JSON body sent with `status` (defaults to an empty body). */
  body?: unknown;
  /** With 429 or 503: the `Retry-After` header, in seconds. */
  retryAfterSeconds?: number;
  /** Never answer (the socket stays open until the client gives up). */
  hang?: boolean;
  /** How many requests the status/hang fault applies to; unset = all of them. Latency always applies. */
  times?: number;
  /** Only requests whose path starts with this are affected (latency included). */
  pathPrefix?: string;
}

export interface EmulatorRequest {
  method: string;
  /** Path without the query string, percent-decoded segment by segment is left to the handler. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON when the body was JSON; undefined when empty. */
  body: unknown;
  /** True when a non-empty body could not be parsed as JSON. */
  bodyIsMalformed: boolean;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON body (serialised with content-type application/json). */
  json?: unknown;
  /** Non-JSON body; give the content type in `headers`. */
  text?: string;
}

export type EmulatorHandler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

export interface RunningEmulator {
  name: string;
  url: string;
  port: number;
  /** The newest recorded calls (at most CALL_LOG_LIMIT), credentials masked; oldest first. */
  calls: RecordedCall[];
  /** Calls received since the last clear, including those the bounded log has dropped. */
  receivedCalls(): number;
  /** Calls whose method matches and whose path matches the pattern (string prefix or RegExp). */
  countCalls(method?: string, path?: string | RegExp): number;
  /** Answers sent with this HTTP status since the last clear (e.g. 429s, for benchmarks). */
  answeredWith(status: number): number;
  clearCalls(): void;
  setFaults(plan: FaultPlan | null): void;
  close(): Promise<void>;
}

export interface StartOptions {
  port?: number;
  host?: string;
  /** How many calls the log keeps (default CALL_LOG_LIMIT). */
  callLogLimit?: number;
  /**
   * Serve HTTPS with this server certificate and key (PEM); with `clientCa`, the TLS handshake
   * requires a client certificate issued by it (mutual TLS), control endpoints included.
   */
  tls?: EmulatorTls;
}

export interface EmulatorTls {
  cert: string;
  key: string;
  clientCa?: string;
}

const CONTROL_PREFIX = '/__emulator/';

export async function startEmulator(
  name: string,
  handler: EmulatorHandler,
  options: StartOptions = {},
): Promise<RunningEmulator> {
  const log = new CallLog(options.callLogLimit);
  const calls = log.entries;
  // Bounded by the few HTTP statuses an emulator answers with.
  const statuses = new Map<number, number>();
  let faults: FaultPlan | null = null;
  let faultUses = 0;
  const hanging = new Set<http.ServerResponse>();

  const listener: http.RequestListener = async (req, res) => {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const path = url.pathname;

    if (path.startsWith(CONTROL_PREFIX)) {
      handleControl(req.method ?? 'GET', path.slice(CONTROL_PREFIX.length), rawBody, res);
      return;
    }

    let body: unknown;
    let bodyIsMalformed = false;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
        bodyIsMalformed = true;
      }
    }
    res.once('finish', () => statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1));
    log.record({
      method: req.method ?? 'GET',
      path,
      query: maskFields(Object.fromEntries(url.searchParams)),
      headers: maskFields(flattenHeaders(req.headers)),
      body: recordedBody(body, bodyIsMalformed, req.headers['content-type']),
      at: Date.now(),
    });

    const plan = faults && (!faults.pathPrefix || path.startsWith(faults.pathPrefix)) ? faults : null;
    if (plan?.latencyMs) await delay(plan.latencyMs);
    const faultApplies = plan && (plan.times === undefined || faultUses < plan.times) && (plan.status || plan.hang);
    if (faultApplies) {
      faultUses++;
      if (plan.hang) {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      const headers: Record<string, string> = {};
      if (plan.retryAfterSeconds !== undefined) headers['retry-after'] = String(plan.retryAfterSeconds);
      send(res, { status: plan.status!, headers, json: plan.body });
      return;
    }

    try {
      const answer = await handler({
        method: req.method ?? 'GET',
        path,
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        body,
        bodyIsMalformed,
      });
      send(res, answer);
    } catch (error) {
      send(res, { status: 500, text: `emulator ${name} failed: ${(error as Error).message}`, headers: { 'content-type': 'text/plain' } });
    }
  };
  const tls = options.tls;
  const server = tls
    ? https.createServer({ cert: tls.cert, key: tls.key, ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}) }, listener)
    : http.createServer(listener);
  server.keepAliveTimeout = 30_000;

  function handleControl(method: string, what: string, rawBody: string, res: http.ServerResponse): void {
    if (what === 'calls' && method === 'GET') return send(res, { status: 200, json: calls });
    if (what === 'calls' && method === 'DELETE') {
      log.clear();
      statuses.clear();
      return send(res, { status: 204 });
    }
    if (what === 'faults' && method === 'PUT') {
      try {
        setFaults(JSON.parse(rawBody) as FaultPlan);
        return send(res, { status: 204 });
      } catch {
        return send(res, { status: 400, json: { error: 'body must be a JSON FaultPlan' } });
      }
    }
    if (what === 'faults' && method === 'DELETE') {
      setFaults(null);
      return send(res, { status: 204 });
    }
    send(res, { status: 404, json: { error: `unknown emulator control ${method} ${what}` } });
  }

  function setFaults(plan: FaultPlan | null): void {
    faults = plan;
    faultUses = 0;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    name,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    calls,
    receivedCalls: () => log.received,
    countCalls(method?: string, pathPattern?: string | RegExp): number {
      return calls.filter(
        (call) =>
          (!method || call.method === method) &&
          (!pathPattern ||
            (typeof pathPattern === 'string' ? call.path.startsWith(pathPattern) : pathPattern.test(call.path))),
      ).length;
    },
    answeredWith: (status) => statuses.get(status) ?? 0,
    clearCalls: () => {
      log.clear();
      statuses.clear();
    },
    setFaults,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: http.ServerResponse, answer: EmulatorResponse): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload: string | undefined;
  if (answer.json !== undefined) {
    payload = JSON.stringify(answer.json);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (answer.text !== undefined) {
    payload = answer.text;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(answer.status, headers);
  res.end(payload);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** What the log keeps of a body: JSON and form fields with credentials masked, other text as is. */
function recordedBody(body: unknown, isText: boolean, contentType: string | undefined): unknown {
  if (!isText) return maskJsonCredentials(body);
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) {
    return maskFields(Object.fromEntries(new URLSearchParams(body as string)));
  }
  return body;
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
