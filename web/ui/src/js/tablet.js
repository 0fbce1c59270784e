// 网格员 — the worker's tablet: my cases sorted by time left, big buttons to accept, note,
// photograph, resolve or return, my grid on the map, and new cases arriving with a sound.
// Every action goes through the outbox, so a brief network loss loses nothing.
import { h, clear, stateBlock, toast, fill, add, toastDock } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { createMap, AreaLayer, labelBox, gridTitle, L, fitWhenSized } from './map.js';
import { addressWithNavigate, zoomToCase } from './navigate.js';
import { loadRefs } from './refs.js';
import { Outbox, shrinkPhoto } from './offline.js';
import { beep, audioReady, unlockAudio } from './sound.js';
import { actorName, pendingDeferral } from './case_detail.js';
import { leaveLine } from './leave.js';
import { thumb } from './photos.js';
import { askFor, reporterLine, kv, stepFor, applyLocally } from './tablet_parts.js';
import {
  URGENCY_COLOURS, OPEN_STATES, fmtTime, timeLeft, timeLeftMs, urgencyBadge, stateName, tierName, eventName,
  categoryName,
} from './format.js';

const SHOWN = 30;  // cards shown before "show more"

export async function mount(main, ctx) {
  const refs = await loadRefs();
  const s = new Tablet(main, { ...ctx, refs });
  await s.start();
  return s;
}

class Tablet {
  // The worker's own current and upcoming leave, above its cases.
  async loadLeave() {
    if (!this.user.worker_id) return;
    try {
      const r = await api(`/api/v1/workers/${encodeURIComponent(this.user.worker_id)}/leave`);
      const shown = r.items.filter((l) => l.state === 'current' || l.state === 'upcoming').reverse();
      this.leaveBox.hidden = !shown.length;
      fill(this.leaveBox, shown.length ? h('b', {}, t('leave.mine')) : null,
        shown.map((l) => h('div', { class: 'leave-item', dataset: { leaveId: l.id, state: l.state } }, leaveLine(l))));
    } catch { /* offline: shown again on the next look */ }
  }

  constructor(main, { config, feed, user, refs }) {
    Object.assign(this, { main, config, feed, user, refs });
    this.cases = new Map();
    this.selected = null;
    this.limit = SHOWN;
    this.fresh = new Set();  // cases that arrived live and were not opened yet
    this.urged = new Set();  // cases a supervisor urged (催办) that were not opened since
    this.outbox = new Outbox(`gk.outbox.${user.worker_id || user.id}`);
    this.timers = [];
  }

  async start() {
    this.banner = h('div', { class: 'net-banner', hidden: true, role: 'status', id: 'net-banner' });
    this.list = h('div', { class: 'cards', id: 'my-cases' });
    this.count = h('span', { class: 'count' });
    this.work = h('section', { class: 'work', id: 'case-work' });
    const mapEl = h('div', { class: 'map', id: 'tablet-map' });
    // Toasts stack here, in the flow of the page, so they cover nothing of the work.
    this.dock = h('div', { class: 'toast-dock', id: 'toast-dock' });
    toastDock(this.dock);
    // On a phone the list and the case are one screen each: `data-view` says which.
    fill(this.main, this.banner, this.dock, this.layout = h('div', { class: 'tablet-layout', dataset: { view: 'list' } },
      h('section', { class: 'my' },
        h('div', { class: 'my-head' }, h('h2', {}, t('tablet.mine'), this.count),
          this.soundButton = h('button', { class: 'secondary', hidden: audioReady(), onclick: () => { unlockAudio(); this.soundButton.hidden = true; } }, t('tablet.sound_on')),
          h('span', { class: 'muted small' }, t('tablet.sorted'))),
        this.leaveBox = h('div', { class: 'my-leave', id: 'my-leave', hidden: true }),
        this.list),
      h('div', { class: 'right' }, mapEl, this.work)));

    this.map = createMap(mapEl, this.config);
    this.grids = new AreaLayer(this.map, {
      style: () => ({ color: '#1565c0', weight: 2, fillColor: '#90caf9', fillOpacity: 0.25 }),
      label: (f) => labelBox(gridTitle(f.properties), f.properties.owner_id === this.user.worker_id ? t('tablet.my_grid') : t('tablet.backup_grid')),
      labelMinPx: 50,
    });
    this.grids.setData(this.refs.gridsGeo);
    if (this.grids.byId.size) fitWhenSized(this.map, this.grids.bounds(), { padding: [20, 20], maxZoom: 16, animate: false });
    this.markers = L.layerGroup().addTo(this.map);
    this.renderWork();

    this.onCase = (e) => this.live(e.detail);
    this.onReady = () => { this.outbox.flush(); if (this.synced) this.load(); this.synced = true; };
    this.onStatus = () => this.renderBanner();
    this.feed.addEventListener('case', this.onCase);
    this.feed.addEventListener('ready', this.onReady);
    this.feed.addEventListener('status', this.onStatus);
    this.synced = this.feed.online;
    this.onNet = () => this.renderBanner();
    window.addEventListener('online', this.onNet);
    window.addEventListener('offline', this.onNet);
    this.outbox.addEventListener('change', () => { this.renderBanner(); this.renderList(); });
    this.outbox.addEventListener('sent', (e) => this.sent(e.detail));
    this.outbox.addEventListener('refused', (e) => this.refused(e.detail));
    this.timers.push(setInterval(() => this.renderList(), 30000));
    // Should a change slip by (a feed that dropped), the list is fetched again now and then.
    this.timers.push(setInterval(() => { if (this.feed.online && !this.outbox.size) this.load(); }, 60000));
    this.renderBanner();
    this.loadLeave();
    this.timers.push(setInterval(() => this.loadLeave(), 60000));
    await this.load();
    this.outbox.flush();
  }

  destroy() {
    this.feed.removeEventListener('case', this.onCase);
    this.feed.removeEventListener('ready', this.onReady);
    this.feed.removeEventListener('status', this.onStatus);
    window.removeEventListener('online', this.onNet);
    window.removeEventListener('offline', this.onNet);
    this.outbox.destroy();
    this.timers.forEach(clearInterval);
    toastDock(null);
    this.map?.remove();
  }

  async load() {
    if (!this.cases.size) fill(this.list, stateBlock('loading', t('tablet.loading')));
    try {
      const all = [];
      let after = null;
      // A worker holds few open cases; pages of 100 until done (bounded).
      for (let page = 0; page < 10; page++) {
        const r = await api(`/api/v1/cases?open=true&limit=100${after ? `&after=${after}` : ''}`);
        all.push(...r.cases);
        after = r.next_after;
        if (!after) break;
      }
      this.cases = new Map(all.map((c) => [c.id, this.withPending(c)]));
      this.renderList();
      if (this.selected && this.cases.has(this.selected)) this.openCase(this.selected, false);
      else if (this.selected) { this.selected = null; this.renderWork(); }
    } catch (e) {
      if (!this.cases.size) fill(this.list, stateBlock('error', e.offline ? t('tablet.offline_empty') : e.message, () => this.load()));
    }
  }

  // The case as it will be once the queued actions are sent.
  withPending(c) {
    let x = { ...c };
    // An item based on an older version than the server's has been applied already.
    for (const item of this.outbox.pendingFor(c.id))
      if (item.kind === 'transition' && item.version >= x.version) x = applyLocally(x, item, this.user);
    return x;
  }

  sorted() {
    return [...this.cases.values()].sort((a, b) => {
      const la = timeLeftMs(a), lb = timeLeftMs(b);
      if (la === null && lb === null) return b.id - a.id;
      if (la === null) return 1;
      if (lb === null) return -1;
      return la - lb;
    });
  }

  renderList() {
    const all = this.sorted();
    this.count.textContent = all.length ? ` ${all.length}` : '';
    clear(this.list);
    if (!all.length) {
      this.list.append(stateBlock('empty', t('tablet.empty')));
    } else {
      for (const c of all.slice(0, this.limit)) this.list.append(this.card(c));
      if (all.length > this.limit)
        this.list.append(h('button', { class: 'secondary big', onclick: () => { this.limit += SHOWN; this.renderList(); } },
          t('tablet.more', { n: all.length - this.limit })));
    }
    this.drawMarkers();
  }

  card(c) {
    const left = timeLeft(c);
    const pending = this.outbox.pendingFor(c.id).length;
    const grid = this.refs.grids.get(c.grid_id);
    return h('button', {
      class: ['card', `urgency-edge-${c.urgency}`, this.fresh.has(c.id) ? 'new' : '', c.id === this.selected ? 'selected' : ''].join(' '),
      dataset: { caseId: c.id, state: c.state, urgency: c.urgency },
      onclick: () => this.openCase(c.id),
    },
    h('div', { class: 'card-top' }, urgencyBadge(c.urgency, true),
      this.fresh.has(c.id) ? h('span', { class: 'chip chip-new' }, t('tablet.new')) : null,
      this.urged.has(c.id) ? h('span', { class: 'chip chip-urged', dataset: { urged: 'true' } }, t('sup.urged_badge')) : null,
      h('span', { class: `time-left big ${left.cls}`, dataset: { clock: left.overdue ? 'over' : 'left' } }, left.text)),
    h('div', { class: 'card-title' }, `#${c.id} ${c.title}`),
    left.due ? h('div', { class: 'muted small', dataset: { field: 'due' } }, left.due) : null,
    h('div', { class: 'muted' }, [c.address, grid?.name].filter(Boolean).join(' · ') || '—'),
    h('div', { class: 'chips' },
      h('span', { class: `chip state-${c.state}` }, stateName(c.state)),
      c.tier !== 'worker' ? h('span', { class: 'chip chip-over' }, tierName(c.tier)) : null,
      left.overdue ? h('span', { class: 'chip chip-over' }, t('case.overdue')) : c.warned ? h('span', { class: 'chip chip-warn' }, t('case.warned')) : null,
      c.paused_at ? h('span', { class: 'chip chip-paused', dataset: { paused: 'true' } }, t('case.paused')) : null,
      pending ? h('span', { class: 'chip chip-pending', dataset: { pending } }, t('tablet.pending', { n: pending })) : null));
  }

  drawMarkers() {
    this.markers.clearLayers();
    for (const c of this.cases.values()) {
      if (!Number.isFinite(c.lat)) continue;
      const m = L.circleMarker([c.lat, c.lon], {
        renderer: this.map.casesRenderer, pane: 'cases',
        radius: c.id === this.selected ? 13 : 9, color: '#fff', weight: 3,
        fillColor: URGENCY_COLOURS[c.urgency], fillOpacity: 1,
      });
      m.on('click', () => this.openCase(c.id));
      this.markers.addLayer(m);
    }
  }

  renderBanner() {
    const offline = navigator.onLine === false || !this.feed.online;
    const n = this.outbox.size;
    this.banner.hidden = !offline && !n;
    this.banner.dataset.offline = String(offline);
    this.banner.dataset.pending = String(n);
    this.banner.textContent = offline
      ? (n ? t('tablet.offline_pending', { n }) : t('tablet.offline'))
      : t('tablet.sending', { n });
  }

  // ---- live ----

  live(m) {
    const c = m.case;
    const mine = c.assignee_id === this.user.worker_id && OPEN_STATES.includes(c.state);
    const had = this.cases.has(c.id);
    if (!mine) {
      if (had) {
        this.cases.delete(c.id);
        this.fresh.delete(c.id);
        // Closed after the worker's own resolve is the expected end; anything else is news.
        if (c.state !== 'closed') toast(t('tablet.case_gone', { id: c.id }), 'info', 6000);
        if (this.selected === c.id) {
          this.selected = null;
          this.renderWork();
        }
      }
      return this.renderList();
    }
    const before = this.cases.get(c.id);
    if (before && before.version > c.version && !this.outbox.pendingFor(c.id).length) return;
    this.cases.set(c.id, this.withPending(c));
    if (!had) this.arrived(c);
    else if (m.type === 'case.urged') this.urgedNow(c, m.note);
    else if (m.type === 'case.escalated' || m.type === 'case.warned') toast(t(`tablet.${m.type === 'case.warned' ? 'warned' : 'escalated'}`, { id: c.id }), 'warn', 6000);
    this.renderList();
    // The history too: it tells whether a deferral asked for is still waiting.
    if (this.selected === c.id) this.openCase(c.id);
  }

  // 催办: a sound, a badge on the card until it is opened, and the supervisor's note.
  urgedNow(c, note) {
    this.urged.add(c.id);
    beep();
    toast(t('sup.urged_toast', { id: c.id, note: note || '' }), 'warn', 8000);
  }

  arrived(c) {
    this.fresh.add(c.id);
    beep();
    toast(t('tablet.arrived', { id: c.id, title: c.title }), 'new', 8000);
    if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
  }

  // ---- one case ----

  async openCase(id, fetchFull = true) {
    this.selected = id;
    this.fresh.delete(id);
    this.urged.delete(id);
    this.renderList();
    const c = this.cases.get(id);
    if (!c) return this.renderWork();
    this.renderWork(c, this.full?.id === id ? this.full : null);
    zoomToCase(this.map, c);
    if (!fetchFull) return;
    try {
      const full = await api(`/api/v1/cases/${id}`);
      this.full = full;
      if (this.selected === id) this.renderWork(this.cases.get(id) || full, full);
    } catch (e) {
      if (e.status === 404) {
        toast(t('tablet.case_gone', { id }), 'info', 6000);
        this.cases.delete(id);
        this.selected = null;
        this.renderList();
        this.renderWork();
      }
    }
  }

  renderWork(c, full) {
    clear(this.work);
    const view = c ? 'case' : 'list';
    if (this.layout.dataset.view !== view) {
      this.layout.dataset.view = view;
      // On a phone the map was hidden with the list: it measures itself again when shown.
      requestAnimationFrame(() => this.map?.invalidateSize());
    }
    if (!c) {
      this.work.append(stateBlock('empty', t('tablet.pick_any')));
      return;
    }
    const pending = this.outbox.pendingFor(c.id);
    const left = timeLeft(c);
    // A deferral asked for and not yet answered: from the history, or still in the outbox.
    const asked = (full?.id === c.id && full.version === c.version ? pendingDeferral(full) : null)
      || pending.find((i) => i.action === 'request_deferral') || (c.deferralAsked ? { note: c.deferralAsked } : null);
    // What the worker may do is the server's word (`allowed_actions`). Only while steps of
    // its own wait in the outbox (offline) does the tablet go by the state they will leave,
    // and then by the lifecycle rows the server serves with the user (`steps`). A photo is
    // no row (the server allows it on any open case the worker holds, resolved included, so
    // "where a note step exists" would not be the same rule): it stays as the last read said.
    const queued = pending.some((i) => i.kind === 'transition');
    const can = (a) => (queued && a !== 'photo' ? !!stepFor(this.user, c, a) : (c.allowed_actions || []).includes(a))
      && !(a === 'request_deferral' && asked);
    const big = (action, cls) => h('button', {
      class: `big ${cls}`, dataset: { action }, disabled: !can(action), onclick: () => this.act(c, action),
    }, t(`tablet.${action}`));
    const camera = h('input', { type: 'file', accept: 'image/*', capture: 'environment', hidden: true, dataset: { input: 'photo' },
      onchange: (e) => { const file = e.target.files?.[0]; e.target.value = ''; if (file) this.photo(c, file); } });
    const photoButton = h('label', { class: `big secondary button${can('photo') ? '' : ' disabled'}`, dataset: { action: 'photo' } },
      t('tablet.photo'), can('photo') ? camera : null);
    const photos = full?.photos || [];
    add(this.work,
      h('button', { class: 'secondary back', id: 'back-to-list', onclick: () => this.closeCase() }, t('tablet.back')),
      h('div', { class: 'work-head', dataset: { caseId: c.id, state: c.state } }, urgencyBadge(c.urgency, true),
        h('h2', {}, `#${c.id} ${c.title}`), h('span', { class: `time-left big ${left.cls}`, dataset: { clock: left.overdue ? 'over' : 'left' } }, left.text)),
      h('div', { class: 'chips' },
        h('span', { class: `chip state-${c.state}`, dataset: { field: 'state' } }, stateName(c.state)),
        h('span', { class: 'chip' }, categoryName(this.refs.categories, c.category)),
        pending.length ? h('span', { class: 'chip chip-pending' }, t('tablet.pending', { n: pending.length })) : null),
      c.paused_at ? h('div', { class: 'deferral-box paused', dataset: { paused: 'true' }, role: 'status' },
        h('b', {}, t('tablet.paused')), h('div', {}, t('deferral.paused_since', { at: fmtTime(c.paused_at) }))) : null,
      asked && !c.paused_at ? h('div', { class: 'deferral-box', dataset: { deferralAsked: 'true' }, role: 'status' },
        h('b', {}, t('tablet.deferral_asked')), asked.note ? h('div', { class: 'note' }, asked.note) : null) : null,
      h('div', { class: 'buttons' }, big('accept', 'primary'), big('resolve', 'primary'), big('note', 'secondary'), photoButton,
        big('request_deferral', 'secondary'), big('return', 'danger')),
      h('dl', { class: 'kvs' },
        kv(t('case.address'), addressWithNavigate(c)),
        kv(t('case.description'), c.description),
        kv(t('case.reporter'), reporterLine(c.reporter)),
        // While paused the deadlines do not hold: they move by the pause when it ends.
        kv(t('case.accept_by'), c.state === 'dispatched' && !c.paused_at ? fmtTime(c.accept_by) : null),
        kv(t('case.resolve_by'), c.paused_at ? null : fmtTime(c.resolve_by)),
        kv(t('case.return_reason'), c.return_reason)),
      photos.length ? h('div', { class: 'photos', id: 'work-photos' }, photos.map(thumb)) : null,
      full?.events ? h('ol', { class: 'history' }, full.events.slice().reverse().map((e) => h('li', {},
        h('time', {}, fmtTime(e.at)), h('b', {}, eventName(e.type)), ' ', h('span', { class: 'muted small' }, actorName(e.actor)),
        e.note ? h('div', { class: 'note' }, e.note) : null))) : null);
  }

  async act(c, action) {
    // What the step needs asked first: a note, a reason, the after-photo of a resolve.
    const after = (this.full?.id === c.id ? this.full.photos || [] : []).filter((p) => p.stage === 'after').length;
    const asked = await askFor(action, this.refs.categories.get(c.category), after);
    if (!asked) return;
    const { note } = asked;
    // A photo taken now goes through the outbox ahead of the resolve.
    if (asked.photo && !(await this.photo(c, asked.photo))) return;
    const local = this.cases.get(c.id) || c;
    const item = { caseId: c.id, kind: 'transition', action, version: local.version, note };
    try {
      this.outbox.add(item);
    } catch {
      return toast(t('tablet.outbox_full'), 'error', 8000);
    }
    const next = applyLocally(local, item, this.user);
    if (action === 'return') {
      this.cases.delete(c.id);
      this.selected = null;
    } else {
      this.cases.set(c.id, next);
    }
    if (navigator.onLine === false || !this.feed.online) toast(t('tablet.queued'), 'warn');
    this.renderList();
    this.selected ? this.renderWork(next, this.full?.id === c.id ? this.full : null) : this.renderWork();
  }

  // Queues a photo; whether it was queued.
  async photo(c, file) {
    let data;
    try {
      data = await shrinkPhoto(file);
    } catch {
      toast(t('tablet.photo_bad'), 'error', 6000);
      return false;
    }
    try {
      this.outbox.add({ caseId: c.id, kind: 'photo', type: 'image/jpeg', data });
    } catch {
      toast(t('tablet.outbox_full'), 'error', 8000);
      return false;
    }
    toast(navigator.onLine === false ? t('tablet.queued') : t('tablet.photo_sending'), 'info');
    return true;
  }

  // Back to the list (on a phone, where the case took the whole screen).
  closeCase() {
    this.selected = null;
    this.renderList();
    this.renderWork();
  }

  sent({ item, result }) {
    if (item.kind === 'photo') {
      toast(t('tablet.photo_done', { id: item.caseId }), 'ok');
    } else {
      toast(t('toast.done', { action: t(`tablet.${item.action}`), id: item.caseId }), 'ok');
      if (result && result.assignee_id === this.user.worker_id && OPEN_STATES.includes(result.state))
        this.cases.set(result.id, this.withPending(result));
      else if (result) this.cases.delete(result.id);
    }
    this.renderList();
    if (this.selected === item.caseId) this.openCase(item.caseId);
  }

  async refused({ item, error, dropped }) {
    const what = dropped.map((i) => (i.kind === 'photo' ? t('tablet.photo') : t(`tablet.${i.action}`))).join('、');
    const why = error.code === 'stale_version' ? t('tablet.stale', { id: item.caseId }) : error.message;
    toast(`${why} ${t('tablet.not_sent', { what })}`, 'error', 12000);
    const box = h('div', { class: 'state state-error', role: 'alert', dataset: { state: 'refused', caseId: item.caseId, code: error.code } },
      `${why} ${t('tablet.not_sent', { what })}`);
    this.banner.after(box);
    setTimeout(() => box.remove(), 15000);
    // Show the case as it really is now.
    try {
      const c = await api(`/api/v1/cases/${item.caseId}`);
      if (c.assignee_id === this.user.worker_id && OPEN_STATES.includes(c.state)) this.cases.set(c.id, this.withPending(c));
      else this.cases.delete(c.id);
    } catch (e) {
      if (e.status === 404) this.cases.delete(item.caseId);
    }
    this.renderList();
    if (this.selected === item.caseId) this.openCase(item.caseId);
  }
}
