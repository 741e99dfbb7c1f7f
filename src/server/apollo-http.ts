import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import type http from 'node:http';

/**
 * The bridge between node's http module and Apollo Server's transport-neutral request/response
 * (what an Apollo integration does), shared by the subgraph and the example subgraphs in tests.
 */

export function headerMapOf(req: http.IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

export async function sendApolloResponse(res: http.ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
