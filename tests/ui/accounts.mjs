// Browser tests of the accounts screen (账号): an admin imports 50 accounts from a CSV file
// through the screen and sees their initial passwords once (with a CSV to download); one of
// them logs in and must change its password before it gets its screen; an admin disables a
// logged-in user, whose page returns to the login at once. The top bar's "change password".
//   node tests/ui/accounts.mjs --bin build/release/app/gridkeeper --ui build/release/ui [--artifacts DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, PASSWORD } from './server.mjs';
import { smallCity } from './city.mjs';
import { Run, options, check, waitFor, login as loginAs } from './harness.mjs';

const { bin, uiDir, artifacts, only } = options();
const run = new Run({ artifacts, only, hardLimitMs: 240_000, owns: (f) => f.startsWith('accounts-') });
const { log, test, shot, newPage } = run;
const login = (page, url, username, password = PASSWORD) => loginAs(page, url, username, password);
await run.launch();

const city = smallCity();
const users = [
  { username: 'admin', role: 'admin' },
  { username: 'op', role: 'operator', scope: city.district.code },
  { username: 'sup', role: 'supervisor', scope: city.district.code },
];
let server;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-accounts-ui-'));
try {
  server = await startServer({ bin, uiDir, city, users, log });
  const ad = await newPage('admin', { width: 1600, height: 900 });
  const a = ad.page;
  let imported = [];

  await test('an admin imports 50 accounts from a CSV file and sees their passwords once', async () => {
    await login(a, server.url, 'admin');
    await a.waitForSelector('.topbar nav a[data-nav=accounts]');
    await a.click('.topbar nav a[data-nav=accounts]');
    await a.waitForSelector('#users-table tbody tr[data-username=op]');
    const rows = ['username,display_name,role,scope,worker_id'];
    for (let i = 1; i <= 50; i++) rows.push(`imp${String(i).padStart(2, '0')},"导入, 用户${i}",operator,${city.district.code},`);
    const file = path.join(tmp, 'accounts.csv');
    fs.writeFileSync(file, '\uFEFF' + rows.join('\r\n') + '\r\n');
    await a.setInputFiles('#users-import', file);
    await a.waitForSelector('#users-created');
    const shown = await a.$$eval('#users-created tr[data-username]', (trs) => trs.map((tr) => ({
      username: tr.dataset.username, password: tr.querySelector('.initial-password').textContent })));
    check(shown.length === 50, `50 passwords shown, not ${shown.length}`);
    check(shown.every((s) => s.password.length >= 16), 'strong initial passwords');
    const [download] = await Promise.all([a.waitForEvent('download'), a.click('#users-created-csv')]);
    check(download.suggestedFilename() === 'initial-passwords.csv', `the download's name (${download.suggestedFilename()})`);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    check(csv.startsWith('username,initial_password\n') && csv.includes(`${shown[0].username},${shown[0].password}`), 'the CSV holds the passwords');
    await waitFor(async () => (await a.$$('#users-table tbody tr[data-username^=imp]')).length === 50, 'the 50 accounts listed');
    await shot(a, 'accounts-imported');
    imported = shown;
    // A bad file changes nothing and names its line.
    const bad = path.join(tmp, 'bad.csv');
    fs.writeFileSync(bad, 'username,display_name,role,scope,worker_id\nzz1,甲,operator,,\nzz2,乙,root,,\n');
    await a.setInputFiles('#users-import', bad);
    await a.waitForSelector('.toast-error');
    check((await a.textContent('.toast-error')).includes('line 3'), 'the error names line 3');
    const listed = await server.request('admin', 'GET', '/api/v1/users?q=zz');
    check(listed.items.length === 0, 'nothing of the bad file was created');
  });

  await test('an imported user must change its password before it gets its screen', async () => {
    check(imported.length === 50, 'the import ran');
    const u = await newPage('imported', { width: 1400, height: 900 });
    const p = u.page;
    await login(p, server.url, imported[7].username, imported[7].password);
    await p.waitForSelector('#password-change #password-forced');
    check(await p.$('.topbar') === null, 'no screen before the change');
    await p.fill('#password-change input[name=old_password]', imported[7].password);
    await p.fill('#password-change input[name=new_password]', 'short');
    await p.fill('#password-change input[name=new_password_again]', 'short');
    await p.click('#password-change button[type=submit]');
    await waitFor(async () => (await p.textContent('#password-change .form-error')).length > 0, 'a weak password refused');
    await p.fill('#password-change input[name=new_password]', 'Brand-New-Pass-2026');
    await p.fill('#password-change input[name=new_password_again]', 'Brand-New-Pass-2026');
    await p.click('#password-change button[type=submit]');
    await p.waitForSelector('body[data-screen=console] .topbar');
    await shot(p, 'accounts-changed');
    await u.context.close();
  });

  await test('a disabled user\'s page returns to the login at once', async () => {
    const o = await newPage('op', { width: 1400, height: 900 });
    const p = o.page;
    await login(p, server.url, 'op');
    await p.waitForSelector('body[data-screen=console] .topbar .conn[data-online=true]');
    await a.waitForSelector('#users-table tbody tr[data-username=op] button[data-action=disable]');
    await a.click('#users-table tbody tr[data-username=op] button[data-action=disable]');
    await a.click('.dialog button[type=submit]');
    await a.waitForSelector('#users-table tbody tr[data-username=op][data-disabled=true]');
    await p.waitForSelector('#login', { timeout: 10000 });
    await o.context.close();
    // Enabled again from the screen.
    await a.click('#users-table tbody tr[data-username=op] button[data-action=enable]');
    await a.waitForSelector('#users-table tbody tr[data-username=op][data-disabled=false]');
  });

  await test('a supervisor reads the accounts without actions; anyone changes its own password', async () => {
    const s = await newPage('sup', { width: 1400, height: 900 });
    const p = s.page;
    await login(p, server.url, 'sup');
    await p.waitForSelector('.topbar nav a[data-nav=accounts]');
    await p.click('.topbar nav a[data-nav=accounts]');
    await p.waitForSelector('#users-table tbody tr');
    check(await p.$('#users-table button') === null, 'no actions for a supervisor');
    check(await p.$('#users-import') === null, 'no import for a supervisor');
    await p.click('#change-password');
    await p.waitForSelector('#password-change');
    check(await p.$('#password-forced') === null, 'not forced');
    await p.fill('#password-change input[name=old_password]', PASSWORD);
    await p.fill('#password-change input[name=new_password]', 'Supervisor-Pass-77');
    await p.fill('#password-change input[name=new_password_again]', 'Supervisor-Pass-77');
    await p.click('#password-change button[type=submit]');
    await p.waitForSelector('body[data-screen=accounts] .topbar');  // back to the screen it came from
    await s.context.close();
  });
} catch (e) {
  run.fail('accounts browser tests', e);
} finally {
  if (server) await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}

await run.noProblems(uiDir);
await run.finish('accounts browser tests');
