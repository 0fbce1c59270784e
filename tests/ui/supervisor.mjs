// Browser tests of the supervisor's screens: the overdue map coloured by how much of an
// area is overdue (one overdue case among many does not paint the district red; the legend
// explains the steps and the outlines and shows no impossible colour), the list of overdue
// cases and 催办 reaching the worker's tablet (a badge), and the command center's wall
// screen (大屏) at 1920×1080 and 3840×2160: live when a case arrives, no horizontal scroll,
// no text over text.
//   node tests/ui/supervisor.mjs --bin build/release/app/gridkeeper --ui build/release/ui [--artifacts DIR] [--only NAME]
import { startServer, PASSWORD } from './server.mjs';
import { smallCity } from './city.mjs';
import { Run, options, check, waitFor, isRed, login as loginAs, screenPoint } from './harness.mjs';
import { share } from './png.mjs';

const { bin, uiDir, artifacts, only } = options();
const run = new Run({ artifacts, only, hardLimitMs: 300_000, owns: (f) => f.startsWith('supervisor-') });
const { log, test, shot, newPage } = run;
const login = (page, url, username) => loginAs(page, url, username, PASSWORD, { watch: true });
await run.launch();

const city = smallCity();
const centre = city.cells.find((c) => c.c === 2 && c.r === 1);
const west = city.cells.find((c) => c.c === 0 && c.r === 0);
const users = [
  { username: 'admin', role: 'admin' },
  { username: 'op', role: 'operator', scope: city.district.code },
  { username: 'sup', role: 'supervisor', scope: city.district.code },
  { username: 'worker', role: 'worker', worker: west.owner.id },
];

// Nothing wider than the window, and no two texts drawn over each other inside `root`.
async function layoutProblems(page, root) {
  return page.evaluate((sel) => {
    const problems = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1) problems.push(`horizontal scroll: ${doc.scrollWidth} > ${window.innerWidth}`);
    const texts = [];
    for (const el of document.querySelectorAll(`${sel} *`)) {
      if (!el.checkVisibility?.() || el.closest('.leaflet-container')) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own) continue;
      const range = document.createRange();
      range.selectNodeContents(el);
      const r = range.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;
      texts.push({ el, r, name: `${el.tagName.toLowerCase()}.${el.className}` });
      if (r.right > window.innerWidth + 1) problems.push(`${el.textContent.trim().slice(0, 20)} runs off the screen`);
    }
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i], b = texts[j];
        if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
        const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (x > 2 && y > 2) problems.push(`"${a.el.textContent.trim().slice(0, 16)}" (${a.name}) over "${b.el.textContent.trim().slice(0, 16)}" (${b.name})`);
      }
    return problems;
  }, root);
}

let server;
try {
  server = await startServer({ bin, uiDir, city, users, log });
  const api = server.request;
  const intake = async (cell, extra = {}) => api('op', 'POST', '/api/v1/cases', {
    lon: cell.centre[0], lat: cell.centre[1], category: 'environment', urgency: 'yellow', title: '垃圾堆放', ...extra,
  });
  // Two yellow cases in every grid, then one red case in the west grid; an hour later only
  // the red one is overdue (30 minutes to accept): one case overdue among 31.
  for (const cell of city.cells) for (let i = 0; i < 2; i++) await intake(cell, { title: `日常巡查 ${cell.name} ${i}` });
  const red = await intake(west, { urgency: 'red', title: '燃气管道泄漏' });
  await api('admin', 'POST', '/api/v1/test/clock', { advance_s: 3600 });
  await waitFor(async () => (await api('admin', 'GET', `/api/v1/cases/${red.id}`)).overdue, 'the red case is overdue');

  const sup = await newPage('supervisor', { width: 1366, height: 768 });
  const wk = await newPage('worker', { width: 1280, height: 800 }, { hasTouch: true });

  await test('the overdue map is not all red when one case is overdue among many (1366×768)', async () => {
    const p = sup.page;
    await login(p, server.url, 'sup');
    await p.waitForSelector('#overdue-map[data-ready=true]');
    await p.waitForSelector('#overdue-legend [data-step="4"]');
    // The legend: the server's steps and the outlines, never "yellow overdue".
    const steps = (await api('sup', 'GET', '/api/v1/overdue-map?level=street&geometry=false')).steps;
    check(await p.locator('#overdue-legend [data-step]').count() === steps.length, 'one legend row per served step');
    check(await p.locator('#overdue-legend [data-outline]').count() === 3, 'the outlines of the three colours');
    const legend = await p.locator('#overdue-legend').textContent();
    check(!legend.includes('一般超时') && !legend.includes('超时（一般'), 'no yellow overdue in the legend');
    // Streets: one overdue case of the 31 is a pale step, not red.
    check(await p.locator('#overdue-map').getAttribute('data-level') === 'street', 'streets are shown');
    const points = await Promise.all(city.cells.map((c) => screenPoint(p, '#overdue-map', c.centre[0], c.centre[1])));
    const labelFree = (pt) => ({ x: Math.round(pt.x) - 3, y: Math.round(pt.y) + 26, width: 6, height: 6 });
    await shot(p, 'supervisor-01-streets', (img) => {
      const reds = points.filter((pt) => share(img, labelFree(pt), isRed) > 0.5).length;
      check(reds === 0, `no street is red for one overdue case among many (${reds} red spots)`);
    });
    check((await p.evaluate(() => document.documentElement.scrollWidth)) <= 1366, 'no horizontal scroll at 1366×768');
    // Grids: the one grid with its case overdue is dark, the other fourteen are not.
    await p.click('.level-switch [data-level=grid]');
    await p.waitForSelector('#overdue-map[data-level=grid]');
    await p.waitForTimeout(300);  // the canvas redraws on the next frame
    const at = await Promise.all(city.cells.map((c) => screenPoint(p, '#overdue-map', c.centre[0], c.centre[1])));
    await shot(p, 'supervisor-02-grids', (img) => {
      const redCells = city.cells.filter((c, i) => share(img, labelFree(at[i]), isRed) > 0.5).map((c) => c.code);
      check(redCells.length <= 1, `at most the overdue grid is red (${redCells.join(', ')})`);
    });
    const counts = (await api('sup', 'GET', '/api/v1/overdue-map?level=grid&geometry=false')).features;
    const hot = counts.filter((f) => f.properties.overdue_step > 0).map((f) => f.id);
    check(hot.length === 1 && hot[0] === west.code, `only the west grid has a step above 0 (${hot})`);
  });

  await test('the overdue list holds the case, and an urge reaches the worker\'s tablet', async () => {
    const w = wk.page;
    await login(w, server.url, 'worker');
    await w.waitForSelector(`#my-cases .card[data-case-id="${red.id}"]`);
    check(await w.locator(`#my-cases .card[data-case-id="${red.id}"] [data-urged]`).count() === 0, 'no badge before');
    const beeps = () => w.evaluate(() => Number(document.body.dataset.beeps || 0));
    const before = await beeps();
    const p = sup.page;
    await p.click('.tabs [data-tab=list]');
    const row = p.locator(`#overdue-list .overdue-row[data-case-id="${red.id}"]`);
    await row.waitFor();
    check(await p.locator('#overdue-list .overdue-row').count() === 1, 'only the overdue case is listed');
    check((await row.textContent()).includes('超时'), 'says how long overdue');
    await row.locator('[data-action=urge]').click();
    await p.fill('.dialog textarea[name=note]', '群众反映强烈，请立即处置');
    await p.click('.dialog button[type=submit]');
    await w.waitForSelector(`#my-cases .card[data-case-id="${red.id}"] [data-urged=true]`, { timeout: 10000 });
    await waitFor(async () => (await beeps()) > before, 'the worker hears the urge');
    await w.waitForSelector('.toast:has-text("群众反映强烈")');
    const history = (await api('admin', 'GET', `/api/v1/cases/${red.id}`)).events;
    check(history.some((e) => e.type === 'urge' && e.note === '群众反映强烈，请立即处置'), 'the urge is in the history');
    await shot(w, 'supervisor-03-urged-tablet');
    // Opening the case takes the badge away.
    await w.locator(`#my-cases .card[data-case-id="${red.id}"]`).dispatchEvent('click');  // a toast may lie over it
    await waitFor(async () => (await w.locator(`#my-cases .card[data-case-id="${red.id}"] [data-urged]`).count()) === 0, 'the badge goes once opened');
  });

  for (const [width, height] of [[1920, 1080], [3840, 2160]]) {
    await test(`the wall screen at ${width}×${height}: live, legible, nothing over anything`, async () => {
      const { page: p } = await newPage(`wall-${width}`, { width, height });
      await login(p, server.url, 'sup');
      await p.waitForSelector('#overdue-map[data-ready=true]');
      await p.goto(`${server.url}/#/wall`);
      await p.waitForSelector('#wall-map[data-ready=true]');
      check(await p.locator('.topbar').isHidden(), 'full screen: no top bar');
      await p.waitForSelector('#wall-latest .wall-case');
      const local = (await server.now()) + 8 * 3600_000;
      const from = new Date(local - (local % 86400_000) - 8 * 3600_000).toISOString();
      const today = (await api('sup', 'GET', `/api/v1/stats/trends?from=${encodeURIComponent(from)}&bucket=day`)).points.at(-1);
      await waitFor(async () => Number(await p.locator('[data-figure=intake]').textContent()) === today.taken_in, 'today\'s intake');
      const before = today.taken_in;
      check(await p.locator('[data-figure=overdue]').textContent() === '1', 'one case overdue');
      check(await p.locator('#wall-colours [data-urgency=red]').getAttribute('data-count') === '1', 'overdue by colour: one red');
      const requests = [];
      p.on('request', (r) => requests.push(r.url()));
      const fresh = await intake(centre, { title: `大屏新案件 ${width}` });
      await p.waitForSelector(`#wall-latest .wall-case:first-child[data-case-id="${fresh.id}"]`);
      await waitFor(async () => Number(await p.locator('[data-figure=intake]').textContent()) === before + 1, 'the intake figure rises');
      check(!requests.some((u) => u.includes('/api/')), `nothing fetched for the event (${requests.filter((u) => u.includes('/api/'))})`);
      const problems = await layoutProblems(p, '#wall');
      check(problems.length === 0, problems.slice(0, 5).join('; '));
      const size = await p.locator('[data-figure=intake]').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      check(size >= height / 25, `the figures are legible across a room (${size}px at ${height}px high)`);
      await shot(p, `supervisor-04-wall-${width}`);
      await p.close();
    });
  }

  log('done');
} catch (e) {
  run.fail('setup', e);
} finally {
  await server?.stop();
}

await run.noProblems(uiDir);
await run.finish('supervisor browser tests');
