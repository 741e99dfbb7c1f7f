import type { ApolloServer, BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { headerMapOf, sendApolloResponse } from '../../src/server/apollo-http';

export interface ServedApollo {
  /** http://<host>:<port>/graphql (every path serves GraphQL). */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves an Apollo Server on a node http server. Like `startStandaloneServer`, except that a
 * listen error (port in use) rejects instead of crashing the process as an unhandled 'error' event.
 */
export async function serveApollo<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  options: { port: number; host: string; context: (req: http.IncomingMessage, body: unknown) => Promise<TContext> },
): Promise<ServedApollo> {
  const httpServer = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text === '' ? undefined : text;
    if (text !== '' && /\bjson\b/i.test(req.headers['content-type'] ?? '')) {
      try {
        body = JSON.parse(text);
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'request body is not valid JSON' }] }));
        return;
      }
    }
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers: headerMapOf(req), search: new URL(req.url ?? '/', 'http://localhost').search, body },
      context: () => options.context(req, body),
    });
    await sendApolloResponse(res, response);
  }

  server.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer }));
  await server.start();
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(options.port, options.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  const { port } = httpServer.address() as AddressInfo;
  return { url: `http://${options.host}:${port}/graphql`, close: () => server.stop() };
}
