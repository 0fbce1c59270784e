// Browser test of grid redraws (网格调整) at 1366×768: `gridkeeper demo-redraw` makes a
// plausible redraw of the city (the three most populous grids split, two small neighbours
// merged); an open case lies where a split grid's second half will be. An admin uploads the
// file on the 网格调整 screen, sees the difference (the draft's lines on the map, the grids
// added and removed, the case among those that would move, with the worker it would go
// to), applies it with open cases following, and the case now lies in the new grid with its
// new worker.
//   node tests/ui/redraw.mjs --bin build/release/app/gridkeeper --ui build/release/ui [--artifacts DIR] [--only NAME]
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, PASSWORD } from './server.mjs';
import { smallCity } from './city.mjs';
import { Run, options, check, waitFor, login as loginAs } from './harness.mjs';

const { bin, uiDir, artifacts, only } = options();
const run = new Run({ artifacts, only, hardLimitMs: 150_000, owns: (f) => f.startsWith('redraw-') });
const { log, test, shot, newPage } = run;
const login = (page, url, username) => loginAs(page, url, username, PASSWORD);
await run.launch();

const city = smallCity();
const users = [
  { username: 'admin', role: 'admin' },
  { username: 'op', role: 'operator', scope: city.district.code },
];

let server;
try {
  server = await startServer({ bin, uiDir, city, users, log });
  const api = server.request;
  const file = path.join(server.dir, 'redraw.geojson');
  execFileSync(bin, ['demo-redraw', '--db', server.db, '--out', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  const redraw = JSON.parse(fs.readFileSync(file, 'utf8'));
  const codes = new Set(city.cells.map((c) => c.code));
  // A split grid's second half: its code is the old one and "2".
  const half = redraw.features.find((f) => f.properties.level === 'grid' && f.properties.code.endsWith('2') &&
    codes.has(f.properties.code.slice(0, -1)));
  check(half, 'the redraw splits a grid');
  const ring = half.geometry.type === 'Polygon' ? half.geometry.coordinates[0] : half.geometry.coordinates[0][0];
  const lon = ring.slice(0, -1).reduce((s, p) => s + p[0], 0) / (ring.length - 1);
  const lat = ring.slice(0, -1).reduce((s, p) => s + p[1], 0) / (ring.length - 1);
  const taken = await api('op', 'POST', '/api/v1/cases', { lon, lat, category: 'environment', urgency: 'red', title: '道路破损' });
  check(taken.grid_id === half.properties.code.slice(0, -1), `the case lies in the grid to be split (${taken.grid_id})`);
  const ad = await newPage('admin', { width: 1366, height: 768 });
  let assigneeTo;

  await test('an admin uploads the demo\'s redraw and sees the difference', async () => {
    const p = ad.page;
    await login(p, server.url, 'admin');
    await p.waitForSelector('.topbar nav a[data-nav=redraw]');
    await p.click('.topbar nav a[data-nav=redraw]');
    await p.waitForSelector('#redraw-form');
    await p.setInputFiles('#redraw-file', file);
    await p.click('#redraw-upload');
    await p.waitForSelector('#redraw-summary');
    const added = await p.locator('#redraw-added tr').count();
    const removed = await p.locator('#redraw-removed tr').count();
    check(added >= 6 && removed >= 4, `grids added ${added} and removed ${removed}`);
    const row = p.locator('#redraw-moving tr', { hasText: `#${taken.id}` });
    await row.waitFor();
    const text = await row.innerText();
    check(text.includes(half.properties.code), `the case moves to ${half.properties.code}: ${text}`);
    const draft = await api('admin', 'GET', `/api/v1/generations/${await p.locator('.redraw-diff').getAttribute('data-generation')}`);
    assigneeTo = draft.diff.open_cases_moving.find((m) => m.id === taken.id).assignee_to;
    check(assigneeTo && text.includes(assigneeTo), `the row names the worker it would go to (${assigneeTo})`);
    check(!(await p.locator('#redraw-apply').isDisabled()), 'a draft without problems may be applied');
    await shot(p, 'redraw-diff');
  });

  await test('the admin applies it with open cases following; the case shows its new worker', async () => {
    const p = ad.page;
    await p.selectOption('#redraw-mode', 'follow');
    await p.click('#redraw-apply');
    await p.waitForSelector('#redraw-done');
    await p.waitForSelector('#redraw-generations tr[data-state=current]');
    const moved = await api('op', 'GET', `/api/v1/cases/${taken.id}`);
    check(moved.grid_id === half.properties.code, `the case's grid is now ${moved.grid_id}`);
    check(moved.assignee_id === assigneeTo, `its worker is now ${moved.assignee_id}`);
    check(moved.events.some((e) => e.type === 'regrid'), 'a regrid event records it');
    const route = await api('op', 'GET', `/api/v1/route?lon=${lon}&lat=${lat}`);
    check(route.grid_id === half.properties.code, 'new cases there go to the new grid');
    await waitFor(async () => (await api('admin', 'GET', '/api/v1/audit?kind=generation')).items.length >= 2, 'the audit log records it');
    await shot(p, 'redraw-applied');
  });
  log('done');
} catch (e) {
  run.fail('setup', e);
} finally {
  await server?.stop();
}

await run.noProblems(uiDir);
await run.finish('redraw browser tests');
