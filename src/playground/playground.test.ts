import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { ApolloServerPlugin, GraphQLServerContext } from '@apollo/server';
import type { DevIssuer } from '../security/dev-issuer';
import { ALL_SCOPES } from '../security/scopes';
import { PLAYGROUND_TOKEN_LIFETIME_SECONDS, PLAYGROUND_TOKEN_SUBJECT, playgroundPlugin } from './playground';

const fakeDevIssuer = (): DevIssuer & { mint: jest.Mock } => ({ publicJwk: { kty: 'EC' }, mint: jest.fn(async () => 'dev.token.value') });

async function landingPageHtml(plugin: ApolloServerPlugin): Promise<string[]> {
  const listener = await plugin.serverWillStart!({} as GraphQLServerContext);
  const pages = [await listener!.renderLandingPage!(), await listener!.renderLandingPage!()];
  return pages.map((page) => page.html as string);
}

describe('playgroundPlugin', () => {
  it('is Apollo’s disabled landing page when the playground is off', () => {
    expect(playgroundPlugin({ enabled: false, devIssuer: fakeDevIssuer() })).toEqual(ApolloServerPluginLandingPageDisabled());
  });

  it('renders the page once at start-up, with an all-scopes dev token for Alice in the headers', async () => {
    const devIssuer = fakeDevIssuer();
    const [first, second] = await landingPageHtml(playgroundPlugin({ enabled: true, devIssuer }));

    expect(second).toBe(first);
    expect(devIssuer.mint).toHaveBeenCalledTimes(1);
    expect(devIssuer.mint).toHaveBeenCalledWith({ sub: PLAYGROUND_TOKEN_SUBJECT, scope: ALL_SCOPES.join(' '), expiresInSeconds: PLAYGROUND_TOKEN_LIFETIME_SECONDS });
    expect(PLAYGROUND_TOKEN_SUBJECT).toBe('auth0|65a1a1a1a1a1a1a1a1a1a001');
    // (Assertions on booleans: a failing toContain would print the whole 9 MB page.)
    expect(first.includes(JSON.stringify(JSON.stringify({ authorization: 'Bearer dev.token.value' }, null, 2)))).toBe(true);
  });

  it('carries no token without the dev issuer', async () => {
    const [html] = await landingPageHtml(playgroundPlugin({ enabled: true, devIssuer: null }));
    expect(/Bearer\s/.test(html)).toBe(false);
  });
});
