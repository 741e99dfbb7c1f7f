import autocannon from 'autocannon';

export interface PostLoad {
  url: string;
  headers: Record<string, string>;
  /** The body of every request, or a function giving each request its own. */
  body: string | (() => string);
  connections: number;
  seconds: number;
  onResponse(status: number, body: string): void;
}

/** The bench's load: autocannon POSTing to a GraphQL endpoint in a closed loop, pipelining 1, every answer handed to `onResponse`. */
export function postLoad({ url, headers, body, connections, seconds, onResponse }: PostLoad): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        headers,
        ...(typeof body === 'string' ? { body } : { setupRequest: (request: autocannon.Request) => ({ ...request, body: body() }) }),
        onResponse,
      },
    ],
  });
}
