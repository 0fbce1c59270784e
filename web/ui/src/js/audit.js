// 操作日志 (admin) — the audit trail: who changed what in the organisation, when, and each
// touched field before → after. Filters by who, subject, kind and dates; newest first,
// a page at a time ("load more"); the same filters export as CSV (fetched with the token).
// Any kind shows: its word when i18n has one, its fields whatever they are.
import { h, fill, stateBlock, toast } from './dom.js';
import { t } from './i18n.js';
import { api, query, download } from './api.js';
import { fmtTime } from './format.js';
import { actorName } from './case_detail.js';
import { loadRefs } from './refs.js';

const PAGE = 50;
// The kinds the server knows (GET /api/v1/audit?kind=), in the filter's order.
export const AUDIT_KINDS = ['mode', 'category', 'worker_status', 'grid_posts', 'setting', 'open311_key', 'user', 'worker', 'leave', 'generation', 'address'];

export async function mount(main, ctx) {
  const refs = await loadRefs({ grids: false });
  const s = new AuditScreen(main, { ...ctx, refs });
  s.start();
  return s;
}

export const kindName = (kind) => t(`audit.kind.${kind}`, {}, kind);

// {a: {b: 1}} → {"a.b": 1}: nested fields (a category's deadlines) compare leaf by leaf.
function flatten(o, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(o || {})) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else out[key] = v;
  }
  return out;
}
const shown = (v) => (v === undefined ? '∅' : v === null ? 'null' : typeof v === 'string' ? (v === '' ? '""' : v) : JSON.stringify(v));

// The fields that differ, as [field, before, after] (undefined: absent on that side).
export function fieldChanges(before, after) {
  const b = flatten(before), a = flatten(after);
  const names = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const changed = names.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
  return changed.map((k) => [k, b[k], a[k]]);
}

class AuditScreen {
  constructor(main, { user, refs }) {
    Object.assign(this, { main, user, refs });
    this.items = [];
    this.next = null;
  }

  start() {
    const input = (name, ph, type = 'text') => h('input', { name, type, placeholder: ph || '', maxlength: type === 'text' ? 200 : undefined });
    this.f = {
      actor: input('actor', t('audit.actor_ph')),
      target: input('target', t('audit.target_ph')),
      kind: h('select', { name: 'kind' }, h('option', { value: '' }, t('audit.kind_all')),
        AUDIT_KINDS.map((k) => h('option', { value: k }, kindName(k)))),
      from: input('from', '', 'date'),
      to: input('to', '', 'date'),
    };
    const field = (label, el) => h('label', { class: 'field' }, h('span', {}, t(label)), el);
    const form = h('form', { class: 'audit-filters', id: 'audit-filters' },
      field('audit.actor', this.f.actor), field('audit.target', this.f.target), field('audit.kind', this.f.kind),
      field('audit.from', this.f.from), field('audit.to', this.f.to),
      h('button', { type: 'submit', class: 'primary' }, t('audit.apply')),
      h('button', { type: 'button', class: 'secondary', id: 'audit-csv', onclick: () => this.csv() }, t('audit.csv')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.load();
    });
    this.list = h('div', { id: 'audit-list' });
    this.more = h('div', { class: 'audit-more' });
    fill(this.main, h('div', { class: 'audit-screen' },
      h('h2', {}, t('audit.title')), h('p', { class: 'muted' }, t('audit.intro')),
      form, this.list, this.more));
    this.load();
  }

  filters() {
    const f = this.f;
    if (f.from.value && f.to.value && f.to.value < f.from.value) return null;
    return { actor: f.actor.value.trim(), target: f.target.value.trim(), kind: f.kind.value, from: f.from.value, to: f.to.value };
  }

  async load(after) {
    const p = this.filters();
    if (!p) return toast(t('audit.dates_order'), 'error', 6000);
    if (!after) {
      this.items = [];
      fill(this.list, stateBlock('loading', t('common.loading')));
      fill(this.more);
    }
    try {
      const r = await api(`/api/v1/audit${query({ ...p, limit: PAGE, after })}`);
      this.items.push(...r.items);
      this.next = r.next;
      this.render();
    } catch (e) {
      fill(this.list, stateBlock('error', e.message, () => this.load()));
    }
  }

  render() {
    if (!this.items.length) {
      fill(this.more);
      return fill(this.list, stateBlock('empty', t('audit.none')));
    }
    fill(this.list, h('table', { class: 'figures audit', id: 'audit-table' },
      h('thead', {}, h('tr', {}, ['audit.at', 'audit.who', 'audit.what', 'audit.subject', 'audit.change'].map((k) => h('th', {}, t(k))))),
      h('tbody', {}, this.items.map((e) => this.row(e)))));
    fill(this.more, this.next === null ? h('span', { class: 'muted' }, t('audit.end', { n: this.items.length }))
      : h('button', { class: 'secondary', id: 'audit-more', onclick: () => this.load(this.next) }, t('audit.more')));
  }

  row(e) {
    const changes = fieldChanges(e.before, e.after);
    return h('tr', { dataset: { seq: e.seq, kind: e.kind } },
      h('td', { class: 'nowrap' }, fmtTime(e.at)),
      h('td', { class: 'audit-actor' }, actorName(e.actor)),
      h('td', {}, h('b', {}, kindName(e.kind)), e.detail ? h('div', { class: 'muted' }, e.detail) : null),
      h('td', { class: 'audit-subject' }, this.subjectName(e.subject), h('code', {}, e.subject)),
      h('td', {}, changes.length
        ? h('ul', { class: 'audit-diff' }, changes.map(([k, b, a]) => h('li', { dataset: { field: k } },
          h('code', {}, k), ': ', h('span', { class: 'before' }, shown(b)), ' → ', h('span', { class: 'after' }, shown(a)))))
        : h('span', { class: 'muted' }, '—')));
  }

  // The name of a jurisdiction, worker or category the reader knows; nothing for the rest.
  subjectName(code) {
    const r = this.refs;
    const name = r.jurisdictions.get(code)?.name || r.workers.get(code)?.name || r.categories.get(code)?.name;
    return name && name !== code ? h('div', {}, name) : null;
  }

  async csv() {
    const p = this.filters();
    if (!p) return toast(t('audit.dates_order'), 'error', 6000);
    try {
      const name = await download(`/api/v1/audit${query({ ...p, format: 'csv' })}`, 'audit.csv');
      toast(t('audit.csv_done', { name }), 'ok');
    } catch (e) {
      toast(e.message, 'error', 6000);
    }
  }
}
