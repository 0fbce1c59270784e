// Browser tests of a map people can read, on the demo city (`gridkeeper demo` builds 翔安区
// with its roads, 小区 and history): without a configured basemap the map draws the demo's
// own roads and nothing is asked of the internet; community and street outlines are drawn
// over the grids; grid labels name their community (鸿山社区 第3网格); at three zoom levels
// no two visible labels' boxes intersect, on the console and on the overdue map with its
// counts; the tablet shows the case's address with a navigate link carrying the case's
// coordinates (geo: URI) and zooms its map to the case. Then, on a small test city with a
// copy of the UI whose config.json names an XYZ and a WMTS layer, the browser asks for
// their tiles (intercepted: nothing leaves the machine). At 1366×768 and 1280×800.
//   node tests/ui/mapbase.mjs --bin build/release/app/gridkeeper --ui build/release/ui [--artifacts DIR] [--only NAME]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDemo, startServer, DEMO_PASSWORD, PASSWORD } from './server.mjs';
import { smallCity } from './city.mjs';
import { makePng } from './png.mjs';
import { Run, options, check, waitFor, login as loginAs } from './harness.mjs';

const { bin, uiDir, artifacts, only } = options();
const run = new Run({ artifacts, only, hardLimitMs: 240_000, owns: (f) => f.startsWith('mapbase-') });
const { log, test, shot, newPage } = run;
const login = (page, url, username, o) => loginAs(page, url, username, DEMO_PASSWORD, o);
await run.launch();

// The visible labels of a map (their boxes on screen and texts), once a pass placed them
// after the last change of view.
async function visibleLabels(page, selector) {
  return page.evaluate((sel) => {
    const map = document.querySelector(sel);
    return [...map.querySelectorAll('.leaflet-marker-pane .area-label:not(.label-hidden) .label-box')].map((el) => {
      const r = el.getBoundingClientRect();
      return { text: el.textContent, cls: el.className, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    });
  }, selector);
}

function overlaps(labels) {
  const out = [];
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++) {
      const a = labels[i], b = labels[j];
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) out.push(`${a.text} × ${b.text}`);
    }
  return out;
}

const passOf = (page, selector) => page.evaluate((sel) => Number(document.querySelector(sel).dataset.labelPass || 0), selector);

// Moves the view (zoom about a point) and waits for the label pass that follows it.
async function viewAt(page, selector, zoom, lonlat) {
  const before = await passOf(page, selector);
  await page.evaluate(([sel, z, ll]) => {
    const map = window.gkMaps.findLast((m) => m.getContainer() === document.querySelector(sel));
    if (ll) map.setView([ll[1], ll[0]], z, { animate: false });
    else map.setZoom(z, { animate: false });
  }, [selector, zoom, lonlat]);
  await waitFor(async () => (await passOf(page, selector)) > before, `a label pass at zoom ${zoom}`);
  // The layers that redraw on the same change each ask for a pass: wait until they settle.
  let last = -1;
  await waitFor(async () => {
    const now = await passOf(page, selector);
    const settled = now === last;
    last = now;
    return settled;
  }, 'the labels to settle');
}

const zoomOf = (page, selector) => page.evaluate((sel) => window.gkMaps.findLast((m) => m.getContainer() === document.querySelector(sel)).getZoom(), selector);

let server;
try {
  server = await startDemo({ bin, uiDir, log });
  const api = server.request;
  const grids = (await api('operator', 'GET', '/api/v1/grids')).features;
  const titles = new Set(grids.map((g) => `${g.properties.community_name} ${g.properties.name}`));
  check(grids.every((g) => /(社区|村)$/.test(g.properties.community_name)), 'GET /grids names every grid\'s community');
  const basemap = await api('operator', 'GET', '/api/v1/map/basemap');
  check(basemap.features.filter((f) => f.properties.kind === 'main_road').length >= 8, 'the demo serves its main roads');
  // A grid near the middle of the city: where the near views are centred.
  const inner = grids.find((g) => g.properties.community_name.endsWith('社区') && g.geometry.type === 'Polygon');
  const ring = inner.geometry.coordinates[0];
  const centre = [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];

  const op = await newPage('operator', { width: 1366, height: 768 });
  await test('mapbase: without a basemap the console draws the demo\'s roads, outlines and community-named labels (1366×768)', async () => {
    const p = op.page;
    await login(p, server.url, 'operator', { watch: true });
    await p.waitForSelector('#console-map[data-ready=true]');
    await p.waitForSelector('#console-map[data-basemap=roads]');
    await p.waitForSelector('#console-map[data-outlines="community street"]');
    const drawn = await p.evaluate(() => {
      const map = window.gkMaps.findLast((m) => m.getContainer() === document.querySelector('#console-map'));
      return {
        roads: map.basemapFeatures.length,
        roadCanvas: map.getPane('basemap').querySelectorAll('canvas').length,
        outlineCanvas: map.getPane('outlines').querySelectorAll('canvas').length,
        tiles: document.querySelectorAll('#console-map .leaflet-tile').length,
      };
    });
    check(drawn.roads > 100 && drawn.roadCanvas === 1, `the roads layer is drawn (${JSON.stringify(drawn)})`);
    check(drawn.outlineCanvas >= 1, 'the outlines are drawn over the grids');
    check(drawn.tiles === 0, 'no tile layer without a configured basemap');
    await shot(p, 'mapbase-01-console-district');
  });

  await test('mapbase: no two visible labels intersect on the console at three zoom levels', async () => {
    const p = op.page;
    const base = await zoomOf(p, '#console-map');
    for (const [i, z] of [[0, base], [1, base + 2], [2, base + 4]]) {
      await viewAt(p, '#console-map', z, i === 0 ? null : centre);
      const labels = await visibleLabels(p, '#console-map');
      log(`zoom ${z}: ${labels.length} labels shown`);
      check(labels.length > 0, `labels are shown at zoom ${z}`);
      const bad = overlaps(labels);
      check(bad.length === 0, `labels overlap at zoom ${z}: ${bad.slice(0, 5).join('; ')}`);
      if (i === 0) check(labels.some((l) => l.cls.includes('label-street')), 'far out, the streets are named');
      if (i === 2) {
        const named = labels.filter((l) => titles.has(l.text));
        check(named.length > 0, `near, grids say which grid of which community (${labels.map((l) => l.text).slice(0, 6).join(', ')})`);
      }
      await shot(p, `mapbase-0${2 + i}-console-zoom-${i}`);
    }
  });

  await test('mapbase: the overdue map\'s counts never overlap at grid level (1280×800)', async () => {
    const sup = await newPage('supervisor', { width: 1280, height: 800 });
    const p = sup.page;
    await login(p, server.url, 'district-supervisor', { watch: true });
    await p.waitForSelector('#overdue-map[data-ready=true]');
    await p.waitForSelector('#overdue-map[data-outlines="community street"]');
    await p.click('.level-switch [data-level=grid]');
    await p.waitForSelector('#overdue-map[data-level=grid]');
    await waitFor(() => p.evaluate(() => Number(document.querySelector('#overdue-map').dataset.caseMarkers) > 0), 'cases drawn at grid zoom');
    const base = await zoomOf(p, '#overdue-map');
    for (const z of [base + 1, base + 2.5, base + 4]) {
      await viewAt(p, '#overdue-map', z, centre);
      const labels = await visibleLabels(p, '#overdue-map');
      check(labels.length > 0, `labels at zoom ${z}`);
      const bad = overlaps(labels);
      check(bad.length === 0, `overdue labels overlap at zoom ${z}: ${bad.slice(0, 5).join('; ')}`);
      if (z === base + 4) check(labels.some((l) => [...titles].some((t) => l.text.startsWith(t))), 'grid labels name their community');
    }
    await shot(p, 'mapbase-05-overdue-grid');
    await sup.context.close();
  });

  await test('mapbase: the tablet shows the address, a geo: navigate link to the case and zooms to it (1280×800)', async () => {
    const open = (await api('operator', 'GET', '/api/v1/cases?open=true&limit=100')).cases
      .filter((c) => c.assignee_id && Number.isFinite(c.lat) && c.address && ['dispatched', 'accepted'].includes(c.state));
    check(open.length > 0, 'the demo has open cases with workers');
    const c = open[0];
    const wk = await newPage('worker', { width: 1280, height: 800 }, { hasTouch: true });
    const p = wk.page;
    await login(p, server.url, c.assignee_id.toLowerCase(), { watch: true });
    await p.click(`#my-cases .card[data-case-id="${c.id}"]`);
    const link = p.locator('#navigate-link');
    await link.waitFor();
    const href = await link.getAttribute('href');
    const at = `${c.lat.toFixed(6)},${c.lon.toFixed(6)}`;
    check(href.startsWith(`geo:${at}?q=${at}(`), `the navigate link carries the case's coordinates (${href})`);
    check(decodeURIComponent(href.slice(href.indexOf('(') + 1, -1)) === c.address, 'the link is labelled with the address');
    check((await p.locator('#case-address').textContent()) === c.address, 'the address is shown');
    const box = await link.boundingBox();
    check(box.width >= 44 && box.height >= 44, 'the link is a touch target of 44 px');
    await p.waitForSelector(`#tablet-map[data-case-view="${c.id}"]`);
    const view = await p.evaluate(() => {
      const map = window.gkMaps.findLast((m) => m.getContainer() === document.querySelector('#tablet-map'));
      const ctr = map.getCenter();
      return { zoom: map.getZoom(), lat: ctr.lat, lon: ctr.lng };
    });
    check(view.zoom >= 17 && Math.abs(view.lat - c.lat) < 1e-4 && Math.abs(view.lon - c.lon) < 1e-4, `the map is zoomed to the case (${JSON.stringify(view)})`);
    await shot(p, 'mapbase-06-tablet-case');
    await wk.context.close();
  });
  await op.context.close();
} catch (e) {
  run.fail('setup', e);
} finally {
  if (server) log(`server stopped (${await server.stop()})`);
}

// A configured basemap: a copy of the UI whose config.json names an XYZ and a WMTS layer on
// a host that does not exist; the browser's requests for tiles are answered here.
let tiled;
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-ui-tiles-'));
try {
  fs.cpSync(uiDir, copy, { recursive: true });
  fs.writeFileSync(path.join(copy, 'config.json'), JSON.stringify({
    basemaps: [
      { type: 'xyz', url: 'http://tiles.gridkeeper.test/{z}/{x}/{y}.png', attribution: 'test tiles', max_zoom: 18 },
      { type: 'wmts', url: 'http://t{s}.wmts.gridkeeper.test/cva_w/wmts', layer: 'cva', tk: 'KEY', subdomains: '01' },
    ],
  }));
  const city = smallCity();
  tiled = await startServer({ bin, uiDir: copy, city, users: [{ username: 'op', role: 'operator' }], log });
  await test('mapbase: a configured XYZ and WMTS basemap is requested, and the own roads are not drawn', async () => {
    const context = await run.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const xyz = [], wmts = [], elsewhere = [];
    const png = makePng(256, 256);
    await context.route('http://tiles.gridkeeper.test/**', (r) => { xyz.push(r.request().url()); r.fulfill({ status: 200, contentType: 'image/png', body: png }); });
    await context.route(/^http:\/\/t[01]\.wmts\.gridkeeper\.test\//, (r) => { wmts.push(r.request().url()); r.fulfill({ status: 200, contentType: 'image/png', body: png }); });
    page.on('request', (r) => { if (!/^(http:\/\/127\.0\.0\.1:|ws:|blob:|data:|http:\/\/(tiles|t[01]\.wmts)\.gridkeeper\.test\/)/.test(r.url())) elsewhere.push(r.url()); });
    const violations = [];
    page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) violations.push(m.text()); });
    await loginAs(page, tiled.url, 'op', PASSWORD);
    await page.waitForSelector('#console-map[data-ready=true]');
    await page.waitForSelector('#console-map[data-basemap=tiles]');
    await waitFor(() => xyz.length > 0 && wmts.length > 0, 'tile requests of both layers');
    check(/^http:\/\/tiles\.gridkeeper\.test\/\d+\/\d+\/\d+\.png$/.test(xyz[0]), `an XYZ tile (${xyz[0]})`);
    const q = new URL(wmts[0]).searchParams;
    check(q.get('REQUEST') === 'GetTile' && q.get('LAYER') === 'cva' && q.get('tk') === 'KEY' && /^\d+$/.test(q.get('TILEMATRIX')),
      `a WMTS GetTile with its key (${wmts[0]})`);
    await waitFor(() => page.evaluate(() => document.querySelectorAll('#console-map .leaflet-tile-loaded').length > 0), 'tiles drawn');
    check(await page.evaluate(() => !document.querySelector('#console-map .leaflet-basemap-pane')), 'the own roads are not drawn under tiles');
    check(violations.length === 0, `the policy lets the tiles in: ${violations.join('; ')}`);
    check(elsewhere.length === 0, `nothing else was asked for: ${elsewhere.join(', ')}`);
    check(await page.locator('.leaflet-control-attribution:text("test tiles")').count() === 1, 'the attribution is shown');
    await context.close();
  });
} catch (e) {
  run.fail('tiles setup', e);
} finally {
  if (tiled) log(`server stopped (${await tiled.stop()})`);
  fs.rmSync(copy, { recursive: true, force: true });
}

await run.noProblems(uiDir);
await run.finish('browser tests of the readable map');
