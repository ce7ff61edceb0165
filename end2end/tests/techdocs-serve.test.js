// `portico techdocs serve` in a real browser: the preview of a docs folder in
// the portal's reader, and live reload: a saved page shows without the user
// refreshing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations, launchBrowser, portico, waitForHydration, waitUntil, writeFiles } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'portico-serve-e2e-'));
const write = (path, text) => writeFiles(dir, { [path]: text });
write('mkdocs.yml', 'site_name: Preview docs\nnav:\n  - Home: index.md\n  - Guide: guide.md\n');
write('docs/index.md', '# Preview\n\nDraft one.\n');
write('docs/guide.md', '# Guide\n\nSteady text.\n');

let preview;
let log = '';
let url;
let browser;

async function freePort() {
  return new Promise((ok) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => ok(port)); });
  });
}

before(async () => {
  const port = await freePort();
  preview = spawn(portico, ['techdocs', 'serve', dir, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  preview.stdout.on('data', (d) => { log += d; });
  preview.stderr.on('data', (d) => { log += d; });
  url = `http://127.0.0.1:${port}/docs/default/component/local/`;
  await waitUntil(async () => {
    try { return (await fetch(url)).ok; } catch { return false; }
  }, () => `the preview did not start: ${log}`);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (preview) await new Promise((r) => { preview.once('exit', r); preview.kill('SIGINT'); });
});

describe('techdocs serve', () => {
  test('a saved page shows in the open reader without a manual refresh', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await waitForHydration(page);
    assert.ok(await page.getByText('Draft one.').isVisible());
    assert.deepEqual(await axeViolations(page), []);

    write('docs/index.md', '# Preview\n\nDraft two, saved.\n');
    await page.getByText('Draft two, saved.').waitFor({ timeout: 20_000 });
    assert.match(log, /rebuilt 1 of 2 page\(s\)/);

    // Another page in the nav still opens (the preview is the whole portal reader).
    await page.getByRole('navigation', { name: 'Preview docs pages' }).getByRole('link', { name: 'Guide' }).click();
    await page.getByText('Steady text.').waitFor();
    await page.close();
  });
});
