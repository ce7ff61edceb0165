// Search in a real browser: the quick-search dialog (Ctrl+K and /, results
// as you type, arrows and Enter, Escape), the /search page with its facet
// filters in the URL and JavaScript off, a phone-sized screen, and axe-core at
// WCAG 2.2 AA in both themes, with the dialog open.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations, launchBrowser, startServer, waitForHydration, waitUntil, watchConsole } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'portico-search-e2e-'));
const entity = (name, kind, description, extra = '') =>
  `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  description: ${description}\n${extra}spec: {type: service, lifecycle: production, owner: team-payments}\n`;
writeFileSync(join(dir, 'catalog.yaml'), [
  entity('payments-api', 'Component', 'Takes card payments and refunds.', '  tags: [rust]\n'),
  entity('payments-ledger', 'Component', 'Books every payment twice.'),
  entity('checkout-web', 'Component', 'The checkout; calls the payments API.'),
  entity('inventory', 'Component', 'Stock levels.'),
].join('---\n'));

let server;
let browser;

before(async () => {
  server = await startServer(`catalog:
  processingInterval: false
  rules:
    - allow: [Component]
  locations:
    - type: file
      target: ${join(dir, 'catalog.yaml')}
`);
  browser = await launchBrowser();
  await waitUntil(
    async () => {
      const r = await fetch(`${server.url}/api/search/query?term=payments`);
      return r.ok && (await r.json()).numberOfResults >= 3;
    },
    () => `the catalog was not indexed: ${server.log()}`,
  );
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('search', () => {
  test('Ctrl+K opens the dialog; typing shows results; arrows and Enter open one', async () => {
    const page = await browser.newPage();
    const console = watchConsole(page);
    await page.goto(`${server.url}/`);
    await waitForHydration(page);
    await page.keyboard.press('Control+k');
    const input = page.getByRole('combobox', { name: 'Search the portal' });
    await input.waitFor({ state: 'visible' });
    assert.ok(await input.evaluate((el) => el === document.activeElement), 'the input has focus');
    await page.keyboard.type('paymnts');
    const options = page.getByRole('option');
    await options.first().waitFor();
    assert.equal(await input.getAttribute('aria-expanded'), 'true');
    const titles = await options.locator('.pt-search-modal__title').allTextContents();
    assert.ok(titles.includes('payments-api'), `a typo still finds it: ${titles}`);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const activeId = await input.getAttribute('aria-activedescendant');
    assert.equal(activeId, 'pt-search-modal-option-1');
    assert.equal(await page.locator(`#${activeId}`).getAttribute('aria-selected'), 'true');
    const target = await page.locator(`#${activeId} .pt-search-modal__title`).textContent();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/catalog/default/component/${target}$`));
    assert.deepEqual(console, []);
    await page.close();
  });

  test('/ opens it, Escape closes it, Enter with no option opens the results page', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/catalog`);
    await waitForHydration(page);
    await page.locator('body').click();
    await page.keyboard.press('/');
    const dialog = page.getByRole('dialog', { name: 'Search' });
    await dialog.waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('link', { name: /^Search/ }).first().click();
    await dialog.waitFor({ state: 'visible' });
    await page.keyboard.type('ledger');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?term=ledger$/);
    assert.ok(await page.getByRole('link', { name: 'payments-ledger' }).isVisible());
    await page.close();
  });

  test('the results page filters by facet, keeps it in the URL, and works without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/search`);
    await page.getByRole('searchbox', { name: 'Search the portal' }).fill('payments');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/term=payments/);
    assert.match(await page.getByRole('heading', { level: 2 }).first().textContent(), /^\d+ results$/);
    assert.ok(await page.locator('.pt-search__hit mark').first().isVisible(), 'matches are highlighted');
    await page.getByLabel('Kind').selectOption('Component');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/filters%5Bkind%5D=Component|filters\[kind\]=Component/);
    await page.getByRole('link', { name: 'Software Catalog' }).click();
    await page.waitForURL(/type=software-catalog/);
    assert.equal(await page.getByRole('link', { name: 'Software Catalog' }).getAttribute('aria-current'), 'page');
    await context.close();
  });

  test('on a phone-sized screen the dialog fits the screen', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await waitForHydration(page);
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Search' });
    await dialog.waitFor({ state: 'visible' });
    await page.keyboard.type('payments');
    await page.getByRole('option').first().waitFor();
    const box = await dialog.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 375, `fits horizontally: ${JSON.stringify(box)}`);
    assert.ok(box.y >= 0 && box.y + box.height <= 667, `fits vertically: ${JSON.stringify(box)}`);
    await context.close();
  });

  test('axe-core finds no WCAG 2.2 AA violations, light and dark, with the dialog open', async () => {
    for (const theme of ['light', 'dark']) {
      const context = await browser.newContext();
      await context.addCookies([{ name: 'portico-theme', value: theme, url: server.url }]);
      const page = await context.newPage();
      await page.goto(`${server.url}/search?term=payments&filters%5Bkind%5D=Component`);
      assert.deepEqual(await axeViolations(page), [], `${theme} /search`);
      await waitForHydration(page);
      await page.keyboard.press('Control+k');
      await page.keyboard.type('payments');
      await page.getByRole('option').first().waitFor();
      await page.keyboard.press('ArrowDown');
      assert.deepEqual(await axeViolations(page), [], `${theme} dialog`);
      await context.close();
    }
  });
});
