// 超时清单 — every overdue case in the supervisor's area, longest overdue first, paged,
// each with 催办 (urging) when the server allows it; and the overdue map's steps: the
// fill of an area by its share of overdue cases (the thresholds are the server's) and
// its outline by its most urgent open case.
import { h, fill, stateBlock, toast, dialog } from './dom.js';
import { t } from './i18n.js';
import { api, query } from './api.js';
import { URGENCY_COLOURS, URGENCIES, fmtDuration, urgencyBadge, stateName, tierName } from './format.js';

const PAGE = 20;
// The fill of each step, pale to dark: a step is how much of an area is overdue, not a colour of urgency.
export const STEP_FILLS = ['#ffffff', '#ffe3c2', '#fdae6b', '#f16913', '#c62828'];
export const DEFAULT_STEPS = [{ step: 0, min_per_mille: 0 }, { step: 1, min_per_mille: 1 }];

// The words of each step, from the thresholds the server serves.
export function stepLabels(steps) {
  const pct = (pm) => Math.round(pm / 10);
  return steps.map((s, i) => {
    const next = steps[i + 1];
    if (s.step === 0) return t('sup.step_0');
    if (i === 1 && next) return t('sup.step_low', { to: pct(next.min_per_mille) });
    if (next) return t('sup.step_mid', { from: pct(s.min_per_mille), to: pct(next.min_per_mille) });
    return t('sup.step_top', { from: pct(s.min_per_mille) });
  });
}

// The legend of both: the fill steps and the outlines.
export function stepLegend(steps) {
  const labels = stepLabels(steps);
  return h('div', { class: 'legend legend-steps', id: 'overdue-legend' },
    h('b', {}, t('sup.legend_fill')),
    steps.map((s, i) => h('span', { class: 'legend-item', dataset: { step: s.step } },
      h('i', { style: { background: STEP_FILLS[Math.min(s.step, STEP_FILLS.length - 1)] } }), labels[i])),
    h('b', {}, t('sup.legend_outline')),
    URGENCIES.map((u) => h('span', { class: 'legend-item', dataset: { outline: u } },
      h('i', { class: 'outline', style: { borderColor: URGENCY_COLOURS[u] } }), t('sup.outline', { u: t(`urgency.${u}`) }))));
}

// An area's style: filled by its step, outlined by its worst open colour.
export function stepStyle(p, selected) {
  const step = p?.overdue_step ?? 0;
  const worst = p?.worst;
  return {
    color: selected ? '#0d47a1' : worst ? URGENCY_COLOURS[worst] : '#90a4ae',
    weight: selected ? 4 : worst ? 3 : 1,
    fillColor: STEP_FILLS[Math.min(step, STEP_FILLS.length - 1)],
    fillOpacity: step ? 0.7 : 0.35,
  };
}

export class OverdueList {
  constructor({ onOpen }) {
    this.onOpen = onOpen;
    this.offset = 0;
    this.body = h('div', { class: 'overdue-list-body' });
    this.pager = h('div', { class: 'pager' });
    this.el = h('div', { class: 'overdue-list', id: 'overdue-list' },
      h('h3', {}, t('sup.list_title')), this.body, this.pager);
  }

  async load(offset = this.offset) {
    const token = (this.token = (this.token || 0) + 1);
    if (!this.body.childElementCount) fill(this.body, stateBlock('loading', t('list.loading')));
    try {
      const r = await api(`/api/v1/overdue-cases${query({ limit: PAGE, offset })}`);
      if (token !== this.token) return;
      this.offset = offset;
      this.render(r);
    } catch (e) {
      if (token === this.token) fill(this.body, stateBlock('error', e.message, () => this.load(offset)));
    }
  }

  render(r) {
    if (!r.items.length) {
      fill(this.body, stateBlock('empty', t('sup.list_empty')));
      fill(this.pager);
      return;
    }
    fill(this.body, h('ul', { class: 'area-cases' }, r.items.map((c) => h('li', {
      class: 'area-case overdue-row', dataset: { caseId: c.id, urgency: c.urgency, overdueMs: c.overdue_ms ?? '' },
    },
    urgencyBadge(c.urgency),
    h('button', { class: 'link title', onclick: () => this.onOpen(c.id) }, `#${c.id} ${c.title}`),
    h('span', { class: 'chip chip-over' }, t('sup.overdue_for', { d: fmtDuration(c.overdue_ms ?? 0) })),
    c.overdue_colour ? h('span', { class: 'chip' }, t('sup.missed', { u: t(`urgency.${c.overdue_colour}`) })) : null,
    h('span', { class: 'chip' }, stateName(c.state)), h('span', { class: 'chip' }, tierName(c.tier)),
    (c.allowed_actions || []).includes('urge')
      ? h('button', { class: 'secondary urge', dataset: { action: 'urge' }, onclick: () => this.urge(c) }, t('sup.urge'))
      : null))));
    const to = r.offset + r.items.length;
    fill(this.pager,
      h('button', { class: 'secondary', disabled: r.offset === 0, onclick: () => this.load(Math.max(0, r.offset - PAGE)) }, t('sup.prev')),
      h('span', { class: 'muted small' }, t('sup.page', { from: r.offset + 1, to, total: r.total })),
      h('button', { class: 'secondary', disabled: to >= r.total, onclick: () => this.load(to) }, t('sup.next')));
  }

  async urge(c) {
    const v = await dialog({ title: t('sup.urge_title', { id: c.id }),
      fields: [{ name: 'note', label: t('sup.urge_note'), type: 'textarea', required: true }], confirm: t('sup.urge') });
    if (!v) return;
    try {
      await api(`/api/v1/cases/${c.id}/urge`, { method: 'POST', body: { note: v.note } });
      toast(t('sup.urged', { id: c.id }), 'ok');
      this.load();
    } catch (e) {
      toast(e.message, 'error', 6000);
    }
  }
}
