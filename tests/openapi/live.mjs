// The real server against docs/openapi.json: a generated city served by `gridkeeper serve`
// (tests/ui/server.mjs), users of every role, and the main endpoints called as clients
// would (the closed loop of a case, the map, the organisation, reports, Open311, errors).
// Every answer must have a documented status, and its body must validate against the
// documented schema of that status and media type.
//   node tests/openapi/live.mjs --bin build/release/app/gridkeeper --ui build/release/ui
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, PASSWORD } from '../ui/server.mjs';
import { smallCity } from '../ui/city.mjs';
import { root, operations, match, documentedResponse, mediaType, isJson, validator, describe } from './spec.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const bin = path.resolve(arg('--bin', path.join(root, 'build/release/app/gridkeeper')));
// The server wants a UI directory; these checks need none of its files.
let uiDir = path.resolve(arg('--ui', path.join(root, 'build/release/ui')));
let emptyUi = null;
if (!fs.existsSync(uiDir)) uiDir = emptyUi = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-openapi-ui-'));

const city = smallCity();
const centre = city.cells.find((c) => c.c === 2 && c.r === 1);
const [lon, lat] = centre.centre;
const users = [
  { username: 'admin', role: 'admin' },
  { username: 'op', role: 'operator', scope: city.district.code },
  { username: 'sup', role: 'supervisor', scope: city.district.code },
  { username: 'worker', role: 'worker', worker: centre.owner.id },
];

const checked = new Map();  // "METHOD template" -> statuses seen
let server;
const tokens = {};

// One request; its answer checked against the document.
async function call(who, method, target, { body, type, headers = {} } = {}) {
  const h = { ...headers };
  if (who) h.Authorization = `Bearer ${tokens[who] ?? who}`;
  let payload = body;
  if (body !== undefined && !(body instanceof Uint8Array) && typeof body !== 'string') payload = JSON.stringify(body);
  if (body !== undefined) h['Content-Type'] = type ?? 'application/json';
  const res = await fetch(server.url + target, { method, headers: h, body: payload });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  const answer = { status: res.status, headers: res.headers, text, bytes };
  const contentType = res.headers.get('content-type') ?? '';
  if (isJson(contentType) || contentType.startsWith('application/geo+json')) answer.json = JSON.parse(text);
  conforms(method, target, answer);
  return answer;
}

function conforms(method, target, answer) {
  const urlPath = target.split('?')[0];
  const where = `${method} ${target} → ${answer.status}`;
  const found = match(method, urlPath);
  assert.ok(found, `${where}: no documented operation`);
  const key = `${method} ${found.template}`;
  if (!checked.has(key)) checked.set(key, new Set());
  checked.get(key).add(answer.status);
  const response = documentedResponse(found.op, answer.status);
  assert.ok(response, `${where}: status not documented (${answer.text.slice(0, 200)})`);
  if (!response.content || answer.status === 304 || answer.status === 204) {
    assert.equal(answer.bytes.length, 0, `${where}: a body where none is documented`);
    return;
  }
  const contentType = answer.headers.get('content-type') ?? '';
  const media = mediaType(response.content, contentType);
  assert.ok(media, `${where}: Content-Type ${contentType} is not documented (${Object.keys(response.content)})`);
  if (answer.json !== undefined) {
    const errors = validator(media.media.schema)(answer.json);
    assert.equal(errors, null, `${where}: ${describe(errors)}\n${answer.text.slice(0, 600)}`);
  }
}

// A small valid PNG (1 × 1, grey).
const PNG = Uint8Array.from(Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABc3UBGAAAAABJRU5ErkJggg==', 'base64'));

test('live answers of the server validate against docs/openapi.json', { timeout: 120_000 }, async (t) => {
  server = await startServer({ bin, uiDir, city, users, log: () => {} });
  t.after(async () => {
    await server.stop();
    if (emptyUi) fs.rmSync(emptyUi, { recursive: true, force: true });
  });

  await t.test('operations, the document, logging in', async () => {
    await call(null, 'GET', '/healthz');
    const doc = await call(null, 'GET', '/api/v1/openapi.json');
    assert.equal(doc.status, 200);
    const etag = doc.headers.get('etag');
    assert.equal((await call(null, 'GET', '/api/v1/openapi.json', { headers: { 'If-None-Match': etag } })).status, 304);
    assert.equal((await call(null, 'GET', '/metrics')).status, 200);
    for (const u of users) {
      const a = await call(null, 'POST', '/api/v1/auth/login', { body: { username: u.username, password: PASSWORD } });
      assert.equal(a.status, 200, a.text);
      tokens[u.username] = a.json.token;
    }
    assert.equal((await call(null, 'POST', '/api/v1/auth/login', { body: { username: 'op', password: 'wrong password!' } })).status, 401);
    assert.equal((await call(null, 'POST', '/api/v1/auth/login', { body: { username: 'op' } })).status, 400);
    assert.equal((await call('worker', 'GET', '/api/v1/auth/me')).json.user.worker_id, centre.owner.id);
    assert.equal((await call(null, 'GET', '/api/v1/auth/me')).status, 401);
    assert.equal((await call('no-such-token', 'GET', '/api/v1/cases')).status, 401);
  });

  await t.test('the map and the organisation', async () => {
    assert.equal((await call('op', 'GET', `/api/v1/route?lon=${lon}&lat=${lat}`)).json.grid_id, centre.code);
    assert.equal((await call('worker', 'GET', `/api/v1/route?lon=${lon}&lat=${lat}&crs=wgs84`)).status, 200);
    assert.equal((await call('op', 'GET', '/api/v1/route?lon=10&lat=10')).status, 404);
    assert.equal((await call('op', 'GET', '/api/v1/route?lon=abc&lat=10')).status, 400);
    assert.equal((await call('op', 'GET', `/api/v1/route?lon=${lon}&lat=${lat}&crs=utm`)).status, 422);
    assert.equal((await call('op', 'GET', '/api/v1/grids')).json.features.length, city.cells.length);
    await call('worker', 'GET', '/api/v1/grids?bbox=118.2,24.5,118.5,24.7');
    assert.equal((await call('op', 'GET', '/api/v1/grids?bbox=1,2,3')).status, 422);
    assert.equal((await call('worker', 'GET', '/api/v1/map/basemap')).json.type, 'FeatureCollection');
    for (const level of ['grid', 'community', 'street']) await call('sup', 'GET', `/api/v1/overdue-map?level=${level}`);
    await call('sup', 'GET', '/api/v1/overdue-map?level=community&geometry=false');
    assert.equal((await call('sup', 'GET', '/api/v1/overdue-map?level=city')).status, 422);
    for (const who of ['op', 'worker']) {
      await call(who, 'GET', '/api/v1/workers');
      await call(who, 'GET', '/api/v1/jurisdictions');
      await call(who, 'GET', '/api/v1/categories');
    }
  });

  let id, version;
  await t.test('a case taken in, worked on, closed and rated', async () => {
    const intake = { lon, lat, category: 'environment', urgency: 'orange', title: '垃圾堆放', description: '小区门口', address: '新店路1号', source: 'hotline', reporter: { name: '张三', phone: '13900000000' } };
    const created = await call('op', 'POST', '/api/v1/cases', { body: intake });
    assert.equal(created.status, 201, created.text);
    ({ id, version } = created.json);
    assert.equal((await call('worker', 'POST', '/api/v1/cases', { body: intake })).status, 403);
    assert.equal((await call('op', 'POST', '/api/v1/cases', { body: { ...intake, category: 'nope' } })).status, 422);
    assert.equal((await call('op', 'POST', '/api/v1/cases', { body: { ...intake, colour: 'red' } })).status, 400);
    assert.equal((await call('op', 'POST', '/api/v1/cases', { body: '{"lon":' })).status, 400);
    await call('op', 'GET', '/api/v1/cases');
    await call('worker', 'GET', `/api/v1/cases?state=dispatched&limit=1`);
    await call('sup', 'GET', `/api/v1/cases?open=true&urgency=orange&grid=${centre.code}`);
    const csv = await call('op', 'GET', '/api/v1/cases?format=csv');
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    assert.equal((await call('op', 'GET', '/api/v1/cases?limit=0')).status, 422);
    assert.equal((await call('op', 'GET', `/api/v1/cases/${id}`)).json.events.length >= 2, true);
    assert.equal((await call('op', 'GET', '/api/v1/cases/999999')).status, 404);

    const act = async (who, action, extra = {}) => {
      const a = await call(who, 'POST', `/api/v1/cases/${id}/transitions`, { body: { action, version, ...extra } });
      if (a.status === 200) version = a.json.version;
      return a;
    };
    assert.equal((await call('worker', 'POST', `/api/v1/cases/${id}/transitions`, { body: { action: 'accept', version: version + 5 } })).status, 409);
    assert.equal((await act('worker', 'close')).status, 403);
    assert.equal((await act('worker', 'accept')).status, 200);
    assert.equal((await act('worker', 'accept')).status, 409);
    assert.equal((await act('worker', 'fly')).status, 422);
    assert.equal((await act('worker', 'note', { note: '已到现场' })).status, 200);
    const photo = await call('worker', 'POST', `/api/v1/cases/${id}/photos`, { body: PNG, type: 'image/png' });
    assert.equal(photo.status, 201, photo.text);
    const image = await call('op', 'GET', photo.json.url);
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.equal((await call('sup', 'POST', `/api/v1/cases/${id}/photos`, { body: PNG, type: 'image/png' })).status, 403);
    assert.equal((await call('worker', 'POST', `/api/v1/cases/${id}/photos`, { body: PNG, type: 'image/gif' })).status, 422);
    assert.equal((await act('worker', 'resolve', { note: '已清理' })).status, 200);
    assert.equal((await call('op', 'POST', `/api/v1/cases/${id}/rating`, { body: { score: 5 } })).status, 409);
    assert.equal((await act('op', 'close')).status, 200);
    assert.equal((await call('op', 'POST', `/api/v1/cases/${id}/rating`, { body: { score: 5, note: '满意' } })).status, 201);
    assert.equal((await call('op', 'POST', `/api/v1/cases/${id}/rating`, { body: { score: 9 } })).status, 422);
    assert.equal((await call('worker', 'POST', `/api/v1/cases/${id}/rating`, { body: { score: 4 } })).status, 403);
    const closed = await call('worker', 'GET', `/api/v1/cases/${id}`);
    assert.equal(closed.json.state, 'closed');
    assert.ok(closed.json.events.some((e) => e.type === 'rated'));
    assert.equal((await call('worker', 'POST', `/api/v1/cases/${id}/photos`, { body: PNG, type: 'image/png' })).status, 409);
  });

  await t.test('standard addresses and the search', async () => {
    const csv = `address,lon,lat,building,community\n新店路文化街1号,${lon},${lat},1号楼,\n坏行,abc,${lat},,\n`;
    const loaded = await call('admin', 'POST', '/api/v1/addresses/import', { body: csv, type: 'text/csv' });
    assert.equal(loaded.status, 200, loaded.text);
    assert.equal(loaded.json.added, 1);
    assert.equal(loaded.json.problems[0].line, 3);
    assert.equal((await call('op', 'POST', '/api/v1/addresses/import', { body: csv, type: 'text/csv' })).status, 403);
    assert.equal((await call('admin', 'POST', '/api/v1/addresses/import', { body: 'addr,lon\n', type: 'text/csv' })).status, 422);
    assert.equal((await call('admin', 'POST', '/api/v1/addresses/import?crs=utm', { body: csv, type: 'text/csv' })).status, 422);
    const found = await call('op', 'GET', '/api/v1/addresses?q=' + encodeURIComponent('文化') + '&limit=5');
    assert.equal(found.json.items[0].grid_id, centre.code);
    assert.equal((await call('op', 'GET', '/api/v1/addresses?q=x')).status, 422);
    assert.equal((await call('op', 'GET', '/api/v1/addresses')).status, 400);
    assert.equal((await call('op', 'GET', '/api/v1/addresses?q=ab&limit=500')).status, 422);
    const search = await call('op', 'GET', `/api/v1/search?q=%23${id}`);
    assert.equal(search.json.cases[0].id, id);
    await call('worker', 'GET', '/api/v1/search?q=' + encodeURIComponent('垃圾'));
    await call('sup', 'GET', '/api/v1/search?q=0000');
    assert.equal((await call('op', 'GET', '/api/v1/search?q=%01%02')).status, 422);
    assert.equal((await call('op', 'GET', '/api/v1/search')).status, 400);
  });

  await t.test('changes to the organisation', async () => {
    const owner = centre.owner.id;
    assert.equal((await call('worker', 'PUT', `/api/v1/workers/${owner}/status`, { body: { status: 'off_duty' } })).status, 200);
    assert.equal((await call('op', 'PUT', `/api/v1/workers/${owner}/status`, { body: { status: 'on_duty' } })).status, 200);
    assert.equal((await call('op', 'PUT', `/api/v1/workers/${owner}/status`, { body: { status: 'asleep' } })).status, 422);
    assert.equal((await call('op', 'PUT', '/api/v1/workers/W9999/status', { body: { status: 'leave' } })).status, 404);
    const street = city.streets[0].code;
    assert.equal((await call('sup', 'PUT', `/api/v1/jurisdictions/${street}/mode`, { body: { mode: 'emergency' } })).status, 200);
    assert.equal((await call('sup', 'PUT', `/api/v1/jurisdictions/${street}/mode`, { body: { mode: 'normal' } })).status, 200);
    assert.equal((await call('op', 'PUT', `/api/v1/jurisdictions/${street}/mode`, { body: { mode: 'normal' } })).status, 403);
    assert.equal((await call('sup', 'PUT', `/api/v1/jurisdictions/${centre.com.code}/mode`, { body: { mode: 'normal' } })).status, 422);
    const posts = { owner_id: centre.backup, backup_id: owner };
    assert.equal((await call('op', 'PUT', `/api/v1/grids/${centre.code}/owners`, { body: posts })).status, 200);
    assert.equal((await call('op', 'PUT', `/api/v1/grids/${centre.code}/owners`, { body: { owner_id: owner, backup_id: centre.backup } })).status, 200);
    assert.equal((await call('sup', 'PUT', `/api/v1/grids/${centre.code}/owners`, { body: posts })).status, 403);
    assert.equal((await call('op', 'PUT', '/api/v1/grids/nowhere/owners', { body: posts })).status, 404);
    // The posts preview and the roster (花名册).
    const preview = await call('op', 'POST', `/api/v1/grids/${centre.code}/owners/preview`, { body: posts });
    assert.equal(preview.status, 200, preview.text);
    assert.equal((await call('sup', 'POST', `/api/v1/grids/${centre.code}/owners/preview`, { body: posts })).status, 403);
    assert.equal((await call('op', 'POST', '/api/v1/grids/nowhere/owners/preview', { body: posts })).status, 404);
    assert.equal((await call('op', 'POST', `/api/v1/grids/${centre.code}/owners/preview`, { body: { owner_id: owner, backup_id: owner } })).status, 422);
    assert.equal((await call('op', 'POST', `/api/v1/grids/${centre.code}/owners/preview`, { body: { owner: owner } })).status, 400);
    const com = centre.com.code;
    const fresh = { id: 'WLIVE1', name: '新网格员', phone: '13900000999', community: com };
    assert.equal((await call('admin', 'POST', '/api/v1/workers', { body: fresh })).status, 201);
    assert.equal((await call('admin', 'POST', '/api/v1/workers', { body: fresh })).status, 409);
    assert.equal((await call('sup', 'POST', '/api/v1/workers', { body: { ...fresh, id: 'WLIVE2', phone: 'call me' } })).status, 422);
    assert.equal((await call('op', 'POST', '/api/v1/workers', { body: { ...fresh, id: 'WLIVE3' } })).status, 403);
    assert.equal((await call('admin', 'POST', '/api/v1/workers', { body: { ...fresh, id: 'WLIVE4', extra: 1 } })).status, 400);
    assert.equal((await call('admin', 'PUT', '/api/v1/workers/WLIVE1', { body: { name: '改名', phone: '0592-1234567' } })).status, 200);
    assert.equal((await call('admin', 'PUT', `/api/v1/workers/${owner}`, { body: { retired: true } })).status, 409);
    assert.equal((await call('admin', 'PUT', '/api/v1/workers/nobody', { body: { retired: true } })).status, 404);
    assert.equal((await call('op', 'PUT', '/api/v1/workers/WLIVE1', { body: { retired: true } })).status, 403);
    assert.equal((await call('admin', 'PUT', '/api/v1/workers/WLIVE1', { body: { community: 'nowhere' } })).status, 422);
    assert.equal((await call('admin', 'PUT', '/api/v1/workers/WLIVE1', { body: { retired: 'yes' } })).status, 400);
    assert.equal((await call('admin', 'PUT', '/api/v1/workers/WLIVE1', { body: { retired: true } })).status, 200);
    const retired = await call('admin', 'GET', `/api/v1/workers?community=${com}&q=WLIVE&retired=true`);
    assert.deepEqual(retired.json.workers.map((w) => w.id), ['WLIVE1']);
    assert.equal((await call('admin', 'GET', '/api/v1/workers?community=nowhere')).status, 422);
    const category = { name: '环境卫生', sla: { red: { accept_s: 900, resolve_s: 7200 } } };
    assert.equal((await call('admin', 'PUT', '/api/v1/categories/environment', { body: category })).status, 200);
    assert.equal((await call('op', 'PUT', '/api/v1/categories/environment', { body: category })).status, 403);
    assert.equal((await call('admin', 'PUT', '/api/v1/categories/environment', { body: { name: 'x', sla: { red: { accept_s: 1, resolve_s: 2 } } } })).status, 422);
  });

  await t.test('leave and the working calendar', async () => {
    const owner = centre.owner.id;
    const listed = await call('sup', 'GET', `/api/v1/workers/${owner}/leave`);
    assert.equal(listed.status, 200, listed.text);
    const now = Date.parse(listed.json.now);
    const at = (hours) => new Date(now + hours * 3600_000).toISOString();
    const body = { from: at(24), to: at(48), reason: '年休假', open_cases: 'keep' };
    const made = await call('sup', 'POST', `/api/v1/workers/${owner}/leave`, { body });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.json.state, 'upcoming');
    assert.equal((await call('sup', 'POST', `/api/v1/workers/${owner}/leave`, { body })).status, 409);
    assert.equal((await call('sup', 'POST', `/api/v1/workers/${owner}/leave`, { body: { ...body, to: at(1) } })).status, 422);
    assert.equal((await call('sup', 'POST', `/api/v1/workers/${owner}/leave`, { body: { ...body, from: 'tomorrow' } })).status, 400);
    assert.equal((await call('sup', 'POST', `/api/v1/workers/${owner}/leave`, { body: '{"from":' })).status, 400);
    assert.equal((await call('op', 'POST', `/api/v1/workers/${owner}/leave`, { body })).status, 403);
    assert.equal((await call('sup', 'POST', '/api/v1/workers/W9999/leave', { body })).status, 404);
    assert.equal((await call('sup', 'POST', `/api/v1/workers/${owner}/leave`, { body: 'x'.repeat(2 << 20) })).status, 413);
    assert.equal((await call('worker', 'GET', `/api/v1/workers/${owner}/leave`)).json.items.length, 1);
    assert.equal((await call('op', 'GET', `/api/v1/workers/${owner}/leave`)).status, 403);
    assert.equal((await call('sup', 'GET', '/api/v1/workers/W9999/leave')).status, 404);
    assert.equal((await call('worker', 'DELETE', `/api/v1/workers/${owner}/leave/${made.json.id}`)).status, 403);
    assert.equal((await call('sup', 'DELETE', `/api/v1/workers/${owner}/leave/999`)).status, 404);
    const cancelled = await call('sup', 'DELETE', `/api/v1/workers/${owner}/leave/${made.json.id}`);
    assert.equal(cancelled.json.state, 'cancelled');
    assert.equal((await call('sup', 'DELETE', `/api/v1/workers/${owner}/leave/${made.json.id}`)).status, 409);
    assert.equal((await call('admin', 'GET', '/api/v1/calendar?year=2026')).json.known, true);
    await call('worker', 'GET', '/api/v1/calendar');
    assert.equal((await call('admin', 'GET', '/api/v1/calendar?year=1800')).status, 422);
  });

  await t.test('reports and settings', async () => {
    await call('sup', 'GET', '/api/v1/stats/assessment');
    await call('worker', 'GET', '/api/v1/stats/assessment?period=2026');
    const csv = await call('sup', 'GET', '/api/v1/stats/assessment?format=csv&table=cases');
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    await call('sup', 'GET', `/api/v1/stats/trends?bucket=week&scope=${city.streets[0].code}`);
    await call('op', 'GET', '/api/v1/stats/trends');
    assert.equal((await call('sup', 'GET', '/api/v1/stats/assessment?period=2026&from=2026-01-01')).status, 400);
    assert.equal((await call('sup', 'GET', '/api/v1/stats/trends?bucket=month')).status, 422);
    assert.equal((await call('sup', 'GET', '/api/v1/stats/assessment?scope=nowhere')).status, 404);
    await call('worker', 'GET', '/api/v1/settings/assessment');
    assert.equal((await call('admin', 'PUT', '/api/v1/settings/assessment', { body: { min_cases: 2 } })).status, 200);
    assert.equal((await call('admin', 'PUT', '/api/v1/settings/assessment', { body: { min_cases: -1 } })).status, 422);
    assert.equal((await call('admin', 'PUT', '/api/v1/settings/assessment', { body: { speed: 1 } })).status, 400);
    assert.equal((await call('op', 'PUT', '/api/v1/settings/assessment', { body: { min_cases: 2 } })).status, 403);
  });

  await t.test('Open311 and its keys', async () => {
    const key = await call('admin', 'POST', '/api/v1/open311-keys', { body: { name: '12345热线', scope: city.district.code } });
    assert.equal(key.status, 201, key.text);
    assert.equal((await call('admin', 'POST', '/api/v1/open311-keys', { body: { name: '12345热线' } })).status, 409);
    assert.equal((await call('op', 'GET', '/api/v1/open311-keys')).status, 403);
    await call('admin', 'GET', '/api/v1/open311-keys');
    await call(null, 'GET', '/open311/v2/services.json');
    await call(null, 'GET', '/open311/v2/services/environment.json');
    assert.equal((await call(null, 'GET', '/open311/v2/services/environment.xml')).status, 404);
    const form = new URLSearchParams({ api_key: key.json.api_key, service_code: 'environment', lat: String(lat), long: String(lon), description: '路灯不亮', 'attribute[urgency]': 'red' });
    const posted = await call(null, 'POST', '/open311/v2/requests.json', { body: form.toString(), type: 'application/x-www-form-urlencoded' });
    assert.equal(posted.status, 201, posted.text);
    const asJson = { api_key: key.json.api_key, service_code: 'environment', lat, long: lon, attribute: { urgency: 'orange' } };
    assert.equal((await call(null, 'POST', '/open311/v2/requests.json', { body: asJson })).status, 201);
    assert.equal((await call(null, 'POST', '/open311/v2/requests.json', { body: { ...asJson, api_key: 'nope' } })).status, 403);
    assert.equal((await call(null, 'POST', '/open311/v2/requests.json', { body: { ...asJson, colour: 'red' } })).status, 400);
    await call(null, 'GET', '/open311/v2/requests.json');
    await call(null, 'GET', `/open311/v2/requests.json?service_request_id=${posted.json[0].service_request_id},${id}`);
    await call(null, 'GET', `/open311/v2/requests/${posted.json[0].service_request_id}.json`);
    assert.equal((await call(null, 'GET', '/open311/v2/requests/999999.json')).status, 404);
    assert.equal((await call(null, 'GET', '/open311/v2/requests.json?page_size=1000')).status, 400);
    assert.equal((await call('admin', 'DELETE', `/api/v1/open311-keys/${key.json.id}`)).status, 204);
    assert.equal((await call('admin', 'DELETE', `/api/v1/open311-keys/${key.json.id}`)).status, 404);
  });

  await t.test('the audit trail', async () => {
    const page = await call('admin', 'GET', '/api/v1/audit?limit=2');
    assert.equal(page.status, 200);
    assert.equal(page.json.items.length, 2);
    assert.ok(page.json.next > 0);
    const keys = await call('admin', 'GET', '/api/v1/audit?kind=open311_key');
    assert.ok(keys.json.items.some((e) => e.after?.name === '12345热线' && e.before === null));
    assert.ok(keys.json.items.some((e) => e.after?.revoked === true && e.before?.revoked === false));
    const csv = await call('admin', 'GET', '/api/v1/audit?format=csv&kind=setting');
    assert.equal(csv.status, 200);
    assert.deepEqual([...csv.bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);  // the text decoder drops the byte order mark
    assert.ok(csv.text.startsWith('seq,at,actor,kind,subject,detail,before,after'), csv.text.slice(0, 100));
    assert.equal((await call('admin', 'GET', '/api/v1/audit', { headers: { Accept: 'text/csv' } })).headers.get('content-type').split(';')[0], 'text/csv');
    assert.equal((await call('op', 'GET', '/api/v1/audit')).status, 403);
    assert.equal((await call('admin', 'GET', '/api/v1/audit?kind=nope')).status, 422);
    assert.equal((await call('admin', 'GET', '/api/v1/audit?from=yesterday')).status, 400);
    assert.equal((await call(null, 'GET', '/api/v1/audit')).status, 401);
  });

  await t.test('accounts: list, create, change, reset, import, a change of password', async () => {
    const list = await call('admin', 'GET', '/api/v1/users');
    assert.equal(list.status, 200, list.text);
    await call('sup', 'GET', `/api/v1/users?role=worker&q=w&scope=${city.district.code}`);
    assert.equal((await call('op', 'GET', '/api/v1/users')).status, 403);
    assert.equal((await call('admin', 'GET', '/api/v1/users?role=root')).status, 422);
    const made = await call('admin', 'POST', '/api/v1/users', { body: { username: 'li.lei', display_name: '李雷', role: 'operator', scope: city.district.code, password: 'Correct-Horse-42' } });
    assert.equal(made.status, 201, made.text);
    assert.equal((await call('admin', 'POST', '/api/v1/users', { body: { username: 'li.lei', role: 'operator', password: 'Correct-Horse-42' } })).status, 409);
    assert.equal((await call('admin', 'POST', '/api/v1/users', { body: { username: 'han.mei', role: 'operator', password: 'short' } })).status, 422);
    assert.equal((await call('admin', 'POST', '/api/v1/users', { body: { username: 'han.mei', role: 'operator', extra: 1 } })).status, 400);
    assert.equal((await call('op', 'POST', '/api/v1/users', { body: { username: 'han.mei', role: 'operator', password: 'Correct-Horse-42' } })).status, 403);
    assert.equal((await call('admin', 'PUT', `/api/v1/users/${made.json.id}`, { body: { display_name: '李雷雷' } })).status, 200);
    assert.equal((await call('admin', 'PUT', `/api/v1/users/${made.json.id}`, { body: { disabled: true } })).status, 200);
    assert.equal((await call('admin', 'PUT', '/api/v1/users/999999', { body: { disabled: true } })).status, 404);
    assert.equal((await call('admin', 'PUT', `/api/v1/users/${made.json.id}`, { body: { role: 'worker' } })).status, 422);
    const self = list.json.items.find((u) => u.username === 'admin');
    assert.equal((await call('admin', 'PUT', `/api/v1/users/${self.id}`, { body: { disabled: true } })).status, 409);
    assert.equal((await call('admin', 'POST', `/api/v1/users/${made.json.id}/password`, { body: { password: 'Temporary-Pass-77' } })).status, 200);
    assert.equal((await call('admin', 'POST', `/api/v1/users/${made.json.id}/password`, { body: { password: 'li.lei' } })).status, 422);
    assert.equal((await call('admin', 'POST', '/api/v1/users/999999/password', { body: { password: 'Temporary-Pass-77' } })).status, 404);
    const csv = 'username,display_name,role,scope,worker_id\nhan.mei,韩梅梅,operator,,\n';
    const imported = await call('admin', 'POST', '/api/v1/users/import', { body: csv, type: 'text/csv' });
    assert.equal(imported.status, 201, imported.text);
    assert.equal((await call('admin', 'POST', '/api/v1/users/import', { body: csv, type: 'text/csv' })).status, 409);
    assert.equal((await call('admin', 'POST', '/api/v1/users/import', { body: csv.replace('operator', 'root'), type: 'text/csv' })).status, 422);
    const login = await call(null, 'POST', '/api/v1/auth/login', { body: { username: 'han.mei', password: imported.json.created[0].initial_password } });
    assert.equal(login.status, 200, login.text);
    assert.equal(login.json.user.must_change_password, true);
    const fresh = login.json.token;
    assert.equal((await call(fresh, 'GET', '/api/v1/cases')).status, 403);
    assert.equal((await call(fresh, 'POST', '/api/v1/auth/password', { body: { old_password: 'wrong-password-1', new_password: 'Correct-Horse-42' } })).status, 422);
    assert.equal((await call(fresh, 'POST', '/api/v1/auth/password', { body: { old_password: imported.json.created[0].initial_password } })).status, 400);
    const changed = await call(fresh, 'POST', '/api/v1/auth/password', { body: { old_password: imported.json.created[0].initial_password, new_password: 'Correct-Horse-42' } });
    assert.equal(changed.status, 200, changed.text);
    assert.equal((await call(fresh, 'GET', '/api/v1/cases')).status, 200);
  });

  await t.test('the test clock, the live feed without an upgrade, logging out', async () => {
    assert.equal((await call('admin', 'POST', '/api/v1/test/clock', { body: { advance_s: 60 } })).status, 200);
    assert.equal((await call('op', 'POST', '/api/v1/test/clock', { body: { advance_s: 60 } })).status, 403);
    assert.equal((await call('admin', 'POST', '/api/v1/test/clock', { body: { advance_s: 0 } })).status, 422);
    assert.equal((await call('op', 'GET', '/api/v1/ws')).status, 400);
    assert.equal((await call('op', 'GET', '/ws')).status, 400);
    assert.equal((await call('op', 'POST', '/api/v1/auth/logout')).status, 204);
    assert.equal((await call('op', 'GET', '/api/v1/auth/me')).status, 401);
  });

  await t.test('the main endpoints were all called', () => {
    const main = {
      'POST /api/v1/auth/login': 200, 'GET /api/v1/auth/me': 200, 'POST /api/v1/auth/logout': 204, 'GET /api/v1/route': 200,
      'GET /api/v1/cases': 200, 'POST /api/v1/cases': 201, 'GET /api/v1/cases/{id}': 200,
      'POST /api/v1/cases/{id}/transitions': 200, 'GET /api/v1/grids': 200, 'GET /api/v1/overdue-map': 200,
      'GET /api/v1/workers': 200, 'GET /api/v1/jurisdictions': 200, 'GET /api/v1/categories': 200,
      'GET /api/v1/stats/assessment': 200, 'GET /api/v1/stats/trends': 200, 'GET /open311/v2/services.json': 200,
      'GET /open311/v2/requests.json': 200, 'POST /open311/v2/requests.json': 201, 'GET /healthz': 200,
      'GET /api/v1/openapi.json': 200, 'GET /api/v1/audit': 200,
    };
    for (const [op, status] of Object.entries(main)) assert.ok(checked.get(op)?.has(status), `${op}: never answered ${status}`);
    // and every documented operation was called at least once
    const uncalled = operations().map((o) => `${o.method} ${o.template}`).filter((k) => !checked.has(k));
    assert.deepEqual(uncalled, [], 'operations this test never calls: add a call');
    const answers = [...checked.values()].reduce((n, s) => n + s.size, 0);
    console.log(`# ${checked.size} operations, ${answers} (operation, status) pairs checked against the document`);
  });
});
