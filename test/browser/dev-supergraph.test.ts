import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { startDevSupergraph, type RunningDevSupergraph } from '../supergraph/dev-supergraph';

/**
 * `npm run dev:supergraph`'s gateway page in Chromium: GraphiQL served by Hive Gateway, with no
 * request leaving this machine, and its preloaded query answered across both subgraphs.
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_MISSING = `Chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium"`;
const chromiumInstalled = existsSync(CHROMIUM);
if (!chromiumInstalled && !process.env.CI) console.warn(CHROMIUM_MISSING);
/** Without Chromium the browser test is skipped on a workstation, and fails in CI. */
const describeInBrowser = chromiumInstalled || process.env.CI ? describe : describe.skip;

const BROWSER_TIMEOUT_MS = 60_000;

describeInBrowser('dev supergraph: the gateway page in Chromium, offline', () => {
  let supergraph: RunningDevSupergraph | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!chromiumInstalled) throw new Error(CHROMIUM_MISSING);
    supergraph = await startDevSupergraph({ env: { LOG_LEVEL: 'silent' }, ports: { gateway: 0, identity: 0, accounts: 0 } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, BROWSER_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await supergraph?.close();
  }, BROWSER_TIMEOUT_MS);

  it(
    'runs the preloaded query through the gateway and shows its data, with no request beyond localhost',
    async () => {
      const context = await browser!.newContext({ viewport: { width: 1600, height: 1200 } });
      const requested: string[] = [];
      context.on('request', (request) => requested.push(request.url()));
      const page = await context.newPage();
      await page.goto(supergraph!.gateway.url);

      const answer = page.waitForResponse((response) => response.request().method() === 'POST' && response.request().postDataJSON()?.operationName === 'AccountsWithOwners');
      await page.locator('.graphiql-execute-button').click();
      const response = await answer;
      expect(response.request().headers().authorization).toMatch(/^Bearer /);
      const result = (await response.json()) as { data?: { accounts: { owner: { displayName: string } }[] }; errors?: unknown };
      expect(result.errors).toBeUndefined();
      expect(result.data!.accounts.map((account) => account.owner.displayName)).toContain('Alice Martin');

      const resultPanel = page.locator('.result-window');
      await resultPanel.getByText('Alice Martin').first().waitFor();
      const shown = await resultPanel.innerText();
      expect(shown).toContain('"accounts"');
      expect(shown).toContain('"linkedAccounts"');
      expect(shown).not.toContain('"errors"');

      const offMachine = requested.filter((url) => !/^(?:data|blob):/.test(url) && !['127.0.0.1', 'localhost'].includes(new URL(url).hostname));
      expect(requested.length).toBeGreaterThan(0);
      expect(offMachine).toEqual([]);
      await context.close();
    },
    BROWSER_TIMEOUT_MS,
  );
});
