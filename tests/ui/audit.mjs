// Browser test of the 操作日志 (audit log) screen: changes made through the API — an
// emergency mode switch, a category's deadline, a grid's posts, an Open311 key, an
// assessment setting — all appear with who made them and each field before → after; the
// filters narrow them, "load more" pages on, the CSV export downloads what is filtered;
// the screen is an admin's only; accounts, the roster and leave show there too.
//   node tests/ui/audit.mjs --bin build/release/app/gridkeeper --ui build/release/ui [--artifacts DIR] [--only NAME]
import fs from 'node:fs';
import { startServer, PASSWORD } from './server.mjs';
import { smallCity } from './city.mjs';
import { Run, options, check, waitFor, login as loginAs } from './harness.mjs';

const { bin, uiDir, artifacts, only } = options();
const run = new Run({ artifacts, only, hardLimitMs: 180_000, owns: (f) => f.startsWith('audit-') });
const { log, test, shot, newPage } = run;
const login = (page, url, username) => loginAs(page, url, username, PASSWORD);
await run.launch();

const city = smallCity();
const street = city.streets[0];
const other = city.streets[1];
const grid = city.cells[0];
const users = [
  { username: 'admin', role: 'admin' },
  { username: 'op', role: 'operator', scope: city.district.code },
];
const added = users.length;  // accounts added from the command line, each in the trail
let server;
try {
  server = await startServer({ bin, uiDir, city, users, log });
  const api = server.request;
  const ad = await newPage('admin', { width: 1600, height: 900 });
  const p = ad.page;
  const rows = p.locator('#audit-table tbody tr');
  const apply = () => p.click('#audit-filters button[type=submit]');
  // The rows once the table shows exactly `n` of them.
  const rowsBecome = (n, what) => waitFor(async () => (await rows.count()) === n, `${what}: ${n} rows`);

  const categories = await api('admin', 'GET', '/api/v1/categories');
  const category = categories.categories[0];
  const accept = category.sla.yellow.accept_s;

  await test('changes made through the API appear with who and each field before → after', async () => {
    await api('admin', 'PUT', `/api/v1/jurisdictions/${street.code}/mode`, { mode: 'emergency' });
    await api('admin', 'PUT', `/api/v1/categories/${category.id}`,
      { name: category.name, sla: { yellow: { accept_s: accept + 600, resolve_s: category.sla.yellow.resolve_s } } });
    await api('admin', 'PUT', `/api/v1/grids/${grid.code}/owners`, { owner_id: grid.backup, backup_id: grid.owner.id });
    await api('admin', 'POST', '/api/v1/open311-keys', { name: '12345热线', scope: city.district.code });
    await api('admin', 'PUT', '/api/v1/settings/assessment', { min_cases: 3 });

    await login(p, server.url, 'admin');
    await p.waitForSelector('#console-map[data-ready=true]');
    await p.click('.topbar nav a[data-nav=audit]');
    await p.waitForSelector('#audit-table');
    // The accounts the server was started with were added by `gridkeeper user add`, each
    // with its entry (kind user): the five changes come on top of them.
    await rowsBecome(5 + added, 'five changes and the accounts added');
    const row = (kind) => p.locator(`#audit-table tbody tr[data-kind=${kind}]`);
    const field = (kind, name) => row(kind).locator(`li[data-field="${name}"]`);
    for (const kind of ['mode', 'category', 'grid_posts', 'open311_key', 'setting']) {
      check(await row(kind).count() === 1, `one ${kind} entry`);
      check((await row(kind).locator('td.audit-actor').textContent()) === 'admin', `${kind}: made by admin`);
    }
    check((await row('setting').getAttribute('data-seq')) > (await row('mode').getAttribute('data-seq')), 'newest first');
    check((await field('mode', 'mode').textContent()) === 'mode: normal → emergency', 'the mode before and after');
    check((await row('mode').locator('td').nth(2).textContent()).includes('平战切换'), 'the kind in words');
    check((await row('mode').locator('.audit-subject code').textContent()) === street.code, 'the street is the subject');
    check((await row('mode').locator('.audit-subject div').textContent()) === street.name, 'by its name');
    check((await row('category').locator('.audit-subject div').textContent()) === category.name, 'the category by its name');
    check((await field('category', 'sla.yellow.accept_s').textContent()) === `sla.yellow.accept_s: ${accept} → ${accept + 600}`,
      'the deadline before and after');
    check(await row('category').locator('li').count() === 1, 'only the changed field of the category');
    check((await field('grid_posts', 'owner_id').textContent()) === `owner_id: ${grid.owner.id} → ${grid.backup}`, 'the A post');
    check((await field('grid_posts', 'backup_id').textContent()) === `backup_id: ${grid.backup} → ${grid.owner.id}`, 'the B post');
    check((await field('open311_key', 'name').textContent()) === 'name: ∅ → 12345热线', 'a new key: its name');
    check((await field('open311_key', 'scope').textContent()) === `scope: ∅ → ${city.district.code}`, 'a new key: its scope');
    check((await field('setting', 'min_cases').textContent()) === 'min_cases: ∅ → 3', 'the setting');
    check((await p.locator('#audit-table').textContent()).indexOf('key_hash') < 0, 'never a key hash');
    check((await p.locator('.audit-more').textContent()).includes(String(5 + added)), 'all shown');
    await shot(p, 'audit-01-trail');
  });

  await test('filters narrow the trail: kind, who, subject, dates', async () => {
    await p.selectOption('#audit-filters select[name=kind]', 'grid_posts');
    await apply();
    await rowsBecome(1, 'kind grid_posts');
    check(await p.locator('#audit-table tbody tr[data-kind=grid_posts]').count() === 1, 'the grid posts only');
    await p.selectOption('#audit-filters select[name=kind]', '');
    await p.fill('#audit-filters input[name=target]', street.code);
    await apply();
    // A part of the subject: the street, and the grid whose code begins with the street's.
    await rowsBecome(2, `subject ${street.code}`);
    check(await p.locator('#audit-table tbody tr[data-kind=grid_posts]').count() === 1, 'the grid within the street');
    await p.fill('#audit-filters input[name=target]', grid.code);
    await apply();
    await rowsBecome(1, `subject ${grid.code}`);
    await p.fill('#audit-filters input[name=target]', '');
    await p.fill('#audit-filters input[name=actor]', 'nobody');
    await apply();
    await p.waitForSelector('#audit-list [data-state=empty]');
    await p.fill('#audit-filters input[name=actor]', 'admin');
    await p.fill('#audit-filters input[name=from]', '2099-01-01');
    await apply();
    await p.waitForSelector('#audit-list [data-state=empty]');
    await p.fill('#audit-filters input[name=from]', '');
    await apply();
    await rowsBecome(5, 'no filter but the actor');
  });

  await test('load more: pages follow until every entry is shown', async () => {
    // 60 more switches of the other street: 65 entries and the accounts', 50 a page.
    for (let i = 0; i < 60; i++)
      await api('admin', 'PUT', `/api/v1/jurisdictions/${other.code}/mode`, { mode: i % 2 ? 'normal' : 'emergency' });
    for (const name of ['actor', 'target', 'from', 'to']) await p.fill(`#audit-filters input[name=${name}]`, '');
    await p.selectOption('#audit-filters select[name=kind]', '');
    await apply();
    await rowsBecome(50, 'the first page');
    await p.click('#audit-more');
    await rowsBecome(65 + added, 'both pages');
    check(await p.locator('#audit-more').count() === 0, 'nothing more to load');
    const seqs = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.seq)));
    check(new Set(seqs).size === 65 + added && seqs.every((s, i) => i === 0 || s < seqs[i - 1]), 'no entry twice, newest first');
  });

  await test('the CSV export downloads the filtered entries with the token', async () => {
    await p.selectOption('#audit-filters select[name=kind]', 'mode');
    await apply();
    await rowsBecome(50, 'mode entries, first page');
    const [file] = await Promise.all([p.waitForEvent('download'), p.click('#audit-csv')]);
    const csv = fs.readFileSync(await file.path());
    check(csv[0] === 0xef && csv[1] === 0xbb && csv[2] === 0xbf, 'the CSV starts with the UTF-8 BOM');
    const lines = csv.toString('utf8', 3).trim().split('\r\n');
    check(lines[0] === 'seq,at,actor,kind,subject,detail,before,after', 'the header row');
    check(lines.length === 1 + 61, `every mode entry, not only the page (${lines.length - 1})`);
    check(lines.slice(1).every((l) => l.split(',')[3] === 'mode'), 'only mode entries');
    check(lines.some((l) => l.includes(`,${street.code},`) && l.includes('user:') && l.includes('emergency')), 'who and after');
    check(file.suggestedFilename() === 'audit.csv', 'named audit.csv');
  });

  await test('English shows the same trail in its words', async () => {
    await p.evaluate(() => localStorage.setItem('gk.lang', 'en'));
    await p.reload();
    await p.waitForSelector('#audit-table');
    check((await p.locator('.audit-screen h2').textContent()) === 'Audit log', 'the title in English');
    check((await p.locator('#audit-table tbody tr[data-kind=mode]').first().locator('td').nth(2).textContent()).includes('Emergency mode'), 'the kind in English');
    await shot(p, 'audit-02-english');
    await p.evaluate(() => localStorage.setItem('gk.lang', 'zh'));
  });

  await test('an operator has no audit log: not in its bar, not by its address', async () => {
    const o = await newPage('operator', { width: 1280, height: 800 });
    await login(o.page, server.url, 'op');
    await o.page.waitForSelector('#console-map[data-ready=true]');
    check(await o.page.locator('.topbar nav a[data-nav=audit]').count() === 0, 'no link');
    await o.page.goto(`${server.url}/#/audit`);
    await waitFor(async () => o.page.url().endsWith('#/console'), 'sent to its console');
    let refused = null;
    try {
      await api('op', 'GET', '/api/v1/audit');
    } catch (e) {
      refused = e.message;
    }
    check(refused && refused.includes('403'), 'the server refuses it too');
    await o.context.close();
  });

  await test('markup in what was changed shows as text', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    await api('admin', 'POST', '/api/v1/open311-keys', { name: hostile });
    for (const name of ['actor', 'target', 'from', 'to']) await p.fill(`#audit-filters input[name=${name}]`, '');
    await p.selectOption('#audit-filters select[name=kind]', 'open311_key');
    await apply();
    await rowsBecome(2, 'both keys');
    const newest = rows.first();
    check((await newest.locator('.audit-subject code').textContent()) === hostile, 'the name as it was typed');
    check((await newest.locator('li[data-field=name] .after').textContent()) === hostile, 'in the diff too');
    check(await p.locator('#audit-table img').count() === 0, 'no element made of it');
    check(!(await p.evaluate(() => window.__pwned)), 'nothing ran');
  });

  await test('accounts, the roster and leave are in the trail too, with who did each', async () => {
    const made = await api('admin', 'POST', '/api/v1/users',
      { username: 'zhang.wei', display_name: '张伟', role: 'operator', scope: city.district.code, password: 'Correct-Horse-42' });
    await api('admin', 'PUT', `/api/v1/users/${made.id}`, { disabled: true });
    await api('admin', 'POST', `/api/v1/users/${made.id}/password`, { password: 'Temporary-Pass-77' });
    await api('admin', 'POST', '/api/v1/workers', { id: 'W-AUDIT', name: '王芳', phone: '13800000000', community: grid.com.code });
    const now = await server.now();
    const from = new Date(now + 3600_000), to = new Date(now + 7200_000);
    await api('admin', 'POST', `/api/v1/workers/${grid.owner.id}/leave`,
      { from: from.toISOString(), to: to.toISOString(), reason: '年假' });
    for (const name of ['actor', 'target', 'from', 'to']) await p.fill(`#audit-filters input[name=${name}]`, '');
    const kindRows = async (kind, n) => {
      await p.selectOption('#audit-filters select[name=kind]', kind);
      await apply();
      await rowsBecome(n, `kind ${kind}`);
    };
    await kindRows('user', 3 + added);
    const user = (i) => rows.nth(i);
    for (let i = 0; i < 3; i++) {
      check((await user(i).locator('td.audit-actor').textContent()) === 'admin', `account change ${i}: made by admin`);
      check((await user(i).locator('.audit-subject code').textContent()) === 'zhang.wei', `account change ${i}: of zhang.wei`);
    }
    check((await user(0).locator('li[data-field=must_change_password]').textContent()).endsWith('→ true'),
      'the reset: must change the password');
    check((await user(1).locator('li[data-field=disabled]').textContent()) === 'disabled: false → true', 'the disabling');
    check((await p.locator('#audit-table').textContent()).indexOf('Correct-Horse-42') < 0, 'never a password');
    await kindRows('worker', 1);
    check((await rows.first().locator('li[data-field=name]').textContent()) === 'name: ∅ → 王芳', 'a new worker');
    await kindRows('leave', 1);
    check((await rows.first().locator('.audit-subject code').textContent()) === grid.owner.id, 'the worker on leave');
    check((await rows.first().locator('li[data-field=reason]').textContent()) === 'reason: ∅ → 年假', 'the leave');
    await shot(p, 'audit-03-organisation');
  });

  await ad.context.close();
} catch (e) {
  run.fail('setup', e);
} finally {
  if (server) log(`server stopped (${await server.stop()})`);
}

await run.noProblems(uiDir);
await run.finish('audit log browser tests');
