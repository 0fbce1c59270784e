// Browser tests of the operator console (指挥中心) at office monitor sizes: one truth for a
// case's time (never overdue and with time left), the list sorted by time left and by any
// column with filters and sort kept in the address (reload, back and forward), the layout at
// 1366×768, 1920×1080 and 2560×1440 (no horizontal scroll, no text over text, titles not
// squeezed, the time column and the intake button in view, the case panel off the map), the
// re-dispatch picker finding a worker past the 300th by keyboard, the history folding
// repeated system events with people's names, the rating without a preselected score, and
// the bytes the console downloads while idle during a live simulation.
//   node tests/ui/console.mjs --bin build/release/app/gridkeeper --ui build/release/ui [--artifacts DIR] [--only NAME]
import { startServer, PASSWORD } from './server.mjs';
import { bigCity } from './city.mjs';
import { Run, options, check, waitFor, login as loginAs } from './harness.mjs';

const { bin, uiDir, artifacts, only } = options();
const run = new Run({ artifacts, only, hardLimitMs: 300_000, owns: (f) => f.startsWith('console-') });
const { log, test, shot, newPage } = run;
const login = (page, url, username) => loginAs(page, url, username, PASSWORD);
await run.launch();

const city = bigCity();  // 550 grids, 649 workers: more than the old picker's 300
const users = [
  { username: 'admin', role: 'admin' },
  { username: 'op', role: 'operator', scope: city.district.code },
  { username: 'wk', role: 'worker', worker: city.cells[5].owner.id },  // the A post of the rating test's grid
];
const SIZES = [[1366, 768], [1920, 1080], [2560, 1440]];
const MINUTE = 60;

// What is wrong with the console's layout now, as a list of words (empty: nothing).
// tab: 'intake' (the intake button in view) or 'cases' (the time column and the titles).
const layoutProblems = (page, tab) => page.evaluate((tab) => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) out.push(`the page scrolls sideways (${doc.scrollWidth} > ${doc.clientWidth})`);
  const vw = window.innerWidth, vh = window.innerHeight;
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden' ? r : null;
  };
  const submit = document.querySelector('.intake button[type=submit], form button.primary.big');
  const sb = submit && visible(submit);
  if (tab === 'intake' && (!sb || sb.bottom > vh || sb.right > vw || sb.top < 0)) out.push('the intake button is not in view without scrolling');
  const side = document.querySelector('.console-layout .side').getBoundingClientRect();
  for (const cell of tab === 'cases' ? document.querySelectorAll('#case-list td.time-left') : []) {
    const r = visible(cell);
    if (!r) { out.push('a time cell is not shown'); break; }
    if (r.right > side.right + 1 || r.right > vw + 1) { out.push(`a time cell is cut off (${r.right} > ${side.right})`); break; }
  }
  for (const cell of tab === 'cases' ? document.querySelectorAll('#case-list td.title') : []) {
    const fs = parseFloat(getComputedStyle(cell).fontSize);
    if (cell.clientWidth < 6 * fs) { out.push(`a title is squeezed to ${cell.clientWidth} px`); break; }
  }
  // Text over text: the boxes of the text nodes in the side panel and the map's overlays.
  const boxes = [];
  const walker = document.createTreeWalker(document.querySelector('.console-layout'), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim() || n.parentElement.closest('.leaflet-pane, .sr-only, option, select')) continue;
    if (!n.parentElement.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) continue;  // a closed fold
    const range = document.createRange();
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) if (r.width > 1 && r.height > 1 && r.bottom > 0 && r.top < vh) boxes.push({ r, n });
  }
  for (let i = 0; i < boxes.length && out.length < 5; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].r, b = boxes[j].r;
      const ix = Math.min(a.right, b.right) - Math.max(a.left, b.left), iy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (ix > 2 && iy > 2 && boxes[i].n !== boxes[j].n) {
        // Drawn over on purpose: a panel above the map, or a dialog above everything.
        const top = (el) => el.closest('.case-detail, .attention, .legend, .backdrop');
        if (top(boxes[i].n.parentElement) !== top(boxes[j].n.parentElement)) continue;
        out.push(`"${boxes[i].n.textContent.trim().slice(0, 20)}" over "${boxes[j].n.textContent.trim().slice(0, 20)}"`);
        break;
      }
    }
  }
  return out;
}, tab);

// The rows of the list: id, what the time cell says, and the overdue chip.
const rows = (page) => page.$$eval('#case-list tbody tr', (trs) => trs.map((tr) => ({
  id: Number(tr.dataset.caseId), urgency: tr.dataset.urgency,
  clock: tr.querySelector('td.time-left').dataset.clock, time: tr.querySelector('td.time-left').textContent,
  chip: !!tr.querySelector('.chip-over'),
})));

// No case says both: overdue and time left.
const oneTruth = (list) => {
  for (const r of list) {
    check(!(r.clock === 'over' && /剩余/.test(r.time)) && !(r.clock === 'left' && /超时/.test(r.time)), `#${r.id} says "${r.time}" as ${r.clock}`);
    check(r.chip === (r.clock === 'over'), `#${r.id}: the 已超时 chip goes with the time cell (${r.time})`);
  }
};

let server;
let p;
// The console afresh (a new page load), with the list shown.
const openList = async (search = '') => {
  await p.goto(`${server.url}/${search}#/console`);
  await p.reload();
  await p.waitForSelector('#console-map[data-ready=true]');
  await p.click('[data-tab=cases]');
  await p.waitForSelector('#case-list tbody tr');
};
try {
  server = await startServer({ bin, uiDir, city, users, log });
  const api = server.request;
  const advance = (s) => api('admin', 'POST', '/api/v1/test/clock', { advance_s: s });
  // Cases over the city: red ones first, which miss their 30 minutes and climb; the others later.
  const urg = ['red', 'orange', 'yellow'];
  const made = [];
  for (let i = 0; i < 36; i++) {
    const cell = city.cells[(i * 97) % city.cells.length];
    const c = await api('op', 'POST', '/api/v1/cases', {
      lon: cell.centre[0], lat: cell.centre[1], category: 'environment', urgency: urg[i % 3],
      title: i % 5 === 0 ? `占道经营长期未处理影响居民出行需要尽快协调城管执法中队到场处置 ${i}` : `垃圾堆放 ${i}`,
      source: ['hotline', 'patrol', 'operator'][i % 3],
    });
    made.push(c);
    if (i === 11) await advance(50 * MINUTE);  // the first red ones missed their deadline and more
  }
  await advance(5 * MINUTE);
  const op = await newPage('operator', { width: 1366, height: 768 });
  p = op.page;
  await login(p, server.url, 'op');
  await p.waitForSelector('#console-map[data-ready=true]');

  for (const [w, hgt] of SIZES) {
    await test(`${w}×${hgt}: no sideways scroll, no text over text, titles and the time column readable, intake in view`, async () => {
      await p.setViewportSize({ width: w, height: hgt });
      await p.click('[data-tab=intake]');
      let problems = await layoutProblems(p, 'intake');
      await shot(p, `console-${w}x${hgt}-intake`);
      check(problems.length === 0, `intake tab: ${problems.join('; ')}`);
      await p.click('[data-tab=cases]');
      await p.waitForSelector('#case-list tbody tr');
      problems = await layoutProblems(p, 'cases');
      check(problems.length === 0, `case list: ${problems.join('; ')}`);
      oneTruth(await rows(p));
      // A case's panel leaves the map uncovered.
      await p.click('#case-list tbody tr:first-child');
      await p.waitForSelector('.case-detail .detail-head');
      const [map, panel] = await Promise.all([p.locator('#console-map').boundingBox(), p.locator('.case-detail').boundingBox()]);
      check(panel.x >= map.x + map.width - 1, `the case panel (x ${panel.x}) covers the map (to ${map.x + map.width})`);
      check(map.width >= 0.3 * w, `the map keeps room (${map.width} px)`);
      // The list stays at hand: the next case is picked while one is open.
      await shot(p, `console-${w}x${hgt}`);
      problems = await layoutProblems(p, 'cases');
      check(problems.length === 0, `case list beside a case: ${problems.join('; ')}`);
      const detailTime = await p.locator('.case-detail .chips .time-left').getAttribute('data-clock');
      const detailText = await p.locator('.case-detail .chips .time-left').textContent();
      check(!(detailTime === 'over' && /剩余/.test(detailText)), 'the case panel tells one truth');
      await p.click('.case-detail .close');
    });
  }

  await test('the list sorts by time left, overdue first and the most overdue first, as the server says', async () => {
    await p.setViewportSize({ width: 1366, height: 768 });
    await openList();
    const shown = await rows(p);
    const expected = await api('op', 'GET', '/api/v1/cases?open=true&sort=time_left&limit=50');
    check(JSON.stringify(shown.map((r) => r.id)) === JSON.stringify(expected.cases.map((c) => c.id)), 'the order is the server\'s');
    const firstLeft = shown.findIndex((r) => r.clock === 'left');
    check(shown.some((r) => r.clock === 'over') && firstLeft > 0, 'there are overdue cases, first');
    check(shown.slice(firstLeft).every((r) => r.clock !== 'over'), 'every overdue case comes before those with time left');
    const over = expected.cases.filter((c) => c.clock.overdue).map((c) => c.clock.overdue_s);
    check(over.every((s, i) => i === 0 || over[i - 1] >= s), 'the most overdue first');
    check(await p.locator('th[data-sort=time_left][aria-sort=ascending]').count() === 1, 'the time column says it is the order');
  });

  await test('sort by any column and filters are kept in the address: reload, back and forward', async () => {
    await p.click('th[data-sort=urgency] button');
    await waitFor(() => p.url().includes('sort=urgency'), 'the address holds the sort');
    await waitFor(async () => (await rows(p))[0]?.urgency === 'red', 'red first');
    let r = await rows(p);
    const rank = { red: 0, orange: 1, yellow: 2 };
    check(r.every((x, i) => i === 0 || rank[r[i - 1].urgency] <= rank[x.urgency]), 'by urgency, the highest first');
    await p.click('th[data-sort=urgency] button');
    await waitFor(() => p.url().includes('sort=-urgency'), 'the reverse order in the address');
    await waitFor(async () => (await rows(p))[0]?.urgency === 'yellow', 'yellow first');
    await p.selectOption('select[data-filter=urgency]', 'orange');
    await waitFor(() => p.url().includes('urgency=orange'), 'the filter in the address');
    await waitFor(async () => (await rows(p)).every((x) => x.urgency === 'orange'), 'only orange');
    await p.reload();
    await p.click('[data-tab=cases]');
    await p.waitForSelector('#case-list tbody tr');
    check(await p.inputValue('select[data-filter=urgency]') === 'orange', 'the filter survives a reload');
    check(await p.locator('th[data-sort=urgency][aria-sort=descending]').count() === 1, 'the sort survives a reload');
    r = await rows(p);
    check(r.length > 0 && r.every((x) => x.urgency === 'orange'), 'the list after a reload is filtered');
    await p.goBack();
    await waitFor(() => !p.url().includes('urgency=orange'), 'back drops the filter');
    await waitFor(async () => (await rows(p)).some((x) => x.urgency !== 'orange'), 'back shows all urgencies');
    check(await p.inputValue('select[data-filter=urgency]') === '', 'the filter control follows back');
    await p.goForward();
    await waitFor(async () => (await rows(p)).every((x) => x.urgency === 'orange'), 'forward filters again');
    check(await p.inputValue('select[data-filter=urgency]') === 'orange', 'the filter control follows forward');
    await openList();  // the defaults again
  });

  await test('re-dispatch: the picker finds a worker past the 300th, by keyboard, with load and duty', async () => {
    const target = city.workers[600];
    const c = made.find((x) => x.assignee_id && x.assignee_id !== target.id && x.state === 'dispatched');
    await p.click('[data-tab=cases]');
    await p.waitForSelector(`#case-list tbody tr[data-case-id="${c.id}"]`);
    await p.click(`#case-list tbody tr[data-case-id="${c.id}"]`);
    await p.click('.case-detail [data-action=reassign]');
    const search = p.locator('[data-picker=search]');
    await search.waitFor();
    await waitFor(async () => (await p.locator('.picker-option').count()) > 1, 'the case\'s community listed first');
    await search.fill(target.id);
    const option = p.locator(`.picker-option[data-worker-id="${target.id}"]`);
    await option.waitFor();
    check(/在岗|不在岗|请假/.test(await option.textContent()), 'the option shows the duty status');
    check(await option.locator('[data-load]').count() === 1, 'the option shows the load');
    await search.press('ArrowDown');
    await search.press('Enter');
    await waitFor(async () => (await p.locator('[data-picker=chosen]').textContent()).includes(target.id), 'chosen by keyboard');
    await search.press('Enter');  // the second Enter confirms
    await waitFor(async () => (await api('op', 'GET', `/api/v1/cases/${c.id}`)).assignee_id === target.id, 'the case went to the worker');
  });

  await test('the history folds repeated system events and names people; 来源 in Chinese', async () => {
    // A red case from the first batch: warned and escalated over and again up to the district.
    await advance(2 * 60 * MINUTE);
    const red = made[0];
    await openList();
    await p.waitForSelector(`#case-list tbody tr[data-case-id="${red.id}"]`);
    await p.click(`#case-list tbody tr[data-case-id="${red.id}"]`);
    await p.waitForSelector('.case-detail .history');
    const full = await api('op', 'GET', `/api/v1/cases/${red.id}`);
    check(full.events.some((e) => e.actor_name === 'op'), 'the server names the operator');
    const folded = p.locator('.case-detail li.fold');
    check(await folded.count() >= 1, 'repeated system events are folded');
    const n = Number(await folded.first().getAttribute('data-folded'));
    const summary = await folded.first().locator('summary').textContent();
    check(n >= 4 && /超时升级 ×\d/.test(summary) && /预警 ×\d/.test(summary), `the fold says how many of what: ${summary}`);
    await folded.first().locator('summary').click();
    check(await folded.first().locator('ol li').count() === n, 'the fold opens to its events');
    const actors = await p.$$eval('.case-detail [data-field=actor]', (els) => els.map((e) => e.textContent));
    check(actors.every((a) => !/^user:/.test(a)), `no login ids: ${actors.join(', ')}`);
    const source = await p.locator('.case-detail .kvs').textContent();
    check(/12345 热线|网格员巡查|指挥中心受理/.test(source), '来源 in Chinese');
    await shot(p, 'console-history');
    await p.click('.case-detail .close');
  });

  await test('the follow-up rating has no score chosen: saving waits until one is', async () => {
    // A case taken in, accepted, resolved and closed through the API.
    const cell = city.cells[5];
    const c = await api('op', 'POST', '/api/v1/cases', { lon: cell.centre[0], lat: cell.centre[1], category: 'environment', urgency: 'yellow', title: '回访测试' });
    check(c.assignee_id === cell.owner.id, 'the case went to the grid\'s A post');
    let v = c.version;
    for (const action of ['accept', 'resolve']) v = (await api('wk', 'POST', `/api/v1/cases/${c.id}/transitions`, { action, version: v })).version;
    await api('op', 'POST', `/api/v1/cases/${c.id}/transitions`, { action: 'close', version: v });
    await openList('?state=closed');
    await p.click(`#case-list tbody tr[data-case-id="${c.id}"]`);
    await p.click('.case-detail [data-action=rate]');
    const save = p.locator('.dialog button[type=submit]');
    await save.waitFor();
    check(await p.inputValue('.dialog select[name=score]') === '', 'no score preselected');
    check(await save.isDisabled(), 'saving waits for a score');
    await p.selectOption('.dialog select[name=score]', '4');
    check(!(await save.isDisabled()), 'a chosen score can be saved');
    await save.click();
    await waitFor(async () => (await api('op', 'GET', `/api/v1/cases/${c.id}`)).events.some((e) => e.type === 'rated' && e.score === 4), 'the rating is stored');
  });

  await test('idle during a live simulation: bytes a minute, the UI files revalidated', async () => {
    await openList();
    // Everything the console downloads from now on: answers (as sent, compressed or not) and feed frames.
    let http = 0, ws = 0, requests = 0, frames = 0;
    const bytes = { counting: true };
    p.on('requestfinished', async (r) => {
      if (!bytes.counting) return;
      const s = await r.sizes().catch(() => null);
      if (s) { http += s.responseBodySize + s.responseHeadersSize; requests++; }
    });
    const session = await p.context().newCDPSession(p);
    await session.send('Network.enable');
    session.on('Network.webSocketFrameReceived', (e) => { if (bytes.counting) { ws += e.response.payloadData.length; frames++; } });
    // A minute of the simulated city: the console saw about 34 events a minute.
    const EVENTS = 34;
    let last = null;
    for (let i = 0; i < EVENTS; i++) {
      const cell = city.cells[(i * 131 + 7) % city.cells.length];
      last = await api('op', 'POST', '/api/v1/cases', { lon: cell.centre[0], lat: cell.centre[1], category: 'environment', urgency: 'orange', title: `模拟 ${i}` });
    }
    await waitFor(async () => frames >= EVENTS, `the feed brought the ${EVENTS} changes`, 20000);
    await waitFor(async () => (await p.locator(`#case-list tbody tr[data-case-id="${last.id}"]`).count()) === 1, 'the last case is on screen');
    bytes.counting = false;
    const perMinute = http + ws;
    log(`idle console, ${EVENTS} live changes (a minute of the simulation): ${perMinute} bytes (${ws} in ${frames} feed frames, ${http} in ${requests} answers)`);
    // The bound: each change costs its feed message (the case, about 1.5 KB, and its areas'
    // counts) and nothing else: 34 × 4 KB ≈ 136 KB, against the 6.5 MB a minute of a full
    // grid-count table fetched per event.
    check(perMinute < 150_000, `the console downloaded ${perMinute} bytes for a minute of live changes`);
    check(requests <= 2, `no fetch per event (${requests} answers)`);
    // The UI's files come back as 304 when the browser revalidates them.
    const res = await fetch(`${server.url}/js/console.js`);
    const tag = res.headers.get('etag');
    await res.arrayBuffer();
    check(tag, 'the UI files carry an ETag');
    const again = await fetch(`${server.url}/js/console.js`, { headers: { 'If-None-Match': tag } });
    check(again.status === 304, `revalidated: ${again.status}`);
    const json = await fetch(`${server.url}/api/v1/cases?open=true&limit=200`, {
      headers: { Authorization: `Bearer ${await p.evaluate(() => JSON.parse(localStorage.getItem('gk.session')).token)}`, 'Accept-Encoding': 'gzip' },
    });
    check(json.headers.get('content-encoding') === 'gzip', 'a large JSON answer is compressed');
    await json.arrayBuffer();
  });

  await test('a screen that cannot load for want of network says so, with a retry that works, and is no script error', async () => {
    const p = op.page;
    await p.goto(`${server.url}/#/assessment`);
    await p.waitForSelector('#assessment[data-state=ready]');
    const offline = (r) => r.abort('internetdisconnected');
    await p.route('**/api/v1/workers**', offline);
    const warned = p.waitForEvent('console', (m) => m.type() === 'warning' && m.text().startsWith('offline:'));
    await p.evaluate(() => { location.hash = '#/console'; });
    await p.waitForSelector('#screen [data-state=error]:has-text("网络")');
    await warned;
    await p.unroute('**/api/v1/workers**', offline);
    await p.click('#screen [data-state=error] button');
    await p.waitForSelector('#console-map[data-ready=true]');
  });

  await test('a background request that finds no network, or whose login ended, is no script error (the run\'s last check holds it)', async () => {
    const p = op.page;
    for (const [status, code, said] of [[0, 'network', 'offline:'], [401, 'unauthorized', 'login ended:']]) {
      const warned = p.waitForEvent('console', (m) => m.type() === 'warning' && m.text().startsWith(said));
      await p.evaluate(async ([s, c]) => {
        const { ApiError } = await import('/js/api.js');
        Promise.reject(new ApiError(s, c, 'left unhandled'));
      }, [status, code]);
      await warned;
    }
  });

} catch (e) {
  run.fail('setup', e);
} finally {
  await server?.stop();
}
await run.noProblems(uiDir);
await run.finish('console browser tests');
