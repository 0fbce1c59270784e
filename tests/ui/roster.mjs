// Browser tests of the roster (花名册) and the posts (定岗定人): an admin hands a grid to
// another worker with its open cases (the preview lists them by urgency; after the
// confirmation the cases are the new worker's); a worker holding posts cannot retire until
// its posts are handed over (the refusal offers each handover); the flags show on the
// roster and on the map.
//   node tests/ui/roster.mjs --bin build/release/app/gridkeeper --ui build/release/ui [--artifacts DIR] [--only NAME]
import { startServer, PASSWORD } from './server.mjs';
import { smallCity } from './city.mjs';
import { Run, options, check, waitFor, login as loginAs } from './harness.mjs';

const { bin, uiDir, artifacts, only } = options();
const run = new Run({ artifacts, only, hardLimitMs: 240_000, owns: (f) => f.startsWith('roster-') });
const { test, shot, newPage, log } = run;
const login = (page, url, username) => loginAs(page, url, username, PASSWORD);
await run.launch();

const city = smallCity();
const centre = city.cells.find((c) => c.c === 2 && c.r === 1);
const users = [
  { username: 'admin', role: 'admin' },
  { username: 'op', role: 'operator', scope: city.district.code },
  { username: 'sup', role: 'supervisor', scope: city.district.code },
];
const leaving = centre.owner.id;
// A worker of the centre's community without posts: it takes the grid over.
const spare = city.workers.find((w) => w.community === centre.com.code && !w.owner_of.length && !w.backup_of.length);
let server;
try {
  server = await startServer({ bin, uiDir, city, users, log });
  const api = server.request;
  const ad = await newPage('admin', { width: 1600, height: 900 });
  const a = ad.page;

  // A busy worker: four A posts of grids away from the centre make it over-loaded.
  const busy = city.workers.find((w) => w.id !== leaving && w.id !== spare.id && w.owner_of.length);
  const others = city.cells.filter((c) => c.code !== centre.code && c.owner.id !== leaving && c.backup !== leaving);
  let given = 0;
  for (const c of others) {
    if (given === 4) break;
    if (c.backup === busy.id) continue;
    await api('admin', 'PUT', `/api/v1/grids/${c.code}/owners`, { owner_id: busy.id, ...(c.backup ? { backup_id: c.backup } : {}) });
    if (c.owner.id !== busy.id) given += 1;
  }
  const yellow = await api('op', 'POST', '/api/v1/cases', { lon: centre.centre[0], lat: centre.centre[1], category: 'environment', urgency: 'yellow', title: '垃圾堆放' });
  const red = await api('op', 'POST', '/api/v1/cases', { lon: centre.centre[0], lat: centre.centre[1], category: 'safety_hazard', urgency: 'red', title: '井盖缺失' });
  check(yellow.assignee_id === leaving && red.assignee_id === leaving, 'the cases went to the A post');

  await test('the roster lists the workers with their posts and flags', async () => {
    await login(a, server.url, 'admin');
    await a.click('.topbar nav a[data-nav=roster]');
    await a.waitForSelector(`#roster-table tr[data-worker-id="${leaving}"]`);
    await a.waitForSelector('#roster-map[data-ready=true]');
    const row = a.locator(`#roster-table tr[data-worker-id="${busy.id}"]`);
    await row.locator('[data-flag=too_many_posts]').waitFor();
    check(await row.getAttribute('data-flagged') === 'true', 'the over-loaded worker is highlighted');
    check(await a.locator(`#roster-table tr[data-worker-id="${leaving}"] .post-chip[data-post=A][data-grid="${centre.code}"]`).count() === 1, 'the A post shows');
    const flagged = Number(await a.getAttribute('#roster-map', 'data-flagged'));
    check(flagged >= 4, `the busy worker's grids are flagged on the map (${flagged})`);
    // The search box narrows the table.
    await a.fill('.roster-filters input[name=q]', spare.id);
    await waitFor(async () => await a.locator('#roster-table tbody tr').count() === 1, 'the search finds one worker');
    await a.fill('.roster-filters input[name=q]', '');
    await a.waitForSelector(`#roster-table tr[data-worker-id="${leaving}"]`);
    await shot(a, 'roster-01-table');
  });

  await test('a screen left while it still loads is stopped, not kept running unseen', async () => {
    // The console's case list is held back: the admin goes on to the roster before the
    // console has mounted. Once it mounts it must be stopped (its map, timers and live
    // updates gone), leaving one screen running.
    const hasty = await newPage('admin-hasty', { width: 1280, height: 800 });
    const p = hasty.page;
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    let asked = false;
    await p.route(/\/api\/v1\/cases(\?|$)/, async (route) => {
      asked = true;
      await held;
      await route.continue();
    });
    try {
      await login(p, server.url, 'admin');
      await waitFor(async () => asked, 'the console asks for its cases');
      await p.click('.topbar nav a[data-nav=roster]');
      await p.waitForSelector('#roster-map[data-ready=true]');
      release();
      // The console's mount ends (the second mount of the page), and it is stopped.
      await waitFor(async () => await p.getAttribute('body', 'data-mounts') === '2', 'the console has mounted');
      check(await p.getAttribute('body', 'data-screens') === '1', 'one screen runs');
      check(await p.locator('#console-map').count() === 0, 'no console left on the page');
      await p.click('.topbar nav a[data-nav=console]');
      await p.waitForSelector('#console-map[data-ready=true]');
      await waitFor(async () => await p.getAttribute('body', 'data-mounts') === '3', 'the console mounts');
      check(await p.getAttribute('body', 'data-screens') === '1', 'still one screen');
    } finally {
      release();
      await hasty.context?.close?.();
    }
  });

  await test('a worker holding posts cannot retire until they are handed over', async () => {
    const retire = async () => {
      await a.click(`#roster-table tr[data-worker-id="${leaving}"] [data-action=retire]`);
      await a.click('.dialog button[type=submit]');
    };
    await retire();
    await a.waitForSelector(`#retire-refusal [data-handover="${centre.code}"]`);
    await shot(a, 'roster-02-refused');
    // The A post with the open cases: the preview lists them by urgency.
    await a.click(`#retire-refusal [data-handover="${centre.code}"]`);
    await a.waitForSelector(`#posts-panel .posts-form[data-grid="${centre.code}"]`);
    await a.selectOption('#posts-panel select[name=owner_id]', spare.id);
    await a.click('#posts-preview-button');
    await a.waitForSelector('#posts-preview [data-urgency=yellow][data-count="1"]');
    await a.waitForSelector('#posts-preview [data-urgency=red][data-count="1"]');
    check(await a.locator('#posts-moving tr').count() === 2, 'two cases would move');
    for (const id of [yellow.id, red.id]) await a.waitForSelector(`#posts-moving tr[data-case-id="${id}"]`);
    await shot(a, 'roster-03-preview');
    await a.click('#posts-confirm');
    await waitFor(async () => (await api('admin', 'GET', `/api/v1/cases/${red.id}`)).assignee_id === spare.id, 'the red case is the new worker\'s');
    check((await api('admin', 'GET', `/api/v1/cases/${yellow.id}`)).assignee_id === spare.id, 'the yellow case is the new worker\'s');
    await a.waitForSelector(`#roster-table tr[data-worker-id="${spare.id}"] .post-chip[data-grid="${centre.code}"]`);
    // Whatever else it holds (B posts) is handed over too; a grid left without a B holder is flagged.
    for (let round = 0; round < 5; round++) {
      await retire();
      const outcome = await Promise.race([
        a.waitForSelector('#retire-refusal [data-handover]').then(() => 'refused'),
        a.waitForSelector(`#roster-table tr[data-worker-id="${leaving}"]`, { state: 'detached' }).then(() => 'retired'),
      ]);
      if (outcome === 'retired') break;
      const button = a.locator('#retire-refusal [data-handover]').first();
      const grid = await button.getAttribute('data-handover');
      await button.click();
      await a.waitForSelector(`#posts-panel .posts-form[data-grid="${grid}"]`);
      const owner = await a.inputValue('#posts-panel select[name=owner_id]');
      if (owner === leaving) await a.selectOption('#posts-panel select[name=owner_id]', spare.id);
      else await a.selectOption('#posts-panel select[name=backup_id]', '');
      await a.click('#posts-preview-button');
      await a.waitForSelector('#posts-preview .preview');
      if (owner !== leaving) await a.waitForSelector('#posts-flags-after [data-flag=no_b_holder]');
      await a.click('#posts-confirm');
      await a.waitForSelector(`#posts-panel .posts-form[data-grid="${grid}"] .grid-flags`);
      await waitFor(async () => {
        const g = (await api('admin', 'GET', '/api/v1/grids')).features.find((f) => f.id === grid).properties;
        return g.owner_id !== leaving && g.backup_id !== leaving;
      }, `grid ${grid} handed over`);
    }
    await a.waitForSelector(`#roster-table tr[data-worker-id="${leaving}"]`, { state: 'detached' });
    const gone = await api('admin', 'GET', '/api/v1/workers?retired=true');
    check(gone.workers.some((w) => w.id === leaving), 'the worker is listed among the retired');
    await a.check('.roster-filters input[name=retired]');
    await a.waitForSelector(`#roster-table tr[data-worker-id="${leaving}"] [data-action=reinstate]`);
    await shot(a, 'roster-04-retired');
  });

  await test('the flags show on the map and the posts panel', async () => {
    const grids = (await api('admin', 'GET', '/api/v1/grids')).features;
    const flagged = grids.filter((f) => f.properties.flags.length).length;
    await waitFor(async () => Number(await a.getAttribute('#roster-map', 'data-flagged')) === flagged, 'the map counts the flagged grids');
    const mine = (await api('admin', 'GET', `/api/v1/workers?q=${busy.id}`)).workers[0];
    await a.uncheck('.roster-filters input[name=retired]');
    await a.click(`#roster-table tr[data-worker-id="${busy.id}"] .post-chip >> nth=0`);
    await a.waitForSelector(`#posts-panel .posts-form[data-grid="${mine.posts[0].grid}"] [data-flag=holder_overloaded]`);
    await shot(a, 'roster-05-flags');
  });

  await test('English words', async () => {
    await a.evaluate(() => localStorage.setItem('gk.lang', 'en'));
    await a.reload();
    await a.waitForSelector('#roster-table');
    await a.waitForSelector('.roster-main h2:text("Roster and posts")');
    await a.evaluate(() => localStorage.setItem('gk.lang', 'zh'));
  });
} finally {
  if (server) await server.stop();
}

await run.noProblems(uiDir);
await run.finish('roster browser tests');
