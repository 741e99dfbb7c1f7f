import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { DEMO_PEOPLE } from '../emulators/seed';
import type { DevIssuer } from '../security/dev-issuer';
import { ALL_SCOPES } from '../security/scopes';
import { EXAMPLE_OPERATIONS } from './examples';

const PLAYGROUND_ENDPOINT = '/graphql';
/** The demo person (Alice) the playground's dev token speaks for. */
export const PLAYGROUND_TOKEN_SUBJECT = DEMO_PEOPLE[0].auth0UserId;
export const PLAYGROUND_TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;

export interface PlaygroundOptions {
  enabled: boolean;
  /** The embedded dev issuer, when the subgraph trusts it (no AUTH_* configured); null otherwise. */
  devIssuer: DevIssuer | null;
}

/**
 * Apollo Server's landing page: the GraphiQL playground, rendered once at start-up, or no page at
 * all when the playground is off (Apollo would otherwise serve its own page, loaded from its CDN).
 */
export function playgroundPlugin({ enabled, devIssuer }: PlaygroundOptions): ApolloServerPlugin {
  if (!enabled) return ApolloServerPluginLandingPageDisabled();
  return {
    async serverWillStart() {
      const html = await renderPlaygroundPage(devIssuer);
      return { renderLandingPage: async () => ({ html }) };
    },
  };
}

/**
 * A self-contained GraphiQL page (its CSS, scripts and editor workers are inlined: it works
 * offline) with one tab per example operation.
 */
export async function renderPlaygroundPage(devIssuer: DevIssuer | null): Promise<string> {
  const renderGraphiQL = loadGraphiQLRenderer();
  const headers = devIssuer ? JSON.stringify({ authorization: `Bearer ${await mintPlaygroundToken(devIssuer)}` }, null, 2) : undefined;
  return renderGraphiQL({
    title: 'Identity subgraph',
    endpoint: PLAYGROUND_ENDPOINT,
    headers,
    defaultEditorToolsVisibility: headers ? 'headers' : true,
    defaultTabs: EXAMPLE_OPERATIONS.map(({ query, variables }) => ({ query, variables: variables ? JSON.stringify(variables, null, 2) : null, headers })),
  });
}

/** The part of @graphql-yoga/render-graphiql's GraphiQLOptions this page uses. */
interface GraphiQLPageOptions {
  title: string;
  endpoint: string;
  /** JSON text of the headers editor (also the headers of tabs opened later). */
  headers?: string;
  defaultEditorToolsVisibility: boolean | 'variables' | 'headers';
  defaultTabs: { query: string; variables: string | null; headers?: string }[];
}

/**
 * The renderer, required on first use and typed here rather than imported: its bundled GraphiQL
 * is ~9 MB of JavaScript (~35 MB of heap) that a subgraph with the playground off should not
 * load, and its typings pull in graphql-yoga's, which add the DOM library to the whole program.
 */
function loadGraphiQLRenderer(): (options: GraphiQLPageOptions) => string {
  return (require('@graphql-yoga/render-graphiql') as { renderGraphiQL: (options: GraphiQLPageOptions) => string }).renderGraphiQL;
}

/**
 * An all-scopes token for the page's headers editor. Putting a token in a page that anybody who
 * can reach the server may load is acceptable only for the embedded dev issuer: its tokens are
 * trusted by nothing but a development subgraph (production refuses to start without AUTH_*),
 * whose providers are by default emulators holding fictitious demo data. With a real issuer the
 * page carries no token (callers paste their own): one there would be handed to every visitor.
 */
function mintPlaygroundToken(devIssuer: DevIssuer): Promise<string> {
  return devIssuer.mint({ sub: PLAYGROUND_TOKEN_SUBJECT, scope: ALL_SCOPES.join(' '), expiresInSeconds: PLAYGROUND_TOKEN_LIFETIME_SECONDS });
}
