// 督办 — the supervisor's overdue map: grids, communities or streets (by zoom or by the
// switch) filled by how much of them is overdue and outlined by their most urgent case
// (overdue_list.js), the list of overdue cases with 催办, counts of warned and overdue cases by
// colour, an area's cases and workers on a click, live as cases escalate and close, and
// the emergency mode switch (平战切换) for the supervisor's jurisdiction.
import { h, clear, stateBlock, toast, dialog, debounce, fill } from './dom.js';
import { t } from './i18n.js';
import { api, query } from './api.js';
import { createMap, AreaLayer, labelBox, fitWhenSized } from './map.js';
import { Outlines } from './outlines.js';
import { CaseMarkers } from './case_markers.js';
import { loadRefs } from './refs.js';
import { CaseDetail } from './case_detail.js';
import { AttentionList } from './attention.js';
import { AssessmentView } from './assessment.js';
import { URGENCIES, fmtTime, timeLeft, urgencyBadge, stateName, tierName } from './format.js';
import { OverdueList, stepLegend, stepStyle, DEFAULT_STEPS } from './overdue_list.js';

const LEVELS = ['street', 'community', 'grid'];
const AREA_PAGE = 20;

export async function mount(main, ctx) {
  const refs = await loadRefs({ grids: true });
  const s = new OverdueMap(main, { ...ctx, refs });
  await s.start();
  return s;
}

// The worst colour among an area's cases that are `kind` (overdue or warned).
export function worst(p, kind) {
  if (!p?.by_urgency) return null;
  for (const u of [...URGENCIES].reverse()) if (p.by_urgency[u]?.[kind] > 0) return u;
  return null;
}

class OverdueMap {
  constructor(main, { config, feed, user, refs }) {
    Object.assign(this, { main, config, feed, user, refs });
    this.mode = 'auto';  // or a fixed level
    this.level = null;
    this.geo = {};  // level → FeatureCollection (shapes alone), kept by the browser and revalidated
    this.counts = new Map();  // area → counts of the current level; an area missing has none
    this.area = null;  // the area opened in the side panel
  }

  async start() {
    const mapEl = h('div', { class: 'map', id: 'overdue-map', dataset: { ready: 'false' } });
    // A change made here comes back on the feed with its areas' counts.
    this.detail = new CaseDetail({ refs: this.refs, user: this.user, onChange: () => {} });
    this.detail.el.hidden = true;
    this.levelSwitch = h('div', { class: 'level-switch', role: 'radiogroup', 'aria-label': t('overdue.level') },
      ['auto', ...LEVELS].map((m) => h('button', {
        role: 'radio', dataset: { level: m }, 'aria-checked': String(m === this.mode),
        onclick: () => this.setMode(m),
      }, t(`overdue.level_${m}`))));
    this.summary = h('div', { class: 'summary', id: 'overdue-summary' });
    this.areaPanel = h('div', { class: 'area-panel', id: 'area-panel' }, stateBlock('empty', t('overdue.pick_area')));
    this.modeBox = h('div', { class: 'mode-box', id: 'mode-box' });
    this.emergencyBanner = h('div', { class: 'emergency-banner', hidden: true, role: 'status' });
    this.attention = new AttentionList({ refs: this.refs, tier: () => this.feed.tier, onOpen: (id) => { this.showTab('overdue'); this.detail.open(id); } });
    this.overdueList = new OverdueList({ onOpen: (id) => this.detail.open(id) });
    const panels = (this.panels = {
      overdue: h('div', { class: 'tab-panel' }, this.modeBox, this.summary, this.areaPanel),
      list: h('div', { class: 'tab-panel', id: 'overdue-list-panel', hidden: true }, this.overdueList.el),
      assessment: h('div', { class: 'tab-panel', id: 'assessment-panel', hidden: true }),
    });
    this.tabButtons = Object.keys(panels).map((name) => h('button', {
      role: 'tab', class: 'tab', dataset: { tab: name }, 'aria-selected': String(name === 'overdue'),
      onclick: () => this.showTab(name),
    }, name === 'list' ? t('sup.tab_list') : t(`overdue.tab_${name}`)));
    this.layout = h('div', { class: 'overdue-layout', dataset: { tab: 'overdue' } },
      h('div', { class: 'map-wrap' }, mapEl, this.levelSwitch, this.legendBox = h('div', { class: 'legend-box' }, this.legend()), this.attention.el, this.detail.el),
      h('section', { class: 'side' }, h('div', { class: 'tabs', role: 'tablist' }, this.tabButtons), ...Object.values(panels)));
    fill(this.main, this.emergencyBanner, this.layout);

    this.map = createMap(mapEl, this.config);
    this.layer = new AreaLayer(this.map, {
      style: (f) => this.style(f),
      label: (f) => this.label(f),
      onClick: (f) => this.openArea(String(f.id ?? f.properties.id)),
      labelMinPx: 64,
    });
    this.outlines = new Outlines(this.map, { labels: false });
    this.caseMarkers = new CaseMarkers(this.map, { onOpen: (id) => this.detail.open(id) });
    // The levels worth showing: a street level only with more than one street, and so on.
    const streets = this.refs.streets().length, communities = this.refs.communities().length;
    this.autoLevels = LEVELS.filter((l) => l === 'grid' || (l === 'street' ? streets > 1 : communities > 1));
    await this.showLevel(this.autoLevels[0], true);
    mapEl.dataset.ready = 'true';
    this.map.on('zoomend', () => { if (this.mode === 'auto') this.showLevel(this.autoLevel()); });

    this.refreshArea = debounce(() => this.area && this.loadAreaCases(true), 600);
    this.onCase = (e) => this.live(e.detail);
    this.onReady = () => { if (this.synced) { this.loadCounts(); this.loadModes(); } this.synced = true; };
    this.feed.addEventListener('case', this.onCase);
    this.feed.addEventListener('ready', this.onReady);
    this.synced = this.feed.online;
    this.renderModes();
  }

  destroy() {
    this.feed.removeEventListener('case', this.onCase);
    this.feed.removeEventListener('ready', this.onReady);
    this.assessment?.destroy();
    this.map?.remove();
  }

  // The assessment needs the width: its tab gives it the whole screen, the map waits.
  showTab(name) {
    for (const [k, p] of Object.entries(this.panels)) p.hidden = k !== name;
    for (const b of this.tabButtons) b.setAttribute('aria-selected', String(b.dataset.tab === name));
    this.layout.dataset.tab = name;
    if (name === 'list') this.overdueList.load(0);
    if (name === 'assessment') {
      if (!this.assessment) {
        this.assessment = new AssessmentView({ refs: this.refs, user: this.user });
        this.panels.assessment.append(this.assessment.el);
      }
      this.assessment.show();
    }
  }

  // The fill steps (the server's thresholds) and the outlines of urgency.
  legend() {
    return stepLegend(this.steps || DEFAULT_STEPS);
  }

  autoLevel() {
    const z = this.map.getZoom() - (this.baseZoom ?? this.map.getZoom());
    return this.autoLevels[Math.max(0, Math.min(this.autoLevels.length - 1, Math.floor(z + 0.01)))];
  }

  setMode(m) {
    this.mode = m;
    for (const b of this.levelSwitch.children) b.setAttribute('aria-checked', String(b.dataset.level === m));
    this.showLevel(m === 'auto' ? this.autoLevel() : m);
  }

  // Shapes and counts come apart: the shapes (tagged by the server) from the browser's
  // cache when unchanged, the counts fresh, then kept up to date by the feed's deltas.
  async showLevel(level, first = false) {
    if (level === this.level && !first) return;
    this.level = level;
    try {
      const [shapes] = await Promise.all([
        this.geo[level] ?? api(`/api/v1/overdue-map${query({ level, counts: 'false' })}`, { cache: 'no-cache' }),
        this.loadCounts(level),
      ]);
      this.geo[level] = shapes;
      if (this.level !== level) return;
      this.layer.setData(shapes);
      this.main.querySelector('#overdue-map').dataset.level = level;
      this.caseMarkers.show(level === 'grid');  // cases are drawn at grid zoom
      if (first) {
        if (this.layer.byId.size) {
          fitWhenSized(this.map, this.layer.bounds(), { padding: [16, 16], animate: false }, () => { this.baseZoom = this.map.getZoom(); });
        } else {
          this.baseZoom = this.map.getZoom();
        }
      }
      this.renderSummary();
    } catch (e) {
      fill(this.summary, stateBlock('error', e.message, () => this.showLevel(level, first)));
    }
  }

  // All the counts of a level: when it is shown and when the feed comes back (every area in
  // view, zeros included).
  async loadCounts(level = this.level) {
    try {
      const m = await api(`/api/v1/overdue-map${query({ level, geometry: 'false' })}`);
      if (level !== this.level) return;
      this.counts = new Map(m.features.map((f) => [String(f.id), f.properties]));
      if (m.steps && JSON.stringify(m.steps) !== JSON.stringify(this.steps)) {
        this.steps = m.steps;
        fill(this.legendBox, this.legend());
      }
      this.sumAll();
      this.layer.restyleAll();
      this.renderSummary();
      if (this.area) this.renderAreaHead();
    } catch (e) {
      if (!e.offline) console.warn(e);
    }
  }

  // A feed message's new counts of the areas it touched: only those are restyled and relabelled.
  applyAreas(areas) {
    const mine = (areas || []).filter((a) => a.level === this.level);
    if (!mine.length) return;
    if (!this.sum) this.sumAll();
    for (const a of mine) {
      const id = String(a.id);
      this.addToSum(this.counts.get(id), -1);
      if (a.open > 0) this.counts.set(id, a);
      else this.counts.delete(id);
      this.addToSum(a, 1);
    }
    this.renderSummary();
    for (const a of mine) {
      const id = String(a.id);
      this.layer.update(id);
      if (this.area?.id === id) this.renderAreaHead();
    }
  }

  // Filled by how much of the area is overdue (its step), outlined by its most urgent open case.
  style(f) {
    return stepStyle(this.counts.get(String(f.id)), this.area?.id === String(f.id));
  }

  label(f) {
    const id = String(f.id);
    const p = this.counts.get(id) || {};
    // A grid says which grid of which community: 鸿山社区 第3网格.
    const community = this.level === 'grid' && f.properties.community ? this.refs.areaName(f.properties.community) : null;
    const name = community ? `${community} ${f.properties.name}` : f.properties.name || this.refs.areaName(id);
    const sub = p.overdue || p.warned ? t('overdue.label_counts', { o: p.overdue, w: p.warned }) : null;
    const box = labelBox(name, sub);
    box.dataset.worstOverdue = worst(p, 'overdue') || 'none';
    box.dataset.overdue = p.overdue || 0;
    box.dataset.step = p.overdue_step ?? 0;
    return box;
  }

  // The sums of the level's counts: made anew from all of them, or moved by one area's
  // change (sign -1 takes its old counts away, +1 adds its new ones).
  sumAll() {
    this.sum = { total: { open: 0, warned: 0, overdue: 0 }, by: Object.fromEntries(URGENCIES.map((u) => [u, { open: 0, warned: 0, overdue: 0 }])) };
    for (const p of this.counts.values()) this.addToSum(p, 1);
  }

  addToSum(p, sign) {
    if (!p) return;
    const { total, by } = this.sum;
    for (const k of Object.keys(total)) total[k] += sign * (p[k] || 0);
    for (const u of URGENCIES) for (const k of Object.keys(total)) by[u][k] += sign * (p.by_urgency?.[u]?.[k] || 0);
  }

  renderSummary() {
    if (!this.sum) this.sumAll();
    const { total, by } = this.sum;
    fill(this.summary, 
      h('h3', {}, t('overdue.summary')),
      h('table', { class: 'counts' },
        h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, t('overdue.warned')), h('th', {}, t('overdue.overdue')), h('th', {}, t('overdue.open')))),
        h('tbody', {}, URGENCIES.map((u) => h('tr', { dataset: { urgency: u } },
          h('td', {}, urgencyBadge(u)),
          h('td', { dataset: { count: 'warned' } }, by[u].warned),
          h('td', { class: by[u].overdue ? 'hot' : '', dataset: { count: 'overdue' } }, by[u].overdue),
          h('td', { dataset: { count: 'open' } }, by[u].open))),
        h('tr', { class: 'total' }, h('td', {}, t('overdue.total')), h('td', {}, total.warned), h('td', {}, total.overdue), h('td', {}, total.open)))),
      h('p', { class: 'muted small' }, t('sup.overdue_note')),
      total.open === 0 ? stateBlock('empty', t('overdue.none_open')) : null);
  }

  // ---- live ----

  live(m) {
    this.applyAreas(m.areas);
    this.caseMarkers.reload();
    const c = m.case;
    if (this.area && [c.grid_id, c.community, c.street].includes(this.area.id)) this.refreshArea();
    this.detail.refreshIf(c);
    // Escalations to this user's own tier ask for attention; the others only colour the map.
    this.attention.note(m);
  }

  // ---- one area ----

  openArea(id) {
    const before = this.area?.id;
    this.area = { id, level: this.level, cases: [], nextAfter: null, overdueOnly: false };
    if (before) this.layer.restyle(before);
    this.layer.restyle(id);
    this.areaHead = h('div', { class: 'area-head' });
    this.areaCases = h('ul', { class: 'area-cases', id: 'area-cases' });
    this.areaMore = h('button', { class: 'secondary', hidden: true, onclick: () => this.loadAreaCases(false) }, t('list.more'));
    const only = h('input', { type: 'checkbox', onchange: (e) => { this.area.overdueOnly = e.target.checked; this.loadAreaCases(true); } });
    fill(this.areaPanel, this.areaHead,
      h('div', { class: 'area-section' }, h('h4', {}, t('overdue.cases')), h('label', { class: 'check' }, only, t('filter.overdue_only'))),
      this.areaCases, this.areaMore,
      h('h4', {}, t('overdue.workers')), this.workersOf(id, this.level));
    this.renderAreaHead();
    this.loadAreaCases(true);
  }

  renderAreaHead() {
    const id = this.area.id;
    const p = this.counts.get(id) || {};
    const name = this.layer.feature(id)?.properties.name || this.refs.areaName(id);
    fill(this.areaHead, 
      h('h3', { dataset: { area: id } }, name, ' ', h('span', { class: 'muted small' }, t(`overdue.level_${this.area.level}`))),
      h('div', { class: 'chips' },
        h('span', { class: 'chip' }, t('overdue.open_n', { n: p.open || 0 })),
        h('span', { class: 'chip chip-warn' }, t('overdue.warned_n', { n: p.warned || 0 })),
        h('span', { class: 'chip chip-over' }, t('overdue.overdue_n', { n: p.overdue || 0 }))));
  }

  async loadAreaCases(reset) {
    const a = this.area;
    if (!a) return;
    const scopeParam = a.level === 'grid' ? { grid: a.id } : { scope: a.id };
    if (reset) { a.cases = []; a.nextAfter = null; }
    const token = (a.token = (a.token || 0) + 1);
    if (reset) fill(this.areaCases, h('li', {}, stateBlock('loading', t('list.loading'))));
    try {
      const r = await api(`/api/v1/cases${query({ ...scopeParam, open: 'true', overdue: a.overdueOnly ? 'true' : '', limit: AREA_PAGE, after: reset ? null : a.nextAfter })}`);
      if (this.area !== a || token !== a.token) return;
      a.cases.push(...r.cases);
      a.nextAfter = r.next_after;
      clear(this.areaCases);
      if (!a.cases.length) this.areaCases.append(h('li', {}, stateBlock('empty', t('overdue.area_empty'))));
      for (const c of a.cases) {
        const left = timeLeft(c);
        this.areaCases.append(h('li', {
          class: 'area-case', dataset: { caseId: c.id, urgency: c.urgency }, tabindex: 0,
          onclick: () => this.detail.open(c.id),
        }, urgencyBadge(c.urgency), h('span', { class: 'title' }, `#${c.id} ${c.title}`),
        h('span', { class: 'chip' }, stateName(c.state)), h('span', { class: 'chip' }, tierName(c.tier)),
        h('span', { class: `time-left ${left.cls}` }, left.text),
        h('div', { class: 'muted small' }, `${this.refs.workerName(c.assignee_id) || t('case.unassigned')} · ${fmtTime(c.created_at)}`)));
      }
      this.areaMore.hidden = !a.nextAfter;
    } catch (e) {
      if (this.area === a) fill(this.areaCases, h('li', {}, stateBlock('error', e.message, () => this.loadAreaCases(reset))));
    }
  }

  workersOf(id, level) {
    const refs = this.refs;
    let ids = [];
    if (level === 'grid') {
      const g = refs.grids.get(id);
      ids = [g?.owner_id, g?.backup_id].filter(Boolean);
    } else {
      const communities = level === 'community' ? new Set([id]) : new Set(refs.communities(id).map((j) => j.code));
      ids = [...refs.workers.values()].filter((w) => communities.has(w.community)).map((w) => w.id);
    }
    if (!ids.length) return stateBlock('empty', t('overdue.no_workers'));
    const g = level === 'grid' ? refs.grids.get(id) : null;
    return h('ul', { class: 'workers', id: 'area-workers' }, ids.slice(0, 200).map((wid) => {
      const w = refs.workers.get(wid);
      const post = g ? (g.owner_id === wid ? t('intake.owner') : t('intake.backup')) : null;
      return h('li', { dataset: { worker: wid } }, h('b', {}, w?.name || wid), post ? ` · ${post}` : '',
        w ? h('span', { class: `chip duty-${w.status}` }, t(`duty.${w.status}`)) : null,
        w ? h('span', { class: 'muted small' }, t('dialog.load', { n: w.open_cases ?? 0 })) : null,
        w?.phone ? h('a', { href: `tel:${w.phone}`, class: 'small' }, w.phone) : null);
    }));
  }

  // ---- emergency mode ----

  switchable() {
    const js = [...this.refs.jurisdictions.values()];
    if (this.user.scope) return js.filter((j) => j.code === this.user.scope && (j.level === 'street' || j.level === 'district'));
    // Unscoped: the district (the server decides whether the user may switch it).
    return js.filter((j) => j.level === 'district');
  }

  async loadModes() {
    try {
      const r = await api('/api/v1/jurisdictions');
      for (const j of r.jurisdictions) this.refs.jurisdictions.set(j.code, j);
      this.renderModes();
    } catch { /* shown as it was */ }
  }

  renderModes() {
    const list = this.switchable();
    const on = [...this.refs.jurisdictions.values()].filter((j) => j.mode === 'emergency');
    this.emergencyBanner.hidden = !on.length;
    this.emergencyBanner.textContent = on.length ? t('mode.banner', { names: on.map((j) => j.name).join('、') }) : '';
    clear(this.modeBox);
    if (!list.length || !(this.user.permissions || []).includes('switch_mode')) return;
    for (const j of list) {
      this.modeBox.append(h('div', { class: `mode ${j.mode === 'emergency' ? 'mode-on' : ''}`, dataset: { mode: j.mode === 'emergency' ? 'emergency' : 'normal', code: j.code } },
        h('div', {}, h('b', {}, j.name), ' ', h('span', { class: 'muted small' }, t(`level.${j.level}`))),
        h('div', { class: 'muted small' }, j.mode === 'emergency' ? t('mode.is_emergency') : t('mode.is_normal')),
        h('button', { class: j.mode === 'emergency' ? 'secondary' : 'danger', dataset: { action: 'mode' }, onclick: () => this.toggleMode(j) },
          j.mode === 'emergency' ? t('mode.to_normal') : t('mode.to_emergency'))));
    }
  }

  async toggleMode(j) {
    const to = j.mode === 'emergency' ? 'normal' : 'emergency';
    const ok = await dialog({ title: t(`mode.to_${to}`), message: t(`mode.confirm_${to}`, { name: j.name }), danger: to === 'emergency', confirm: t(`mode.to_${to}`) });
    if (!ok) return;
    try {
      const r = await api(`/api/v1/jurisdictions/${encodeURIComponent(j.code)}/mode`, { method: 'PUT', body: { mode: to } });
      this.refs.jurisdictions.set(r.code, r);
      toast(t(`mode.done_${to}`, { name: r.name }), to === 'emergency' ? 'warn' : 'ok');
      this.renderModes();
    } catch (e) {
      toast(e.message, 'error', 6000);
    }
  }
}
