// The portal's own builder (`techdocs.builder: local`) in a real browser: the
// first visit to an entity's docs shows the build's progress and opens the
// page by itself once it is published; a first build that fails says why,
// with its log, and passes axe-core at WCAG 2.2 AA.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations, launchBrowser, startServer, waitForEntity, waitForHydration, writeFiles } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'portico-techdocs-local-e2e-'));
const component = (name, ref) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    backstage.io/techdocs-ref: ${ref}\nspec: {type: service, lifecycle: production, owner: platform}\n`;
const pages = Object.fromEntries(
  Array.from({ length: 40 }, (_, i) => [`repo/handbook/docs/part-${i}.md`, `# Part ${i}\n\n${'Some text. '.repeat(200)}\n`]),
);
const files = {
  'repo/handbook/catalog-info.yaml': component('handbook', 'dir:.'),
  'repo/handbook/mkdocs.yml': 'site_name: Handbook\n',
  'repo/handbook/docs/index.md': '# Handbook\n\nWelcome to the handbook.\n',
  ...pages,
  'repo/broken/catalog-info.yaml': component('broken', 'dir:.'),
  'repo/broken/mkdocs.yml': 'site_name: [unclosed\n',
  'repo/broken/docs/index.md': '# Broken\n',
};
writeFiles(dir, files);

let server;
let browser;

before(async () => {
  server = await startServer(`techdocs:
  builder: local
  publisher:
    type: local
    local:
      publishDirectory: ${join(dir, 'publish')}
catalog:
  locations:
    - type: file
      target: ${join(dir, 'repo')}/*/catalog-info.yaml
`);
  browser = await launchBrowser();
  for (const name of ['handbook', 'broken']) {
    await waitForEntity(server, `component/default/${name}`);
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('docs built by the portal', () => {
  test('the first visit shows the build and opens the page once it is published', async () => {
    const page = await browser.newPage();
    const url = `${server.url}/docs/default/component/handbook/`;
    // The first response's body is read on its way to the page: the page may
    // reload itself (the build finished) before the test could read it from
    // the browser, which then no longer has it.
    let first;
    await page.route(url, async (route) => {
      const response = await route.fetch();
      first ??= await response.text();
      await route.fulfill({ response });
    });
    await page.goto(url);
    assert.match(first, /The documentation is being built/);
    // No reload by the test: the page follows the build and reloads itself.
    await page.locator('.pt-docs__content').getByText('Welcome to the handbook.').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByRole('link', { name: 'Part 7' }).count(), 1, 'the site nav is there');
    await page.close();
  });

  test('a first build that fails shows why and its log, accessibly', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/docs/default/component/broken/`);
    await waitForHydration(page);
    await page.getByRole('status').filter({ hasText: 'The build failed.' }).waitFor({ timeout: 30_000 });
    await page.reload();
    await waitForHydration(page);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'The documentation could not be built');
    assert.match(await page.locator('.pt-panel').first().textContent(), /mkdocs\.yml is not valid YAML/);
    const log = page.getByRole('log', { name: 'Build log' });
    await page.getByText('Build log', { exact: true }).click();
    assert.match(await log.textContent(), /The site cannot be built/);
    for (const theme of ['light', 'dark']) {
      await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      assert.deepEqual(await axeViolations(page), [], `axe-core, ${theme} theme`);
    }
    await page.close();
  });
});
