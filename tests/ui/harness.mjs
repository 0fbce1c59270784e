// What the browser test runs share: the command line, Chromium kept off the network,
// pages that record script errors, outside requests, missing words and every breach of the
// server's Content-Security-Policy (and pages served without one), screenshots that
// are saved and looked at, named tests with their results, and a hard time limit.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decodePng, colourCount } from './png.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..', '..');

export function options(argv = process.argv) {
  const arg = (name, fallback) => {
    const i = argv.indexOf(name);
    return i > 0 ? argv[i + 1] : fallback;
  };
  return {
    bin: path.resolve(arg('--bin', path.join(root, 'build/release/app/gridkeeper'))),
    uiDir: path.resolve(arg('--ui', path.join(root, 'build/release/ui'))),
    artifacts: path.resolve(arg('--artifacts', path.join(root, 'test-artifacts/ui'))),
    only: arg('--only', null),
  };
}

export function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}

export async function waitFor(fn, what, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await fn()) return;
    } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

// The box of an element once it is laid out (visible, with a size): boundingBox() alone
// answers null for an element not laid out yet instead of waiting for it.
export async function boxOf(locator, ms = 10000) {
  let box = null;
  await waitFor(async () => {
    box = await locator.boundingBox();
    return box !== null && box.width > 0 && box.height > 0;
  }, 'an element to be laid out', ms);
  return box;
}

export const isRed = ([r, g, b]) => r > 170 && g < 130 && b < 130;
export const caseId = async (locator) => Number(await locator.getAttribute('data-case-id'));

// watch: keep the maps of the screen it leads to (watchMaps).
export async function login(page, url, username, password, { watch = false } = {}) {
  await page.goto(url);
  if (watch) await watchMaps(page);
  await page.fill('#login input[name=username]', username);
  await page.fill('#login input[name=password]', password);
  await page.click('#login button[type=submit]');
}

// Keeps every Leaflet map the page makes from now on (window.gkMaps), so that a test can
// turn a coordinate into a point on screen. Call it on the login page, before the screen
// with the map is shown (login does with `watch`); the page's own Leaflet module is the
// one instrumented.
export async function watchMaps(page) {
  await page.evaluate(async () => {
    const L = await import('/vendor/leaflet/leaflet-src.esm.js');
    window.gkMaps = [];
    L.Map.addInitHook(function keep() { window.gkMaps.push(this); });
  });
}

// Where [lon, lat] is on the page (CSS pixels), on the last map shown in `selector`.
export async function screenPoint(page, selector, lon, lat) {
  return (await screenPoints(page, selector, [[lon, lat]]))[0];
}

export async function screenPoints(page, selector, points) {
  return page.evaluate(([sel, points]) => {
    const el = document.querySelector(sel);
    const map = window.gkMaps.findLast((m) => m.getContainer() === el);
    const box = el.getBoundingClientRect();
    return points.map(([lon, lat]) => {
      const p = map.latLngToContainerPoint([lat, lon]);
      return { x: box.left + p.x, y: box.top + p.y };
    });
  }, [selector, points]);
}

export class Run {
  // owns(fileName): the screenshots this run makes, removed before it starts.
  constructor({ artifacts, only = null, hardLimitMs, owns = () => true }) {
    Object.assign(this, { artifacts, only, owns });
    this.started = Date.now();
    this.results = [];
    this.problems = [];
    this.cspViolations = [];
    // Everything stops by itself: a hung browser or server cannot hold the test run.
    this.hard = setTimeout(() => {
      console.error(`FAIL the browser tests took longer than ${hardLimitMs / 1000} s; stopping`);
      process.exit(1);
    }, hardLimitMs);
    fs.mkdirSync(artifacts, { recursive: true });
    for (const f of fs.readdirSync(artifacts)) if (f.endsWith('.png') && owns(f)) fs.rmSync(path.join(artifacts, f));
    for (const k of ['log', 'test', 'shot', 'newPage']) this[k] = this[k].bind(this);
  }

  log(...a) {
    console.log(`[${((Date.now() - this.started) / 1000).toFixed(1)}s]`, ...a);
  }

  async test(name, fn) {
    if (this.only && !name.includes(this.only)) return;
    const t0 = Date.now();
    try {
      await fn();
      this.results.push({ name, ok: true, ms: Date.now() - t0 });
      this.log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      this.fail(name, e, Date.now() - t0);
    }
  }

  fail(name, e, ms = 0) {
    this.results.push({ name, ok: false, ms, error: e });
    this.log(`FAIL ${name} (${ms} ms)\n${e.stack || e}`);
  }

  async launch() {
    const { chromium } = createRequire(path.join(root, 'web/ui/package.json'))('playwright-core');
    this.browser = await chromium.launch({
      executablePath: process.env.GRIDKEEPER_CHROMIUM || '/usr/bin/chromium',
      // A fresh profile per launch is playwright's own; these keep Chromium off the network.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
    });
    return this.browser;
  }

  // A screenshot saved and looked at: not blank, and what `checks` want of its pixels.
  async shot(page, name, checks = () => {}) {
    const file = path.join(this.artifacts, `${name}.png`);
    const buf = await page.screenshot({ path: file });
    const img = decodePng(buf);
    check(colourCount(img) >= 8, `${name}.png is not blank`);
    checks(img);
    return img;
  }

  async newPage(label, viewport, extra = {}) {
    const context = await this.browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...extra });
    // The server's Content-Security-Policy holds on every page, and nothing breaks it: an
    // inline script, style attribute or handler, or a load from elsewhere, fails the run.
    await context.exposeBinding('__gkCspViolation', (_source, what) => this.cspViolations.push(`${label}: ${what}`));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__gkCspViolation(`${e.effectiveDirective} refused ${e.blockedURI || 'inline'} at ${e.sourceFile || '?'}:${e.lineNumber} ${e.sample || ''}`);
      });
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    page.on('pageerror', (e) => this.problems.push(`${label}: ${e.message}${e.stack ? `\n    ${e.stack.split('\n').slice(1, 8).join('\n    ')}` : ''}`));
    // Everything comes from the server itself: no CDN, no tiles, nothing from outside.
    page.on('request', (r) => {
      if (!/^(http:\/\/127\.0\.0\.1:|ws:\/\/127\.0\.0\.1:|blob:|data:)/.test(r.url())) this.problems.push(`${label}: asked for ${r.url()}`);
    });
    page.on('response', (r) => {
      if (r.request().resourceType() === 'document' && !r.headers()['content-security-policy'])
        this.problems.push(`${label}: ${r.url()} came without a Content-Security-Policy`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource|ERR_INTERNET_DISCONNECTED|WebSocket/.test(m.text())) this.problems.push(`${label}: ${m.text()}`);
      if (m.text().startsWith('i18n:')) this.problems.push(`${label}: ${m.text()}`);
    });
    return { context, page };
  }

  // The last tests of a run: no breach of the policy, what the pages reported, and both
  // dictionaries complete.
  async noProblems(uiDir) {
    await this.test('no Content-Security-Policy violations in the whole run', async () => {
      check(this.cspViolations.length === 0, `violations:\n  ${this.cspViolations.join('\n  ')}`);
    });
    await this.test('no script errors, no missing words and nothing fetched from outside', async () => {
      check(this.problems.length === 0, `page problems:\n  ${this.problems.join('\n  ')}`);
      // English falls back to Chinese word by word: a word missing in one is a missing translation.
      globalThis.localStorage ??= { getItem: () => null, setItem: () => {} };  // the module reads the chosen language
      const dictionaries = await import(pathToFileURL(path.join(uiDir, 'js/i18n.js')).href);
      const zh = new Set(dictionaries.keys('zh')), en = new Set(dictionaries.keys('en'));
      const missing = [...zh].filter((k) => !en.has(k)).concat([...en].filter((k) => !zh.has(k)));
      check(missing.length === 0, `words in one language only: ${missing.join(', ')}`);
    });
  }

  // Closes the browser, prints the summary and exits with the result.
  async finish(title) {
    await this.browser?.close();
    clearTimeout(this.hard);
    const passed = this.results.filter((r) => r.ok).length, failed = this.results.length - passed;
    console.log(`\nscreenshots in ${this.artifacts}`);
    console.log(`${title}: ${((Date.now() - this.started) / 1000).toFixed(1)} s`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
  }
}
