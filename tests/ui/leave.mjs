// Browser tests of leave (请假) and categories and deadlines (类别与时限): a street
// supervisor schedules a worker's leave on the 请假 screen (a bad time is refused next to
// its field); when the (manual) clock passes its start the next case of the worker's grid
// goes to the B post, and the worker's tablet shows the leave; when it passes the end the
// next goes to the worker again. An admin changes a category's deadline on the 类别与时限
// screen (a deadline out of range is refused next to it), sees the working calendar, and
// the next case carries the new deadline.
//   node tests/ui/leave.mjs --bin build/release/app/gridkeeper --ui build/release/ui [--artifacts DIR] [--only NAME]
import { startServer, PASSWORD } from './server.mjs';
import { smallCity } from './city.mjs';
import { Run, options, check, waitFor, login as loginAs } from './harness.mjs';

const { bin, uiDir, artifacts, only } = options();
const run = new Run({ artifacts, only, hardLimitMs: 240_000, owns: (f) => f.startsWith('leave-') });
const { log, test, shot, newPage } = run;
const login = (page, url, username) => loginAs(page, url, username, PASSWORD);
await run.launch();

const city = smallCity();
const centre = city.cells.find((c) => c.c === 2 && c.r === 1);
const owner = centre.owner.id;
const street = centre.com.street;
const users = [
  { username: 'admin', role: 'admin' },
  { username: 'op', role: 'operator', scope: city.district.code },
  { username: 'sup_street', role: 'supervisor', scope: street.code },
  { username: 'worker', role: 'worker', worker: owner },
];
// A datetime-local value in Asia/Shanghai (the pages' time zone) for an instant.
const shanghai = (ms) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16);

let server;
try {
  server = await startServer({ bin, uiDir, city, users, log });
  const api = server.request;
  const intake = async (extra = {}) => api('op', 'POST', '/api/v1/cases', {
    lon: centre.centre[0], lat: centre.centre[1], category: 'environment', urgency: 'yellow', title: '垃圾堆放', ...extra,
  });
  const statusOf = async (id) => (await api('admin', 'GET', '/api/v1/workers')).workers.find((w) => w.id === id).status;
  const sup = await newPage('supervisor', { width: 1400, height: 900 });
  const wk = await newPage('worker', { width: 1280, height: 800 }, { hasTouch: true });
  const ad = await newPage('admin', { width: 1600, height: 900 });
  let leaveFrom, leaveTo;

  await test('a street supervisor schedules a worker\'s leave on the 请假 screen', async () => {
    const p = sup.page;
    await login(p, server.url, 'sup_street');
    await p.waitForSelector('.topbar nav a[data-nav=leave]');
    await p.click('.topbar nav a[data-nav=leave]');
    await p.waitForSelector('#leave-form');
    await p.selectOption('#leave-worker', owner);
    await p.waitForSelector('#leave-list [data-state=empty]');
    const now = await server.now();
    leaveFrom = now + 3600_000;
    leaveTo = now + 5 * 3600_000;
    // To before from: refused next to the field "to", and nothing is stored.
    await p.fill('#leave-form input[name=from]', shanghai(leaveFrom));
    await p.fill('#leave-form input[name=to]', shanghai(leaveFrom - 3600_000));
    await p.fill('#leave-form input[name=reason]', '年休假');
    await p.click('#leave-form button[type=submit]');
    await p.waitForSelector('#leave-form [data-error-for=to]:not(:empty)');
    check((await p.locator('#leave-form [data-error-for=from]').textContent()) === '', 'only the field at fault says so');
    check((await api('admin', 'GET', `/api/v1/workers/${owner}/leave`)).items.length === 0, 'nothing stored');
    // An over-long reason: refused next to "reason".
    await p.fill('#leave-form input[name=to]', shanghai(leaveTo));
    await p.evaluate(() => { document.querySelector('#leave-form input[name=reason]').removeAttribute('maxlength'); });
    await p.fill('#leave-form input[name=reason]', '假'.repeat(300));
    await p.click('#leave-form button[type=submit]');
    await p.waitForSelector('#leave-form [data-error-for=reason]:not(:empty)');
    check((await p.locator('#leave-form [data-error-for=to]').textContent()) === '', 'the earlier error is gone');
    check((await api('admin', 'GET', `/api/v1/workers/${owner}/leave`)).items.length === 0, 'still nothing stored');
    await p.fill('#leave-form input[name=reason]', '年休假');
    await p.selectOption('#leave-form select[name=open_cases]', 'move');
    await p.click('#leave-form button[type=submit]');
    await p.waitForSelector('#leave-table tbody tr[data-state=upcoming]');
    const stored = (await api('admin', 'GET', `/api/v1/workers/${owner}/leave`)).items;
    check(stored.length === 1 && stored[0].open_cases === 'move' && stored[0].reason === '年休假', 'stored as entered');
    check(Math.abs(Date.parse(stored[0].from) - leaveFrom) < 60_000, 'from as entered (to the minute)');
    leaveFrom = Date.parse(stored[0].from);
    leaveTo = Date.parse(stored[0].to);
    await shot(p, 'leave-01-scheduled');
  });

  let held;
  await test('at its start the worker is on leave: its open case and the next case go to the B post', async () => {
    held = await intake({ title: '请假前的案件' });
    check(held.assignee_id === owner, 'before the leave the owner takes the case');
    await api('admin', 'POST', '/api/v1/test/clock', { advance_s: Math.ceil((leaveFrom - await server.now()) / 1000) + 60 });
    await waitFor(async () => (await statusOf(owner)) === 'leave', 'the worker is on leave');
    await waitFor(async () => (await api('admin', 'GET', `/api/v1/cases/${held.id}`)).assignee_id === centre.backup, 'the open case moved to the B post');
    const next = await intake({ title: '请假期间的案件' });
    check(next.assignee_id === centre.backup, `the next case goes to the B post (got ${next.assignee_id})`);
    await sup.page.selectOption('#leave-worker', owner);
    await sup.page.reload();
    await sup.page.waitForSelector('#leave-form');
    await sup.page.selectOption('#leave-worker', owner);
    await sup.page.waitForSelector('#leave-table tbody tr[data-state=current]');
  });

  await test('the worker\'s tablet shows its own leave', async () => {
    const p = wk.page;
    await login(p, server.url, 'worker');
    await p.waitForSelector('#my-leave .leave-item[data-state=current]');
    check(!(await p.locator('#my-leave').isHidden()), 'the leave is shown');
    check((await p.locator('#my-leave').textContent()).includes('年休假'), 'with its reason');
    await shot(p, 'leave-02-tablet');
  });

  await test('at its end the worker is back on duty and takes the next case again', async () => {
    await api('admin', 'POST', '/api/v1/test/clock', { advance_s: Math.ceil((leaveTo - await server.now()) / 1000) + 60 });
    await waitFor(async () => (await statusOf(owner)) === 'on_duty', 'the worker is on duty');
    const next = await intake({ title: '销假后的案件' });
    check(next.assignee_id === owner, `the next case goes to the worker again (got ${next.assignee_id})`);
    const items = (await api('worker', 'GET', `/api/v1/workers/${owner}/leave`)).items;
    check(items[0].state === 'past', 'the leave is over');
  });

  await test('an admin changes a deadline on the 类别与时限 screen and the next case carries it', async () => {
    const p = ad.page;
    await login(p, server.url, 'admin');
    await p.waitForSelector('.topbar nav a[data-nav=categories]');
    await p.click('.topbar nav a[data-nav=categories]');
    const row = p.locator('#categories-table tr[data-category=environment]');
    await row.waitFor();
    await p.waitForSelector('#calendar-hours');
    check(await p.locator('#calendar .calendar-year').count() === 2, 'the calendar of this year and the next');
    // Out of range: a red acceptance of 0 minutes, refused next to the red deadlines.
    const before = (await api('admin', 'GET', '/api/v1/categories')).categories.find((c) => c.id === 'environment');
    await row.locator('input[data-urgency=red][data-kind=accept]').fill('0');
    await row.locator('[data-action=save]').click();
    await p.waitForSelector('#categories-table tr[data-category=environment] [data-error-for="sla.red"]:not(:empty)');
    const unchanged = (await api('admin', 'GET', '/api/v1/categories')).categories.find((c) => c.id === 'environment');
    check(JSON.stringify(unchanged) === JSON.stringify(before), 'nothing changed');
    await row.locator('input[data-urgency=red][data-kind=accept]').fill('30');
    await row.locator('select[data-urgency=red][data-kind=accept_unit]').selectOption('min');
    // Yellow: accept within 3 hours.
    await row.locator('input[data-urgency=yellow][data-kind=accept]').fill('3');
    await row.locator('select[data-urgency=yellow][data-kind=accept_unit]').selectOption('h');
    await row.locator('[data-action=save]').click();
    await waitFor(async () => (await api('admin', 'GET', '/api/v1/categories')).categories
      .find((c) => c.id === 'environment').sla.yellow.accept_s === 3 * 3600, 'the new deadline is stored');
    await p.waitForSelector('#categories-table tr[data-category=environment] input[data-urgency=yellow][data-kind=accept][value="3"]');
    const c = await intake({ title: '新时限的案件' });
    const within = Date.parse(c.accept_by) - Date.parse(c.created_at);
    check(within === 3 * 3600_000, `the next case carries the new deadline (${within} ms)`);
    // A new category.
    await p.fill('#category-new input[name=id]', 'noise');
    await p.fill('#category-new input[name=name]', '噪声扰民');
    await p.click('#category-new button[type=submit]');
    await p.waitForSelector('#categories-table tr[data-category=noise]');
    await p.fill('#category-new input[name=id]', 'bad id!');
    await p.fill('#category-new input[name=name]', '坏的');
    await p.click('#category-new button[type=submit]');
    await p.waitForSelector('#category-new [data-error-for=id]:not(:empty)');
    await shot(p, 'leave-03-categories');
  });

  log('done');
} catch (e) {
  run.fail('setup', e);
} finally {
  await server?.stop();
}

await run.noProblems(uiDir);
await run.finish('leave browser tests');
