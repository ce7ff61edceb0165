// The app shell in a real browser: server rendering, hydration, navigation,
// theme persistence, keyboard use, and axe-core at WCAG 2.2 AA.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, launchBrowser, startServer, waitForHydration, watchConsole } from './support.js';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the shell', () => {
  test('pages arrive as complete HTML, readable with JavaScript off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    assert.match(await page.textContent('h1'), /Welcome to Portico/);
    assert.match(await page.textContent('.pt-markdown'), /developer portal/);
    await page.goto(`${server.url}/gallery`);
    assert.equal(await page.locator('[role="tab"]').count(), 6);
    await context.close();
  });

  test('hydration makes controls work, with no console warnings', async () => {
    const page = await browser.newPage();
    const messages = watchConsole(page);
    for (const path of ['/', '/settings', '/gallery', '/example']) {
      await page.goto(`${server.url}${path}`);
      await waitForHydration(page);
    }
    const toggle = page.locator('.pt-sidebar__toggle');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.deepEqual(messages, []);
    await page.close();
  });

  test('unknown addresses get the 404 page, which hydrates too', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${server.url}/no/such/page`);
    assert.equal(response.status(), 404);
    await waitForHydration(page);
    assert.equal(await page.textContent('h1'), 'Page not found');
    await page.click('text=Go to the home page');
    await page.waitForURL(`${server.url}/`);
    await page.waitForFunction(() => document.querySelector('h1')?.textContent.startsWith('Welcome'));
    await page.close();
  });

  test('sidebar links navigate without a full reload and mark the current page', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await waitForHydration(page);
    await page.evaluate(() => { window.__samePage = true; });
    await page.click('.pt-sidebar a[href="/gallery"]');
    await page.waitForURL(`${server.url}/gallery`);
    // The island router swaps the page inside a view transition, which can finish after the URL changes.
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Components');
    assert.equal(await page.evaluate(() => window.__samePage), true, 'the document was not reloaded');
    assert.equal(await page.title(), 'Components · Portico');
    assert.equal(await page.getAttribute('.pt-sidebar a[href="/gallery"]', 'aria-current'), 'page');
    assert.equal(await page.getAttribute('.pt-sidebar a[href="/"]', 'aria-current'), null);
    await page.close();
  });

  test('the theme choice applies at once and survives a reload', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/settings`);
    await waitForHydration(page);
    assert.equal(await page.getAttribute('html', 'data-theme'), 'system');
    await page.check('#theme-dark');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    // The form submits itself; wait for the cookie before reloading.
    await page.waitForFunction(() => document.cookie.includes('portico-theme=dark'));
    await page.reload();
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark', 'rendered dark by the server');
    const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    assert.equal(bg, 'rgb(28, 28, 28)');
    await context.close();
  });

  test('the theme form works without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/settings`);
    await page.check('#theme-light');
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    await page.goto(`${server.url}/settings`);
    assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
    await context.close();
  });

  test('the shell works from the keyboard alone, with a visible focus', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await waitForHydration(page);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'focus is visible');
    // Tab through the sidebar to Settings and open it.
    let label = '';
    for (let i = 0; i < 12 && label !== 'Settings'; i++) {
      await page.keyboard.press('Tab');
      label = await page.evaluate(() => document.activeElement.textContent.trim());
    }
    assert.equal(label, 'Settings');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/settings`);
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Settings');
    await page.close();
  });

  test('tabs and dialogs follow their ARIA keyboard patterns', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/gallery`);
    await waitForHydration(page);
    await page.focus('#gallery-tabs-light-tab-0');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('#gallery-tabs-light-tab-1', 'aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'gallery-tabs-light-tab-1');
    assert.equal(await page.isVisible('#gallery-tabs-light-panel-1'), true);
    await page.keyboard.press('End');
    assert.equal(await page.getAttribute('#gallery-tabs-light-tab-2', 'aria-selected'), 'true');
    await page.click('section[data-theme="light"] >> text=Open dialog');
    assert.equal(await page.evaluate(() => document.getElementById('gallery-dialog-light').open), true);
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.getElementById('gallery-dialog-light').open), false);
    await page.close();
  });

  test('a collapsed sidebar stays collapsed across reloads', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await waitForHydration(page);
    await page.click('.pt-sidebar__toggle');
    assert.match(await page.getAttribute('#pt-sidebar', 'class'), /pt-sidebar--collapsed/);
    await page.reload();
    assert.match(await page.getAttribute('#pt-sidebar', 'class'), /pt-sidebar--collapsed/, 'rendered collapsed by the server');
    assert.equal(await page.getAttribute('.pt-sidebar__toggle', 'aria-expanded'), 'false');
    await context.close();
  });

  test('the example plugin: a form that posts in place, and an island calling its backend', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/example`);
    await waitForHydration(page);
    await page.evaluate(() => { window.__samePage = true; });
    await page.fill('#example-note', 'written in the browser');
    await page.click('button[type="submit"]:has-text("Add")');
    await page.waitForSelector('td:has-text("written in the browser")');
    assert.equal(await page.evaluate(() => window.__samePage), true, 'updated without a reload');
    await page.click('text=Ping /api/example/health');
    await page.waitForSelector('[data-testid="ping-status"]:has-text("The backend answered: ok.")');
    await page.close();
  });

  test('server-side pagination and sorting live in the URL', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/gallery?sort=name&dir=desc&offset=5`);
    const first = await page.textContent('section[data-theme="light"] tbody tr td');
    // Descending: search, reports, payments, notifications, mailer | ledger, ...
    assert.equal(first, 'ledger');
    assert.match(await page.textContent('section[data-theme="light"] .pt-table__summary'), /6–10 of 12/);
    await page.close();
  });
});

describe('accessibility (axe-core, WCAG 2.2 AA)', () => {
  for (const theme of ['light', 'dark']) {
    for (const path of ['/', '/settings', '/gallery']) {
      test(`${path} in the ${theme} theme has no violations`, async () => {
        const context = await browser.newContext();
        await context.addCookies([{ name: 'portico-theme', value: theme, url: server.url }]);
        const page = await context.newPage();
        await page.goto(`${server.url}${path}`);
        await waitForHydration(page);
        assert.equal(await page.getAttribute('html', 'data-theme'), theme);
        assert.deepEqual(await axeViolations(page), []);
        await context.close();
      });
    }
  }
});
