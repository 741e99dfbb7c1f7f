import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { demoBtcDirectUserToken } from '../emulators/btcdirect/emulator';
import { DEMO_PEOPLE } from '../emulators/seed';
import type { DevIssuer } from '../security/dev-issuer';
import { ALL_SCOPES } from '../security/scopes';
import { EXAMPLE_KEY_PATTERN, EXAMPLE_OPERATIONS } from './examples';

const PLAYGROUND_ENDPOINT = '/graphql';
/** The demo person (Alice) the playground's dev token speaks for. */
export const PLAYGROUND_TOKEN_SUBJECT = DEMO_PEOPLE[0].auth0UserId;
export const PLAYGROUND_TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;
/** The demo BTC Direct user (Alice) whose user token the linkIdentifier tab forwards. */
export const PLAYGROUND_BTCDIRECT_USER = 'alice';

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
  const authorization = devIssuer ? { authorization: `Bearer ${await mintPlaygroundToken(devIssuer)}` } : undefined;
  const headers = authorization ? JSON.stringify(authorization, null, 2) : undefined;
  // The dev issuer implies every provider on its emulator, so a demo BTC Direct user token is meaningful.
  const btcDirectUser = authorization ? `Bearer ${await demoBtcDirectUserToken(PLAYGROUND_BTCDIRECT_USER, PLAYGROUND_TOKEN_LIFETIME_SECONDS)}` : undefined;
  const options: GraphiQLPageOptions = {
    title: 'Identity subgraph',
    endpoint: PLAYGROUND_ENDPOINT,
    headers,
    defaultEditorToolsVisibility: headers ? 'headers' : true,
    defaultTabs: EXAMPLE_OPERATIONS.map(({ query, variables, forwardsBtcDirectUser }) => ({
      query,
      variables: variables ? JSON.stringify(variables, null, 2) : null,
      headers: forwardsBtcDirectUser && btcDirectUser ? JSON.stringify({ ...authorization, 'x-btcdirect-user-authorization': btcDirectUser }, null, 2) : headers,
    })),
  };
  const html = renderGraphiQL(options);
  // The renderer writes the options as this JSON text into its start-up script: wrapped in the
  // page script's function, they get fresh idempotency keys at every page load.
  const optionsJson = JSON.stringify(options);
  if (!html.includes(optionsJson)) throw new Error('the GraphiQL renderer no longer embeds its options as JSON');
  return html.replace('<div id="root"></div>', () => `<div id="root"></div>\n${pageScript()}`).replace(optionsJson, () => `playgroundOptions(${optionsJson})`);
}

/**
 * What the page adds to GraphiQL:
 * - every example idempotency key (also in tabs GraphiQL kept in the browser's storage) replaced
 *   by a new one per page load: a fixed key would replay its first outcome forever (link, unlink,
 *   link again would link nothing);
 * - tabs never transformed: GraphiQL's tabs are framer-motion Reorder items constrained to the
 *   tab bar, which, when the bar overflows, leaves a translateX on every tab but the last; GraphiQL
 *   hides it with `.graphiql-tab:not(:focus-within) { transform: none }`, so the press that
 *   focuses a tab moves it from under the pointer and the click is lost. Drag-to-reorder still
 *   works, without the dragged tab following the pointer.
 */
function pageScript(): string {
  return `<style>.graphiql-tab { transform: none !important; }</style>
<script>
  function freshIdempotencyKeys(text) {
    return text.replace(${EXAMPLE_KEY_PATTERN}, function () {
      var hex = Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(16)), function (b) { return (b + 256).toString(16).slice(1); }).join('');
      return 'playground-' + [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
    });
  }
  function playgroundOptions(options) {
    try {
      Object.keys(localStorage).forEach(function (name) {
        if (name.indexOf('graphiql') === 0) localStorage.setItem(name, freshIdempotencyKeys(localStorage.getItem(name)));
      });
    } catch (error) {}
    options.defaultTabs.forEach(function (tab) { if (tab.variables) tab.variables = freshIdempotencyKeys(tab.variables); });
    return options;
  }
</script>`;
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
