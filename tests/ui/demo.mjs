// Browser tests on the demo city: `gridkeeper demo` builds 翔安区 (556 grids, 733 workers,
// three days of history with hundreds of open cases) in a temporary database, and the
// closed loop is played on it with the demo logins. The operator's console loads the
// whole district; a click inside a grid (chosen through the API, projected with the
// page's map) shows the grid, community and worker; the case is sent; that worker's
// tablet (a second browser context) sees it arrive live, accepts, attaches a photo and
// resolves; the operator verifies and closes it; a supervisor watches a grid without
// overdue cases turn red on the overdue map when the manual clock passes a red case's
// deadline; the district supervisor's assessment tab renders its charts. Screenshots go to
// test-artifacts/ui/demo-*.png and are checked.
//   node tests/ui/demo.mjs --bin build/release/app/gridkeeper --ui build/release/ui [--artifacts DIR] [--only NAME]
import { startDemo, DEMO_PASSWORD } from './server.mjs';
import { share, makePng, colourCount, crop } from './png.mjs';
import { Run, options, check, waitFor, isRed, caseId, login as loginAs, screenPoint, screenPoints, boxOf } from './harness.mjs';

const { bin, uiDir, artifacts, only } = options();
const run = new Run({ artifacts, only, hardLimitMs: 150_000, owns: (f) => f.startsWith('demo-') });
const { log, test, shot, newPage } = run;
const login = (page, url, username, o) => loginAs(page, url, username, DEMO_PASSWORD, o);
await run.launch();

const isBlue = ([r, g, b]) => b > 140 && r < 60 && g < 120;  // the chosen grid's outline and the pin
const boxAround = (p, w, hgt = w) => ({ x: Math.round(p.x - w / 2), y: Math.round(p.y - hgt / 2), width: w, height: hgt });
const rounded = (b) => ({ x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) });

let server;
try {
  const t0 = Date.now();
  server = await startDemo({ bin, uiDir, log });
  log(`demo city built and served in ${Date.now() - t0} ms`);
  const api = server.request;
  const logins = new Map(server.logins.map((l) => [l.username, l]));
  for (const u of ['admin', 'operator', 'street-operator', 'district-supervisor', 'street-supervisor', 'community-supervisor'])
    check(logins.has(u), `the demo prints the login ${u}`);
  check(/every worker logs in as its id in lower case/.test(server.output.join('')), 'the demo explains the worker logins');

  // What the test picks from: the grids with their shapes, the workers, the open counts.
  const grids = new Map((await api('operator', 'GET', '/api/v1/grids')).features.map((f) => [String(f.id), f]));
  const workers = new Map((await api('operator', 'GET', '/api/v1/workers')).workers.map((w) => [w.id, w]));
  const areas = new Map((await api('operator', 'GET', '/api/v1/jurisdictions')).jurisdictions.map((j) => [j.code, j]));
  const counts = new Map((await api('operator', 'GET', '/api/v1/overdue-map?level=grid&geometry=false')).features.map((f) => [String(f.id), f.properties]));
  const open = [...counts.values()].reduce((n, p) => n + p.open, 0);
  log(`翔安区: ${grids.size} grids, ${workers.size} workers, ${open} open cases`);
  check(grids.size > 500 && open > 300, 'the demo district has its grids and its open cases');
  // The point deepest inside a grid is found when asked for (it takes a moment per grid).
  for (const g of grids.values()) Object.defineProperty(g, 'inner', { get() { return (this.deep ??= interiorPoint(this.geometry)); } });

  const op = await newPage('operator', { width: 1600, height: 900 });
  const wk = await newPage('worker', { width: 1280, height: 800 }, { hasTouch: true });
  let intake = null;  // {grid, point, worker, id}

  await test('demo: the operator console loads the whole district', async () => {
    const p = op.page;
    const t1 = Date.now();
    await login(p, server.url, 'operator', { watch: true });
    await p.waitForSelector('#console-map[data-ready=true]');
    await p.waitForSelector('[data-tab=cases] .count:text("50+")');
    log(`the console with ${grids.size} grids and its first page of cases in ${Date.now() - t1} ms`);
    await p.waitForSelector('.topbar .conn[data-online=true]');
    const view = await p.evaluate((all) => {
      const map = window.gkMaps.findLast((m) => m.getContainer().isConnected);
      const ids = new Set();
      // The grids' features (the outlines' areas have a level; the basemap's roads no id).
      map.eachLayer((l) => { if (l.feature?.id !== undefined && !l.feature.properties.level) ids.add(String(l.feature.id)); });
      return { grids: ids.size, whole: map.getBounds().contains(all) };
    }, bounds([...grids.values()]));
    check(view.grids === grids.size, `every grid is on the map (${view.grids})`);
    check(view.whole, 'the map shows the whole district');
    const box = rounded(await boxOf(p.locator('#console-map')));
    await shot(p, 'demo-01-console', (img) => {
      // Grids tinted by their worst open case: hundreds of them yellow, some red.
      check(colourCount(crop(img, box)) >= 12, 'the district is drawn in colours');
      check(share(img, box, ([r, g, b]) => r > 215 && g > 205 && b > 150 && b < 190) > 0.02, 'grids with yellow cases are tinted');
      check(share(img, box, ([r, g, b]) => r > 210 && g > 170 && g < 200 && b > 170 && b < 200) > 0.001, 'grids with red cases are tinted');
    });
  });

  await test('demo: a click inside a grid shows its grid, community and worker; the case is sent and arrives live on the tablet', async () => {
    const p = op.page;
    // A grid without open cases (no case markers in the way), whose owner is on duty and
    // has few cases, the largest such on screen.
    const candidates = [...grids.values()].filter((g) => !counts.get(g.id)?.open
      && workers.get(g.properties.owner_id)?.status === 'on_duty' && workers.get(g.properties.owner_id).open_cases <= 5);
    for (const g of largest(candidates).slice(0, 10)) {
      const at = await screenPoint(p, '#console-map', g.inner.lon, g.inner.lat);
      const edge = await screenPoint(p, '#console-map', g.inner.lon, g.inner.lat + g.inner.r / 110540);
      const onMap = await p.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('#console-map .leaflet-pane') !== null, at);
      if (onMap && at.y - edge.y >= 12) { intake = { grid: g, point: at }; break; }
    }
    check(intake, 'a grid big enough to click on at the district view');
    const g = intake.grid;
    await p.mouse.click(intake.point.x, intake.point.y);
    const preview = p.locator('.route-preview[data-state=found]');
    await preview.waitFor();
    check(await preview.getAttribute('data-grid') === g.id, `the click routes to grid ${g.id}`);
    const gridText = await preview.locator('[data-field=grid]').textContent();
    check(gridText.includes(g.properties.name) && gridText.includes(g.id), `the preview names the grid (${gridText})`);
    const community = areas.get(g.properties.community).name;
    check(await preview.locator('[data-field=community]').textContent() === community, `the preview names the community ${community}`);
    const shown = await preview.locator('[data-field=worker]').textContent();
    const owner = workers.get(g.properties.owner_id);
    check(shown.includes(owner.name), `the preview names the owner ${owner.name} (${shown})`);
    intake.worker = owner.id;

    // The worker shown has the tablet open before the case is sent.
    await login(wk.page, server.url, intake.worker.toLowerCase());
    await wk.page.waitForSelector('#my-cases .card, #my-cases [data-state=empty]');
    await wk.page.waitForSelector('.topbar .conn[data-online=true]');
    check(wk.page.url().endsWith('#/tablet'), 'the worker lands on the tablet');

    await p.selectOption('#intake select[name=category]', 'environment');
    await p.click('#intake [data-urgency=orange]');
    await p.fill('#intake input[name=title]', '路边绿化带垃圾堆积');
    await p.fill('#intake textarea[name=description]', '绿化带内堆放建筑垃圾，影响通行');
    await p.fill('#intake input[name=address]', `${community}路边`);
    await p.fill('#intake input[name=reporter_name]', '陈女士');
    await p.fill('#intake input[name=reporter_phone]', '13900003333');
    const corners = await Promise.all(gridCorners(g).map(([lon, lat]) => screenPoint(p, '#console-map', lon, lat)));
    await shot(p, 'demo-02-console-intake', (img) => {
      check(share(img, boxAround(intake.point, 24), isBlue) > 0.05, 'the pin marks the click');
      check(share(img, outline(corners), isBlue) > 0.002, 'the chosen grid is outlined');
    });
    await p.click('#intake button[type=submit]');
    const created = p.locator('.intake-result [data-state=created]');
    await created.waitFor();
    intake.id = await caseId(created);
    const c = await api('operator', 'GET', `/api/v1/cases/${intake.id}`);
    check(c.grid_id === g.id && c.assignee_id === intake.worker, `the case went to ${g.id} and ${intake.worker}`);

    const w = wk.page;
    const card = w.locator(`.card[data-case-id="${intake.id}"]`);
    await card.waitFor({ timeout: 10000 });
    check(await card.evaluate((el) => el.classList.contains('new')), 'the new case is marked');
    check(await card.getAttribute('data-urgency') === c.urgency, 'the card carries the urgency');
    check(Number(await w.evaluate(() => document.body.dataset.beeps || 0)) >= 1, 'a sound was played');
    await w.waitForSelector('.toast-new');
    const cardBox = rounded(await boxOf(card));
    await shot(w, 'demo-03-tablet-new-case', (img) => {
      check(share(img, cardBox, ([r, gr, b]) => r > 220 && gr > 100 && gr < 150 && b < 60) > 0.002, 'the orange colour badge shows on the card');
    });
  });

  await test('demo: the worker accepts, attaches a photo and resolves', async () => {
    check(intake?.id, 'the case taken in by the test before');
    const w = wk.page, id = intake.id;
    await w.tap(`.card[data-case-id="${id}"]`);
    await w.waitForSelector(`#case-work .work-head[data-case-id="${id}"]`);
    await w.tap('#case-work [data-action=accept]');
    await w.waitForSelector('#case-work .work-head[data-state=accepted]');
    await waitFor(async () => (await api('operator', 'GET', `/api/v1/cases/${id}`)).state === 'accepted', 'the server has it accepted');
    await w.setInputFiles('#case-work input[data-input=photo]', { name: 'site.png', mimeType: 'image/png', buffer: makePng() });
    await w.waitForSelector('#work-photos img[src^="blob:"]');
    await waitFor(async () => (await api('operator', 'GET', `/api/v1/cases/${id}`)).photos.length === 1, 'the photo is stored');
    // The photo strip is below the case's actions: scrolled to, as the worker would.
    await w.locator('#work-photos img').first().scrollIntoViewIfNeeded();
    const photo = rounded(await boxOf(w.locator('#work-photos img').first()));
    await shot(w, 'demo-04-tablet-photo', (img) => {
      check(photo.width > 20 && share(img, photo, ([, , b]) => b > 130 && b < 190) > 0.5, 'the photo shows on the tablet');
    });
    await w.tap('#case-work [data-action=resolve]');
    await w.fill('.dialog textarea[name=note]', '垃圾已清运，绿化带恢复整洁');
    await w.click('.dialog button[type=submit]');
    await waitFor(async () => (await api('operator', 'GET', `/api/v1/cases/${id}`)).state === 'resolved', 'the server has it resolved');
    await w.waitForSelector(`.card[data-case-id="${id}"][data-state=resolved]`);
  });

  await test('demo: the operator opens the case, sees its history and photo, verifies and closes it', async () => {
    check(intake?.id, 'the case taken in by the test before');
    const p = op.page, id = intake.id;
    await p.click('[data-tab=cases]');
    // The list goes by time left: cases waiting for verification have none, so they are found by state.
    await p.selectOption('[data-filter=state]', 'resolved');
    await p.waitForSelector(`#case-list tr[data-case-id="${id}"][data-state=resolved]`);
    await p.click(`#case-list tr[data-case-id="${id}"]`);
    await p.waitForSelector(`.case-detail .detail-head[data-case-id="${id}"]`);
    await p.waitForSelector('.case-detail .photos img[src^="blob:"]');
    const history = await p.locator('.case-detail .history').textContent();
    for (const word of ['上报', '接单', '办结']) check(history.includes(word), `the history shows ${word}`);
    const photo = rounded(await boxOf(p.locator('.case-detail .photos img').first()));
    await shot(p, 'demo-05-console-detail', (img) => {
      check(share(img, photo, ([, , b]) => b > 130 && b < 190) > 0.5, 'the photo shows in the case panel');
    });
    await p.click('.case-detail [data-action=close]');
    await p.click('.dialog button[type=submit]');
    await p.waitForSelector('.case-detail .detail-head[data-state=closed]');
    check((await api('operator', 'GET', `/api/v1/cases/${id}`)).state === 'closed', 'the case is closed');
    await wk.page.waitForSelector(`.card[data-case-id="${id}"]`, { state: 'detached' });
    await p.click('.case-detail .close');
    await p.selectOption('[data-filter=state]', 'open');
  });

  await test('demo: a supervisor watches a grid without overdue cases turn red when the clock passes a red case\'s deadline', async () => {
    // The community's supervisor when one of its grids has no case falling due within the
    // test's advance of the clock (so that only the test's case can turn it red), otherwise
    // the district's.
    const now = await server.now();
    const calmGrid = async (who, gs) => {
      const seen = new Map((await api(who, 'GET', '/api/v1/overdue-map?level=grid&geometry=false')).features.map((f) => [String(f.id), f.properties]));
      const due = (c) => (c.state === 'accepted' ? c.resolve_by : ['reported', 'dispatched'].includes(c.state) ? c.accept_by : null);
      for (const g of largest(gs)) {
        // The counts list only the grids holding open cases: a grid left out has none.
        const p = seen.get(g.id) ?? { open: 0 };
        if (p.overdue || p.warned || g.id === intake?.grid.id) continue;
        if (!p.open) return g;
        const cases = (await api(who, 'GET', `/api/v1/cases?grid=${g.id}&open=true&limit=100`)).cases;
        if (cases.every((c) => c.paused_at || !due(c) || Date.parse(due(c)) > now + 6 * 3600_000)) return g;
      }
      return null;
    };
    let who = 'community-supervisor';
    const scope = (await server.call(null, 'POST', '/api/v1/auth/login', { username: who, password: DEMO_PASSWORD })).user.scope;
    let grid = await calmGrid(who, [...grids.values()].filter((g) => g.properties.community === scope));
    if (!grid) {
      who = 'district-supervisor';
      grid = await calmGrid(who, grids.values());
    }
    check(grid, 'a grid without overdue cases');
    log(`${who} watches ${grid.id} (${grid.properties.name}, ${areas.get(grid.properties.community).name})`);

    const sup = await newPage(who, { width: 1600, height: 900 });
    const p = sup.page;
    await login(p, server.url, who, { watch: true });
    await p.waitForSelector('#overdue-map[data-ready=true]');
    check(p.url().endsWith('#/overdue'), 'a supervisor lands on the overdue map');
    await p.click('.level-switch [data-level=grid]');
    await p.waitForSelector('#overdue-map[data-level=grid]');
    const zoomIn = () => p.evaluate(([s, w, n, e]) => { window.gkMaps.at(-1).fitBounds([[s, w], [n, e]], { animate: false, maxZoom: 15 }); }, bounds([grid]).flat());
    if (who === 'district-supervisor') await zoomIn();  // the supervisor zooms in to the grid
    await p.waitForSelector('.topbar .conn[data-online=true]');
    // A grid drawn too small (or under a label) to look at in the community's view: the
    // supervisor zooms in to it, as a person would.
    const sample = await samplePoint(p, grid).catch(async () => { await zoomIn(); return samplePoint(p, grid); });
    // How the map styles the grid: filled by how much of it is overdue (white: nothing),
    // outlined in the colour of its most urgent open case (grey: none).
    const style = async () => p.evaluate((id) => {
      let found = null;
      window.gkMaps.at(-1).eachLayer((l) => { if (String(l.feature?.id) === id) found = { fill: l.options.fillColor, outline: l.options.color }; });
      return found;
    }, grid.id);
    const redOverdue = async () => Number(await p.locator('#overdue-summary tr[data-urgency=red] [data-count=overdue]').textContent());
    check((await style())?.fill === '#ffffff', 'the grid has no overdue case yet');
    const before = await redOverdue();

    // A red case is taken in there; its deadline to accept is the shortest.
    const red = await api('operator', 'POST', '/api/v1/cases', {
      lon: grid.inner.lon, lat: grid.inner.lat, category: 'safety_hazard', urgency: 'red', title: '燃气管道泄漏',
      address: `${areas.get(grid.properties.community).name}燃气调压箱旁`, source: 'hotline', reporter: { name: '李女士', phone: '13900002222' },
    });
    check(red.grid_id === grid.id && red.urgency === 'red', `the red case is in ${grid.id}`);
    await waitFor(async () => (await style())?.outline === '#d32f2f', 'the map outlines the grid in its open case\'s red');
    check((await style()).fill === '#ffffff', 'an open case that is not overdue fills nothing');
    await shot(p, 'demo-06-overdue-before', (img) => check(share(img, sample, isRed) < 0.2, 'the grid is not red before'));
    const advance = Math.ceil((Date.parse(red.accept_by) - (await server.now())) / 1000) + 600;
    check(advance > 0 && advance < 6 * 3600, `the red case is due within hours (${advance} s)`);
    await api('admin', 'POST', '/api/v1/test/clock', { advance_s: advance });
    const late = await api('operator', 'GET', `/api/v1/cases/${red.id}`);
    check(late.overdue && late.tier !== 'worker', `the case is overdue and escalated (${late.tier})`);
    // Live: the map follows the feed, nothing is reloaded. The grid's step is the server's.
    await waitFor(async () => (await style())?.fill !== '#ffffff', 'the grid is filled by its overdue share', 10000);
    await waitFor(async () => (await redOverdue()) > before, 'the summary counts the red case');
    const counts = (await api(who, 'GET', '/api/v1/overdue-map?level=grid&geometry=false')).features.find((f) => String(f.id) === grid.id)?.properties;
    check(counts?.overdue_step > 0, `the server puts the grid at a step above none (${counts?.overdue_step})`);
    const label = p.locator(`.area-label[data-area="${grid.id}"] .label-box`);
    if (await label.count()) check(await label.getAttribute('data-worst-overdue') === 'red', 'the label says red');
    const tinted = ([r, g, b]) => !(r > 235 && g > 235 && b > 235);
    await shot(p, 'demo-07-overdue-red', (img) => check(share(img, sample, tinted) > 0.6, 'the overdue grid is filled on screen'));
    await p.mouse.click(sample.x + sample.width / 2, sample.y + sample.height / 2);
    await p.waitForSelector(`#area-cases [data-case-id="${red.id}"]`);
    check(await p.locator('#area-workers li').count() === 2, "the grid's A and B post workers are listed");
    if (who === 'community-supervisor')  // the community tier is this supervisor's: it is called
      await p.waitForSelector(`#needs-you li[data-case-id="${red.id}"]`);
    await shot(p, 'demo-08-overdue-area');
    await sup.context.close();
  });

  await test('demo: the district supervisor\'s assessment tab renders on the demo data', async () => {
    const ds = await newPage('district supervisor', { width: 1600, height: 900 });
    const p = ds.page;
    await login(p, server.url, 'district-supervisor');
    await p.waitForSelector('#overdue-map[data-ready=true]');
    await p.waitForSelector('#overdue-map[data-level=street]');
    const map = rounded(await boxOf(p.locator('#overdue-map')));
    // Streets are filled by their share of overdue cases (a pale step for a few), not painted
    // red by one red case: the district does not open all red.
    const steps = (await api('district-supervisor', 'GET', '/api/v1/overdue-map?level=street&geometry=false')).features.map((f) => f.properties.overdue_step);
    check(steps.some((s) => s > 0), `streets with overdue cases have a step (${steps})`);
    const warm = ([r, g, b]) => r > 230 && g > 160 && b < 225 && r - b > 25;
    await shot(p, 'demo-09-overdue-district', (img) => {
      check(share(img, map, warm) > 0.05, 'streets with overdue cases are filled by their step');
      check(share(img, map, isRed) < 0.05, 'the district does not open all red');
    });
    let expected = await api('district-supervisor', 'GET', '/api/v1/stats/assessment');
    const t1 = Date.now();
    await p.click('[data-tab=assessment]');
    await p.waitForSelector('#assessment[data-state=ready]');
    log(`the assessment of ${expected.communities.length} communities and ${expected.total.cases} cases in ${Date.now() - t1} ms`);
    if (expected.total.cases < 100) {
      // A quarter begun within the demo's three days of history: the days of the history.
      const day = (ms) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);  // Beijing time
      const now = await server.now(), from = day(now - 4 * 86400_000), to = day(now);
      log(`this quarter holds ${expected.total.cases} cases: the assessment from ${from} to ${to}`);
      await p.selectOption('[data-control=period]', 'custom');
      await p.fill('[data-control=from]', from);
      await p.fill('[data-control=to]', to);
      await p.click('[data-action=apply]');
      await p.waitForSelector('#assessment[data-state=ready]');
      expected = await api('district-supervisor', 'GET', `/api/v1/stats/assessment?from=${from}&to=${to}`);
    }
    check(expected.total.cases > 100, `the period holds the demo history (${expected.total.cases} cases)`);
    check((await p.locator('#asm-kpis [data-kpi=cases] .kpi-value').textContent()) === String(expected.total.cases), 'the total of cases');
    check(await p.locator('[data-chart=ontime][data-state=ready] svg .bar').count() === expected.communities.length, 'one bar per community');
    check(await p.locator('[data-chart=ontime] svg .bar rect').count() >= expected.communities.length / 2, 'most communities have a rate');
    check(await p.locator('[data-chart=categories][data-state=ready] svg .stack rect').count() >= 3, 'cases by category are drawn');
    check(await p.locator('[data-chart=overdue][data-state=ready] svg path.line').count() === 1, 'the overdue line is drawn');
    check(await p.locator('#asm-table-communities tbody tr').count() >= 10, 'the community table is filled');
    await p.evaluate(() => document.querySelector('#assessment-panel').scrollTo(0, 0));
    const chart = rounded(await boxOf(p.locator('[data-chart=ontime] svg')));
    await shot(p, 'demo-10-assessment', (img) => {
      const bar = ([r, g, b]) => isBlue([r, g, b]) || (g > 100 && r < 80 && b < 80) || isRed([r, g, b]);
      check(share(img, chart, bar) > 0.01, 'the bars show in colour');
    });
    await ds.context.close();
  });

  await op.context.close();
  await wk.context.close();
} catch (e) {
  run.fail('setup', e);
} finally {
  if (server) log(`server stopped (${await server.stop()})`);
}

await run.noProblems(uiDir);
await run.finish('browser tests on the demo city');

// ---- geometry ----

// Points inside a grid, each with its distance to the grid's boundary (metres): a lattice
// of (2n+1)² over `around` (default: the bounding box), those inside kept.
function latticeInside(geometry, n = 8, around = null) {
  const rings = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates).flat();
  const all = rings.flat();
  const [w, e] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  const [s, nn] = [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  const kx = 111320 * Math.cos(((s + nn) / 2) * Math.PI / 180), ky = 110540;
  const inside = (x, y) => {
    let odd = false;
    for (const ring of rings)
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i], [xj, yj] = ring[j];
        if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
      }
    return odd;
  };
  const distance = (x, y) => {
    let best = Infinity;
    for (const ring of rings)
      for (let i = 1; i < ring.length; i++) {
        const ax = (ring[i - 1][0] - x) * kx, ay = (ring[i - 1][1] - y) * ky;
        const bx = (ring[i][0] - x) * kx, by = (ring[i][1] - y) * ky;
        const dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
        const t = len ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len)) : 0;
        best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
      }
    return best;
  };
  const { cx, cy, sx, sy } = around ?? { cx: (w + e) / 2, cy: (s + nn) / 2, sx: (e - w) / (2 * n), sy: (nn - s) / (2 * n) };
  const out = [];
  for (let i = -n; i <= n; i++)
    for (let j = -n; j <= n; j++) {
      const x = cx + i * sx, y = cy + j * sy;
      if (inside(x, y)) out.push({ lon: x, lat: y, r: distance(x, y) });
    }
  return { points: out, sx, sy };
}

// A point well inside a grid and its distance to the boundary (metres): the best of the
// lattice, refined around the best twice. A click there lands in the grid, away from its
// neighbours and their case markers.
function interiorPoint(geometry) {
  let { points, sx, sy } = latticeInside(geometry);
  let best = points.reduce((a, b) => (b.r > a.r ? b : a), { r: -1 });
  for (let round = 0; round < 2 && best.r > 0; round++) {
    [sx, sy] = [sx / 4, sy / 4];
    const finer = latticeInside(geometry, 8, { cx: best.lon, cy: best.lat, sx, sy }).points;
    best = finer.reduce((a, b) => (b.r > a.r ? b : a), best);
  }
  return best;
}

// The largest grids first, by the room inside them: those with the widest bounding boxes
// looked at closely.
function largest(gs, n = 20) {
  const side = (g) => {
    const [[s, w], [nn, e]] = bounds([g]);
    return Math.min((e - w) * Math.cos(s * Math.PI / 180), nn - s);
  };
  return [...gs].map((g) => [side(g), g]).sort((a, b) => b[0] - a[0]).slice(0, n).map(([, g]) => g)
    .sort((a, b) => b.inner.r - a.inner.r);
}

// [[south, west], [north, east]] of some grids.
function bounds(gs) {
  const all = gs.flatMap((g) => (g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates).flat(2));
  return [[Math.min(...all.map((p) => p[1])), Math.min(...all.map((p) => p[0]))], [Math.max(...all.map((p) => p[1])), Math.max(...all.map((p) => p[0]))]];
}

function gridCorners(g) {
  const [[s, w], [n, e]] = bounds([g]);
  return [[w, s], [e, n]];
}

// The screen box of a grid's bounding box, a little wider so that its outline is inside.
function outline([a, b]) {
  const x = Math.min(a.x, b.x) - 4, y = Math.min(a.y, b.y) - 4;
  return { x: Math.round(x), y: Math.round(y), width: Math.round(Math.abs(a.x - b.x) + 8), height: Math.round(Math.abs(a.y - b.y) + 8) };
}

// Where to look at a grid's colour on screen: a box inside it (the point farthest from
// its boundary on screen among a lattice), off its label, off the panels over the map and
// off the corner where the needs-you list comes up.
async function samplePoint(p, g) {
  const label = await p.locator(`.area-label[data-area="${g.id}"] .label-box`).boundingBox().catch(() => null);
  const map = await boxOf(p.locator('#overdue-map'));
  const corner = { x: map.x + map.width - 350, y: map.y, width: 350, height: map.height * 0.45 + 10 };
  const apart = (a, b) => !b || a.x > b.x + b.width + 4 || a.x + a.width < b.x - 4 || a.y > b.y + b.height + 4 || a.y + a.height < b.y - 4;
  const { points } = latticeInside(g.geometry, 10);
  const [probe, north] = await screenPoints(p, '#overdue-map', [[g.inner.lon, g.inner.lat], [g.inner.lon, g.inner.lat + 1 / 110540]]);
  const pxPerMetre = probe.y - north.y;
  const at = await screenPoints(p, '#overdue-map', points.map((q) => [q.lon, q.lat]));
  const boxes = points.map((q, i) => ({ r: q.r * pxPerMetre, box: boxAround(at[i], 16, 12), at: at[i] }))
    .filter((c) => c.r >= 14 && c.at.x > map.x && c.at.x < map.x + map.width && c.at.y > map.y && c.at.y < map.y + map.height
      && apart(c.box, label) && apart(c.box, corner))
    .sort((a, b) => b.r - a.r);
  for (const c of boxes.slice(0, 10)) {
    const onMap = await p.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('#overdue-map .leaflet-pane') !== null, c.at);
    if (onMap) return c.box;
  }
  throw new Error(`no place to look at ${g.id} on screen`);
}
