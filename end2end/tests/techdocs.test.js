// The docs reader in a real browser: a site built and published with the
// `portico` CLI, read at /docs/..., the Docs tab on its entity, content tabs
// by keyboard, readable with JavaScript off, and axe-core at WCAG 2.2 AA in
// both themes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations, launchBrowser, portico, startServer, tableOverflow, waitForEntity, waitForHydration, waitUntil, writeFiles } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'portico-techdocs-e2e-'));
const files = {
  'repo/mkdocs.yml': 'site_name: Gateway docs\nsite_description: Running the gateway\nrepo_url: https://github.com/acme/gateway\nedit_uri: edit/main/docs\nnav:\n  - Home: index.md\n  - Operations:\n      - ops/deploy.md\n      - ops/diagrams.md\n',
  'repo/docs/index.md': [
    '# Gateway',
    '',
    'Start with [deploying](ops/deploy.md#rollback).',
    '',
    '![Gateway diagram](img/diagram.svg)',
    '',
    '!!! tip "Good to know"',
    '    The gateway is *stateless*.',
    '',
    '=== "Rust"',
    '    ```rust',
    '    fn main() {}',
    '    ```',
    '',
    '=== "Shell"',
    '    ```sh',
    '    cargo run',
    '    ```',
    '',
    '| Setting | Default |',
    '|---|---|',
    '| port | 8080 |',
    '',
  ].join('\n'),
  'repo/docs/img/diagram.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" fill="#246"/></svg>',
  'repo/docs/ops/deploy.md': '# Deploy\n\n## Steps\n\n1. Build\n2. Ship\n\n## Rollback\n\nRevert the release.\n',
  'repo/docs/ops/diagrams.md': [
    '# Diagrams',
    '',
    '```mermaid',
    'graph LR',
    '  Client --> Gateway --> Backend',
    '```',
    '',
    'A label trying to run script:',
    '',
    '```mermaid',
    'graph TD',
    '  A["<img src=x onerror=window.pwned=1>Hostile"] --> B',
    '  click A call pwn()',
    '```',
    '',
    'A broken one:',
    '',
    '```mermaid',
    'graph LR',
    '  A --> -->',
    '```',
    '',
  ].join('\n'),
  'notes/mkdocs.yml': 'site_name: Release notes\n',
  'notes/docs/index.md': '# Release notes\n\nVersion one.\n',
  'catalog.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: gateway\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec: {type: service, lifecycle: production, owner: platform}\n',
};
writeFiles(dir, files);
const publish = join(dir, 'publish');
execFileSync(portico, ['techdocs', 'build', 'repo', '--output', 'site', '--strict'], { cwd: dir });
execFileSync(portico, ['techdocs', 'publish', '--entity', 'default/Component/gateway', 'site', '--publish-directory', publish], { cwd: dir });
/** Builds the `notes` folder and publishes it as default/component/notes. */
function publishNotes() {
  execFileSync(portico, ['techdocs', 'build', 'notes', '--output', 'notes-site'], { cwd: dir });
  execFileSync(portico, ['techdocs', 'publish', '--entity', 'default/Component/notes', 'notes-site', '--publish-directory', publish], { cwd: dir });
}
publishNotes();

let server;
let browser;

before(async () => {
  server = await startServer(`techdocs:
  builder: external
  publisher:
    type: local
    local:
      publishDirectory: ${publish}
catalog:
  processingInterval: false
  rules:
    - allow: [Component]
  locations:
    - type: file
      target: ${join(dir, 'catalog.yaml')}
`);
  browser = await launchBrowser();
  await waitForEntity(server, 'component/default/gateway');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('docs reader', () => {
  test('reads a page, follows a link to an anchor on another page, and shows the table of contents', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/docs/default/component/gateway/`);
    assert.equal(await page.locator('.pt-docs__content h1').textContent(), 'Gateway¶');
    assert.match(await page.locator('.pt-docs__meta').textContent(), /Built .* by Portico from/);
    assert.equal(await page.getByRole('link', { name: 'Edit this page' }).getAttribute('href'), 'https://github.com/acme/gateway/edit/main/docs/index.md');
    await page.getByRole('link', { name: 'deploying' }).click();
    await page.waitForURL(/\/docs\/default\/component\/gateway\/ops\/deploy\/#rollback$/);
    const toc = page.getByRole('navigation', { name: 'On this page' });
    assert.deepEqual(await toc.getByRole('link').allTextContents(), ['Steps', 'Rollback']);
    const current = page.locator('.pt-docs__nav a[aria-current="page"]');
    assert.equal(await current.textContent(), 'Deploy');
    await page.close();
  });

  test('content tabs switch by keyboard and by click', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/docs/default/component/gateway/`);
    const rust = page.locator('.tabbed-block').nth(0);
    const shell = page.locator('.tabbed-block').nth(1);
    assert.ok(await rust.isVisible());
    assert.ok(!(await shell.isVisible()));
    await page.getByText('Shell', { exact: true }).click();
    assert.ok(await shell.isVisible());
    await page.locator('.tabbed-set input').nth(1).focus();
    await page.keyboard.press('ArrowLeft');
    assert.ok(await rust.isVisible(), 'arrow keys move between tabs');
    await page.close();
  });

  test('the Docs tab on the entity and the /docs index lead to the site', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/catalog/default/component/gateway/docs`);
    assert.ok(await page.locator('.pt-docs__content').getByText('The gateway is').isVisible());
    await page.goto(`${server.url}/docs`);
    await page.getByRole('link', { name: 'Gateway docs' }).click();
    await page.waitForURL(/\/docs\/default\/component\/gateway\/$/);
    await page.close();
  });

  test('pages are complete without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/docs/default/component/gateway/ops/deploy/`);
    assert.ok(await page.getByText('Revert the release.').isVisible());
    assert.equal(await page.getByRole('navigation', { name: 'On this page' }).getByRole('link').count(), 2);
    await context.close();
  });

  test('the search box searches this site: Enter shows the sections, a result opens its section', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/docs/default/component/gateway/`);
    await waitForHydration(page);
    const box = page.getByRole('searchbox', { name: 'Search Gateway docs' });
    // The index fills in the background after start-up: ask until it answers.
    await waitUntil(async () => {
      await box.fill('revert');
      await box.press('Enter');
      await page.waitForURL(/\?search=revert$/);
      return (await page.locator('.pt-docs__results li').count()) > 0;
    }, () => 'no in-site results for "revert"');
    const results = page.getByRole('region', { name: /result.* for “revert” in this site/ });
    assert.match(await results.locator('mark').first().textContent(), /revert/i);
    assert.equal(await box.inputValue(), 'revert', 'the term stays in the box');
    for (const theme of ['light', 'dark']) {
      await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      assert.deepEqual(await axeViolations(page), [], `axe-core with results, ${theme}`);
    }
    await results.getByRole('link', { name: 'Rollback' }).click();
    await page.waitForURL(/\/ops\/deploy\/#rollback$/);
    assert.ok(await page.getByText('Revert the release.').isVisible());
    await page.close();
  });

  test('Mermaid blocks are drawn in both themes, the source stays under the drawing, a broken one says why, labels run no script', async () => {
    const path = '/docs/default/component/gateway/ops/diagrams/';
    for (const theme of ['light', 'dark']) {
      const context = await browser.newContext();
      await context.addCookies([{ name: 'portico-theme', value: theme, url: server.url }]);
      const page = await context.newPage();
      await page.goto(`${server.url}${path}`);
      const drawings = page.locator('.pt-docs__content figure.pt-mermaid svg');
      await waitUntil(async () => (await drawings.count()) === 2, () => 'two diagrams drawn');
      const first = await drawings.first().textContent();
      assert.ok(first.includes('Gateway') && first.includes('Backend'), first);
      assert.ok((await drawings.nth(1).textContent()).includes('Hostile'));
      // Mermaid's strict mode keeps an <img> in a label but drops its handlers;
      // give a broken image's error event the time to fire.
      const handlers = await page.evaluate(() => [...document.querySelectorAll('.pt-docs__content figure *')]
        .flatMap((el) => [...el.attributes].map((a) => a.name)).filter((name) => name.startsWith('on')));
      assert.deepEqual(handlers, [], 'no event handler attributes in a drawing');
      await page.waitForTimeout(300);
      assert.equal(await page.evaluate(() => window.pwned), undefined, 'the label ran no script');
      // The source folds under the drawing.
      const source = page.getByText('Diagram source').first();
      assert.ok(await source.isVisible());
      assert.ok(!(await page.getByText('Client --> Gateway').isVisible()), 'folded');
      await source.click();
      assert.ok(await page.getByText('Client --> Gateway').isVisible(), 'unfolded');
      // The broken block keeps its source and says why.
      assert.ok(await page.getByText('This diagram cannot be drawn').isVisible());
      assert.ok(await page.getByText('A --> -->').isVisible());
      // Nodes are filled in the theme's colours: dark on the dark theme.
      const fill = await page.evaluate(() => getComputedStyle(document.querySelector('figure.pt-mermaid svg .node rect')).fill);
      const [r, g, b] = fill.match(/\d+/g).map(Number);
      assert.equal(r + g + b < 3 * 128, theme === 'dark', `Mermaid's ${theme} theme: ${fill}`);
      if (process.env.PORTICO_SHOTS) await page.screenshot({ path: `${process.env.PORTICO_SHOTS}/mermaid-${theme}.png`, fullPage: true });
      assert.deepEqual(await axeViolations(page), [], `${theme} with diagrams`);
      await context.close();
    }
    // Without JavaScript the source is the content.
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}${path}`);
    assert.ok(await page.getByText('Client --> Gateway --> Backend').isVisible());
    await context.close();
  });

  test('axe-core finds no WCAG 2.2 AA violations on the docs pages, light and dark', async () => {
    for (const theme of ['light', 'dark']) {
      const context = await browser.newContext();
      await context.addCookies([{ name: 'portico-theme', value: theme, url: server.url }]);
      const page = await context.newPage();
      for (const path of ['/docs', '/docs/default/component/gateway/', '/docs/default/component/gateway/ops/deploy/', '/catalog/default/component/gateway/docs']) {
        await page.goto(`${server.url}${path}`);
        assert.deepEqual(await axeViolations(page), [], `${theme} ${path}`);
      }
      await context.close();
    }
  });

  test('a site published again while open says so, and Reload shows the new version', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/docs/default/component/notes/`);
    await waitForHydration(page);
    assert.ok(await page.getByText('Version one.').isVisible());
    const status = page.getByRole('status').filter({ hasText: 'newer version' });
    assert.equal(await status.count(), 0, 'nothing to say before a new build');

    writeFileSync(join(dir, 'notes/docs/index.md'), '# Release notes\n\nVersion two.\n');
    publishNotes();
    await status.waitFor({ timeout: 20_000 });
    assert.ok(await page.getByText('Version one.').isVisible(), 'the reader is not reloaded under the user');
    assert.deepEqual(await axeViolations(page), [], 'with the notice shown');
    await status.getByRole('button', { name: 'Reload' }).click();
    await page.getByText('Version two.').waitFor();
    await page.close();
  });

  test('reader add-ons: text size, expand all sections, image lightbox, report an issue', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/docs/default/component/gateway/`);
    await waitForHydration(page);
    const content = page.locator('.pt-docs__content');
    const fontSize = () => content.evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    const before = await fontSize();

    // Text size: a slider with Backstage's stops, by keyboard, remembered.
    const slider = page.getByLabel('Text size');
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await slider.getAttribute('aria-valuetext'), '115%');
    await waitUntil(async () => (await fontSize()) > before, () => 'the text did not grow');
    await page.reload();
    await waitForHydration(page);
    assert.equal(await page.getByLabel('Text size').getAttribute('aria-valuetext'), '115%', 'remembered');

    // Expand all sections of the nav, and back.
    const section = page.locator('.pt-docs__nav details');
    const expand = page.getByRole('button', { name: 'Expand all sections' });
    assert.equal(await section.getAttribute('open'), null);
    await expand.click();
    assert.notEqual(await section.getAttribute('open'), null);
    assert.equal(await expand.getAttribute('aria-pressed'), 'true');
    await expand.click();
    assert.equal(await section.getAttribute('open'), null);

    // The lightbox, by keyboard: Enter opens, Escape closes.
    const image = page.getByRole('button', { name: 'Enlarge image: Gateway diagram' });
    await image.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Image: Gateway diagram' });
    await dialog.waitFor();
    assert.deepEqual(await axeViolations(page), [], 'with the lightbox open');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // Report an issue on selected text: a new GitHub issue quoting it.
    await content.locator('p', { hasText: 'Start with' }).selectText();
    const report = page.getByRole('link', { name: 'Open new issue' });
    await report.waitFor();
    assert.match(await report.getAttribute('href'), /^https:\/\/github\.com\/acme\/gateway\/issues\/new\?title=Documentation%20feedback%3A%20Start%20with%20deploying/);
    await page.evaluate(() => window.getSelection().removeAllRanges());
    await report.waitFor({ state: 'hidden' });
    await page.close();
  });

  test('the /docs index filters by owner and kind', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/docs`);
    await page.getByLabel('Owner').selectOption({ label: 'platform' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/owner=group%3Adefault%2Fplatform/);
    assert.ok(await page.getByRole('link', { name: 'Gateway docs' }).isVisible());
    assert.equal(await page.getByRole('link', { name: 'Release notes' }).count(), 0, 'notes has no owner in the catalog');
    assert.deepEqual(await axeViolations(page), []);
    await page.close();
  });

  test('at 1280 px the /docs table fits beside the filters: the Built column is not cut', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/docs`);
    assert.equal(await tableOverflow(page, 'docs-index-1280'), 0, 'the /docs table is wider than its region');
    await page.close();
  });
});
