// The catalog pages in a real browser: filters in the URL, the entity page and
// its tabs, the relations graph, registering a file, keyboard use, no console
// warnings, and axe-core at WCAG 2.2 AA in both themes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations, launchBrowser, startServer, tableOverflow, waitForHydration, waitUntil, watchConsole } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'portico-catalog-e2e-'));
writeFileSync(join(dir, 'catalog.yaml'), `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: platform, title: Platform team}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: grace}
spec: {memberOf: [platform], profile: {email: grace@example.com}}
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: portal}
spec: {owner: platform}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: gateway
  description: The edge of everything.
  tags: [rust]
  links: [{url: 'https://example.com/runbook', title: Runbook}]
spec: {type: service, lifecycle: production, owner: platform, system: portal, providesApis: [gateway-api]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: console, title: Admin console}
spec: {type: website, lifecycle: experimental, owner: platform, consumesApis: [gateway-api]}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: gateway-api}
spec: {type: openapi, lifecycle: production, owner: platform, definition: "openapi: 3.0.0"}
`);
writeFileSync(join(dir, 'new.yaml'), `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: billing-worker}
spec: {type: service, lifecycle: production, owner: platform}
`);

let server;
let browser;

before(async () => {
  server = await startServer(`catalog:
  processingInterval: false
  registrableLocationTypes: [url, file]
  rules:
    - allow: [Component, API, System, Group, User, Location]
  locations:
    - type: file
      target: ${join(dir, 'catalog.yaml')}
`);
  browser = await launchBrowser();
  await waitUntil(async () => {
    const r = await fetch(`${server.url}/api/catalog/entities?filter=kind=component`);
    return (await r.json()).length === 2;
  }, () => `catalog not ingested: ${server.log()}`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the catalog', () => {
  test('the index filters through the URL, with JavaScript off too', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/catalog`);
    assert.match(await page.textContent('caption'), /All components \(2\)/);
    await page.selectOption('#catalog-lifecycle', 'experimental');
    await page.click('text=Apply filters');
    await page.waitForURL(/filters%5Blifecycles%5D=experimental|filters\[lifecycles\]=experimental/);
    assert.match(await page.textContent('caption'), /All components \(1\)/);
    assert.equal(await page.locator('tbody a').first().textContent(), 'Admin console');
    assert.equal(await page.locator('tbody tr').count(), 1, 'the filtered-out row is gone');
    await context.close();
  });

  test('at 1280 px the table fits beside the filters: nothing is cut or scrolled sideways', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/catalog`);
    assert.equal(await tableOverflow(page, 'catalog-1280'), 0, 'the catalog table is wider than its region');
    await page.close();
  });

  test('from the index to an entity, its relations and back, by keyboard', async () => {
    const page = await browser.newPage();
    const messages = watchConsole(page);
    await page.goto(`${server.url}/catalog`);
    await waitForHydration(page);
    const link = page.locator('tbody a', { hasText: 'gateway' });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'gateway');
    assert.match(await page.textContent('.pt-card'), /The edge of everything\./);
    assert.equal(await page.locator('a[href="/catalog/default/api/gateway-api"]').count() > 0, true);
    await page.locator('.pt-entity-tabs a', { hasText: 'Relations' }).click();
    await page.waitForSelector('.pt-graph svg');
    assert.ok(await page.locator('.pt-graph a[href="/catalog/default/system/portal"]').count() > 0);
    // The group page lists members and ownership.
    await page.goto(`${server.url}/catalog/default/group/platform`);
    assert.match(await page.textContent('main'), /grace/);
    assert.match(await page.textContent('main'), /Admin console/);
    assert.deepEqual(messages, []);
    await page.close();
  });

  test('registering an existing component: preview, then import', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/catalog-import`);
    await waitForHydration(page);
    await page.fill('#import-target', join(dir, 'new.yaml'));
    await page.click('text=Analyze');
    await page.waitForSelector('text=component:default/billing-worker');
    await page.click('button:has-text("Import")');
    await page.waitForSelector('text=1 entities added');
    const r = await fetch(`${server.url}/api/catalog/entities/by-name/component/default/billing-worker`);
    assert.equal(r.status, 200);
    await page.close();
  });

  test('starring an entity by keyboard, then listing what is starred', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/catalog/default/component/console`);
    await waitForHydration(page);
    const star = page.locator('.pt-entity-star button');
    assert.equal(await star.getAttribute('aria-pressed'), 'false');
    await star.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.pt-entity-star button[aria-pressed="true"]');
    await page.goto(`${server.url}/catalog?filters%5Buser%5D=starred`);
    assert.match(await page.textContent('caption'), /All components \(1\)/);
    assert.match(await page.textContent('tbody'), /Admin console/);
    assert.match(await page.textContent('#catalog-user'), /Starred \(1\)/);
    await page.close();
  });

  test('axe-core finds no WCAG 2.2 AA violations on the catalog pages, light and dark', async () => {
    for (const theme of ['light', 'dark']) {
      const context = await browser.newContext();
      await context.addCookies([{ name: 'portico-theme', value: theme, url: server.url }]);
      const page = await context.newPage();
      for (const path of ['/catalog', '/catalog/default/component/gateway', '/catalog/default/component/gateway/relations', '/catalog/default/group/platform', `/catalog-import?target=${encodeURIComponent(join(dir, 'catalog.yaml'))}`, '/catalog-problems']) {
        await page.goto(`${server.url}${path}`);
        assert.deepEqual(await axeViolations(page), [], `${theme} ${path}`);
      }
      await context.close();
    }
  });
});
