// Temporary: screenshots of the pages this change touched, both themes.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { launchBrowser, startServer, waitForEntity, waitForHydration, writeFiles, portico, waitUntil } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'portico-shots-'));
const component = (name, ref) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    backstage.io/techdocs-ref: ${ref}\nspec: {type: service, lifecycle: production, owner: platform}\n`;
writeFiles(dir, {
  'repo/handbook/catalog-info.yaml': component('handbook', 'dir:.'),
  'repo/handbook/mkdocs.yml': 'site_name: Handbook\nsite_description: How we work\nrepo_url: https://github.com/acme/handbook\nnav:\n  - Home: index.md\n  - Deploying: deploy.md\n',
  'repo/handbook/docs/index.md': '# Handbook\n\nWelcome to the handbook. Read about [deploying](deploy.md).\n\n## Rollback\n\nRevert the release when the error rate climbs.\n',
  'repo/handbook/docs/deploy.md': '# Deploying\n\n## Steps\n\nBuild, then release. Revert with the rollback job.\n',
  'repo/fresh-light/catalog-info.yaml': component('fresh-light', 'dir:.'),
  'repo/fresh-light/mkdocs.yml': 'site_name: Fresh\n',
  'repo/fresh-light/docs/index.md': '# Fresh\n',
  'repo/fresh-dark/catalog-info.yaml': component('fresh-dark', 'dir:.'),
  'repo/fresh-dark/mkdocs.yml': 'site_name: Fresh\n',
  'repo/fresh-dark/docs/index.md': '# Fresh\n',
  'repo/broken/catalog-info.yaml': component('broken', 'dir:.'),
  'repo/broken/mkdocs.yml': 'site_name: [unclosed\n',
  'repo/broken/docs/index.md': '# Broken\n',
});
execFileSync('git', ['init', '-q'], { cwd: join(dir, 'repo') });
execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@e', 'add', '.'], { cwd: join(dir, 'repo') });
execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-qm', 'docs'], { cwd: join(dir, 'repo'), env: { ...process.env, GIT_COMMITTER_DATE: '2026-11-20T10:00:00Z', GIT_AUTHOR_DATE: '2026-11-20T10:00:00Z' } });
const server = await startServer(`techdocs:
  builder: local
  rebuildCheckSeconds: 0
  publisher:
    type: local
    local:
      publishDirectory: ${join(dir, 'publish')}
catalog:
  locations:
    - type: file
      target: ${join(dir, 'repo')}/*/catalog-info.yaml
`);
await waitForEntity(server, 'component/default/handbook');
await waitForEntity(server, 'component/default/broken');
const browser = await launchBrowser();
mkdirSync('/tmp/shots', { recursive: true });
for (const theme of ['light', 'dark']) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: 'portico-theme', value: theme, url: server.url }]);
  const noJs = await browser.newContext({ viewport: { width: 1280, height: 700 }, javaScriptEnabled: false });
  await noJs.addCookies([{ name: 'portico-theme', value: theme, url: server.url }]);
  await waitForEntity(server, `component/default/fresh-${theme}`);
  const first = await noJs.newPage();
  await first.goto(`${server.url}/docs/default/component/fresh-${theme}/`);
  await first.screenshot({ path: `/tmp/shots/first-build-${theme}.png`, fullPage: true });
  await noJs.close();
  const page = await context.newPage();
  await page.goto(`${server.url}/docs/default/component/broken/`);
  await waitForHydration(page);
  await page.waitForTimeout(500);
  await page.reload();
  await page.getByText('Build log', { exact: true }).click();
  await page.screenshot({ path: `/tmp/shots/failed-${theme}.png`, fullPage: true });
  await page.goto(`${server.url}/docs/default/component/handbook/`);
  await page.getByText('Welcome to the handbook').waitFor({ timeout: 30000 });
  await waitUntil(async () => {
    await page.goto(`${server.url}/docs/default/component/handbook/?search=revert`);
    return (await page.locator('.pt-docs__results li').count()) > 0;
  }, () => 'no results');
  await page.screenshot({ path: `/tmp/shots/search-${theme}.png`, fullPage: true });
  // A newer build running while the old site is shown.
  writeFileSync(join(dir, 'repo/handbook/docs/deploy.md'), '# Deploying\n\n' + 'More text. '.repeat(20000) + '\n');
  await page.goto(`${server.url}/docs/default/component/handbook/`);
  await page.screenshot({ path: `/tmp/shots/rebuilding-${theme}.png`, fullPage: true });
  await context.close();
}
await browser.close();
await server.stop();
console.log('shots in /tmp/shots');
