// 履职考评 — the assessment figures of a period for the user's jurisdiction (or a street
// or community in it): the totals, three charts (on-time closure by community, cases by
// category over time, the overdue trend), and sortable, paged tables per community,
// worker, grid and street with stars, ranks and the bottom warning (末位告诫), each
// exportable as CSV. The supervisor's 考评 tab and the 履职考评 screen both show it.
import { h, fill, stateBlock, toast, debounce } from './dom.js';
import { t, lang } from './i18n.js';
import { api, query, download, serverNow } from './api.js';
import { loadRefs } from './refs.js';
import { hbars, timeBars, legend } from './charts.js';
import { URGENCIES, URGENCY_COLOURS, fmtTime, fmtDuration, categoryName } from './format.js';
import { rulesEditor } from './assessment_rules.js';

const PAGE = 50;
const DAY = 86400000;
const SHANGHAI = 8 * 3600000;  // China keeps UTC+8 all year
// Category colours: distinct from the urgency colours, which mean something else here.
const CATEGORY_COLOURS = ['#1565c0', '#00897b', '#6a1b9a', '#8d6e63', '#2e7d32', '#ad1457', '#0097a7', '#546e7a', '#5c6bc0', '#9e9d24'];
const LINE_COLOUR = '#12355b';
const RATES = ['closure_rate', 'on_time_closure_rate', 'on_time_acceptance_rate', 'rework_rate', 'deferral_rate'];

// The screen of its own (operators and admins reach it from the top bar).
export async function mount(main, ctx) {
  const refs = await loadRefs({ grids: false });
  const view = new AssessmentView({ refs, user: ctx.user });
  fill(main, h('div', { class: 'assessment-screen' }, view.el));
  view.show();
  return view;
}

// ---- periods on the Shanghai calendar ----

function shanghaiDate(ms) {
  const d = new Date(ms + SHANGHAI);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}
const iso = ({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const dateMs = (s) => Date.parse(`${s}T00:00:00+08:00`);

export function periodChoices(now = serverNow()) {
  const { y, m } = shanghaiDate(now);
  const q = Math.floor((m - 1) / 3) + 1;
  const list = [{ value: 'current', label: t('asm.period_current', { y, q }) },
    { value: 'month', label: t('asm.period_month_current', { y, m }) }];
  const pm = m === 1 ? { y: y - 1, m: 12 } : { y, m: m - 1 };
  list.push({ value: `${pm.y}-${String(pm.m).padStart(2, '0')}`, label: t('asm.period_month', pm) });
  for (let i = 1, yy = y, qq = q; i <= 4; i++) {
    qq -= 1;
    if (!qq) { qq = 4; yy -= 1; }
    list.push({ value: `${yy}-Q${qq}`, label: t('asm.period_quarter', { y: yy, q: qq }) });
  }
  list.push({ value: String(y), label: t('asm.period_year', { y }) }, { value: String(y - 1), label: t('asm.period_year', { y: y - 1 }) },
    { value: 'custom', label: t('asm.period_custom') });
  return list;
}

function quarterStart(now) {
  const { y, m } = shanghaiDate(now);
  return iso({ y, m: Math.floor((m - 1) / 3) * 3 + 1, d: 1 });
}

function monthStart(now) {
  const { y, m } = shanghaiDate(now);
  return iso({ y, m, d: 1 });
}

// The span of a choice in days, to pick day or week buckets before asking: days for a
// month (and the quarter's first weeks), weeks for a quarter or a year.
function spanDays(choice, from, to) {
  if (choice === 'month' || /^\d{4}-\d{2}$/.test(choice)) return 31;
  if (choice === 'custom') return (dateMs(to) - dateMs(from)) / DAY + 1;
  if (choice === 'current') return (serverNow() - dateMs(quarterStart(serverNow()))) / DAY;
  return /Q/.test(choice) ? 91 : 365;
}

// ---- how figures read ----

export function pct(v) {
  if (v === null || v === undefined) return '—';
  return `${(Math.round(v * 1000) / 10).toFixed(1)}%`;
}
const stars = (n) => (n ? '★'.repeat(n) + '☆'.repeat(5 - n) : '');
const secs = (s) => (s === null || s === undefined ? '—' : fmtDuration(s * 1000));
const num = (v) => (v === null || v === undefined ? '—' : String(v));

// Columns of every table; `value` is what sorting uses.
function figureColumns(rules) {
  const rate = (key) => ({ key, value: (r) => r[key], cell: (r) => pct(r[key]), cls: 'num' });
  return [
    { key: 'stars', value: (r) => r.score, cell: (r) => starsCell(r, rules) },
    { key: 'cases', value: (r) => r.cases, cell: (r) => h('span', {}, String(r.cases),
      r.deferred ? h('span', { class: 'muted small' }, ` ${t('asm.of_deferred', { n: r.deferred })}`) : null), cls: 'num' },
    ...RATES.map(rate),
    { key: 'overdue', value: (r) => r.overdue.total, cell: overdueCell, cls: 'num' },
    { key: 'urged', value: (r) => r.urged, cell: (r) => String(r.urged ?? 0), cls: 'num' },
    { key: 'time_to_accept', value: (r) => r.time_to_accept.mean_s, cell: (r) => timesCell(r.time_to_accept), cls: 'num' },
    { key: 'time_to_resolve', value: (r) => r.time_to_resolve.mean_s, cell: (r) => timesCell(r.time_to_resolve), cls: 'num' },
    { key: 'satisfaction', value: (r) => r.satisfaction.mean, cell: satisfactionCell, cls: 'num' },
  ];
}

// An area with fewer assessed cases than the rules ask for has no score, stars or rank: the
// server decides; the title says why.
const tooFew = (r, rules) => (r.assessed > 0 ? t('asm.too_few', { n: r.assessed, min: rules?.min_cases ?? 1 }) : t('asm.no_score'));

function starsCell(r, rules) {
  if (r.stars === null || r.stars === undefined) return h('span', { class: 'muted', title: tooFew(r, rules) }, '—');
  return h('span', { class: `stars stars-${r.stars}`, dataset: { stars: r.stars }, title: t('asm.stars_title', { n: r.stars, score: r.score }) },
    stars(r.stars), h('span', { class: 'score' }, ` ${r.score.toFixed(1)}`));
}

function overdueCell(r) {
  const o = r.overdue;
  if (!o.total) return '0';
  return h('span', { class: 'overdue-cell', title: URGENCIES.map((u) => `${t(`urgency.${u}`)} ${o[u]}`).join(' · ') },
    h('b', {}, String(o.total)), ' ',
    URGENCIES.filter((u) => o[u]).map((u) => h('span', { class: `dot-count urgency-${u}`, dataset: { urgency: u } }, String(o[u]))));
}

function timesCell(x) {
  if (!x.count) return h('span', { class: 'muted' }, '—');
  return h('span', { title: t('asm.times_title', { n: x.count }) }, secs(x.mean_s), h('span', { class: 'muted small' }, ` / ${secs(x.p90_s)}`));
}

function satisfactionCell(r) {
  const x = r.satisfaction;
  if (!x.rated) return h('span', { class: 'muted' }, '—');
  return h('span', { title: t('asm.satisfaction_title', { n: x.rated, rate: pct(x.satisfied_rate) }) },
    x.mean.toFixed(1), h('span', { class: 'muted small' }, ` · ${pct(x.satisfied_rate)} (${x.rated})`));
}

// ---- the view ----

export class AssessmentView {
  constructor({ refs, user }) {
    this.refs = refs;
    this.user = user;
    this.choice = 'current';
    this.scope = '';
    this.bucket = 'auto';
    this.table = 'communities';
    this.sort = {};  // table → {key, dir}
    this.page = {};  // table → page index
    this.data = null;
    this.trends = null;
    this.token = 0;
    this.trendToken = 0;
    const now = serverNow();
    this.from = quarterStart(now);
    this.to = iso(shanghaiDate(now));
    this.el = h('div', { class: 'assessment', id: 'assessment', dataset: { state: 'idle' } });
    this.controls = this.buildControls();
    this.body = h('div', { class: 'asm-body' });
    this.el.append(this.controls, this.body);
    this.onResize = debounce(() => { if (this.data) this.renderCharts(); }, 250);
    this.resize = new ResizeObserver(() => {
      const w = this.el.clientWidth;
      if (w && w !== this.width) { this.width = w; this.onResize(); }
    });
    this.resize.observe(this.el);
  }

  destroy() {
    this.resize.disconnect();
  }

  buildControls() {
    const period = h('select', { name: 'period', dataset: { control: 'period' } },
      periodChoices().map((p) => h('option', { value: p.value }, p.label)));
    period.value = this.choice;
    const from = h('input', { type: 'date', name: 'from', value: this.from, dataset: { control: 'from' } });
    const to = h('input', { type: 'date', name: 'to', value: this.to, dataset: { control: 'to' } });
    const custom = h('span', { class: 'asm-custom', hidden: true },
      h('label', { class: 'inline' }, t('asm.from'), from), h('label', { class: 'inline' }, t('asm.to'), to),
      h('button', { class: 'secondary', dataset: { action: 'apply' }, onclick: () => this.load() }, t('asm.apply')));
    period.addEventListener('change', () => {
      this.choice = period.value;
      custom.hidden = this.choice !== 'custom';
      if (this.choice !== 'custom') this.load();
    });
    from.addEventListener('change', () => { this.from = from.value; });
    to.addEventListener('change', () => { this.to = to.value; });
    const scope = h('select', { name: 'scope', dataset: { control: 'scope' } }, this.scopeOptions());
    scope.addEventListener('change', () => { this.scope = scope.value; this.page = {}; this.load(); });
    scope.disabled = scope.options.length < 2;
    this.periodNote = h('span', { class: 'muted small asm-period', id: 'asm-period' });
    return h('div', { class: 'asm-controls' },
      h('label', { class: 'inline' }, t('asm.period'), period), custom,
      h('label', { class: 'inline' }, t('asm.scope'), scope),
      h('button', { class: 'secondary', dataset: { action: 'refresh' }, onclick: () => this.load() }, t('asm.refresh')),
      this.periodNote);
  }

  // The user's whole jurisdiction first, then its streets and their communities.
  scopeOptions() {
    const refs = this.refs;
    const own = this.user.scope ? refs.jurisdictions.get(this.user.scope) : null;
    const top = h('option', { value: '' }, own ? t('asm.scope_all_of', { name: own.name }) : t('asm.scope_all'));
    const streets = refs.streets().filter((j) => j.code !== this.user.scope);
    const groups = streets.map((st) => h('optgroup', { label: st.name },
      h('option', { value: st.code }, t('asm.scope_street', { name: st.name })),
      refs.communities(st.code).map((c) => h('option', { value: c.code }, c.name))));
    // A street's own supervisor sees its communities without a group around them.
    const loose = refs.communities().filter((c) => !streets.some((st) => st.code === c.parent) && c.code !== this.user.scope)
      .map((c) => h('option', { value: c.code }, c.name));
    return [top, ...groups, ...loose];
  }

  params() {
    const p = { scope: this.scope };
    if (this.choice === 'custom') Object.assign(p, { from: this.from, to: this.to });
    else if (this.choice === 'month') p.from = monthStart(serverNow());
    else if (this.choice !== 'current') p.period = this.choice;
    return p;
  }

  bucketFor() {
    if (this.bucket !== 'auto') return this.bucket;
    return spanDays(this.choice, this.from, this.to) <= 35 ? 'day' : 'week';
  }

  // Shown again each time the tab opens: the figures are as of now.
  show() {
    this.load();
  }

  async load() {
    if (this.choice === 'custom') {
      const f = dateMs(this.from), to = dateMs(this.to);
      let problem = null;
      if (!Number.isFinite(f) || !Number.isFinite(to)) problem = t('asm.need_dates');
      else if (to < f) problem = t('asm.dates_order');
      else if ((to - f) / DAY + 1 > 400) problem = t('asm.dates_long');
      if (problem) {
        this.el.dataset.state = 'error';
        return fill(this.body, stateBlock('error', problem));
      }
    }
    const token = ++this.token;
    this.el.dataset.state = 'loading';
    fill(this.body, stateBlock('loading', t('asm.loading')));
    try {
      const p = this.params();
      const [data, trends] = await Promise.all([
        api(`/api/v1/stats/assessment${query(p)}`),
        api(`/api/v1/stats/trends${query({ ...p, bucket: this.bucketFor() })}`),
      ]);
      if (token !== this.token) return;
      this.data = data;
      this.trends = trends;
      this.render();
      this.el.dataset.state = 'ready';
    } catch (e) {
      if (token !== this.token) return;
      this.el.dataset.state = 'error';
      fill(this.body, stateBlock('error', e.message, () => this.load()));
    }
  }

  async loadTrends() {
    const token = ++this.trendToken;
    try {
      const trends = await api(`/api/v1/stats/trends${query({ ...this.params(), bucket: this.bucketFor() })}`);
      if (token !== this.trendToken || !this.data) return;
      this.trends = trends;
      this.renderCharts();
    } catch (e) {
      toast(e.message, 'error', 6000);
    }
  }

  render() {
    const d = this.data;
    const last = new Date(Date.parse(d.period.to) - 1).toISOString();
    this.periodNote.textContent = t('asm.period_note', {
      from: fmtTime(d.period.from, 'date'), to: fmtTime(last, 'date'), asof: fmtTime(d.as_of),
    });
    this.charts = h('div', { class: 'asm-charts' });
    this.tables = h('section', { class: 'asm-tables', id: 'asm-tables' });
    fill(this.body,
      d.total.cases === 0 ? stateBlock('empty', t('asm.no_cases')) : null,
      // The bottom warning (末位告诫) first: seen without scrolling on a 1366×768 screen.
      this.bottomNote(),
      this.kpis(d.total),
      this.charts,
      this.tables,
      this.definitions(d.rules),
      this.rulesSection(d.rules));
    this.renderCharts();
    this.renderTables();
  }

  kpis(x) {
    const card = (key, value, sub) => h('div', { class: 'kpi', dataset: { kpi: key }, title: t(`asm.def.${key}`) },
      h('div', { class: 'kpi-value' }, value), h('div', { class: 'kpi-label' }, t(`asm.col_${key}`)), sub ? h('div', { class: 'muted small' }, sub) : null);
    return h('div', { class: 'kpis', id: 'asm-kpis' },
      card('cases', String(x.cases), x.deferred ? t('asm.of_deferred', { n: x.deferred }) : t('asm.assessed_n', { n: x.assessed })),
      ...RATES.map((k) => card(k, pct(x[k]))),
      card('overdue', String(x.overdue.total), URGENCIES.map((u) => `${t(`urgency.${u}`)} ${x.overdue[u]}`).join(' · ')),
      card('satisfaction', x.satisfaction.rated ? x.satisfaction.mean.toFixed(1) : '—',
        x.satisfaction.rated ? t('asm.rated_n', { n: x.satisfaction.rated, rate: pct(x.satisfaction.satisfied_rate) }) : t('asm.none_rated')));
  }

  // ---- charts ----

  // The three cards go in first, so that each chart is drawn at the width its card got.
  renderCharts() {
    if (!this.charts) return;
    const cards = [this.onTimeChart(), this.categoryChart(), this.overdueChart()];
    fill(this.charts, this.trendControls(), h('div', { class: 'asm-chart-grid' }, cards.map((c) => c.el)));
    for (const c of cards) c.draw(Math.max(280, (c.body.clientWidth || 600) - 2));
  }

  chartCard(name, title, empty, content) {
    const body = h('div', { class: 'chart-body' });
    const el = h('figure', { class: 'chart-card', dataset: { chart: name, state: empty ? 'empty' : 'ready' } },
      h('figcaption', {}, h('b', {}, title)), body);
    return { el, body, draw: (width) => fill(body, empty ? stateBlock('empty', empty) : content(width)) };
  }

  onTimeChart() {
    const list = this.data.communities;
    const rows = list.map((c) => ({
      id: c.id, label: c.name, value: c.on_time_closure_rate, flag: c.bottom_warning,
      colour: c.bottom_warning ? URGENCY_COLOURS.red : c.stars >= 4 ? '#2e7d32' : '#1565c0',
      title: `${t('common.label', { label: c.name, value: `${t('asm.col_on_time_closure_rate')} ${pct(c.on_time_closure_rate)}` })} ${t('common.paren', { a: '', b: `${c.closed_on_time}/${c.due}` })}`
        + `${c.stars ? ` · ${stars(c.stars)}` : ''}${c.bottom_warning ? ` · ${t('asm.bottom_warning')}` : ''}`,
    }));
    // Best first; areas without a due case at the end.
    rows.sort((a, b) => (a.value === null) - (b.value === null) || (b.value ?? 0) - (a.value ?? 0) || a.label.localeCompare(b.label, 'zh'));
    const none = !rows.length ? t('asm.no_communities') : !this.data.total.cases ? t('asm.no_cases_trend')
      : rows.every((r) => r.value === null) ? t('asm.no_due') : null;
    const total = this.data.total.on_time_closure_rate;
    return this.chartCard('ontime', t('asm.chart_ontime'), none, (width) => h('div', {},
      h('div', { class: 'chart-scroll' }, hbars({
        rows, width, label: t('asm.chart_ontime'), nullText: t('asm.no_due_short'),
        reference: { value: total, label: t('asm.reference', { v: pct(total) }) },
      })),
      legend([{ name: t('asm.legend_bar'), colour: '#1565c0' }, { name: t('asm.legend_good'), colour: '#2e7d32' },
        { name: t('asm.bottom_warning'), colour: URGENCY_COLOURS.red },
        { name: t('asm.reference', { v: pct(total) }), colour: LINE_COLOUR, line: true }])));
  }

  trendControls() {
    const current = this.bucketFor();
    return h('div', { class: 'asm-trend-controls' },
      h('span', { class: 'muted small' }, t('asm.bucket')),
      h('div', { class: 'seg', role: 'radiogroup', 'aria-label': t('asm.bucket') }, ['day', 'week'].map((b) => h('button', {
        role: 'radio', 'aria-checked': String(b === current), dataset: { bucket: b },
        onclick: () => { this.bucket = b; this.loadTrends(); },
      }, t(`asm.bucket_${b}`)))),
      h('button', { class: 'link', dataset: { csv: 'trends' }, onclick: () => this.csv('trends') }, t('asm.csv_trends')));
  }

  labels() {
    return this.trends.points.map((p) => p.date.slice(5));
  }

  categoryChart() {
    const tr = this.trends;
    const series = tr.categories.map((c, i) => ({
      id: c.id, name: categoryName(this.refs.categories, c.id) || c.name, colour: CATEGORY_COLOURS[i % CATEGORY_COLOURS.length],
      values: tr.points.map((p) => p.by_category[c.id] || 0),
    }));
    const sums = series.map((x) => x.values.reduce((a, b) => a + b, 0));
    const empty = sums.every((v) => !v) ? t('asm.no_cases_trend') : null;
    const shown = series.filter((_, i) => sums[i] > 0);
    return this.chartCard('categories', t('asm.chart_categories', { by: t(`asm.by_${tr.bucket}`) }), empty, (width) => h('div', {},
      timeBars({ labels: this.labels(), series: shown, width, height: 240, label: t('asm.chart_categories', { by: t(`asm.by_${tr.bucket}`) }), yLabel: t('asm.unit_cases') }),
      legend(shown.map((x) => ({ name: `${x.name} ${sums[series.indexOf(x)]}`, colour: x.colour })))));
  }

  overdueChart() {
    const tr = this.trends;
    const series = URGENCIES.map((u) => ({
      id: u, name: t('asm.became_overdue_u', { u: t(`urgency.${u}`) }), colour: URGENCY_COLOURS[u],
      values: tr.points.map((p) => p.became_overdue_by_colour?.[u] || 0),
    }));
    const line = { name: t('asm.overdue_open'), colour: LINE_COLOUR, values: tr.points.map((p) => p.overdue_open) };
    const empty = tr.points.every((p) => !p.became_overdue && !p.overdue_open) ? t('asm.no_overdue') : null;
    return this.chartCard('overdue', t('asm.chart_overdue', { by: t(`asm.by_${tr.bucket}`) }), empty, (width) => h('div', {},
      timeBars({ labels: this.labels(), series, line, width, height: 240, label: t('asm.chart_overdue', { by: t(`asm.by_${tr.bucket}`) }), yLabel: t('asm.unit_cases') }),
      legend([...series.map((x) => ({ name: x.name, colour: x.colour })), { name: line.name, colour: line.colour, line: true }])));
  }

  // ---- tables ----

  tableDefs() {
    const refs = this.refs;
    const name = (r) => r.name || r.id;
    const defs = {
      communities: { parent: 'street', parentName: (r) => refs.areaName(r.street), rank: true },
      workers: { parent: 'community', parentName: (r) => refs.areaName(r.community) },
      grids: { parent: 'community', parentName: (r) => refs.areaName(r.community) },
      streets: { parent: null },
    };
    for (const d of Object.values(defs)) d.name = name;
    return defs;
  }

  renderTables() {
    const d = this.data;
    const names = ['communities', 'workers', 'grids', 'streets'].filter((k) => k !== 'streets' || d.streets.length > 1);
    if (!names.includes(this.table)) this.table = names[0];
    const tabs = h('div', { class: 'subtabs', role: 'tablist' }, names.map((k) => h('button', {
      role: 'tab', class: 'subtab', dataset: { table: k }, 'aria-selected': String(k === this.table),
      onclick: () => { this.table = k; this.renderTables(); },
    }, t(`asm.table_${k}`), h('span', { class: 'count' }, String(d[k].length)))));
    const tools = h('div', { class: 'asm-tools' },
      h('button', { class: 'secondary', dataset: { csv: this.table }, onclick: () => this.csv(this.table) },
        t('asm.csv', { what: t(`asm.table_${this.table}`) })),
      h('button', { class: 'secondary', dataset: { csv: 'cases' }, onclick: () => this.csv('cases') }, t('asm.csv_cases')));
    fill(this.tables, h('div', { class: 'asm-tables-head' }, tabs, tools), this.tableOf(this.table));
  }

  bottomNote() {
    const flagged = this.data.communities.filter((c) => c.bottom_warning);
    if (!flagged.length) return null;
    return h('div', { class: 'bottom-note', role: 'note', id: 'asm-bottom' },
      h('span', { class: 'badge badge-warning' }, t('asm.bottom_warning')), ' ',
      t('asm.bottom_list', { names: flagged.map((c) => t('common.paren', { a: c.name, b: this.refs.areaName(c.street) })).join(t('common.list_sep')) }));
  }

  tableOf(name) {
    const def = this.tableDefs()[name];
    const rows = this.data[name];
    if (!rows.length) return stateBlock('empty', t(`asm.empty_${name}`));
    const cols = [
      { key: 'name', value: (r) => def.name(r), cell: (r) => h('span', {}, h('b', {}, def.name(r)),
        name === 'workers' || name === 'grids' ? h('span', { class: 'muted small' }, ` ${r.id}`) : null), text: true },
      def.parent ? { key: def.parent, value: def.parentName, cell: def.parentName, text: true } : null,
      ...figureColumns(this.data.rules).slice(0, 1),
      def.rank ? { key: 'rank', value: (r) => r.rank, cell: (r) => rankCell(r, this.data.rules), cls: 'num' } : null,
      ...figureColumns(this.data.rules).slice(1),
    ].filter(Boolean);
    const sort = this.sort[name];
    let list = rows.slice();
    if (sort) {
      const col = cols.find((c) => c.key === sort.key);
      list.sort((a, b) => {
        const va = col.value(a), vb = col.value(b);
        // Rows without the figure go last either way.
        if (va === null || va === undefined) return vb === null || vb === undefined ? 0 : 1;
        if (vb === null || vb === undefined) return -1;
        const c = col.text ? String(va).localeCompare(String(vb), lang() === 'zh' ? 'zh' : 'en') : va - vb;
        return sort.dir === 'asc' ? c : -c;
      });
    }
    const pages = Math.max(1, Math.ceil(list.length / PAGE));
    const page = Math.min(this.page[name] || 0, pages - 1);
    const shown = list.slice(page * PAGE, (page + 1) * PAGE);
    const head = h('tr', {}, cols.map((c) => {
      const active = sort?.key === c.key;
      return h('th', { class: c.cls, title: t(`asm.def.${c.key}`, {}, '') || null, 'aria-sort': active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : null },
        h('button', { class: 'sort', dataset: { sort: c.key }, onclick: () => this.sortBy(name, c) },
          t(`asm.col_${c.key}`), h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : '')));
    }));
    const body = h('tbody', {}, shown.map((r) => h('tr', {
      class: r.bottom_warning ? 'bottom-warning' : null, dataset: { id: r.id, bottomWarning: r.bottom_warning ? 'true' : null },
    }, cols.map((c) => h('td', { class: c.cls }, c.cell(r))))));
    const pager = pages > 1 ? h('div', { class: 'pager' },
      h('button', { class: 'secondary', disabled: page === 0, dataset: { page: 'prev' }, onclick: () => this.goPage(name, page - 1) }, t('asm.prev')),
      h('span', { class: 'muted' }, t('asm.page', { n: page + 1, of: pages, rows: list.length })),
      h('button', { class: 'secondary', disabled: page >= pages - 1, dataset: { page: 'next' }, onclick: () => this.goPage(name, page + 1) }, t('asm.next'))) : null;
    return h('div', {}, h('div', { class: 'table-wrap' },
      h('table', { class: 'figures', id: `asm-table-${name}`, dataset: { table: name } }, h('thead', {}, head), body)), pager);
  }

  sortBy(name, col) {
    const now = this.sort[name];
    // Numbers start high to low, names A to Z; a second click turns it round.
    const first = col.text ? 'asc' : 'desc';
    this.sort[name] = now?.key === col.key ? { key: col.key, dir: now.dir === 'asc' ? 'desc' : 'asc' } : { key: col.key, dir: first };
    this.page[name] = 0;
    this.renderTables();
  }

  goPage(name, n) {
    this.page[name] = n;
    this.renderTables();
    this.tables.scrollIntoView({ block: 'start' });
  }

  async csv(table) {
    const p = this.params();
    const path = table === 'trends'
      ? `/api/v1/stats/trends${query({ ...p, bucket: this.bucketFor(), format: 'csv' })}`
      : `/api/v1/stats/assessment${query({ ...p, format: 'csv', table })}`;
    try {
      const name = await download(path, `assessment-${table}.csv`);
      toast(t('asm.csv_done', { name }), 'ok');
    } catch (e) {
      toast(e.message, 'error', 6000);
    }
  }

  definitions(rules) {
    const keys = ['cases', 'deferred', 'assessed', 'due', ...RATES, 'overdue', 'time_to_accept', 'time_to_resolve', 'satisfaction'];
    const w = rules?.weights || {};
    return h('details', { class: 'asm-defs', id: 'asm-defs' },
      h('summary', {}, t('asm.definitions')),
      h('dl', {}, keys.map((k) => h('div', { class: 'def' }, h('dt', {}, t(`asm.col_${k}`)), h('dd', {}, t(`asm.def.${k}`))))),
      h('p', {}, t('asm.def_score', {
        w: ['closure_rate', 'on_time_closure_rate', 'on_time_acceptance_rate', 'rework', 'deferral', 'satisfaction']
          .map((k) => `${t(`asm.weight_${k}`)} ${w[k] ?? 0}`).join(t('common.list_sep')),
      })),
      h('p', {}, t('asm.def_stars', { th: (rules?.star_thresholds || []).join(' / ') })),
      h('p', {}, t('asm.def_min', { n: rules?.min_cases ?? 1 })),
      h('p', {}, t('asm.def_bottom', { n: rules?.bottom_min_communities ?? 3 })),
      h('p', { class: 'muted small' }, t('asm.def_deferred')));
  }

  // Admins change the rules below the definitions; the figures are fetched again under the
  // new ones, with the rules left open.
  rulesSection(rules) {
    if (!(this.user.permissions || []).includes('manage_settings')) return null;
    const d = h('details', { class: 'asm-defs', id: 'asm-rules-box', open: !!this.rulesOpen },
      h('summary', {}, t('asm.rules_title')), rulesEditor(rules || {}, () => this.load()));
    d.addEventListener('toggle', () => { this.rulesOpen = d.open; });
    return d;
  }
}

function rankCell(r, rules) {
  if (r.rank === null || r.rank === undefined) return h('span', { class: 'muted', title: r.assessed > 0 ? tooFew(r, rules) : t('asm.unranked') }, '—');
  return h('span', {}, `${r.rank} / ${r.ranked}`,
    r.bottom_warning ? h('span', { class: 'badge badge-warning', dataset: { flag: 'bottom' } }, t('asm.bottom_warning')) : null);
}
