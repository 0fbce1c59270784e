// 指挥中心 — the operator console: take in a case by clicking the map or typing its
// coordinates (the grid, community and worker it will go to are shown before it is sent),
// and a live, filterable, paged list of cases with their colour, tier and time left.
import { h, clear, stateBlock, toast, debounce, fill } from './dom.js';
import { t } from './i18n.js';
import { api, query } from './api.js';
import { createMap, AreaLayer, labelBox, gridTitle, L, fitWhenSized } from './map.js';
import { Outlines } from './outlines.js';
import { loadRefs } from './refs.js';
import { CaseDetail } from './case_detail.js';
import { consoleSearch } from './console_search.js';
import { AttentionList } from './attention.js';
import {
  URGENCIES, URGENCY_COLOURS, OPEN_STATES, STATES, fmtTime, fmtDuration, timeLeft, timeLeftMs, urgencyBadge, stateName,
  tierName, categoryName,
} from './format.js';

const PAGE = 50;
const TIERS = ['worker', 'community', 'street', 'district'];
// The list's columns: the word of the header and the server's sort key (GET /cases?sort=).
const COLUMNS = [['', 'urgency'], ['list.id', 'id'], ['case.title', 'title'], ['case.grid', 'grid'],
  ['case.assignee', 'assignee'], ['case.state', 'state'], ['case.tier', 'tier'], ['list.left', 'time_left']];
const FILTER_KEYS = ['state', 'urgency', 'street', 'community', 'overdue', 'sort'];
const DEFAULT_FILTERS = { state: 'open', urgency: '', street: '', community: '', overdue: false, sort: 'time_left' };

// Filters and sort as the page's address keeps them (?state=…&sort=…), so that a reload
// keeps them and back and forward step through them.
function filtersFromUrl() {
  const p = new URLSearchParams(location.search);
  const fl = { ...DEFAULT_FILTERS };
  for (const k of FILTER_KEYS) if (p.has(k)) fl[k] = k === 'overdue' ? p.get(k) === 'true' : p.get(k);
  // An address edited by hand falls back to the defaults for what it gets wrong.
  if (!COLUMNS.some(([, key]) => key === fl.sort.replace(/^-/, ''))) fl.sort = DEFAULT_FILTERS.sort;
  if (!['open', '', ...STATES].includes(fl.state)) fl.state = DEFAULT_FILTERS.state;
  if (!['', ...URGENCIES].includes(fl.urgency)) fl.urgency = '';
  return fl;
}

export async function mount(main, { config, feed, user }) {
  const refs = await loadRefs();
  const s = new Console(main, { config, feed, user, refs });
  await s.start();
  return s;
}

class Console {
  constructor(main, { config, feed, user, refs }) {
    Object.assign(this, { main, config, feed, user, refs });
    this.cases = [];  // the list as shown, newest first
    this.nextAfter = null;
    this.nextOffset = null;
    this.filters = filtersFromUrl();
    this.counts = new Map();  // grid → open counts, for the map's colours
    this.timers = [];
    this.listToken = 0;
  }

  async start() {
    const mapEl = h('div', { class: 'map', id: 'console-map', dataset: { ready: 'false' } });
    this.detail = new CaseDetail({
      refs: this.refs, user: this.user,
      onChange: (c) => this.upsert(c),
      onClose: () => {
        // A case kept in view while it was open leaves once it no longer fits the filters.
        this.cases = this.cases.filter((c) => this.matches(c));
        this.renderList();
      },
    });
    this.detail.el.hidden = true;
    this.attention = new AttentionList({ refs: this.refs, tier: () => this.feed.tier, onOpen: (id) => this.openCase(id) });
    this.tabs = {};
    const tabButton = (name) => h('button', {
      role: 'tab', class: 'tab', dataset: { tab: name }, onclick: () => this.showTab(name),
    }, t(`console.tab_${name}`));
    this.caseCount = h('span', { class: 'count' });
    const intakeTab = tabButton('intake');
    const casesTab = tabButton('cases');
    casesTab.append(this.caseCount);
    this.tabButtons = { intake: intakeTab, cases: casesTab };
    this.tabs.intake = this.intakeForm();
    this.tabs.cases = this.caseList();
    this.searchBox = consoleSearch(this);
    fill(this.main, h('div', { class: 'console-layout' },
      h('div', { class: 'map-wrap' }, mapEl, this.legend(), this.attention.el), this.detail.el,
      h('section', { class: 'side' }, this.searchBox.el, h('div', { class: 'tabs', role: 'tablist' }, intakeTab, casesTab),
        this.tabs.intake, this.tabs.cases)));
    this.showTab('intake');

    this.map = createMap(mapEl, this.config);
    this.grids = new AreaLayer(this.map, {
      style: (f) => this.gridStyle(f),
      label: (f) => labelBox(gridTitle(f.properties)),
      labelMinPx: 70,
    });
    this.outlines = new Outlines(this.map);
    this.grids.setData(this.refs.gridsGeo);
    if (this.grids.byId.size) fitWhenSized(this.map, this.grids.bounds(), { padding: [16, 16], animate: false });
    else mapEl.append(stateBlock('empty', t('map.no_grids')));
    this.markers = L.layerGroup().addTo(this.map);
    this.map.on('click', (e) => this.pick(e.latlng.lng, e.latlng.lat, 'wgs84'));
    mapEl.dataset.ready = 'true';

    this.onCase = (e) => this.live(e.detail);
    this.onReady = () => { if (this.synced) this.resync(); this.synced = true; };
    this.onPopState = () => { this.filters = filtersFromUrl(); this.showFilters(); this.loadCases(true); };
    window.addEventListener('popstate', this.onPopState);
    this.feed.addEventListener('case', this.onCase);
    this.feed.addEventListener('ready', this.onReady);
    this.synced = this.feed.online;
    this.timers.push(setInterval(() => this.tickTimes(), 15000));
    await Promise.all([this.loadCounts(), this.loadCases(true)]);
  }

  destroy() {
    this.feed.removeEventListener('case', this.onCase);
    this.feed.removeEventListener('ready', this.onReady);
    window.removeEventListener('popstate', this.onPopState);
    this.timers.forEach(clearInterval);
    this.searchBox?.destroy();
    this.map?.remove();
  }

  showTab(name) {
    for (const [k, el] of Object.entries(this.tabs)) el.hidden = k !== name;
    for (const [k, b] of Object.entries(this.tabButtons)) b.setAttribute('aria-selected', String(k === name));
  }

  legend() {
    return h('div', { class: 'legend' },
      h('b', {}, t('console.legend')),
      URGENCIES.map((u) => h('span', { class: 'legend-item' },
        h('i', { style: { background: URGENCY_COLOURS[u] } }), t(`urgency.${u}`))),
      h('span', { class: 'muted small' }, t('console.legend_hint')));
  }

  gridStyle(f) {
    const id = String(f.id ?? f.properties.id);
    const worst = this.counts.get(id)?.worst;
    const selected = id === this.selectedGrid;
    return {
      color: selected ? '#1565c0' : '#607d8b',
      weight: selected ? 3 : 1,
      fillColor: worst ? URGENCY_COLOURS[worst] : '#ffffff',
      fillOpacity: worst ? 0.28 : 0.15,  // the roads or tiles show through
    };
  }

  // All the counts: at load and when the feed comes back (every grid in view, zeros
  // included); a grid missing from the map has none.
  async loadCounts() {
    try {
      const m = await api('/api/v1/overdue-map?level=grid&geometry=false');
      this.counts = new Map(m.features.map((f) => [String(f.id), f.properties]));
      this.grids.restyleAll();
    } catch (e) {
      if (!e.offline) console.warn(e);
    }
  }

  // A feed message's new counts of the grids it touched: those grids are restyled, no more.
  applyAreas(areas) {
    for (const a of areas || []) {
      if (a.level !== 'grid') continue;
      const id = String(a.id);
      if (a.open > 0) this.counts.set(id, a);
      else this.counts.delete(id);
      this.grids.update(id);
    }
  }

  // ---- intake ----

  intakeForm() {
    const f = (this.form = {});
    const input = (name, attrs = {}) => (f[name] = h('input', { name, ...attrs }));
    const field = (label, el, extra) => h('label', { class: 'field' }, h('span', {}, label), el, extra);
    const cats = [...this.refs.categories.values()];
    f.category = h('select', { name: 'category', required: true },
      cats.map((c) => h('option', { value: c.id }, categoryName(this.refs.categories, c.id))));
    f.crs = h('select', { name: 'crs' }, ['wgs84', 'gcj02', 'bd09'].map((c) => h('option', { value: c }, t(`crs.${c}`))));
    f.source = h('select', { name: 'source' },
      ['hotline', 'operator', 'resident', 'patrol'].map((s) => h('option', { value: s }, t(`source.${s}`))));
    f.urgency = 'yellow';
    const urgencyChoice = h('div', { class: 'urgency-choice', role: 'radiogroup' }, URGENCIES.map((u) =>
      h('button', {
        type: 'button', role: 'radio', class: `urgency-pick urgency-${u}`, dataset: { urgency: u },
        'aria-checked': String(u === f.urgency),
        onclick: (e) => {
          f.urgency = u;
          for (const b of urgencyChoice.children) b.setAttribute('aria-checked', String(b.dataset.urgency === u));
          this.updateSlaHint();
          e.preventDefault();
        },
      }, t(`urgency.${u}`))));
    this.slaHint = h('p', { class: 'muted small' });
    f.category.addEventListener('change', () => this.updateSlaHint());
    this.preview = h('div', { class: 'route-preview', dataset: { state: 'none' } }, t('intake.pick_hint'));
    const coordsChanged = debounce(() => {
      const lon = Number(f.lon.value), lat = Number(f.lat.value);
      if (f.lon.value && f.lat.value && Number.isFinite(lon) && Number.isFinite(lat)) this.pick(lon, lat, f.crs.value, false);
    }, 400);
    this.submitButton = h('button', { type: 'submit', class: 'primary big' }, t('intake.submit'));
    this.result = h('div', { class: 'intake-result' });
    const form = h('form', { class: 'intake', id: 'intake', novalidate: true },
      h('fieldset', {}, h('legend', {}, t('intake.where')),
        h('div', { class: 'row' },
          field(t('intake.lon'), input('lon', { inputmode: 'decimal', placeholder: '118.3050', oninput: coordsChanged })),
          field(t('intake.lat'), input('lat', { inputmode: 'decimal', placeholder: '24.6050', oninput: coordsChanged })),
          field(t('intake.crs'), f.crs)),
        this.preview),
      h('fieldset', {}, h('legend', {}, t('intake.what')),
        h('div', { class: 'row' }, field(t('case.category'), f.category), field(t('case.source'), f.source)),
        h('div', { class: 'field' }, h('span', {}, t('case.urgency')), urgencyChoice, this.slaHint),
        field(t('case.title'), input('title', { required: true, maxlength: 200, placeholder: t('intake.title_ph') })),
        field(t('case.description'), f.description = h('textarea', { name: 'description', rows: 3 })),
        field(t('case.address'), input('address'))),
      h('fieldset', {}, h('legend', {}, t('case.reporter')),
        h('div', { class: 'row' },
          field(t('intake.reporter_name'), input('reporter_name')),
          field(t('intake.reporter_phone'), input('reporter_phone', { type: 'tel', inputmode: 'tel' })))),
      this.submitButton, this.result);
    f.crs.addEventListener('change', coordsChanged);
    form.addEventListener('submit', (e) => { e.preventDefault(); this.submit(); });
    this.updateSlaHint();
    return h('div', { class: 'tab-panel', role: 'tabpanel' }, form);
  }

  updateSlaHint() {
    const c = this.refs.categories.get(this.form.category.value);
    const d = c?.sla?.[this.form.urgency];
    this.slaHint.textContent = d ? t('intake.sla', { accept: fmtDuration(d.accept_s * 1000), resolve: fmtDuration(d.resolve_s * 1000) }) : '';
  }

  // A location chosen on the map (or typed): where would the case go?
  async pick(lon, lat, crs, fromMap = true) {
    const f = this.form;
    if (fromMap) {
      f.lon.value = lon.toFixed(6);
      f.lat.value = lat.toFixed(6);
      f.crs.value = 'wgs84';
      this.showTab('intake');
    }
    if (!this.pin) this.pin = L.circleMarker([lat, lon], { radius: 9, color: '#0d47a1', weight: 3, fillColor: '#fff', fillOpacity: 1 });
    if (crs === 'wgs84') this.pin.setLatLng([lat, lon]).addTo(this.map);
    else this.pin.remove();
    const token = (this.routeToken = (this.routeToken || 0) + 1);
    this.preview.dataset.state = 'loading';
    fill(this.preview, stateBlock('loading', t('intake.routing')));
    try {
      const r = await api(`/api/v1/route${query({ lon, lat, crs })}`);
      if (token !== this.routeToken) return;
      this.route = { ...r, lon, lat, crs };
      this.setSelectedGrid(r.grid_id);
      const grid = this.refs.grids.get(r.grid_id);
      const owner = r.owner_id && this.refs.workers.get(r.owner_id);
      // The server names the worker the case would go to, chosen as intake chooses
      // (owner, backup, the community's least loaded, the street's pool in emergency mode).
      const chosen = r.worker_id && this.refs.workers.get(r.worker_id);
      const rule = { owner: 'intake.owner', backup: 'intake.backup', least_loaded: 'intake.least_loaded', emergency_pool: 'intake.emergency_pool' }[r.assignment];
      let goes = '—';
      if (r.assignment === 'unassigned') goes = t('intake.goes_queue');
      else if (r.worker_id) goes = `${chosen?.name || r.worker_id}（${rule ? t(rule) : r.assignment}）`;
      this.preview.dataset.state = 'found';
      this.preview.dataset.grid = r.grid_id;
      fill(this.preview, h('dl', { class: 'kvs compact' },
        h('div', { class: 'kv' }, h('dt', {}, t('case.grid')), h('dd', { dataset: { field: 'grid' } }, `${grid?.name || r.grid_id} (${r.grid_id})`)),
        h('div', { class: 'kv' }, h('dt', {}, t('case.community')), h('dd', { dataset: { field: 'community' } }, this.refs.areaName(r.community))),
        h('div', { class: 'kv' }, h('dt', {}, t('case.street')), h('dd', {}, this.refs.areaName(r.street))),
        h('div', { class: 'kv' }, h('dt', {}, t('intake.goes_to')), h('dd', { dataset: { field: 'worker', assignment: r.assignment || '' } }, goes)),
        owner && r.assignment && r.assignment !== 'owner' ? h('div', { class: 'kv' }, h('dt', {}, t('intake.owner')), h('dd', {}, `${owner.name} · ${t(`duty.${owner.status}`)}`)) : null,
        r.emergency ? h('p', { class: 'muted small', dataset: { field: 'emergency' } }, t('intake.emergency')) : null,
        r.snapped ? h('p', { class: 'muted small' }, t('intake.snapped', { m: Math.round(r.distance_m) })) : null));
    } catch (e) {
      if (token !== this.routeToken) return;
      this.route = null;
      this.setSelectedGrid(null);
      this.preview.dataset.state = 'error';
      fill(this.preview, stateBlock('error', e.code === 'not_in_any_grid' ? t('intake.no_grid') : e.message));
    }
  }

  setSelectedGrid(id) {
    const before = this.selectedGrid;
    this.selectedGrid = id;
    if (before) this.grids.restyle(before);
    if (id) this.grids.restyle(id);
  }

  async submit() {
    const f = this.form;
    clear(this.result);
    const lon = Number(f.lon.value), lat = Number(f.lat.value);
    const problems = [];
    if (!f.lon.value || !f.lat.value || !Number.isFinite(lon) || !Number.isFinite(lat)) problems.push(t('intake.need_location'));
    else if (!this.route) problems.push(t('intake.no_grid'));
    if (!f.title.value.trim()) problems.push(t('intake.need_title'));
    if (problems.length) {
      this.result.append(stateBlock('error', problems.join(' ')));
      return;
    }
    const body = {
      lon, lat, crs: f.crs.value, category: f.category.value, urgency: f.urgency,
      title: f.title.value.trim(), description: f.description.value.trim(), address: f.address.value.trim(),
      source: f.source.value,
      reporter: { name: f.reporter_name.value.trim(), phone: f.reporter_phone.value.trim() },
    };
    this.submitButton.disabled = true;
    this.submitButton.textContent = t('intake.sending');
    try {
      const c = await api('/api/v1/cases', { method: 'POST', body });
      this.upsert(c, true);
      const who = this.refs.workerName(c.assignee_id) || t('case.unassigned');
      toast(t('intake.done', { id: c.id, who }), 'ok');
      this.result.append(h('div', { class: 'state state-ok', dataset: { state: 'created', caseId: c.id } },
        t('intake.done', { id: c.id, who }), ' ',
        h('button', { type: 'button', class: 'link', onclick: () => this.openCase(c.id) }, t('intake.view'))));
      for (const k of ['title', 'description', 'address', 'reporter_name', 'reporter_phone']) f[k].value = '';
    } catch (e) {
      this.result.append(stateBlock('error', e.message));
    } finally {
      this.submitButton.disabled = false;
      this.submitButton.textContent = t('intake.submit');
    }
  }

  // ---- the case list ----

  caseList() {
    const fl = this.filters;
    this.filterEls = {};
    const select = (name, options) => {
      const el = h('select', { name, dataset: { filter: name } }, options.map(([v, label]) => h('option', { value: v }, label)));
      el.value = fl[name];
      el.addEventListener('change', () => {
        this.filters[name] = el.value;
        if (name === 'street') {
          this.filters.community = '';
          this.fillCommunities();
        }
        this.filtersChanged();
      });
      this.filterEls[name] = el;
      return el;
    };
    this.communitySelect = select('community', [['', t('filter.all_communities')]]);
    this.fillCommunities();
    const overdue = h('input', { type: 'checkbox', dataset: { filter: 'overdue' }, checked: fl.overdue,
      onchange: (e) => { this.filters.overdue = e.target.checked; this.filtersChanged(); } });
    this.filterEls.overdue = overdue;
    this.headRow = h('tr');
    this.listBody = h('tbody');
    this.listState = h('div', { class: 'list-state' });
    this.moreButton = h('button', { class: 'secondary', hidden: true, onclick: () => this.loadCases(false) }, t('list.more'));
    return h('div', { class: 'tab-panel', role: 'tabpanel' },
      h('div', { class: 'filters' },
        select('state', [['open', t('filter.open')], ['', t('filter.all_states')], ...STATES.map((x) => [x, stateName(x)])]),
        select('urgency', [['', t('filter.all_urgencies')], ...URGENCIES.map((u) => [u, t(`urgency.${u}`)])]),
        select('street', [['', t('filter.all_streets')], ...this.refs.streets().map((j) => [j.code, j.name])]),
        this.communitySelect,
        h('label', { class: 'check' }, overdue, t('filter.overdue_only'))),
      h('div', { class: 'table-wrap' },
        h('table', { class: 'cases', id: 'case-list' },
          h('thead', {}, this.headRow),
          this.listBody),
        this.listState, this.moreButton));
  }

  // A sorted list is of open cases (the server sorts those); other lists are newest first.
  sortable() { return this.filters.state === 'open' || OPEN_STATES.includes(this.filters.state); }
  sortKey() { return this.sortable() ? this.filters.sort || 'time_left' : 'id'; }

  renderHead() {
    const sort = this.sortKey();
    const key = sort.replace(/^-/, '');
    fill(this.headRow, COLUMNS.map(([word, k]) => {
      const active = k === key;
      const dir = active ? (sort.startsWith('-') ? 'descending' : 'ascending') : 'none';
      const label = t(word || 'list.urgency_short');
      if (!this.sortable()) return h('th', { dataset: { sort: k } }, label);
      return h('th', { dataset: { sort: k }, 'aria-sort': dir },
        h('button', {
          type: 'button', class: `sort${active ? ' active' : ''}`, title: t('list.sort_by', { c: label }),
          onclick: () => { this.filters.sort = active && !sort.startsWith('-') ? `-${k}` : k; this.filtersChanged(); },
        }, label, active ? (dir === 'ascending' ? ' ▲' : ' ▼') : ''));
    }));
  }

  // The controls as the filters say (after back or forward).
  showFilters() {
    const fl = this.filters;
    for (const k of ['state', 'urgency', 'street']) if (this.filterEls[k]) this.filterEls[k].value = fl[k];
    this.fillCommunities();
    this.filterEls.overdue.checked = !!fl.overdue;
  }

  filtersChanged() {
    const p = new URLSearchParams();
    for (const k of FILTER_KEYS) {
      const v = this.filters[k];
      if (v !== DEFAULT_FILTERS[k]) p.set(k, String(v));
    }
    const search = p.toString() ? `?${p}` : '';
    if (search !== location.search) history.pushState(null, '', `${location.pathname}${search}${location.hash}`);
    this.loadCases(true);
  }

  fillCommunities() {
    const el = this.communitySelect;
    fill(el, h('option', { value: '' }, t('filter.all_communities')),
      ...this.refs.communities(this.filters.street).map((j) => h('option', { value: j.code }, j.name)));
    el.value = this.filters.community;
  }

  listQuery(after, offset) {
    const fl = this.filters;
    const sort = this.sortKey();
    return query({
      state: fl.state === 'open' ? '' : fl.state,
      open: fl.state === 'open' ? 'true' : '',
      urgency: fl.urgency,
      scope: fl.community || fl.street,
      overdue: fl.overdue ? 'true' : '',
      limit: PAGE,
      ...(sort === 'id' ? { after } : { sort, offset }),
    });
  }

  async loadCases(reset) {
    const token = ++this.listToken;
    if (reset) {
      this.cases = [];
      this.nextAfter = null;
      this.nextOffset = null;
      clear(this.listBody);
      this.renderHead();
    }
    this.moreButton.hidden = true;
    fill(this.listState, stateBlock('loading', t('list.loading')));
    try {
      const r = await api(`/api/v1/cases${this.listQuery(reset ? null : this.nextAfter, reset ? null : this.nextOffset)}`);
      if (token !== this.listToken) return;
      const known = new Set(this.cases.map((c) => c.id));
      for (const c of r.cases) if (!known.has(c.id)) this.cases.push(c);
      this.nextAfter = r.next_after;
      this.nextOffset = r.next_offset ?? null;
      this.renderList();
    } catch (e) {
      if (token !== this.listToken) return;
      fill(this.listState, stateBlock('error', e.message, () => this.loadCases(reset)));
    }
  }

  resync() {
    this.loadCases(true);
    this.loadCounts();
  }

  matches(c) {
    const fl = this.filters;
    if (fl.state === 'open' && !OPEN_STATES.includes(c.state)) return false;
    if (fl.state && fl.state !== 'open' && c.state !== fl.state) return false;
    if (fl.urgency && c.urgency !== fl.urgency) return false;
    if (fl.community && c.community !== fl.community) return false;
    if (fl.street && c.street !== fl.street) return false;
    if (fl.overdue && !c.overdue) return false;
    return true;
  }

  // A case seen anew (from the feed or an action): into the list, or out of it.
  upsert(c, fresh = false) {
    const at = this.cases.findIndex((x) => x.id === c.id);
    if (at >= 0 && this.cases[at].version > c.version) return;
    if (!this.matches(c)) {
      if (at >= 0 && this.detail.id !== c.id) this.cases.splice(at, 1);
      else if (at >= 0) this.cases[at] = c;
    } else if (at >= 0) {
      this.cases[at] = c;
    } else {
      // In the list's order; a case after the last one shown waits for its page.
      const before = (x) => this.comesBefore(c, x);
      const pos = this.cases.findIndex(before);
      if (pos < 0 && this.more()) return this.renderList();
      this.cases.splice(pos < 0 ? this.cases.length : pos, 0, c);
      this.flash = c.id;
    }
    if (fresh) this.flash = c.id;
    this.renderList();
  }

  more() { return this.nextAfter !== null || this.nextOffset !== null; }

  // Where a case that arrives live goes in the order shown (the server ordered the pages).
  comesBefore(a, b) {
    const sort = this.sortKey();
    const key = sort.replace(/^-/, '');
    const value = (c) => {
      switch (key) {
        case 'time_left': { const ms = timeLeftMs(c); return ms === null ? Infinity : ms; }
        case 'urgency': return -URGENCIES.indexOf(c.urgency);
        case 'state': return STATES.indexOf(c.state);
        case 'tier': return -TIERS.indexOf(c.tier);
        case 'grid': return c.grid_id || '';
        case 'assignee': return c.assignee_id || '';
        case 'title': return c.title;
        case 'created_at': return c.created_at;
        default: return -c.id;
      }
    };
    const va = value(a), vb = value(b);
    if (va === vb) return a.id > b.id;
    return sort.startsWith('-') ? va > vb : va < vb;
  }

  live(m) {
    this.upsert(m.case, m.type === 'case.created');
    this.detail.refreshIf(m.case);
    this.applyAreas(m.areas);
    this.attention.note(m);
  }

  renderList() {
    clear(this.listBody);
    for (const c of this.cases) this.listBody.append(this.row(c));
    this.caseCount.textContent = this.cases.length ? ` ${this.cases.length}${this.more() ? '+' : ''}` : '';
    clear(this.listState);
    if (!this.cases.length) this.listState.append(stateBlock('empty', t('list.empty')));
    this.moreButton.hidden = !this.more();
    this.flash = null;
    this.drawMarkers();
  }

  row(c) {
    const left = timeLeft(c);
    const grid = this.refs.grids.get(c.grid_id);
    const tr = h('tr', {
      class: [c.id === this.flash ? 'flash' : '', c.id === this.detail.id ? 'selected' : ''].join(' '),
      dataset: { caseId: c.id, state: c.state, urgency: c.urgency }, tabindex: 0,
      onclick: () => this.openCase(c.id),
      onkeydown: (e) => { if (e.key === 'Enter') this.openCase(c.id); },
    },
    h('td', {}, urgencyBadge(c.urgency)),
    h('td', {}, `#${c.id}`),
    h('td', { class: 'title' }, c.title, h('div', { class: 'muted small' }, fmtTime(c.created_at))),
    h('td', { class: 'nowrap' }, grid?.name || c.grid_id || '—', c.community ? h('div', { class: 'muted small' }, this.refs.areaName(c.community)) : null),
    h('td', { class: 'nowrap' }, this.refs.workerName(c.assignee_id) || h('span', { class: 'muted' }, t('case.unassigned'))),
    h('td', {}, h('span', { class: `chip state-${c.state}` }, stateName(c.state))),
    h('td', { class: 'nowrap' }, tierName(c.tier), left.overdue ? h('div', {}, h('span', { class: 'chip chip-over' }, t('case.overdue'))) : null),
    this.timeCell(left));
    tr.case = c;
    return tr;
  }

  // The time as one truth: overdue (against the deadline missed) or time left, and under it
  // which deadline runs with the current tier's deadline.
  timeCell(left) {
    return h('td', { class: `time-left ${left.cls}`, dataset: { clock: left.overdue ? 'over' : 'left' } },
      left.text, left.due ? h('div', { class: 'muted small due' }, left.due) : null);
  }

  tickTimes() {
    for (const tr of this.listBody.children) tr.lastChild.replaceWith(this.timeCell(timeLeft(tr.case)));
  }

  drawMarkers() {
    this.markers.clearLayers();
    for (const c of this.cases) {
      if (!OPEN_STATES.includes(c.state) || !Number.isFinite(c.lat)) continue;
      const m = L.circleMarker([c.lat, c.lon], {
        renderer: this.map.casesRenderer, pane: 'cases',
        radius: c.id === this.detail.id ? 10 : 7, color: '#fff', weight: 2,
        fillColor: URGENCY_COLOURS[c.urgency], fillOpacity: 1, bubblingMouseEvents: false,
      });
      m.on('click', () => this.openCase(c.id));
      // A node, never a string: Leaflet writes string content as HTML.
      m.bindTooltip(h('span', { class: 'case-tip' }, `#${c.id} `, c.title));
      this.markers.addLayer(m);
    }
  }

  markSelected(id) {
    for (const tr of this.listBody.children) tr.classList.toggle('selected', tr.case.id === id);
    this.drawMarkers();
  }

  openCase(id) {
    this.detail.open(id);
    this.markSelected(id);
  }
}
