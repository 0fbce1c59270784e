// Browser test at city scale: 8,000 grids. The operator's console and the supervisor's
// overdue map load (the time to ready is printed, not asserted) and follow live changes
// by applying the feed's area counts: when a case is taken in and escalates through the
// API, the grid's colour and label change without any further request of /overdue-map.
//   node tests/ui/scale.mjs --bin build/release/app/gridkeeper --ui build/release/ui [--artifacts DIR]
import { startServer, PASSWORD } from './server.mjs';
import { buildCity } from './city.mjs';
import { Run, options, check, waitFor, login as loginAs } from './harness.mjs';

const { bin, uiDir, artifacts, only } = options();
const run = new Run({ artifacts, only, hardLimitMs: 900_000, owns: (f) => f.startsWith('scale-') });
const { log, test, shot, newPage } = run;
const login = (page, url, username) => loginAs(page, url, username, PASSWORD, { watch: true });
await run.launch();

// 100 x 80 grids of about 200 m; communities of 4 x 4 grids, streets of 5 x 4 communities.
const city = buildCity({
  cols: 100, rows: 80, seed: 16, cell: [0.002, 0.0018], origin: [118.15, 24.5],
  community: (c, r) => `${Math.floor(c / 4)}:${Math.floor(r / 4)}`,
  street: (k) => {
    const [a, b] = k.split(':').map(Number);
    return `${Math.floor(a / 5)}:${Math.floor(b / 4)}`;
  },
});
log(`city: ${city.cells.length} grids, ${city.communities.length} communities, ${city.streets.length} streets`);

// Counts the page's requests of the overdue map's counts (and all of them), finished.
// Requests for /overdue-map, and the live feeds the page opened: a feed that was dropped (a
// reader too slow for a burst is cut off by the server) comes back and fetches the counts
// once more, by design; any other fetch after the first is a failure.
function countMaps(page) {
  const seen = { counts: 0, shapes: 0, all: 0, feeds: 0 };
  page.on('websocket', () => { seen.feeds++; });
  page.on('requestfinished', (r) => {
    const url = new URL(r.url());
    if (url.pathname !== '/api/v1/overdue-map') return;
    seen.all++;
    if (url.searchParams.get('counts') === 'false') seen.shapes++;
    else seen.counts++;
  });
  return seen;
}

// The fill colour the page's last map gives the area `id`.
const fillOf = (page, id) => page.evaluate((id) => {
  let colour = null;
  window.gkMaps.at(-1).eachLayer((l) => { if (String(l.feature?.id) === id) colour = l.options.fillColor; });
  return colour;
}, id);

// The supervisor's map: fill by the overdue step, outline by the most urgent open case.
const outlineOf = (page, id) => page.evaluate((id) => {
  let colour = null;
  window.gkMaps.at(-1).eachLayer((l) => { if (String(l.feature?.id) === id) colour = l.options.color; });
  return colour;
}, id);

const zoomTo = (page, cell) => page.evaluate((ring) => {
  const lats = ring.map((p) => p[1]), lons = ring.map((p) => p[0]);
  window.gkMaps.at(-1).fitBounds([[Math.min(...lats), Math.min(...lons)], [Math.max(...lats), Math.max(...lons)]], { animate: false, maxZoom: 17 });
}, cell.ring);

let server;
try {
  const t0 = Date.now();
  server = await startServer({ bin, uiDir, city, log, users: [
    { username: 'admin', role: 'admin' },
    { username: 'op', role: 'operator', scope: city.district.code },
    { username: 'sup', role: 'supervisor', scope: city.district.code },
  ] });
  log(`import and start: ${Date.now() - t0} ms`);
  const api = server.request;
  const n = city.cells.length;
  const seeded = new Set();
  const urg = ['yellow', 'orange', 'red'];
  // A few hundred open cases spread over the city.
  for (let i = 0; i < 400; i += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, k) => {
      const cell = city.cells[((i + k) * 7919) % n];
      seeded.add(cell.code);
      return api('op', 'POST', '/api/v1/cases', { lon: cell.centre[0], lat: cell.centre[1], category: 'environment', urgency: urg[(i + k) % 3], title: `规模测试 ${i + k}` });
    }));
  }
  const free = city.cells.filter((c) => !seeded.has(c.code));
  const [forConsole, forSupervisor] = [free[Math.floor(free.length / 3)], free[Math.floor((2 * free.length) / 3)]];

  await test('8,000 grids: the console loads, and a new case colours its grid from the feed alone', async () => {
    const { context, page } = await newPage('scale-console', { width: 1600, height: 900 });
    const maps = countMaps(page);
    const start = Date.now();
    await login(page, server.url, 'op');
    await page.waitForSelector('#console-map[data-ready=true]');
    await waitFor(() => maps.counts === 1, 'the counts are loaded once');
    const readyMs = Date.now() - start;
    log(`8,000 grids: console ready in ${readyMs} ms`);
    check(await page.locator('.area-label').count() < 200, 'labels only for what is in view and large enough');
    const before = await fillOf(page, forConsole.code);
    check(before === '#ffffff', `a grid without cases is white (${before})`);
    const c = await api('op', 'POST', '/api/v1/cases', { lon: forConsole.centre[0], lat: forConsole.centre[1], category: 'environment', urgency: 'red', title: '规模测试：新案件' });
    check(c.grid_id === forConsole.code, 'the case is in the chosen grid');
    await waitFor(async () => (await fillOf(page, forConsole.code)) === '#d32f2f', 'the grid turns red from the feed', 15000);
    check(maps.counts - 1 <= maps.feeds - 1, `no further /overdue-map request but after a new feed (${maps.counts - 1} after ${maps.feeds - 1})`);
    await shot(page, 'scale-console');
    await context.close();
  });

  await test('8,000 grids: the supervisor map loads, and an escalation recolours and relabels one grid from the feed alone', async () => {
    const { context, page } = await newPage('scale-supervisor', { width: 1600, height: 900 });
    const maps = countMaps(page);
    const start = Date.now();
    await login(page, server.url, 'sup');
    await page.waitForSelector('#overdue-map[data-ready=true]');
    const streetsMs = Date.now() - start;
    await page.click('.level-switch [data-level=grid]');
    await page.waitForSelector('#overdue-map[data-level=grid]');
    // Shapes: the two levels shown, and the community and street outlines drawn over them.
    await waitFor(() => maps.shapes === 4 && maps.counts === 2, 'shapes and counts of two levels, and the outlines');
    const gridsMs = Date.now() - start;
    log(`8,000 grids: overdue map ready in ${streetsMs} ms (streets), grids shown after ${gridsMs} ms`);
    check(await page.locator('.area-label').count() < 200, 'labels only for what is in view and large enough');
    await zoomTo(page, forSupervisor);
    const label = page.locator(`.area-label[data-area="${forSupervisor.code}"] .label-box`);
    await label.waitFor();
    check(await label.getAttribute('data-worst-overdue') === 'none', 'nothing overdue there yet');
    const calm = await fillOf(page, forSupervisor.code);
    const counted = maps.all, feeds = maps.feeds;
    const c = await api('op', 'POST', '/api/v1/cases', { lon: forSupervisor.centre[0], lat: forSupervisor.centre[1], category: 'environment', urgency: 'red', title: '规模测试：将超时' });
    check(c.grid_id === forSupervisor.code, 'the case is in the chosen grid');
    check(calm === '#ffffff', `nothing overdue fills nothing (${calm})`);
    await waitFor(async () => (await outlineOf(page, forSupervisor.code)) === '#d32f2f', 'the grid is outlined in its open case\'s red', 15000);
    // 30 min to accept a red case: an hour on, it is overdue (with the city's other red
    // cases); the feed brings the escalations. (Not further: the logins would expire.)
    await api('admin', 'POST', '/api/v1/test/clock', { advance_s: 3600 });
    await page.waitForSelector(`.area-label[data-area="${forSupervisor.code}"] .label-box[data-worst-overdue=red]`, { timeout: 20000 });
    // Its one open case overdue: the top step.
    await waitFor(async () => (await fillOf(page, forSupervisor.code)) === '#c62828', 'the grid is filled at the top step', 15000);
    if (maps.feeds > feeds) log(`the feed was opened again ${maps.feeds - feeds} time(s)`);
    check(maps.all - counted <= maps.feeds - feeds, `no further /overdue-map request but after a new feed (${maps.all - counted} after ${maps.feeds - feeds})`);
    await shot(page, 'scale-supervisor');
    // Loaded again (logged in anew), the shapes come from the browser's cache, revalidated
    // by their tag.
    const statuses = [];
    page.on('response', async (r) => {
      if (r.url().includes('counts=false')) statuses.push(`${r.status()} (If-None-Match ${(await r.request().headerValue('if-none-match')) ?? 'none'})`);
    });
    await page.evaluate(() => localStorage.removeItem('gk.session'));
    await login(page, server.url, 'sup');
    await page.waitForSelector('#overdue-map[data-ready=true]');
    await waitFor(() => statuses.length > 0, 'the shapes are asked for again');
    log(`8,000 grids: shapes on reload answered ${statuses.join(', ')}`);
    check(statuses.some((x) => x.includes('"shapes-')), 'the browser revalidates the shapes it keeps with their tag');
    await context.close();
  });
  await run.noProblems(uiDir);
} catch (e) {
  run.fail('setup', e);
} finally {
  await server?.stop();
}
await run.finish('browser tests at scale');
