// Browser tests: Debian's Chromium driven by playwright-core against the real server with
// a temporary database. An operator takes in a case by clicking the map; the worker (a
// second browser context, a 10-inch touch screen) sees it arrive live, accepts, attaches a
// photo, notes progress and resolves (through a network loss); the operator verifies and
// closes it; a stale queued action is refused and shown; a supervisor watches a grid turn
// red when the (manual) clock runs out, opens it and switches emergency mode; a deferral
// asked, approved and resumed; a follow-up rating; escalations calling the supervisor of
// the tier they reach; the assessment (figures, charts, tables, CSV); Open311 keys;
// English, a 401 and a 550-grid city. Screenshots go to test-artifacts/ui/ and are checked.
//   node tests/ui/run.mjs --bin build/release/app/gridkeeper --ui build/release/ui [--artifacts DIR] [--only NAME]
import fs from 'node:fs';
import { startServer, PASSWORD } from './server.mjs';
import { smallCity, bigCity, hostileCity } from './city.mjs';
import { lintUi } from './lint.mjs';
import { share, makePng } from './png.mjs';
import { Run, options, check, waitFor, isRed, caseId, login as loginAs, screenPoint, boxOf } from './harness.mjs';

const { bin, uiDir, artifacts, only } = options();
// The demo run's screenshots (demo-*) and the run at scale's (scale-*) are their own.
const run = new Run({ artifacts, only, hardLimitMs: 300_000, owns: (f) => !f.startsWith('demo-') && !f.startsWith('scale-') });
const { log, test, shot, newPage } = run;
const login = (page, url, username) => loginAs(page, url, username, PASSWORD);
await run.launch();

await test('the UI sources build no HTML from strings and have no inline script or style', async () => {
  const problems = lintUi();
  check(problems.length === 0, `lint of web/ui/src:\n  ${problems.join('\n  ')}`);
});

const city = smallCity();
const centre = city.cells.find((c) => c.c === 2 && c.r === 1);  // where the map's centre falls
const west = city.cells.find((c) => c.c === 0 && c.r === 0);
const north = city.cells.find((c) => c.c === 3 && c.r === 2);  // the 琼头 community, street 2
const users = [
  { username: 'admin', role: 'admin' },
  { username: 'op', role: 'operator', scope: city.district.code },
  { username: 'sup', role: 'supervisor', scope: city.district.code },
  { username: 'worker', role: 'worker', worker: centre.owner.id },
  // A community's supervisor answers for escalations that reach the community tier.
  { username: 'sup_north', role: 'supervisor', scope: north.com.code },
];
let server;
try {
  server = await startServer({ bin, uiDir, city, users, log });
  const api = server.request;
  const op = await newPage('operator', { width: 1600, height: 900 });
  const wk = await newPage('worker', { width: 1280, height: 800 }, { hasTouch: true });
  const sup = await newPage('supervisor', { width: 1600, height: 900 });
  const extra = [];  // pages opened by single tests
  let first = 0, second = 0;
  // A test run alone (--only) logs its page in itself.
  const ensureLogin = async (pg, username, ready) => {
    const has = await pg.page.evaluate(() => Boolean(localStorage.getItem('gk.session'))).catch(() => false);
    if (!has) await login(pg.page, server.url, username);
    await pg.page.waitForSelector(ready);
  };

  await test('login page, then each role gets its screen', async () => {
    await wk.page.goto(server.url);
    await wk.page.waitForSelector('#login');
    await shot(wk.page, '01-login');
    await wk.page.fill('#login input[name=username]', 'worker');
    await wk.page.fill('#login input[name=password]', 'wrong password');
    await wk.page.click('#login button[type=submit]');
    await wk.page.waitForSelector('#login .form-error:text("用户名或密码不正确")');
    await login(wk.page, server.url, 'worker');
    await wk.page.waitForSelector('#my-cases [data-state=empty]');
    check(wk.page.url().endsWith('#/tablet'), 'a worker lands on the tablet');
    await shot(wk.page, '02-tablet-empty');
    await login(op.page, server.url, 'op');
    await op.page.waitForSelector('#console-map[data-ready=true]');
    check(op.page.url().endsWith('#/console'), 'an operator lands on the console');
    check(await op.page.locator('.topbar .conn[data-online=true]').count() === 1, 'the live feed is connected');
  });

  await test('the operator takes in a case by clicking the map; the worker sees it arrive live', async () => {
    const box = await boxOf(op.page.locator('#console-map'));
    await op.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const preview = op.page.locator('.route-preview[data-state=found]');
    await preview.waitFor();
    check(await preview.getAttribute('data-grid') === centre.code, `the map's centre routes to ${centre.code}`);
    const worker = await preview.locator('[data-field=worker]').textContent();
    check(worker.includes(centre.owner.name), `the preview names the worker (${worker})`);
    check((await preview.locator('[data-field=community]').textContent()) === centre.com.name, 'the preview names the community');
    await op.page.selectOption('#intake select[name=category]', 'environment');
    await op.page.click('#intake [data-urgency=orange]');
    await op.page.fill('#intake input[name=title]', '小区门口垃圾堆放');
    await op.page.fill('#intake textarea[name=description]', '垃圾已堆放三天，有异味');
    await op.page.fill('#intake input[name=address]', '新店路88号');
    await op.page.fill('#intake input[name=reporter_name]', '张先生');
    await op.page.fill('#intake input[name=reporter_phone]', '13900001111');
    await shot(op.page, '03-console-intake', (img) => {
      // The chosen grid is outlined in blue on the map.
      check(share(img, { x: 0, y: 52, width: box.width, height: box.height }, ([r, g, b]) => b > 150 && r < 60 && g < 110) > 0.0005, 'the chosen grid is outlined');
    });
    await op.page.click('#intake button[type=submit]');
    const created = op.page.locator('.intake-result [data-state=created]');
    await created.waitFor();
    first = await caseId(created);
    check(first > 0, 'the case has an id');
    const card = wk.page.locator(`.card[data-case-id="${first}"]`);
    await card.waitFor({ timeout: 10000 });
    check(await card.evaluate((el) => el.classList.contains('new')), 'the new case is marked');
    check(Number(await wk.page.evaluate(() => document.body.dataset.beeps || 0)) >= 1, 'a sound was played');
    check(await card.getAttribute('data-urgency') === 'orange', 'the card carries the urgency');
    await wk.page.waitForSelector('.toast-new');
    await shot(wk.page, '04-tablet-new-case', (img) => {
      const b = { x: 10, y: 100, width: 500, height: 150 };
      check(share(img, b, ([r, g, bl]) => r > 220 && g > 100 && g < 150 && bl < 60) > 0.001, 'the orange colour badge shows');
    });
    await op.page.click('[data-tab=cases]');
    await op.page.waitForSelector(`#case-list tr[data-case-id="${first}"]`);
  });

  await test('the worker accepts, attaches a photo and notes progress', async () => {
    const p = wk.page;
    await p.tap(`.card[data-case-id="${first}"]`);
    await p.waitForSelector(`#case-work .work-head[data-case-id="${first}"]`);
    await p.tap('#case-work [data-action=accept]');
    await p.waitForSelector(`#case-work .work-head[data-state=accepted]`);
    await waitFor(async () => (await api('worker', 'GET', `/api/v1/cases/${first}`)).state === 'accepted', 'the server has it accepted');
    // A red case (30 min to accept) goes above the accepted one (a day to resolve), and
    // leaves the tablet live when it is cancelled.
    const urgent = await api('op', 'POST', '/api/v1/cases', { lon: centre.centre[0], lat: centre.centre[1], category: 'safety_hazard', urgency: 'red', title: '井盖缺失' });
    await p.waitForSelector(`.card[data-case-id="${urgent.id}"]`);
    check(Number(await p.locator('#my-cases .card').first().getAttribute('data-case-id')) === urgent.id, 'the most pressing case comes first');
    await api('op', 'POST', `/api/v1/cases/${urgent.id}/transitions`, { action: 'cancel', version: urgent.version, note: '重复上报' });
    await p.waitForSelector(`.card[data-case-id="${urgent.id}"]`, { state: 'detached' });
    await p.setInputFiles('#case-work input[data-input=photo]', { name: 'site.png', mimeType: 'image/png', buffer: makePng() });
    await p.waitForSelector('#work-photos img[src^="blob:"]');
    await p.tap('#case-work [data-action=note]');
    await p.fill('.dialog textarea[name=note]', '已联系物业，正在清运');
    await p.click('.dialog button[type=submit]');
    await p.waitForSelector('#case-work .history .note:text("已联系物业，正在清运")');
    const c = await api('op', 'GET', `/api/v1/cases/${first}`);
    check(c.photos.length === 1, 'the photo is stored');
    check(c.events.some((e) => e.type === 'note'), 'the note is in the history');
    // The operator's list followed live.
    await op.page.waitForSelector(`#case-list tr[data-case-id="${first}"][data-state=accepted]`);
  });

  await test('offline, the worker resolves; the action is kept and sent when the network returns', async () => {
    const p = wk.page;
    await wk.context.setOffline(true);
    await p.waitForSelector('#net-banner[data-offline=true]');
    await p.tap('#case-work [data-action=resolve]');
    await p.fill('.dialog textarea[name=note]', '垃圾已清运完毕');
    await p.click('.dialog button[type=submit]');
    await p.waitForSelector('#net-banner[data-pending="1"]');
    await p.waitForSelector(`.card[data-case-id="${first}"][data-state=resolved] .chip-pending`);
    await shot(p, '05-tablet-offline', (img) => {
      check(share(img, { x: 0, y: 55, width: 1280, height: 30 }, isRed) > 0.5, 'the red offline banner shows');
    });
    check((await api('worker', 'GET', `/api/v1/cases/${first}`)).state === 'accepted', 'nothing reached the server while offline');
    await wk.context.setOffline(false);
    await p.waitForSelector('#net-banner[data-pending="0"]', { state: 'attached', timeout: 20000 });
    await waitFor(async () => (await api('worker', 'GET', `/api/v1/cases/${first}`)).state === 'resolved', 'the queued resolve arrived');
    await p.waitForSelector('#net-banner', { state: 'hidden', timeout: 20000 });
  });

  await test('the operator opens the case, sees history and photo, verifies and closes it', async () => {
    const p = op.page;
    await p.waitForSelector(`#case-list tr[data-case-id="${first}"][data-state=resolved]`);
    await p.click(`#case-list tr[data-case-id="${first}"]`);
    await p.waitForSelector(`.case-detail .detail-head[data-case-id="${first}"]`);
    await p.waitForSelector('.case-detail .photos img[src^="blob:"]');
    const history = await p.locator('.case-detail .history').textContent();
    for (const word of ['上报', '接单', '进展', '办结']) check(history.includes(word), `the history shows ${word}`);
    await shot(p, '06-console-detail');
    await p.click('.case-detail [data-action=close]');
    await p.click('.dialog button[type=submit]');
    await p.waitForSelector('.case-detail .detail-head[data-state=closed]');
    check((await api('op', 'GET', `/api/v1/cases/${first}`)).state === 'closed', 'the case is closed');
    await wk.page.waitForSelector(`.card[data-case-id="${first}"]`, { state: 'detached' });
    await p.click('.case-detail .close');
  });

  await test('a case typed by coordinates; a queued accept gone stale is refused, shown and refreshed', async () => {
    const p = op.page;
    await p.click('[data-tab=intake]');
    // With case markers on the map, a click beside them still picks a location.
    const box = await boxOf(p.locator('#console-map'));
    await p.mouse.click(box.x + box.width / 2 + 40, box.y + box.height / 2 + 30);
    await p.waitForSelector(`.route-preview[data-state=found][data-grid="${centre.code}"]`);
    await p.fill('#intake input[name=lon]', String(west.centre[0]));
    await p.fill('#intake input[name=lat]', String(west.centre[1]));
    await p.waitForSelector(`.route-preview[data-state=found][data-grid="${west.code}"]`);
    await p.fill('#intake input[name=lon]', String(centre.centre[0]));
    await p.fill('#intake input[name=lat]', String(centre.centre[1]));
    await p.waitForSelector(`.route-preview[data-state=found][data-grid="${centre.code}"]`);
    await p.fill('#intake input[name=title]', '楼道堆放杂物');
    await p.click('#intake [data-urgency=orange]');
    await p.click('#intake button[type=submit]');
    const created = p.locator(`.intake-result [data-state=created]`);
    await waitFor(async () => (await caseId(created)) !== first, 'a second case');
    second = await caseId(created);
    const w = wk.page;
    await w.waitForSelector(`.card[data-case-id="${second}"]`);
    check(Number(await w.evaluate(() => document.body.dataset.beeps)) >= 2, 'a second sound');
    await wk.context.setOffline(true);
    await w.waitForSelector('#net-banner[data-offline=true]');
    await w.tap(`.card[data-case-id="${second}"]`);
    await w.tap('#case-work [data-action=accept]');
    await w.waitForSelector('#net-banner[data-pending="1"]');
    // Meanwhile the case moves on: 1.6 h later it is warned (an orange case has 2 h).
    // (The clock ages the sessions too: a test stays well inside their 12 h.)
    await api('admin', 'POST', '/api/v1/test/clock', { advance_s: 5760 });
    check((await api('op', 'GET', `/api/v1/cases/${second}`)).warned, 'the case is warned');
    await wk.context.setOffline(false);
    const refused = w.locator(`[data-state=refused][data-case-id="${second}"]`);
    await refused.waitFor({ timeout: 20000 });
    check(await refused.getAttribute('data-code') === 'stale_version', 'refused as stale');
    check((await refused.textContent()).includes('已重新加载'), 'the refusal is explained');
    await w.waitForSelector(`.card[data-case-id="${second}"][data-state=dispatched] .chip-warn`);
    await shot(w, '07-tablet-stale');
    await w.tap(`.card[data-case-id="${second}"]`);
    await w.tap('#case-work [data-action=accept]');
    await waitFor(async () => (await api('op', 'GET', `/api/v1/cases/${second}`)).state === 'accepted', 'accepted again');
  });

  let red = 0;
  await test('the supervisor watches an overdue grid turn red when the clock runs out', async () => {
    const p = sup.page;
    red = (await api('op', 'POST', '/api/v1/cases', {
      lon: west.centre[0], lat: west.centre[1], category: 'safety_hazard', urgency: 'red', title: '燃气管道泄漏',
      address: '洪前路1号', source: 'hotline', reporter: { name: '李女士', phone: '13900002222' },
    })).id;
    await login(p, server.url, 'sup');
    await p.waitForSelector('#overdue-map[data-ready=true]');
    check(p.url().endsWith('#/overdue'), 'a supervisor lands on the overdue map');
    check(await p.locator('#overdue-map').getAttribute('data-level') === 'street', 'zoomed out, streets are shown');
    await p.click('.leaflet-control-zoom-in');
    await p.waitForSelector('#overdue-map[data-level=community]');
    await p.click('.leaflet-control-zoom-out');
    await p.waitForSelector('#overdue-map[data-level=street]');
    await p.click('.level-switch [data-level=grid]');
    const label = p.locator(`.area-label[data-area="${west.code}"] .label-box`);
    await label.waitFor();
    check(await label.getAttribute('data-worst-overdue') === 'none', 'nothing overdue yet');
    const spot = await boxOf(label);
    // A patch of the grid just above its label: clear of the case marker at its centre and of
    // the legend in the map's lower corner.
    const sample = { x: Math.round(spot.x + spot.width / 2 - 10), y: Math.round(spot.y - 30), width: 20, height: 16 };
    await shot(p, '08-overdue-before', (img) => check(share(img, sample, isRed) < 0.2, 'the grid is not red before'));
    // 30 min to accept a red case: an hour later it is overdue, escalated to the community.
    await api('admin', 'POST', '/api/v1/test/clock', { advance_s: 3600 });
    await p.waitForSelector(`.area-label[data-area="${west.code}"] .label-box[data-worst-overdue=red]`, { timeout: 10000 });
    check(await p.locator('#overdue-summary tr[data-urgency=red] [data-count=overdue]').textContent() === '1', 'one red case overdue');
    // Filled by how much of it is overdue (its step), outlined by its most urgent case.
    check(Number(await label.getAttribute('data-step')) > 0, 'the overdue grid is at a step above none');
    await shot(p, '09-overdue-red');
    await p.mouse.click(sample.x + 10, sample.y + 8);
    await p.waitForSelector(`#area-cases [data-case-id="${red}"]`);
    check(await p.locator('#area-workers li').count() === 2, "the grid's A and B post workers are listed");
    await shot(p, '10-overdue-area');
    await p.click(`#area-cases [data-case-id="${red}"]`);
    await p.waitForSelector(`.case-detail .detail-head[data-case-id="${red}"]`);
    check((await p.locator('.case-detail .history').textContent()).includes('超时升级'), 'the escalation is in the history');
    await p.click('.case-detail .close');
  });

  await test('the supervisor switches emergency mode for the district and back', async () => {
    const p = sup.page;
    await p.click('#mode-box [data-action=mode]');
    await p.click('.dialog button[type=submit]');
    await p.waitForSelector('#mode-box [data-mode=emergency]');
    await p.waitForSelector('.emergency-banner:visible');
    const j = await api('sup', 'GET', '/api/v1/jurisdictions');
    check(j.jurisdictions.find((x) => x.code === city.district.code).mode === 'emergency', 'the district is in emergency mode');
    await shot(p, '11-overdue-emergency');
    await p.click('#mode-box [data-action=mode]');
    await p.click('.dialog button[type=submit]');
    await p.waitForSelector('#mode-box [data-mode=normal]');
    check(await p.locator('.emergency-banner:visible').count() === 0, 'the banner is gone');
  });

  await test('the operator re-dispatches a case to another worker, then cancels it', async () => {
    const p = op.page;
    const pool = city.workers.find((w) => w.community === centre.com.code && !w.owner_of.length);
    await p.click('[data-tab=cases]');
    await p.click(`#case-list tr[data-case-id="${second}"]`);
    await p.waitForSelector(`.case-detail .detail-head[data-case-id="${second}"]`);
    await p.click('.case-detail [data-action=reassign]');
    await p.fill('.dialog [data-picker=search]', pool.id);  // the picker searches every worker in scope
    await p.click(`.dialog .picker-option[data-worker-id="${pool.id}"]`);
    await p.fill('.dialog textarea[name=note]', '原网格员外出，改派社区统筹');
    await p.click('.dialog button[type=submit]');
    await p.waitForSelector(`#case-list tr[data-case-id="${second}"][data-state=dispatched]`);
    check((await api('op', 'GET', `/api/v1/cases/${second}`)).assignee_id === pool.id, 'the case went to the chosen worker');
    // Off the former holder's tablet, live.
    await wk.page.waitForSelector(`.card[data-case-id="${second}"]`, { state: 'detached' });
    await wk.page.waitForSelector(`.toast:text("案件 #${second} 已改派或结束")`);
    await p.waitForSelector(`.case-detail .detail-head[data-case-id="${second}"] ~ .actions [data-action=cancel]`);
    await p.click('.case-detail [data-action=cancel]');
    await p.fill('.dialog textarea[name=note]', '重复上报');
    await p.click('.dialog button[type=submit]');
    await p.waitForSelector('.case-detail .detail-head[data-state=cancelled]');
    check((await api('op', 'GET', `/api/v1/cases/${second}`)).state === 'cancelled', 'the case is cancelled');
    await p.click('.case-detail .close');
    await p.waitForSelector(`#case-list tr[data-case-id="${second}"]`, { state: 'detached' });
    await wk.page.waitForSelector('#my-cases [data-state=empty]');
    await shot(wk.page, '12-tablet-after');
  });

  await test('a worker looking at a case no longer theirs sees no action buttons', async () => {
    const w = wk.page;
    await ensureLogin(wk, 'worker', '#my-cases');
    const pool = city.workers.find((x) => x.community === centre.com.code && !x.owner_of.length);
    const c = await api('op', 'POST', '/api/v1/cases', { lon: centre.centre[0], lat: centre.centre[1], category: 'environment', urgency: 'yellow', title: '井盖松动' });
    check(c.assignee_id === centre.owner.id, 'the case goes to the worker');
    // The worker has it open: the buttons are what the server says the worker may do.
    await w.tap(`.card[data-case-id="${c.id}"]`);
    await w.waitForSelector(`#case-work .work-head[data-case-id="${c.id}"]`);
    await w.waitForSelector('#case-work [data-action=accept]:not([disabled])');
    const mine = await api('worker', 'GET', `/api/v1/cases/${c.id}`);
    check(mine.allowed_actions.includes('accept') && !mine.allowed_actions.includes('resolve'), `the worker may accept, not yet resolve (${mine.allowed_actions})`);
    check(await w.locator('#case-work [data-action=resolve][disabled]').count() === 1, 'resolve is not offered yet');
    // Re-dispatched to another worker while open on the tablet.
    await api('op', 'POST', `/api/v1/cases/${c.id}/transitions`, { action: 'reassign', version: c.version, assignee_id: pool.id, note: '改派' });
    await w.waitForSelector(`#case-work .work-head[data-case-id="${c.id}"]`, { state: 'detached' });
    check(await w.locator('#case-work [data-action]').count() === 0, 'no action buttons for a case not the worker\'s');
    check(await w.locator(`.card[data-case-id="${c.id}"]`).count() === 0, 'the case is off the list');
    const status = await api('worker', 'GET', `/api/v1/cases/${c.id}`).then(() => 200, (e) => Number(/: (\d{3}) /.exec(e.message)?.[1]));
    check(status === 404, `the worker may not read it any more (${status})`);
    await api('op', 'POST', `/api/v1/cases/${c.id}/transitions`, { action: 'cancel', version: c.version + 1, note: '测试' });
  });

  // ---- deferral, follow-up rating, escalation attention, assessment, Open311 keys ----

  await test('the worker asks for a deferral; the operator approves it, then resumes the clock', async () => {
    const w = wk.page, o = op.page;
    await ensureLogin(wk, 'worker', '#my-cases');
    await ensureLogin(op, 'op', '#console-map[data-ready=true]');
    const d = await api('op', 'POST', '/api/v1/cases', { lon: centre.centre[0], lat: centre.centre[1], category: 'public_service', urgency: 'yellow', title: '路灯不亮', address: '新店路12号' });
    await w.tap(`.card[data-case-id="${d.id}"]`);
    await w.tap('#case-work [data-action=accept]');
    await waitFor(async () => (await api('op', 'GET', `/api/v1/cases/${d.id}`)).state === 'accepted', 'accepted');
    await w.waitForSelector('#case-work [data-action=request_deferral]:not([disabled])');
    await w.tap('#case-work [data-action=request_deferral]');
    // Without a reason nothing is sent.
    await w.click('.dialog button[type=submit]');
    check(await w.locator('.dialog').count() === 1, 'the request needs a reason');
    await w.fill('.dialog textarea[name=note]', '需供电公司更换线路，预计三天');
    await w.click('.dialog button[type=submit]');
    await waitFor(async () => (await api('op', 'GET', `/api/v1/cases/${d.id}`)).events.some((e) => e.type === 'request_deferral'), 'the request reached the server');
    await w.waitForSelector('#case-work [data-deferral-asked=true]');
    await w.waitForSelector('#case-work [data-action=request_deferral][disabled]');

    await o.click('[data-tab=cases]');
    await o.click(`#case-list tr[data-case-id="${d.id}"]`);
    const asked = o.locator('.case-detail #pending-deferral');
    await asked.waitFor();
    check((await asked.textContent()).includes('需供电公司更换线路'), 'the operator sees the reason');
    await shot(o, '16-console-deferral-asked');
    await o.click('.case-detail [data-action=approve]');
    check((await o.inputValue('.dialog textarea[name=note]')).includes('需供电公司更换线路'), 'the approval starts from the reason');
    await o.click('.dialog button[type=submit]');
    await o.waitForSelector('.case-detail .chips [data-paused=true]');
    await o.waitForSelector(`#case-list tr[data-case-id="${d.id}"] .left-paused`);
    check((await api('op', 'GET', `/api/v1/cases/${d.id}`)).paused_at, 'the clock is paused');
    // The tablet shows the pause and no countdown.
    const card = w.locator(`.card[data-case-id="${d.id}"]`);
    await card.locator('.chip-paused').waitFor();
    check((await card.locator('.time-left').textContent()).includes('暂停计时'), 'no countdown while paused');
    await w.waitForSelector('#case-work [data-paused=true]');
    await shot(w, '17-tablet-paused');
    await shot(o, '18-console-paused');
    await o.click('.case-detail [data-action=resume]');
    await o.click('.dialog button[type=submit]');
    await o.waitForSelector('.case-detail .chips [data-paused=true]', { state: 'detached' });
    check(!(await api('op', 'GET', `/api/v1/cases/${d.id}`)).paused_at, 'the clock runs again');
    check((await o.locator('.case-detail .history').textContent()).includes('恢复计时'), 'the resumption is in the history');
    await card.locator('.chip-paused').waitFor({ state: 'detached' });
    check((await card.locator('.time-left').textContent()).includes('剩余'), 'the countdown is back');
    await o.click('.case-detail .close');
  });

  await test('a reworked case; the operator records a follow-up rating of a closed case', async () => {
    const o = op.page;
    await ensureLogin(op, 'op', '#console-map[data-ready=true]');
    // Sent back once, then done: a rework in the figures.
    let c = await api('op', 'POST', '/api/v1/cases', { lon: centre.centre[0], lat: centre.centre[1], category: 'environment', urgency: 'orange', title: '绿化带垃圾' });
    const step = async (who, action, note) => (c = await api(who, 'POST', `/api/v1/cases/${c.id}/transitions`, { action, version: c.version, note }));
    await step('worker', 'accept');
    await step('worker', 'resolve', '已清理');
    await step('op', 'reopen', '仍有垃圾未清理');
    await step('worker', 'accept');
    await step('worker', 'resolve', '已全部清理');
    await step('op', 'close');
    check(c.rework_count === 1, 'reworked once');
    const rated = first || c.id;
    await o.click('[data-tab=cases]');
    await o.selectOption('[data-filter=state]', 'closed');
    await o.click(`#case-list tr[data-case-id="${rated}"]`);
    await o.waitForSelector(`.case-detail .detail-head[data-case-id="${rated}"][data-state=closed]`);
    await o.click('.case-detail [data-action=rate]');
    await o.selectOption('.dialog select[name=score]', '4');
    await o.fill('.dialog textarea[name=note]', '居民表示满意，希望加强日常巡查');
    await o.click('.dialog button[type=submit]');
    const event = o.locator('.case-detail .history li[data-event=rated]');
    await event.waitFor();
    const text = await event.textContent();
    check(text.includes('回访评价') && text.includes('★★★★☆') && text.includes('希望加强日常巡查'), `the rating is in the history (${text})`);
    await o.waitForSelector('.case-detail .chip-rated[data-rating="4"]');
    const events = (await api('op', 'GET', `/api/v1/cases/${rated}`)).events;
    check(events.some((e) => e.type === 'rated' && e.score === 4), 'the rating is stored with its score');
    await shot(o, '19-console-rating');
    await o.click('.case-detail .close');
    await o.selectOption('[data-filter=state]', 'open');
  });

  let called = 0;
  await test('an escalation calls the supervisor whose tier it reaches: sound, toast and the needs-you list', async () => {
    const nc = await newPage('north supervisor', { width: 1600, height: 900 });
    extra.push(nc);
    await login(nc.page, server.url, 'sup_north');
    await nc.page.waitForSelector('#overdue-map[data-ready=true]');
    await nc.page.waitForSelector('.topbar .conn[data-online=true]');
    await ensureLogin(sup, 'sup', '#overdue-map[data-ready=true]');
    await ensureLogin(op, 'op', '#console-map[data-ready=true]');
    const beeps = (page) => page.evaluate(() => Number(document.body.dataset.beeps || 0));
    const redOverdue = async (page) => Number(await page.locator('#overdue-summary tr[data-urgency=red] [data-count=overdue]').textContent());
    const before = { north: await beeps(nc.page), supRed: await redOverdue(sup.page) };
    const x = await api('op', 'POST', '/api/v1/cases', { lon: north.centre[0], lat: north.centre[1], category: 'safety_hazard', urgency: 'red', title: '电动车楼道充电', address: '琼头路5号' });
    called = x.id;
    // 40 minutes: past the 30 minutes to accept, the case rises to the community tier.
    await api('admin', 'POST', '/api/v1/test/clock', { advance_s: 2400 });
    check((await api('op', 'GET', `/api/v1/cases/${x.id}`)).tier === 'community', 'escalated to the community');
    const item = nc.page.locator(`#needs-you li[data-case-id="${x.id}"]`);
    await item.waitFor();
    check(await beeps(nc.page) > before.north, 'the community supervisor hears it');
    await nc.page.waitForSelector(`.toast-warn:text("需要您督办：案件 #${x.id}")`);
    const box = await boxOf(nc.page.locator('#needs-you'));
    await shot(nc.page, '20-overdue-needs-you', (img) => {
      check(share(img, { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: 30 }, isRed) > 0.4, 'the needs-you list stands out in red');
    });
    // The district's supervisor sees the map change, without a call.
    await waitFor(async () => (await redOverdue(sup.page)) > before.supRed, 'the district map counts the new overdue case');
    check(await sup.page.locator(`#needs-you li[data-case-id="${x.id}"]`).count() === 0, 'not listed for the district');
    await item.locator('.needs-you-case').click();
    await nc.page.waitForSelector(`.case-detail .detail-head[data-case-id="${x.id}"]`);
    // Two more missed deadlines: street, then the district — the district's supervisor and operator are called.
    await api('admin', 'POST', '/api/v1/test/clock', { advance_s: 1900 });
    await api('admin', 'POST', '/api/v1/test/clock', { advance_s: 1900 });
    check((await api('op', 'GET', `/api/v1/cases/${x.id}`)).tier === 'district', 'escalated to the district');
    await sup.page.waitForSelector(`#needs-you li[data-case-id="${x.id}"]`);
    const supBeeps = await beeps(sup.page);
    await op.page.waitForSelector(`#needs-you li[data-case-id="${x.id}"]`);
    check(supBeeps > 0, 'the district supervisor hears it');
    await shot(op.page, '21-console-needs-you');
    // Dismissed from the list, it stays a case like any other.
    await op.page.click(`#needs-you li[data-case-id="${x.id}"] .dismiss`);
    await op.page.waitForSelector(`#needs-you li[data-case-id="${x.id}"]`, { state: 'detached' });
    await nc.page.click('.case-detail .close');
  });

  await test('the assessment tab: figures, three charts, tables with stars and the bottom warning, CSV', async () => {
    const p = sup.page;
    await ensureLogin(sup, 'sup', '#overdue-map[data-ready=true]');
    // Street 2 has two communities: with the rule asking for two, its last one is warned. The
    // small city's areas have a case or two: they are scored from one case on.
    await api('admin', 'PUT', '/api/v1/settings/assessment', { bottom_min_communities: 2, min_cases: 1 });
    const expected = await api('sup', 'GET', '/api/v1/stats/assessment');
    check(expected.total.cases >= 4 && expected.total.deferred >= 1 && expected.total.reworked >= 1 && expected.total.satisfaction.rated >= 1,
      'the city has closed, rated, reworked, deferred and overdue cases');
    const warned = expected.communities.filter((c) => c.bottom_warning).map((c) => c.id);
    check(warned.length === 1, `one community is warned (${warned})`);
    const t0 = Date.now();
    await p.click('[data-tab=assessment]');
    await p.waitForSelector('#assessment[data-state=ready]');
    const ms = Date.now() - t0;
    check(await p.locator('#overdue-map').isHidden(), 'the assessment has the whole width');
    check((await p.locator('#asm-kpis [data-kpi=cases] .kpi-value').textContent()) === String(expected.total.cases), 'the total of cases');
    check(await p.locator('[data-chart=ontime][data-state=ready] svg .bar').count() === city.communities.length, 'one bar per community');
    check(await p.locator('[data-chart=ontime] svg .bar rect').count() >= 1, 'bars with a rate are drawn');
    check(await p.locator('[data-chart=categories][data-state=ready] svg .stack rect').count() >= 1, 'cases by category are drawn');
    check(await p.locator('[data-chart=overdue][data-state=ready] svg path.line').count() === 1, 'the overdue line is drawn');
    check(await p.locator('[data-chart=overdue] svg .stack rect').count() >= 1, 'newly overdue cases are drawn as bars');
    const rows = p.locator('#asm-table-communities tbody tr');
    check(await rows.count() === city.communities.length, 'a row per community');
    check(await p.locator('#asm-table-communities [data-stars]').count() >= 1, 'stars are shown');
    await p.waitForSelector(`#asm-table-communities tr[data-id="${warned[0]}"][data-bottom-warning=true] [data-flag=bottom]`);
    await p.waitForSelector('#asm-bottom:has-text("末位告诫")');
    // On a 1366×768 office monitor the warning is in sight without scrolling.
    await p.setViewportSize({ width: 1366, height: 768 });
    await p.evaluate(() => document.querySelector('#assessment-panel').scrollTo(0, 0));
    const note = await p.locator('#asm-bottom').boundingBox();
    const panel = await p.locator('#assessment-panel').boundingBox();
    check(note && note.y >= panel.y && note.y + note.height <= Math.min(768, panel.y + panel.height),
      `the bottom warning is seen without scrolling at 1366×768 (${JSON.stringify(note)} in ${JSON.stringify(panel)})`);
    await p.setViewportSize({ width: 1600, height: 900 });
    check(await p.locator('#asm-table-communities th[title*="应结案件"]').count() >= 1, 'the definitions are on the headers');
    // Sorted by on-time closure, best first.
    await p.click('#asm-table-communities [data-sort=on_time_closure_rate]');
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
    const rates = ids.map((id) => expected.communities.find((c) => c.id === id).on_time_closure_rate).filter((v) => v !== null);
    check(rates.every((v, i) => i === 0 || v <= rates[i - 1]), `sorted by on-time closure (${rates})`);
    await p.evaluate(() => document.querySelector('#assessment-panel').scrollTo(0, 0));
    const chart = await boxOf(p.locator('[data-chart=ontime] svg'));
    await shot(p, '22-assessment', (img) => {
      // Blue, green (four stars or more) or red (bottom warning).
      const bar = ([r, g, b]) => (b > 150 && r < 60 && g < 120) || (g > 100 && r < 80 && b < 80) || isRed([r, g, b]);
      check(share(img, { x: Math.round(chart.x), y: Math.round(chart.y), width: Math.round(chart.width), height: Math.round(chart.height) }, bar) > 0.005, 'the bars show in colour');
    });
    await p.click('.subtab[data-table=workers]');
    check(await p.locator('#asm-table-workers tbody tr').count() === expected.workers.length, 'a row per worker');
    await p.click('.subtab[data-table=grids]');
    check(await p.locator('#asm-table-grids tbody tr').count() === city.cells.length, 'a row per grid');
    // The CSV comes with the token, as a file starting with the byte order mark.
    const [file] = await Promise.all([p.waitForEvent('download'), p.click('[data-csv=grids]')]);
    const csv = fs.readFileSync(await file.path());
    check(csv[0] === 0xef && csv[1] === 0xbb && csv[2] === 0xbf, 'the CSV starts with the UTF-8 BOM');
    check(csv.toString('utf8', 3).startsWith('id,name,community,cases,'), 'the CSV has its header row');
    check(file.suggestedFilename().startsWith('assessment-grids-'), `the server's file name (${file.suggestedFilename()})`);
    const [cases] = await Promise.all([p.waitForEvent('download'), p.click('[data-csv=cases]')]);
    check(fs.readFileSync(await cases.path()).toString('utf8', 3).startsWith('id,taken_in_at,'), 'the case list CSV');
    // One street: its two communities.
    await p.selectOption('[data-control=scope]', north.com.street.code);
    await p.waitForSelector('#assessment[data-state=ready]');
    await p.click('.subtab[data-table=communities]');
    check(await p.locator('#asm-table-communities tbody tr').count() === 2, 'the street has two communities');
    check(await p.locator('[data-chart=ontime] svg .bar').count() === 2, 'and two bars');
    // A quarter without cases says so.
    await p.selectOption('[data-control=scope]', '');
    const lastQuarter = await p.$eval('[data-control=period]', (s) => [...s.options].find((o) => /-Q\d$/.test(o.value)).value);
    await p.selectOption('[data-control=period]', lastQuarter);
    await p.waitForSelector('#assessment[data-state=ready]');
    await p.waitForSelector('.asm-body > [data-state=empty]');
    check(await p.locator('[data-chart=categories][data-state=empty]').count() === 1, 'the trend chart says it has nothing');
    check(await p.locator('[data-chart=ontime][data-state=empty]').count() === 1, 'so does the bar chart');
    await shot(p, '23-assessment-empty');
    // Dates the wrong way round are explained, not sent.
    await p.selectOption('[data-control=period]', 'custom');
    await p.fill('[data-control=from]', '2026-03-10');
    await p.fill('[data-control=to]', '2026-03-01');
    await p.click('[data-action=apply]');
    await p.waitForSelector('#assessment[data-state=error]:has-text("结束日期不能早于开始日期")');
    await p.selectOption('[data-control=period]', 'current');
    await p.waitForSelector('#assessment[data-state=ready]');
    log(`assessment tab ready in ${ms} ms`);
    await p.click('[data-tab=overdue]');
    await p.waitForSelector('#overdue-map', { state: 'visible' });
  });

  await test('an admin reaches the assessment from the top bar and manages Open311 keys', async () => {
    const ad = await newPage('admin', { width: 1600, height: 900 });
    extra.push(ad);
    const p = ad.page;
    await login(p, server.url, 'admin');
    await p.waitForSelector('#console-map[data-ready=true]');
    await p.click('.topbar nav a[data-nav=assessment]');
    await p.waitForSelector('#assessment[data-state=ready]');
    check(await p.locator('[data-chart=ontime] svg .bar').count() === city.communities.length, 'the same view for the admin');
    // The admin changes the rules on the screen: a refused value is shown at its field and
    // changes nothing; saved rules apply at once.
    check(await sup.page.locator('#asm-rules').count() === 0, 'a supervisor has no rules to change');
    await p.click('#asm-rules-box summary');
    const minCases = p.locator('#asm-rules input[name=min_cases]');
    check(await minCases.inputValue() === '1', 'the rules in force are shown');
    await minCases.fill('-1');
    await p.click('#asm-rules [data-action=save-rules]');
    await p.waitForSelector('#asm-rules [data-error-for=min_cases]:has-text("min_cases")');
    check((await api('admin', 'GET', '/api/v1/settings/assessment')).min_cases === 1, 'the refused value was not kept');
    const scored = (await api('admin', 'GET', '/api/v1/stats/assessment')).communities.filter((c) => c.rank !== null).length;
    check(scored >= 2, `communities are ranked from one case on (${scored})`);
    await minCases.fill('1000');
    await p.click('#asm-rules [data-action=save-rules]');
    await p.waitForSelector('.toast:has-text("考评规则已保存")');
    await p.waitForSelector('#assessment[data-state=ready] #asm-rules-box[open]');
    check(await p.locator('#asm-table-communities [data-stars]').count() === 0, 'with 1,000 cases needed, no community has stars');
    check(await p.locator('#asm-bottom').count() === 0, 'nor a bottom warning');
    const title = await p.locator('#asm-table-communities tbody tr td .muted[title*="少于 1000 件"]').count();
    check(title >= 1, 'an unscored row says why');
    check((await api('admin', 'GET', '/api/v1/settings/assessment')).min_cases === 1000, 'the rules are stored');
    await p.locator('#asm-rules input[name=min_cases]').fill('1');
    await p.click('#asm-rules [data-action=save-rules]');
    await p.waitForSelector('#asm-table-communities [data-stars]');
    await p.click('.topbar nav a[data-nav=keys]');
    await p.waitForSelector('#keys-list [data-state=empty]');
    await p.fill('#key-form input[name=name]', '12345热线');
    await p.selectOption('#key-form select[name=scope]', city.district.code);
    await p.click('#key-form button[type=submit]');
    const code = p.locator('#key-fresh code.api-key');
    await code.waitFor();
    const key = await code.textContent();
    check(/^[0-9a-f]{64}$/.test(key), 'the new key is shown once');
    await p.waitForSelector('#keys-table tbody tr');
    await shot(p, '24-admin-keys');
    const post = () => fetch(`${server.url}/open311/v2/requests.json`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ api_key: key, service_code: 'environment', lat: String(west.centre[1]), long: String(west.centre[0]), description: '路边垃圾桶满溢' }),
    });
    check((await post()).status === 201, 'the key posts a request');
    await p.click('#keys-table [data-action=revoke]');
    await p.click('.dialog button[type=submit]');
    await p.waitForSelector('#keys-list [data-state=empty]');
    check(await p.locator('#key-fresh code').count() === 0, 'the key is no longer on screen');
    check((await post()).status === 403, 'a revoked key stops at once');
  });

  await test('English on the switch, Beijing time, and a 401 back to the login page', async () => {
    const p = op.page;
    await p.click('.topbar button.lang');
    await p.waitForSelector('.topbar nav a[data-nav=console]:text("Command center")');
    await p.click('[data-tab=cases]');
    await p.waitForSelector('#case-list th[data-sort=time_left]:has-text("Time")');
    await shot(p, '13-console-en');
    // Times are shown in Asia/Shanghai whatever the browser's zone is.
    const c = await api('op', 'GET', `/api/v1/cases/${red}`);
    const shown = await p.evaluate(async (iso) => (await import('/js/format.js')).fmtTime(iso, 'time'), c.created_at);
    const expected = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(c.created_at));
    check(shown === expected, `Beijing time (${shown} = ${expected})`);
    // The assessment in English too.
    await p.click('.topbar nav a[data-nav=assessment]');
    await p.waitForSelector('#assessment[data-state=ready]');
    await p.waitForSelector('[data-chart=ontime] figcaption:has-text("On-time closure rate by community")');
    await shot(p, '26-assessment-en');
    await p.click('.topbar nav a[data-nav=console]');
    await p.click('.topbar button.lang');
    await p.waitForSelector('.topbar nav a[data-nav=console]:text("指挥中心")');
    await p.waitForSelector('#console-map[data-ready=true]');
    await p.waitForSelector('#case-list tbody tr', { state: 'attached' });
    const token = await p.evaluate(() => JSON.parse(localStorage.getItem('gk.session')).token);
    await server.call(token, 'POST', '/api/v1/auth/logout');
    // The token's live feed ends (1008): the page asks once, gets its 401 and shows the login.
    await p.waitForSelector('#login .form-error:text("登录已失效")');
  });

  await op.context.close();
  await wk.context.close();
  await sup.context.close();
  for (const x of extra) await x.context.close();
} catch (e) {
  run.fail('setup', e);
} finally {
  if (server) log(`server stopped (${await server.stop()})`);
}

// A district of the demo's size: 550 grids and a few hundred open cases, some overdue.
await test('550 grids: the screens load in seconds and stay responsive under live updates', async () => {
  const big = bigCity();
  const handlers = [big.cells[0], big.cells[200], big.cells[449]];
  const s = await startServer({ bin, uiDir, city: big, users: [
    { username: 'admin', role: 'admin' }, { username: 'op', role: 'operator', scope: big.district.code },
    { username: 'sup', role: 'supervisor', scope: big.district.code },
    ...handlers.map((cell, n) => ({ username: `w${n}`, role: 'worker', worker: cell.owner.id }))], log });
  try {
    const urg = ['yellow', 'orange', 'red'];
    const intake = (i) => {
      const cell = big.cells[(i * 37) % big.cells.length];
      return s.request('op', 'POST', '/api/v1/cases', { lon: cell.centre[0], lat: cell.centre[1], category: 'environment', urgency: urg[i % 3], title: `测试案件 ${i}` });
    };
    for (let i = 0; i < 300; i += 20) await Promise.all(Array.from({ length: 20 }, (_, k) => intake(i + k)));
    // Three workers of different communities close some of their cases, so that the
    // assessment's bars differ.
    for (const [n, cell] of handlers.entries()) {
      for (let k = 0; k < 4; k++) {
        let c = await s.request('op', 'POST', '/api/v1/cases', { lon: cell.centre[0], lat: cell.centre[1], category: ['environment', 'dispute', 'public_service'][k % 3], urgency: 'yellow', title: `处置案件 ${n}-${k}` });
        if (k > n) continue;  // the rest stay open
        for (const [who, action] of [[`w${n}`, 'accept'], [`w${n}`, 'resolve'], ['op', 'close']])
          c = await s.request(who, 'POST', `/api/v1/cases/${c.id}/transitions`, { action, version: c.version });
      }
    }
    await s.request('admin', 'POST', '/api/v1/test/clock', { advance_s: 3 * 3600 });
    const { context, page } = await newPage('big', { width: 1600, height: 900 });
    let t0 = Date.now();
    await login(page, s.url, 'op');
    await page.waitForSelector('#console-map[data-ready=true]');
    await page.click('[data-tab=cases]');
    await page.waitForSelector('#case-list tbody tr');
    const consoleMs = Date.now() - t0;
    check(await page.locator('#case-list tbody tr').count() === 50, 'the list shows one page of 50');
    await page.click('.tab-panel button.secondary:text("加载更多")');
    await waitFor(async () => (await page.locator('#case-list tbody tr').count()) === 100, 'a second page');
    await shot(page, '14-big-console');
    t0 = Date.now();
    await page.goto(`${s.url}/#/overdue`);
    await page.waitForSelector('#overdue-map[data-ready=true]');
    await page.click('.level-switch [data-level=grid]');
    await page.waitForSelector('#overdue-map[data-level=grid]');
    const overdueMs = Date.now() - t0;
    // Live updates in a burst while the page is watched for long tasks.
    await page.evaluate(() => {
      window.__longest = 0;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration); })
        .observe({ type: 'longtask', buffered: false });
    });
    for (let i = 300; i < 400; i += 20) await Promise.all(Array.from({ length: 20 }, (_, k) => intake(i + k)));
    await s.request('admin', 'POST', '/api/v1/test/clock', { advance_s: 3 * 3600 });
    const p0 = Date.now();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    const frameMs = Date.now() - p0;
    await page.waitForTimeout(1500);
    const longest = await page.evaluate(() => window.__longest);
    await shot(page, '15-big-overdue', (img) => {
      check(share(img, { x: 0, y: 52, width: 1000, height: 848 }, isRed) > 0.02, 'red overdue grids show');
    });
    t0 = Date.now();
    await page.goto(`${s.url}/#/assessment`);
    await page.waitForSelector('#assessment[data-state=ready]');
    const assessmentMs = Date.now() - t0;
    check(await page.locator('[data-chart=ontime] svg .bar').count() === big.communities.length, `a bar for each of the ${big.communities.length} communities`);
    check(await page.locator('[data-chart=ontime] svg .bar rect').count() >= 3, 'communities with closed cases have bars');
    await page.click('.subtab[data-table=grids]');
    check(await page.locator('#asm-table-grids tbody tr').count() === 50, 'the grids come in pages of 50');
    await page.click('.pager [data-page=next]');
    await page.waitForSelector('.pager:has-text("第 2 / 11 页")');
    await page.click('.subtab[data-table=communities]');
    await page.evaluate(() => document.querySelector('.assessment-screen').scrollTo(0, 0));
    await shot(page, '25-big-assessment');
    log(`550 grids: console ${consoleMs} ms, overdue map ${overdueMs} ms, assessment ${assessmentMs} ms, a frame during updates ${frameMs} ms, longest task ${Math.round(longest)} ms`);
    check(assessmentMs < 10000, `the assessment loads in under 10 s (${assessmentMs} ms)`);
    check(consoleMs < 10000, `the console loads in under 10 s (${consoleMs} ms)`);
    check(overdueMs < 10000, `the overdue map loads in under 10 s (${overdueMs} ms)`);
    check(longest < 1000, `no task blocks the page for a second (${Math.round(longest)} ms)`);
    await context.close();
  } finally {
    await s.stop();
  }
});

// Stored markup in every name from outside: a case title by Open311 and by the console, a
// street, community and grid name (the grid file), a worker's name (the workers file) and an
// Open311 key's name. Wherever they are shown (tooltips, labels, lists, panels, dialogs,
// toasts, tables, charts) they are text: no script runs, no element is made from them.
await test('markup in titles and names is shown as text everywhere, never run', async () => {
  const payload = (what) => `<img src=x data-xss=1 onerror=window.__xss=1>${what}`;
  const MARK = '<img src=x data-xss=1';
  const hc = hostileCity(payload);
  const mid = hc.cells.find((c) => c.c === 2 && c.r === 1);
  const s = await startServer({ bin, uiDir, city: hc, users: [
    { username: 'admin', role: 'admin' },
    { username: 'op', role: 'operator', scope: hc.district.code },
    { username: 'sup', role: 'supervisor', scope: hc.district.code },
    { username: 'worker', role: 'worker', worker: mid.owner.id },
  ], log });
  const pages = [];
  // Any element the payload makes, even for a moment (a tooltip), is recorded.
  const open = async (label, viewport, extra) => {
    const pg = await newPage(label, viewport, extra);
    await pg.context.addInitScript(() => {
      window.__injected = 0;
      new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) {
          if (n.nodeType === 1 && (n.matches('img[src="x"], [data-xss]') || n.querySelector('img[src="x"], [data-xss]'))) window.__injected += 1;
        }
      }).observe(document, { childList: true, subtree: true });
    });
    pages.push(pg);
    return pg;
  };
  // No script ran, nothing was made from the markup, and the markup is there as text.
  const clean = async (page, where, root = 'body', mustShow = true) => {
    const r = await page.evaluate((sel) => ({
      flag: window.__xss, injected: window.__injected,
      now: document.querySelectorAll('img[src="x"], [data-xss]').length,
      text: document.querySelector(sel)?.textContent || '',
    }), root);
    check(r.flag === undefined, `${where}: no script ran`);
    check(r.injected === 0 && r.now === 0, `${where}: no element was made from the markup`);
    if (mustShow) check(r.text.includes(MARK), `${where}: the markup shows as text`);
  };
  try {
    const key = (await s.request('admin', 'POST', '/api/v1/open311-keys', { name: payload('热线'), scope: hc.district.code })).api_key;

    // The worker's tablet is open when the Open311 case arrives: card, toast, map labels.
    const wk = await open('xss worker', { width: 1280, height: 800 }, { hasTouch: true });
    await login(wk.page, s.url, 'worker');
    await wk.page.waitForSelector('#my-cases [data-state=empty]');
    const res = await fetch(`${s.url}/open311/v2/requests.json`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ api_key: key, service_code: 'environment', lat: String(mid.centre[1]), long: String(mid.centre[0]),
        description: `${payload('市民上报')}\n第二行说明` }),
    });
    check(res.status === 201, `Open311 takes the request (${res.status})`);
    const fromOpen311 = Number((await res.json())[0].service_request_id);
    const card = wk.page.locator(`.card[data-case-id="${fromOpen311}"]`);
    await card.waitFor();
    check((await card.textContent()).includes(payload('市民上报')), 'the card shows the title as sent');
    await wk.page.waitForSelector('.toast-new');
    await clean(wk.page, 'tablet toast', '.toasts');
    await card.tap();
    await wk.page.waitForSelector(`#case-work .work-head[data-case-id="${fromOpen311}"]`);
    await clean(wk.page, 'tablet case');
    await wk.page.waitForSelector('.area-label .label-box');
    await clean(wk.page, 'tablet map labels', '.leaflet-container');

    // The operator: preview of the clicked grid, a case typed in, the list, markers' tooltips,
    // the case panel and the re-dispatch picker.
    const op = await open('xss operator', { width: 1600, height: 900 });
    await loginAs(op.page, s.url, 'op', PASSWORD, { watch: true });
    const p = op.page;
    await p.waitForSelector('#console-map[data-ready=true]');
    await p.waitForSelector('#console-map .area-label .label-box');
    await clean(p, 'console grid labels', '#console-map');
    // Beside the Open311 case's marker at the grid's centre.
    const spot = await screenPoint(p, '#console-map', mid.centre[0] - 0.003, mid.centre[1] + 0.002);
    await p.mouse.click(spot.x, spot.y);
    await p.waitForSelector('.route-preview[data-state=found]');
    await clean(p, 'intake preview', '.route-preview');
    await p.selectOption('#intake select[name=category]', 'environment');
    await p.click('#intake [data-urgency=orange]');
    await p.fill('#intake input[name=title]', payload('操作员标题'));
    await p.fill('#intake input[name=address]', payload('地址'));
    await p.click('#intake button[type=submit]');
    const created = p.locator('.intake-result [data-state=created]');
    await created.waitFor();
    const typed = await caseId(created);
    await p.click('[data-tab=cases]');
    for (const id of [fromOpen311, typed]) await p.waitForSelector(`#case-list tr[data-case-id="${id}"]`);
    await clean(p, 'case list', '#case-list');
    for (const id of [fromOpen311, typed]) {
      const c = await s.request('op', 'GET', `/api/v1/cases/${id}`);
      const at = await screenPoint(p, '#console-map', c.lon, c.lat);
      // Both cases sit in one grid; each is hovered alone, the other one's tooltip gone.
      await p.mouse.move(1, 1);
      await p.waitForSelector('.leaflet-tooltip', { state: 'detached' });
      await p.mouse.move(at.x, at.y);
      const tip = p.locator('.leaflet-tooltip');
      await tip.waitFor();
      await clean(p, `tooltip of case ${id}`, '.leaflet-tooltip');
    }
    await p.mouse.move(1, 1);
    await p.click(`#case-list tr[data-case-id="${fromOpen311}"]`);
    await p.waitForSelector(`.case-detail .detail-head[data-case-id="${fromOpen311}"]`);
    await clean(p, 'case panel', '.case-detail');
    await p.click('.case-detail [data-action=reassign]');
    await p.waitForSelector('.dialog .picker-option[data-worker-id]');  // the case's community, names as text
    await clean(p, 're-dispatch picker', '.dialog');
    await p.click('.dialog button.secondary');
    await shot(p, '30-xss-console');

    // The supervisor's map at grid level: labels, and an area's cases and workers.
    const sup = await open('xss supervisor', { width: 1600, height: 900 });
    await login(sup.page, s.url, 'sup');
    const q = sup.page;
    await q.waitForSelector('#overdue-map[data-ready=true]');
    await clean(q, 'supervisor street labels', '#overdue-map');
    await q.click('.level-switch [data-level=grid]');
    const label = q.locator(`.area-label[data-area="${mid.code}"] .label-box`);
    await label.waitFor();
    await clean(q, 'supervisor grid labels', '#overdue-map');
    const lb = await boxOf(label);
    await q.mouse.click(lb.x + lb.width / 2, lb.y + lb.height + 12);
    await q.waitForSelector(`#area-cases [data-case-id="${fromOpen311}"]`);
    await q.waitForSelector('#area-workers li');
    await clean(q, 'area panel', '#area-workers');
    await clean(q, 'area panel cases', '#area-cases');
    await shot(q, '31-xss-overdue');

    // The admin: the assessment's charts and tables (a closed case gives them figures), and
    // the Open311 keys.
    for (const [who, action] of [['worker', 'accept'], ['worker', 'resolve'], ['op', 'close']]) {
      const { version } = await s.request(who, 'GET', `/api/v1/cases/${typed}`);
      await s.request(who, 'POST', `/api/v1/cases/${typed}/transitions`, { action, version });
    }
    const ad = await open('xss admin', { width: 1600, height: 900 });
    await login(ad.page, s.url, 'admin');
    const a = ad.page;
    await a.waitForSelector('#console-map[data-ready=true]');
    await a.click('.topbar nav a[data-nav=assessment]');
    await a.waitForSelector('#assessment[data-state=ready]');
    await a.waitForSelector('[data-chart=ontime][data-state=ready] svg .bar', { state: 'attached' });
    await clean(a, 'on-time chart', '[data-chart=ontime]');
    await clean(a, 'community table', '#asm-table-communities');
    for (const table of ['workers', 'grids', 'streets']) {
      const tab = a.locator(`.subtab[data-table=${table}]`);
      if (await tab.count() === 0) continue;
      await tab.click();
      await a.waitForSelector(`#asm-table-${table} tbody tr`);
      await clean(a, `${table} table`, `#asm-table-${table}`);
    }
    await shot(a, '32-xss-assessment');
    await a.click('.topbar nav a[data-nav=keys]');
    await a.waitForSelector('#keys-table tbody tr');
    await clean(a, 'Open311 keys', '#keys-table');
    for (const pg of pages) await clean(pg.page, 'the end', 'body', false);
  } finally {
    for (const pg of pages) await pg.context.close();
    await s.stop();
  }
});

await run.noProblems(uiDir);
await run.finish('browser tests');
