// Browser tests of the worker's tablet and phone at 1280×800 and 800×1280 (tablets) and
// 390×844 (a phone), with nine open cases: no horizontal scroll; the top bar fits (退出
// visible and clickable); cards keep their height and the list scrolls; no text drawn over
// other text or out of its card; no squeezed text; every button, link and input at least
// 44×44 px; on the phone list → case → back, the work area full width and no "请从左侧选择";
// toasts in a dock that covers nothing, with a close button, going by themselves; the
// reporter's phone masked unless the category calls back (then a tap to call); the
// after-photo a category requires (set on the 类别与时限 screen), the photo full size, and
// before and after side by side for the operator who verifies.
//   node tests/ui/worker.mjs --bin build/release/app/gridkeeper --ui build/release/ui [--artifacts DIR] [--only NAME]
import { startServer, PASSWORD } from './server.mjs';
import { smallCity } from './city.mjs';
import { makePng } from './png.mjs';
import { Run, options, check, waitFor, login as loginAs } from './harness.mjs';

const { bin, uiDir, artifacts, only } = options();
const run = new Run({ artifacts, only, hardLimitMs: 280_000, owns: (f) => f.startsWith('worker-') });
const { log, test, shot, newPage } = run;
const login = (page, url, username) => loginAs(page, url, username, PASSWORD);
await run.launch();

const city = smallCity();
const centre = city.cells.find((c) => c.c === 2 && c.r === 1);
const owner = centre.owner.id;
const users = [
  { username: 'admin', role: 'admin' },
  { username: 'op', role: 'operator', scope: city.district.code },
  { username: 'worker', role: 'worker', worker: owner },
];
const SIZES = [
  { name: 'tablet-landscape', width: 1280, height: 800 },
  { name: 'tablet-portrait', width: 800, height: 1280 },
  { name: 'phone', width: 390, height: 844, phone: true },
];
const PHONE = '13912345678';

// What the page looks like, measured in the page: every problem found, as words.
function layoutProblems() {
  const out = [];
  const visible = (el) => {
    if (!el.isConnected) return false;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const name = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} "${(el.textContent || el.value || '').trim().slice(0, 24)}"`;
  const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
  const meet = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  if (document.scrollingElement.scrollWidth > innerWidth) out.push(`horizontal scroll: ${document.scrollingElement.scrollWidth} > ${innerWidth}`);
  // Touch targets.
  for (const el of document.querySelectorAll('button, a, input, select, textarea, label.button')) {
    if (!visible(el) || (el.tagName === 'INPUT' && el.type === 'hidden')) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 44 || r.height < 44) out.push(`target under 44 px: ${name(el)} ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  // Cards: each child inside its card, sibling boxes apart, cards apart.
  const cards = [...document.querySelectorAll('#my-cases .card')].filter(visible);
  let previous = null;
  for (const card of cards) {
    const box = card.getBoundingClientRect();
    if (card.scrollHeight > card.clientHeight + 1) out.push(`card ${card.dataset.caseId} clipped: ${card.scrollHeight} > ${card.clientHeight}`);
    const kids = [...card.querySelectorAll('*')].filter(visible);
    for (const k of kids) if (!inside(k.getBoundingClientRect(), box)) out.push(`out of card ${card.dataset.caseId}: ${name(k)}`);
    const rows = [...card.children].filter(visible);
    for (let i = 0; i < rows.length; i++)
      for (let j = i + 1; j < rows.length; j++)
        if (meet(rows[i].getBoundingClientRect(), rows[j].getBoundingClientRect())) out.push(`overlap in card ${card.dataset.caseId}: ${name(rows[i])} / ${name(rows[j])}`);
    if (previous && box.top < previous.bottom - 1) out.push(`card ${card.dataset.caseId} drawn over the card above`);
    previous = box;
  }
  // Text: leaves with text at least a line tall and a few characters wide; siblings apart.
  // (The map's own labels are the map's business: they are placed to avoid each other.)
  const texts = [...document.querySelectorAll('#app *, .toasts *, .dialog *')].filter((el) => visible(el) && !el.closest('.leaflet-pane')
    && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim().length > 0));
  for (const el of texts) {
    const r = el.getBoundingClientRect();
    const size = parseFloat(getComputedStyle(el).fontSize);
    const chars = [...el.textContent.trim()].length;
    if (r.height < size * 0.9) out.push(`squeezed (height ${Math.round(r.height)} < font ${size}): ${name(el)}`);
    if (r.width < Math.min(chars, 3) * size * 0.45) out.push(`squeezed (width ${Math.round(r.width)}): ${name(el)}`);
  }
  for (const el of texts) {
    const sibs = [...(el.parentElement?.children || [])].filter((s) => s !== el && texts.includes(s));
    for (const s of sibs)
      if (el.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING && meet(el.getBoundingClientRect(), s.getBoundingClientRect()))
        out.push(`text over text: ${name(el)} / ${name(s)}`);
  }
  return out;
}

let server;
try {
  server = await startServer({ bin, uiDir, city, users, log });
  const api = server.request;
  const intake = (extra = {}) => api('op', 'POST', '/api/v1/cases', {
    lon: centre.centre[0], lat: centre.centre[1], category: 'environment', urgency: 'yellow', title: '垃圾堆放',
    address: '洪前路1号 洪前花园3号楼东侧绿化带', reporter: { name: '张先生', phone: PHONE }, ...extra,
  });
  // Nine open cases of the worker: eight of one kind, one dispute (a category that calls back).
  const made = [];
  for (let i = 0; i < 8; i++)
    made.push(await intake({ title: `第${i + 1}处 小区门口垃圾堆放无人清理，影响通行`, urgency: ['yellow', 'orange', 'red'][i % 3] }));
  const dispute = await intake({ category: 'dispute', title: '邻里噪声纠纷', reporter: { name: '李女士', phone: '13800001111' } });
  check(made.every((c) => c.assignee_id === owner) && dispute.assignee_id === owner, 'every case went to the worker');
  const cats = (await api('admin', 'GET', '/api/v1/categories')).categories;
  check(cats.find((c) => c.id === 'dispute').callback === true, 'disputes call back');
  check(cats.find((c) => c.id === 'environment').callback === false, 'environment does not');

  for (const size of SIZES) {
    let pg;
    await test(`${size.name} ${size.width}×${size.height}: cards keep their height, the list scrolls, nothing overlaps, 44 px targets`, async () => {
      pg = await newPage(`worker-${size.name}`, { width: size.width, height: size.height }, { hasTouch: true, isMobile: !!size.phone });
      const p = pg.page;
      await login(p, server.url, 'worker');
      await p.waitForFunction(() => document.querySelectorAll('#my-cases .card').length >= 9);
      const list = await p.evaluate(() => { const l = document.querySelector('#my-cases'); return { sh: l.scrollHeight, ch: l.clientHeight }; });
      check(list.sh > list.ch, `the list scrolls (${list.sh} > ${list.ch})`);
      const problems = await p.evaluate(layoutProblems);
      check(problems.length === 0, `layout:\n  ${problems.join('\n  ')}`);
      // The top bar fits: 退出 on screen and the element at its centre.
      const logout = p.locator('.topbar button:text("退出")');
      const box = await logout.boundingBox();
      check(box && box.x >= 0 && box.x + box.width <= size.width && box.y >= 0, `退出 is on screen (${JSON.stringify(box)})`);
      check(await p.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest('button')?.textContent === '退出', [box.x + box.width / 2, box.y + box.height / 2]),
        '退出 is what a tap there reaches');
      const pick = await p.evaluate(() => document.body.textContent.includes('请从左侧选择'));
      check(!pick, 'no "请从左侧选择"');
      await shot(p, `worker-${size.name}-1-list`);
    });

    await test(`${size.name}: a case opens (on the phone alone, then back), phone masked or a tap to call`, async () => {
      const p = pg.page;
      const first = made[made.length - 1];
      await p.locator(`.card[data-case-id="${first.id}"]`).scrollIntoViewIfNeeded();
      await p.tap(`.card[data-case-id="${first.id}"]`);
      await p.waitForSelector(`#case-work .work-head[data-case-id="${first.id}"]`);
      await p.waitForSelector('#case-work .history');
      const masked = await p.textContent('#case-work .phone.masked');
      check(masked.includes('139****5678'), `the phone is masked (${masked})`);
      check(!(await p.evaluate((n) => document.body.textContent.includes(n), PHONE)), 'the whole number is nowhere on the page');
      check(await p.locator('#case-work a[href^="tel:"]').count() === 0, 'a masked number is no link');
      if (size.phone) {
        check(!(await p.locator('#my-cases').isVisible()), 'on the phone the case takes the screen');
        const work = await p.locator('#case-work').boundingBox();
        check(work.width >= size.width - 2, `the work area is full width (${work.width})`);
        check(await p.locator('#back-to-list').isVisible(), 'a way back to the list');
      } else {
        check(!(await p.locator('#back-to-list').isVisible()), 'no back button beside the list');
      }
      const problems = await p.evaluate(layoutProblems);
      check(problems.length === 0, `layout of the case:\n  ${problems.join('\n  ')}`);
      await shot(p, `worker-${size.name}-2-case`);
      if (size.phone) {
        await p.tap('#back-to-list');
        await p.waitForSelector('#my-cases .card');
        check(!(await p.locator('#case-work').isVisible()), 'back on the list, the case is gone');
        check(!(await p.evaluate(() => document.body.textContent.includes('请从左侧选择'))), 'no "请从左侧选择" when stacked');
      }
      // A dispute: the worker calls back, so the whole number is a tap to call, 44 px.
      await p.locator(`.card[data-case-id="${dispute.id}"]`).scrollIntoViewIfNeeded();
      await p.tap(`.card[data-case-id="${dispute.id}"]`);
      const tel = p.locator('#case-work a.tel[href="tel:13800001111"]');
      await tel.waitFor();
      const t = await tel.boundingBox();
      check(t.width >= 44 && t.height >= 44, `the call link is a 44 px target (${t.width}×${t.height})`);
      if (size.phone) await p.tap('#back-to-list');
    });

    await test(`${size.name}: toasts stack in a dock that covers nothing, close and go by themselves`, async () => {
      const p = pg.page;
      // Four new cases at once: the arrival toasts stack, three at most.
      const fresh = [];
      for (let i = 0; i < 4; i++) fresh.push(await intake({ title: `新案件${i + 1}` }));
      await p.waitForFunction(() => document.querySelectorAll('.toast-dock .toast').length >= 3);
      check(await p.locator('.toasts .toast').count() <= 3, 'three toasts at most');
      const covered = await p.evaluate(() => {
        const meet = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
        const work = [...document.querySelectorAll('#my-cases, #case-work, #tablet-map, .topbar')].filter((e) => e.offsetParent !== null || e.classList.contains('topbar'));
        return [...document.querySelectorAll('.toast')].flatMap((t) => work.filter((w) => meet(t.getBoundingClientRect(), w.getBoundingClientRect())).map((w) => w.id || w.className));
      });
      check(covered.length === 0, `toasts cover nothing (${covered.join(', ')})`);
      const problems = await p.evaluate(layoutProblems);
      check(problems.length === 0, `layout with toasts:\n  ${problems.join('\n  ')}`);
      await shot(p, `worker-${size.name}-3-toasts`);
      const before = await p.locator('.toast').count();
      await p.locator('.toast .toast-close').first().tap();
      await waitFor(async () => (await p.locator('.toast').count()) < before, 'the closed toast is gone');
      await p.waitForSelector('.toast', { state: 'detached', timeout: 20000 });
      for (const c of fresh) await api('op', 'POST', `/api/v1/cases/${c.id}/transitions`, { action: 'cancel', version: c.version, note: '重复上报' });
      await p.waitForFunction((n) => document.querySelectorAll('#my-cases .card').length === n, made.length + 1);
      await p.waitForSelector('.toast', { state: 'detached', timeout: 20000 });
    });
  }

  await test('an admin requires an after-photo on the 类别与时限 screen; the resolve asks for it; the photo opens full size', async () => {
    const ad = await newPage('admin', { width: 1600, height: 900 });
    await login(ad.page, server.url, 'admin');
    await ad.page.waitForSelector('.topbar nav a[data-nav=categories]');
    await ad.page.click('.topbar nav a[data-nav=categories]');
    const row = ad.page.locator('#categories-table tr[data-category=environment]');
    await row.locator('select[name=after_photo]').selectOption('required');
    await row.locator('[data-action=save]').click();
    await waitFor(async () => (await api('admin', 'GET', '/api/v1/categories')).categories
      .find((c) => c.id === 'environment').after_photo === 'required', 'the rule is stored');
    await shot(ad.page, 'worker-4-categories');

    const pg = await newPage('worker-photo', { width: 390, height: 844 }, { hasTouch: true, isMobile: true });
    const p = pg.page;
    await login(p, server.url, 'worker');
    const c = made[0];
    await p.waitForSelector(`.card[data-case-id="${c.id}"]`);
    await p.tap(`.card[data-case-id="${c.id}"]`);
    await p.tap('#case-work [data-action=accept]');
    await p.waitForSelector('#case-work .work-head[data-state=accepted]');
    await waitFor(async () => (await api('worker', 'GET', `/api/v1/cases/${c.id}`)).state === 'accepted', 'accepted on the server');
    await p.waitForSelector('#case-work [data-action=resolve]:not([disabled])');
    await p.tap('#case-work [data-action=resolve]');
    const photo = p.locator('.dialog input[type=file][name=photo]');
    await photo.waitFor();
    check(await photo.evaluate((e) => e.required), 'the after-photo is required');
    check((await p.textContent('.dialog')).includes('须附处置后照片'), 'the dialog says why');
    const problems = await p.evaluate(layoutProblems);
    check(problems.length === 0, `layout of the dialog:\n  ${problems.join('\n  ')}`);
    await shot(p, 'worker-5-resolve-dialog');
    // Without the photo the dialog stays and nothing is sent.
    await p.click('.dialog button[type=submit]');
    check(await p.locator('.dialog').count() === 1, 'no photo, no resolve');
    await photo.setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: makePng(800, 600) });
    await p.fill('.dialog textarea[name=note]', '垃圾已清运');
    await p.click('.dialog button[type=submit]');
    await waitFor(async () => (await api('worker', 'GET', `/api/v1/cases/${c.id}`)).state === 'resolved', 'resolved with its after-photo');
    const full = await api('op', 'GET', `/api/v1/cases/${c.id}`);
    check(full.photos.length === 1 && full.photos[0].stage === 'after', 'the photo is the after-photo');
    // The worker's own photos open full size, and close.
    await p.tap(`.card[data-case-id="${c.id}"]`).catch(() => {});
    await p.waitForSelector('#work-photos .photo-thumb img[src^="blob:"]');
    await p.tap('#work-photos .photo-thumb');
    await p.waitForSelector('.photo-viewer img[src^="blob:"]');
    const v = await p.locator('.photo-viewer img').boundingBox();
    check(v.width >= 360, `the photo is shown across the screen (${v.width} px wide)`);
    const natural = await p.locator('.photo-viewer img').evaluate((e) => e.naturalWidth);
    check(natural === 800, `the photo is the full-size one, not a thumbnail (${natural} px)`);
    await shot(p, 'worker-6-viewer');
    await p.tap('.photo-viewer .viewer-close');
    await p.waitForSelector('.photo-viewer', { state: 'detached' });

    // The operator who verifies sees before and after side by side.
    const op = await newPage('operator', { width: 1600, height: 900 });
    await login(op.page, server.url, 'op');
    await op.page.click('[data-tab=cases]');
    await op.page.waitForSelector(`#case-list tr[data-case-id="${c.id}"]`);
    await op.page.click(`#case-list tr[data-case-id="${c.id}"]`);
    await op.page.waitForSelector('.case-detail .before-after [data-stage=after] img[src^="blob:"]');
    const cols = await op.page.evaluate(() => [...document.querySelectorAll('.case-detail .before-after .ba-column')].map((e) => e.getBoundingClientRect()));
    check(cols.length === 2 && Math.abs(cols[0].top - cols[1].top) < 2 && cols[0].right <= cols[1].left + 1, 'before and after side by side');
    await shot(op.page, 'worker-7-before-after');
    // The operator sees the whole number.
    check((await op.page.textContent('.case-detail')).includes(PHONE), 'the operator sees the whole phone');
  });

  log('done');
} catch (e) {
  run.fail('setup', e);
} finally {
  await server?.stop();
}

await run.noProblems(uiDir);
await run.finish('worker browser tests');
