// One case for the command center and supervisors: what it is, its deadlines, its
// history and photos, and the actions the user's role may take in its state.
import { h, stateBlock, dialog, toast, fill } from './dom.js';
import { t } from './i18n.js';
import { api, photoUrl } from './api.js';
import { fmtTime, timeLeft, urgencyBadge, stateName, tierName, eventName, eventDetail, categoryName } from './format.js';

// Which buttons a role gets, by state (the server decides in the end).
const ACTIONS = {
  operator: {
    reported: ['register', 'reassign', 'cancel'],
    dispatched: ['reassign', 'cancel'],
    accepted: ['reassign', 'cancel'],
    resolved: ['close', 'reopen'],
  },
  supervisor: { dispatched: ['reassign'], accepted: ['reassign'] },
};
ACTIONS.admin = ACTIONS.operator;

export class CaseDetail {
  // onChange(case) runs after a successful action, onClose when the panel is closed.
  constructor({ refs, user, onChange, onClose }) {
    this.refs = refs;
    this.user = user;
    this.onChange = onChange;
    this.onClose = onClose;
    this.el = h('aside', { class: 'case-detail', 'aria-live': 'polite' });
    this.id = null;
  }

  async open(id) {
    this.id = id;
    fill(this.el, stateBlock('loading', t('common.loading')));
    this.el.hidden = false;
    try {
      const c = await api(`/api/v1/cases/${id}`);
      if (this.id === id) this.render(c);
    } catch (e) {
      if (this.id === id) fill(this.el, this.closeButton(), stateBlock('error', e.message, () => this.open(id)));
    }
  }

  // A live update of the open case: show it again (history included).
  refreshIf(c) {
    if (this.id === c.id && !this.el.hidden && !this.busy) this.open(c.id);
  }

  close() {
    this.id = null;
    this.el.hidden = true;
    this.onClose?.();
  }

  closeButton() {
    return h('button', { class: 'close', title: t('common.close'), 'aria-label': t('common.close'), onclick: () => this.close() }, '×');
  }

  render(c) {
    const refs = this.refs;
    const left = timeLeft(c);
    const row = (label, value) => (value === null || value === undefined || value === '' ? null :
      h('div', { class: 'kv' }, h('dt', {}, label), h('dd', {}, value)));
    const grid = refs.grids.get(c.grid_id);
    fill(this.el, 
      this.closeButton(),
      h('div', { class: 'detail-head', dataset: { caseId: c.id, state: c.state } },
        urgencyBadge(c.urgency, true),
        h('h2', {}, `#${c.id} ${c.title}`)),
      h('div', { class: 'chips' },
        h('span', { class: `chip state-${c.state}`, dataset: { field: 'state' } }, stateName(c.state)),
        h('span', { class: 'chip' }, tierName(c.tier)),
        c.overdue ? h('span', { class: 'chip chip-over' }, t('case.overdue')) : null,
        c.warned && !c.overdue ? h('span', { class: 'chip chip-warn' }, t('case.warned')) : null,
        c.rework_count ? h('span', { class: 'chip' }, t('case.rework', { n: c.rework_count })) : null,
        h('span', { class: `time-left ${left.cls}` }, left.text)),
      h('dl', { class: 'kvs' },
        row(t('case.category'), categoryName(refs.categories, c.category)),
        row(t('case.grid'), grid ? `${grid.name} (${c.grid_id})` : c.grid_id),
        row(t('case.community'), refs.areaName(c.community)),
        row(t('case.street'), refs.areaName(c.street)),
        row(t('case.assignee'), refs.workerName(c.assignee_id) || t('case.unassigned')),
        row(t('case.address'), c.address),
        row(t('case.description'), c.description),
        row(t('case.reporter'), [c.reporter?.name, c.reporter?.phone].filter(Boolean).join(' · ')),
        row(t('case.source'), t(`source.${c.source}`, {}, c.source)),
        row(t('case.created'), fmtTime(c.created_at)),
        row(t('case.accept_by'), c.accept_by && !c.accepted_at ? fmtTime(c.accept_by) : null),
        row(t('case.accepted_at'), c.accepted_at ? fmtTime(c.accepted_at) : null),
        row(t('case.resolve_by'), c.resolve_by ? fmtTime(c.resolve_by) : null),
        row(t('case.resolved_at'), c.resolved_at ? fmtTime(c.resolved_at) : null),
        row(t('case.closed_at'), c.closed_at ? fmtTime(c.closed_at) : null),
        row(t('case.return_reason'), c.return_reason)),
      this.actions(c),
      this.photos(c),
      h('h3', {}, t('case.history')),
      h('ol', { class: 'history' }, (c.events || []).slice().reverse().map((e) => h('li', {},
        h('time', {}, fmtTime(e.at)),
        h('b', {}, eventName(e.type)),
        e.from_state !== e.to_state ? h('span', { class: 'muted' }, ` ${stateName(e.from_state)} → ${stateName(e.to_state)}`) : null,
        h('div', { class: 'muted small' }, actorName(e.actor)),
        e.note ? h('div', { class: 'note' }, e.note) : null,
        eventDetail(e) ? h('div', { class: 'muted small' }, eventDetail(e)) : null))));
  }

  photos(c) {
    if (!c.photos?.length) return null;
    return h('div', {}, h('h3', {}, t('case.photos', { n: c.photos.length })),
      h('div', { class: 'photos' }, c.photos.map((p) => {
        const img = h('img', { alt: t('case.photo_alt', { time: fmtTime(p.at) }), loading: 'lazy' });
        photoUrl(p.url).then((u) => { img.src = u; }).catch(() => { img.alt = t('err.photo'); });
        return h('a', { class: 'photo', href: '#', onclick: (e) => { e.preventDefault(); if (img.src) window.open(img.src); } }, img);
      })));
  }

  actions(c) {
    let list = ACTIONS[this.user.role]?.[c.state] || [];
    if (this.user.role === 'supervisor' && c.tier === 'worker') list = [];  // only escalated cases
    if (!list.length) return null;
    return h('div', { class: 'actions' }, list.map((a) =>
      h('button', { class: a === 'cancel' ? 'danger' : a === 'close' ? 'primary' : 'secondary', dataset: { action: a },
        onclick: () => this.act(c, a) }, t(`action.${a}`))));
  }

  async act(c, action) {
    const body = { action, version: c.version };
    if (action === 'reassign' || action === 'register') {
      // The case's community first; then the others in view, since a street may lend
      // workers across communities (灵活调配).
      const all = [...this.refs.workers.values()];
      const workers = all.filter((w) => w.community === c.community)
        .concat(all.filter((w) => w.community !== c.community)).slice(0, 300);
      const v = await dialog({
        title: t(`action.${action}`),
        message: t('dialog.reassign_hint'),
        fields: [{ name: 'assignee_id', label: t('case.assignee'), type: 'select', value: '',
          options: [{ value: '', label: t('dialog.auto_assign') }].concat(workers.map((w) => ({
            value: w.id, label: `${w.name} (${w.id}) · ${this.refs.areaName(w.community)} · ${t(`duty.${w.status}`)} · ${t('dialog.load', { n: w.open_cases ?? 0 })}` }))) },
        { name: 'note', label: t('dialog.note_optional'), type: 'textarea' }],
        confirm: t(`action.${action}`),
      });
      if (!v) return;
      if (v.assignee_id) body.assignee_id = v.assignee_id;
      if (v.note) body.note = v.note;
    } else if (action === 'reopen' || action === 'cancel') {
      const v = await dialog({
        title: t(`action.${action}`), message: t(`dialog.${action}_hint`), danger: action === 'cancel',
        fields: [{ name: 'note', label: t('dialog.reason'), type: 'textarea', required: true }],
        confirm: t(`action.${action}`),
      });
      if (!v) return;
      body.note = v.note;
    } else if (action === 'close') {
      const v = await dialog({
        title: t('action.close'), message: t('dialog.close_hint'),
        fields: [{ name: 'note', label: t('dialog.note_optional'), type: 'textarea' }], confirm: t('action.close'),
      });
      if (!v) return;
      if (v.note) body.note = v.note;
    }
    this.busy = true;
    try {
      const updated = await api(`/api/v1/cases/${c.id}/transitions`, { method: 'POST', body });
      toast(t('toast.done', { action: t(`action.${action}`), id: c.id }), 'ok');
      this.onChange?.(updated);
      this.busy = false;
      await this.open(c.id);
    } catch (e) {
      this.busy = false;
      toast(e.message, 'error', 6000);
      if (e.code === 'stale_version' || e.code === 'illegal_transition') this.open(c.id);
    }
  }
}

// "user:3:op" → "op"; "system" → the system's name.
export function actorName(actor) {
  if (!actor || actor === 'system') return t('actor.system');
  const parts = actor.split(':');
  return parts.length >= 3 ? parts.slice(2).join(':') : actor;
}
