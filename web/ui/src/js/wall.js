// 大屏 — the command center's wall screen: read-only and full-screen, no interaction needed.
// Today's intake, closures and on-time rate, open and overdue cases by colour, the map of
// overdue areas (filled by how much of them is overdue, outlined by their most urgent case,
// as the overdue map), the latest cases arriving and bars per street. Live over the feed:
// each message's area counts and case are applied to what is shown (bounded deltas); the
// figures of the day are read again only when the feed comes back and every few minutes.
import { h, fill, clear } from './dom.js';
import { t } from './i18n.js';
import { api, query, serverNow } from './api.js';
import { createMap, AreaLayer, fitWhenSized } from './map.js';
import { loadRefs } from './refs.js';
import { URGENCIES, URGENCY_COLOURS, fmtTime, urgencyBadge } from './format.js';
import { stepLegend, stepStyle, DEFAULT_STEPS } from './overdue_list.js';

const LATEST = 8;
const REFRESH_MS = 5 * 60 * 1000;
const SHANGHAI_MS = 8 * 3600 * 1000;

export async function mount(main, ctx) {
  const refs = await loadRefs({ grids: false });
  const s = new Wall(main, { ...ctx, refs });
  await s.start();
  return s;
}

// The start of today on the Shanghai calendar, as ISO 8601 UTC.
export function todayStart(now = serverNow()) {
  const local = now + SHANGHAI_MS;
  return new Date(local - (local % 86400000) - SHANGHAI_MS).toISOString();
}

class Wall {
  constructor(main, { config, feed, user, refs }) {
    Object.assign(this, { main, config, feed, user, refs });
    this.counts = new Map();  // area of the level shown → its counts
    this.today = { taken_in: 0, closed: 0, closed_on_time: 0 };
    this.latest = [];
    this.seen = new Set();  // cases counted today from the feed (created, closed)
    this.timers = [];
  }

  async start() {
    document.body.dataset.wall = 'true';
    const streets = this.refs.streets().length, communities = this.refs.communities().length;
    this.level = streets > 1 ? 'street' : communities > 1 ? 'community' : 'grid';
    this.tiles = {};
    const tile = (key, cls = '') => {
      this.tiles[key] = h('div', { class: 'wall-value', dataset: { figure: key } }, '—');
      return h('div', { class: `wall-tile ${cls}` }, h('div', { class: 'wall-label' }, t(`wall.${key}`)), this.tiles[key]);
    };
    this.byColour = h('div', { class: 'wall-colours', id: 'wall-colours' });
    this.clock = h('div', { class: 'wall-clock' });
    this.latestEl = h('ul', { class: 'wall-latest', id: 'wall-latest' });
    this.barsEl = h('div', { class: 'wall-bars', id: 'wall-bars' });
    const mapEl = h('div', { class: 'wall-map', id: 'wall-map', dataset: { ready: 'false' } });
    this.legendBox = h('div', { class: 'wall-legend' }, stepLegend(DEFAULT_STEPS));
    fill(this.main, h('div', { class: 'wall', id: 'wall' },
      h('header', { class: 'wall-head' }, h('h1', {}, t('wall.title')), this.clock,
        h('a', { class: 'wall-exit', href: '#/overdue', 'aria-label': t('nav.overdue') }, '×')),
      h('section', { class: 'wall-tiles' }, tile('intake'), tile('closed'), tile('ontime'), tile('open'),
        h('div', { class: 'wall-tile wall-tile-overdue' }, h('div', { class: 'wall-label' }, t('wall.overdue')),
          this.tiles.overdue = h('div', { class: 'wall-value hot', dataset: { figure: 'overdue' } }, '—'), this.byColour)),
      h('section', { class: 'wall-panel wall-panel-map' }, h('h2', {}, t('wall.map')), h('div', { class: 'wall-map-wrap' }, mapEl, this.legendBox)),
      h('section', { class: 'wall-panel wall-panel-latest' }, h('h2', {}, t('wall.latest')), this.latestEl),
      h('section', { class: 'wall-panel wall-panel-bars' }, h('h2', {}, t('wall.streets')), this.barsEl)));

    this.map = createMap(mapEl, { ...this.config, zoom: this.config.zoom });
    this.map.dragging.disable();
    this.map.scrollWheelZoom.disable();
    this.layer = new AreaLayer(this.map, { style: (f) => stepStyle(this.counts.get(String(f.id)), false) });
    const shapes = await api(`/api/v1/overdue-map${query({ level: this.level, counts: 'false' })}`, { cache: 'no-cache' });
    this.layer.setData(shapes);
    if (this.layer.byId.size) fitWhenSized(this.map, this.layer.bounds(), { padding: [8, 8], animate: false });
    await Promise.all([this.loadCounts(), this.loadToday(), this.loadLatest()]);
    mapEl.dataset.ready = 'true';

    this.onCase = (e) => this.live(e.detail);
    this.onReady = () => { if (this.synced) this.reload(); this.synced = true; };
    this.feed.addEventListener('case', this.onCase);
    this.feed.addEventListener('ready', this.onReady);
    this.synced = this.feed.online;
    this.timers.push(setInterval(() => this.reload(), REFRESH_MS));
    this.timers.push(setInterval(() => this.tick(), 30000));
    this.tick();
  }

  destroy() {
    delete document.body.dataset.wall;
    this.feed.removeEventListener('case', this.onCase);
    this.feed.removeEventListener('ready', this.onReady);
    this.timers.forEach(clearInterval);
    this.map?.remove();
  }

  reload() {
    this.seen.clear();
    return Promise.all([this.loadCounts(), this.loadToday(), this.loadLatest()]).catch(() => {});
  }

  tick() {
    this.clock.textContent = fmtTime(new Date(serverNow()).toISOString(), 'full');
  }

  async loadCounts() {
    const m = await api(`/api/v1/overdue-map${query({ level: this.level, geometry: 'false' })}`);
    this.counts = new Map(m.features.map((f) => [String(f.id), f.properties]));
    if (m.steps) fill(this.legendBox, stepLegend(m.steps));
    this.renderCounts();
  }

  async loadToday() {
    const r = await api(`/api/v1/stats/trends${query({ from: todayStart(), bucket: 'day' })}`);
    const p = r.points?.[r.points.length - 1] || {};
    this.today = { taken_in: p.taken_in || 0, closed: p.closed || 0, closed_on_time: p.closed_on_time || 0 };
    this.renderToday();
  }

  async loadLatest() {
    const r = await api(`/api/v1/cases${query({ limit: LATEST })}`);
    this.latest = r.cases;
    this.renderLatest();
  }

  // ---- live: the message's areas and its case, nothing fetched ----

  live(m) {
    for (const a of m.areas || []) {
      if (a.level !== this.level) continue;
      if (a.open > 0) this.counts.set(String(a.id), a);
      else this.counts.delete(String(a.id));
      this.layer.update(String(a.id));
    }
    if (m.areas?.length) this.renderCounts(false);
    const c = m.case;
    if (m.type === 'case.created' && !this.seen.has(`n${c.id}`)) {
      this.seen.add(`n${c.id}`);
      this.today.taken_in += 1;
      this.renderToday();
    }
    if (c.state === 'closed' && !this.seen.has(`c${c.id}`) && Date.parse(c.created_at) >= Date.parse(todayStart())) {
      this.seen.add(`c${c.id}`);
      this.today.closed += 1;
      if (!c.overdue) this.today.closed_on_time += 1;
      this.renderToday();
    }
    const i = this.latest.findIndex((x) => x.id === c.id);
    if (i >= 0) this.latest[i] = c;
    else if (m.type === 'case.created') this.latest = [c, ...this.latest].slice(0, LATEST);
    if (i >= 0 || m.type === 'case.created') this.renderLatest();
  }

  // ---- drawing ----

  renderToday() {
    const d = this.today;
    this.tiles.intake.textContent = String(d.taken_in);
    this.tiles.closed.textContent = String(d.closed);
    this.tiles.ontime.textContent = d.closed ? `${Math.round((100 * d.closed_on_time) / d.closed)}%` : '—';
  }

  renderCounts(restyle = true) {
    const sum = { open: 0, overdue: 0, by: Object.fromEntries(URGENCIES.map((u) => [u, 0])) };
    for (const p of this.counts.values()) {
      sum.open += p.open || 0;
      sum.overdue += p.overdue || 0;
      for (const u of URGENCIES) sum.by[u] += p.by_urgency?.[u]?.overdue || 0;
    }
    this.tiles.open.textContent = String(sum.open);
    this.tiles.overdue.textContent = String(sum.overdue);
    fill(this.byColour, URGENCIES.map((u) => h('span', { class: 'wall-colour', dataset: { urgency: u, count: sum.by[u] } },
      h('i', { style: { background: URGENCY_COLOURS[u] } }), `${t(`urgency.${u}`)} ${sum.by[u]}`)));
    if (restyle) this.layer.restyleAll();
    this.renderBars();
  }

  renderBars() {
    const rows = [...this.counts.values()].sort((a, b) => (b.overdue - a.overdue) || (b.open - a.open)).slice(0, 12);
    const max = Math.max(1, ...rows.map((p) => p.open || 0));
    clear(this.barsEl);
    if (!rows.length) return this.barsEl.append(h('div', { class: 'wall-none' }, t('wall.none')));
    for (const p of rows) {
      const name = p.name || this.refs.areaName(String(p.id));
      this.barsEl.append(h('div', { class: 'wall-bar', dataset: { area: p.id } },
        h('span', { class: 'wall-bar-name' }, name),
        h('span', { class: 'wall-bar-track' },
          h('span', { class: 'wall-bar-open', style: { width: `${(100 * (p.open || 0)) / max}%` } }),
          h('span', { class: 'wall-bar-over', style: { width: `${(100 * (p.overdue || 0)) / max}%` } })),
        h('span', { class: 'wall-bar-n' }, `${p.overdue || 0} / ${p.open || 0}`)));
    }
  }

  renderLatest() {
    clear(this.latestEl);
    if (!this.latest.length) return this.latestEl.append(h('li', { class: 'wall-none' }, t('wall.none')));
    for (const c of this.latest) {
      this.latestEl.append(h('li', { class: 'wall-case', dataset: { caseId: c.id, urgency: c.urgency } },
        urgencyBadge(c.urgency),
        h('span', { class: 'wall-case-title' }, `#${c.id} ${c.title}`),
        h('span', { class: 'wall-case-where' }, this.refs.areaName(c.community) || ''),
        h('span', { class: 'wall-case-time' }, fmtTime(c.created_at))));
    }
  }
}
