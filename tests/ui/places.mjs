// Browser tests of places and search: standard addresses loaded with `gridkeeper import
// --addresses`; an operator types two characters into the console's search box, picks an
// address from the suggestions (the location, the address field and the routing preview
// follow) and sends a case there, which lands in that address's grid; picking a case from
// the suggestions opens it; a deep link /#/cases/{id} opens the case for its worker and
// says clearly to another worker that it cannot be seen; an admin loads a CSV on the
// 标准地址 screen and sees its bad row by line.
//   node tests/ui/places.mjs --bin build/release/app/gridkeeper --ui build/release/ui [--artifacts DIR] [--only NAME]
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, PASSWORD } from './server.mjs';
import { smallCity } from './city.mjs';
import { Run, options, check, waitFor, login as loginAs } from './harness.mjs';

const { bin, uiDir, artifacts, only } = options();
const run = new Run({ artifacts, only, hardLimitMs: 180_000, owns: (f) => f.startsWith('places-') });
const { test, shot, newPage, log } = run;
const login = (page, url, username) => loginAs(page, url, username, PASSWORD);
await run.launch();

const city = smallCity();
const target = city.cells.find((c) => c.c === 2 && c.r === 1);
const other = city.cells.find((c) => c.code !== target.code && c.owner.id !== target.owner.id);
const users = [
  { username: 'admin', role: 'admin' },
  { username: 'op', role: 'operator', scope: city.district.code },
  { username: 'wk', role: 'worker', worker: target.owner.id },
  { username: 'wk2', role: 'worker', worker: other.owner.id },
];
const fmt = (x) => x.toFixed(6);
let server;
try {
  server = await startServer({ bin, uiDir, city, users, log });
  const api = server.request;
  // Standard addresses through the command, while the server runs.
  const csv = path.join(server.dir, 'addresses.csv');
  fs.writeFileSync(csv, 'address,lon,lat,building,community\n' +
    `鸿山社区文化路12号,${fmt(other.centre[0])},${fmt(other.centre[1])},1号楼,\n` +
    `新店镇民安里3号,${fmt(target.centre[0])},${fmt(target.centre[1])},2号楼,\n`);
  const printed = execFileSync(bin, ['import', '--db', server.db, '--addresses', csv], { encoding: 'utf8' });
  check(/2 added/.test(printed), `the import counts what it added (${printed.trim()})`);

  const op = (await newPage('op', { width: 1600, height: 900 })).page;
  let caseId;

  await test('two characters find an address; picking it places the case, which lands in its grid', async () => {
    await login(op, server.url, 'op');
    await op.waitForSelector('#console-map[data-ready=true]');
    await op.fill('#search-input', '民安');
    const item = op.locator('.search-item[data-kind=addresses]');
    await item.first().waitFor();
    const words = await item.first().textContent();
    check(words.includes('新店镇民安里3号') && words.includes(target.name), `the suggestion names the address and its grid (${words})`);
    await shot(op, 'places-01-suggestions');
    await item.first().click();
    await op.waitForSelector(`.route-preview[data-state=found][data-grid="${target.code}"]`);
    const address = await op.inputValue('#intake input[name=address]');
    check(address.includes('新店镇民安里3号'), `the address field is filled (${address})`);
    await op.fill('#intake input[name=title]', '民安里垃圾堆放');
    await op.click('#intake button[type=submit]');
    await waitFor(async () => {
      const list = await api('op', 'GET', '/api/v1/cases?limit=5');
      const mine = list.cases.find((c) => c.title === '民安里垃圾堆放');
      if (mine) caseId = mine.id;
      return Boolean(mine);
    }, 'the case is taken in');
    const c = await api('op', 'GET', `/api/v1/cases/${caseId}`);
    check(c.grid_id === target.code, `the case is in the address's grid (${c.grid_id})`);
    await shot(op, 'places-02-sent');
  });

  await test('picking a case from the suggestions opens it', async () => {
    await op.fill('#search-input', `#${caseId}`);
    const item = op.locator(`.search-item[data-kind=cases][data-id="${caseId}"]`);
    await item.waitFor();
    await item.click();
    await op.waitForSelector('.case-detail:not([hidden])');
    await waitFor(async () => (await op.locator('.case-detail').textContent()).includes('民安里垃圾堆放'), 'the case panel shows the case');
  });

  await test('a deep link opens the case for its worker, and says so to another', async () => {
    const wk = (await newPage('wk', { width: 1024, height: 768 })).page;
    await login(wk, server.url, 'wk');
    await wk.waitForSelector('body[data-screen=tablet]');
    await wk.goto(`${server.url}/#/cases/${caseId}`);
    await wk.waitForSelector('.case-link .case-detail');
    await waitFor(async () => (await wk.locator('.case-detail').textContent()).includes('民安里垃圾堆放'), 'the worker sees the case');
    await shot(wk, 'places-03-deep-link');
    const wk2 = (await newPage('wk2', { width: 1024, height: 768 })).page;
    await login(wk2, server.url, 'wk2');
    await wk2.waitForSelector('body[data-screen=tablet]');
    await wk2.goto(`${server.url}/#/cases/${caseId}`);
    await wk2.waitForSelector('#case-link-missing');
    check((await wk2.textContent('#case-link-missing')).includes(String(caseId)), 'the message names the case');
    await wk2.click('#case-link-back');
    await wk2.waitForSelector('body[data-screen=tablet]');
  });

  await test('an admin loads addresses on the 标准地址 screen, bad rows by line', async () => {
    const ad = (await newPage('admin', { width: 1366, height: 768 })).page;
    await login(ad, server.url, 'admin');
    await ad.click('.topbar nav a[data-nav=places]');
    await ad.setInputFiles('#places-file', {
      name: 'more.csv', mimeType: 'text/csv',
      buffer: Buffer.from(`address,lon,lat\n文化路88号,${fmt(other.centre[0])},${fmt(other.centre[1])}\n坏行,abc,24.6\n`),
    });
    await ad.click('#places-upload');
    await ad.waitForSelector('#places-result [data-field=counts]');
    const counts = await ad.textContent('#places-result [data-field=counts]');
    check(counts.includes('1'), `the counts show (${counts})`);
    check((await ad.textContent('#places-result table')).includes('3'), 'the bad row is named by its line');
    const found = await api('op', 'GET', `/api/v1/addresses?q=${encodeURIComponent('文化路')}`);
    check(found.items.length === 2 && found.items[0].address === '文化路88号', 'the new address is found, best first');
    await shot(ad, 'places-04-admin');
  });
} finally {
  if (server) await server.stop();
}

await run.noProblems(uiDir);
await run.finish('places browser tests');
