// Shared helpers: start a real portico server on a free port with its own data
// directory, launch Debian's headless Chromium, and run axe-core in a page.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const here = new URL('.', import.meta.url).pathname;
const root = resolve(here, '..', '..');

export const portico = process.env.PORTICO_BIN ?? join(root, 'target', 'release', 'portico');
const chromiumPath = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

/** Polls `ready` (async, true when done) every 100 ms; throws `failure()` after 30 s. */
export async function waitUntil(ready, failure) {
  const deadline = Date.now() + 30_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(failure());
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Writes `files` ({ relative path: text }) under `dir`, making folders as needed. */
export function writeFiles(dir, files) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** Resolves once the catalog of `server` serves the entity `kind/namespace/name`. */
export async function waitForEntity(server, path) {
  await waitUntil(
    async () => (await fetch(`${server.url}/api/catalog/entities/by-name/${path}`)).ok,
    () => `${path} was not ingested: ${server.log()}`,
  );
}

/** Starts portico with `yaml` appended to a loopback listen config; resolves when /healthz answers. */
export async function startServer(yaml = '') {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'portico-e2e-'));
  const config = join(dir, 'app-config.yaml');
  writeFileSync(config, `backend:\n  listen:\n    host: 127.0.0.1\n    port: ${port}\n${yaml}`);
  const child = spawn(portico, ['serve', '--config', config], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`portico did not start: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }), log: () => log };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Collects console errors and warnings (hydration mismatches are reported there). */
export function watchConsole(page) {
  const messages = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') messages.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
  return messages;
}

/** Resolves once the islands have hydrated (the bundle sets window.__porticoHydrated). */
export async function waitForHydration(page) {
  await page.waitForFunction(() => window.__porticoHydrated === true, null, { timeout: 20_000 });
}

/**
 * How many pixels the page's table is wider than its region (0 when nothing
 * is cut or scrolled sideways); with PORTICO_SHOTS set, a screenshot `name.png`.
 */
export async function tableOverflow(page, name) {
  const overflow = await page.evaluate(() => {
    const region = document.querySelector('.pt-table__scroll');
    return region.scrollWidth - region.clientWidth;
  });
  if (process.env.PORTICO_SHOTS) await page.screenshot({ path: `${process.env.PORTICO_SHOTS}/${name}.png`, fullPage: true });
  return overflow;
}

const axeSource = readFileSync(join(root, 'end2end', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Runs axe-core at WCAG 2.2 AA and returns the violations, summarised. */
export async function axeViolations(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  return result;
}
