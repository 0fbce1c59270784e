// One case for the command center and supervisors: what it is, its deadlines, its
// history and photos, and the actions its reader may take now. The server decides those
// (`allowed_actions` of the case, from its access policy); this panel only draws them.
import { h, stateBlock, dialog, toast, fill } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { workerPicker } from './worker_picker.js';
import { beforeAfter } from './photos.js';
import { fmtTime, timeLeft, urgencyBadge, stateName, tierName, eventName, eventDetail, categoryName } from './format.js';

// The actions this panel has a form for, in the order it shows them: the command
// center's and supervisors' (a worker's are on its tablet). `rate` (回访) is not a
// transition but a rating.
const SHOWN = ['register', 'close', 'reopen', 'reassign', 'defer', 'resume', 'cancel', 'rate', 'urge'];

// What the reader may do to the case now, as the server said.
export function allowed(c, action) {
  return (c.allowed_actions || []).includes(action);
}

// The worker's deferral request still waiting for an answer, if any: the latest
// request_deferral with no approval, resumption or change of hands after it.
export function pendingDeferral(c) {
  if (c.paused_at || !['dispatched', 'accepted'].includes(c.state)) return null;
  let asked = null;
  for (const e of c.events || []) {
    if (e.type === 'request_deferral') asked = e;
    else if (['defer', 'resume', 'reassign', 'return', 'resolve', 'reopen', 'handover'].includes(e.type)) asked = null;
  }
  return asked;
}

// The latest follow-up rating (回访) of a case: {score, note, at, actor} or null.
export function latestRating(c) {
  const e = (c.events || []).filter((x) => x.type === 'rated' && Number.isInteger(x.score)).pop();
  return e ? { score: e.score, note: e.note, at: e.at, actor: e.actor } : null;
}

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
    const rating = latestRating(c);
    fill(this.el, 
      this.closeButton(),
      h('div', { class: 'detail-head', dataset: { caseId: c.id, state: c.state } },
        urgencyBadge(c.urgency, true),
        h('h2', {}, `#${c.id} ${c.title}`)),
      h('div', { class: 'chips' },
        h('span', { class: `chip state-${c.state}`, dataset: { field: 'state' } }, stateName(c.state)),
        h('span', { class: 'chip' }, tierName(c.tier)),
        left.overdue ? h('span', { class: 'chip chip-over' }, t('case.overdue')) : null,
        c.warned && !left.overdue ? h('span', { class: 'chip chip-warn' }, t('case.warned')) : null,
        c.rework_count ? h('span', { class: 'chip' }, t('case.rework', { n: c.rework_count })) : null,
        c.paused_at ? h('span', { class: 'chip chip-paused', dataset: { paused: 'true' } }, t('case.paused')) : null,
        c.deferred && !c.paused_at ? h('span', { class: 'chip', title: t('case.deferred_hint') }, t('case.deferred')) : null,
        rating ? h('span', { class: 'chip chip-rated', dataset: { rating: rating.score } }, t('case.rated', { n: rating.score })) : null,
        h('span', { class: `time-left ${left.cls}`, dataset: { clock: left.overdue ? 'over' : 'left' } }, left.text),
        left.due ? h('span', { class: 'muted small', dataset: { field: 'due' } }, left.due) : null),
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
        row(t('case.missed_at'), c.clock?.missed_at ? fmtTime(c.clock.missed_at) : null),
        row(t('case.accept_by'), c.accept_by && !c.accepted_at ? fmtTime(c.accept_by) : null),
        row(t('case.accepted_at'), c.accepted_at ? fmtTime(c.accepted_at) : null),
        row(t('case.resolve_by'), c.resolve_by ? fmtTime(c.resolve_by) : null),
        row(t('case.resolved_at'), c.resolved_at ? fmtTime(c.resolved_at) : null),
        row(t('case.closed_at'), c.closed_at ? fmtTime(c.closed_at) : null),
        row(t('case.return_reason'), c.return_reason),
        row(t('case.paused_since'), c.paused_at ? fmtTime(c.paused_at) : null)),
      this.deferralBox(c),
      this.actions(c),
      this.photos(c),
      h('h3', {}, t('case.history')),
      this.history(c));
  }

  // The history, newest first: a run of the system's own events folds into one line that
  // opens ("超时升级 ×3 · 预警 ×3"); people are named by the server's `actor_name` (or the roster).
  history(c) {
    const item = (e) => h('li', { dataset: { event: e.type } },
      h('time', {}, fmtTime(e.at)),
      h('b', {}, eventName(e.type)),
      e.from_state !== e.to_state ? h('span', { class: 'muted' }, ` ${stateName(e.from_state)} → ${stateName(e.to_state)}`) : null,
      h('div', { class: 'muted small', dataset: { field: 'actor' } }, this.personName(e)),
      e.note ? h('div', { class: 'note' }, e.note) : null,
      eventDetail(e) ? h('div', { class: 'muted small' }, eventDetail(e)) : null);
    const runs = [];
    for (const e of (c.events || []).slice().reverse()) {
      const last = runs[runs.length - 1];
      if (last && e.actor === 'system' && last[0].actor === 'system') last.push(e);
      else runs.push([e]);
    }
    return h('ol', { class: 'history' }, runs.map((run) => (run.length < 2 ? item(run[0]) : h('li', { class: 'fold', dataset: { event: run[0].type, folded: run.length } },
      h('details', {},
        h('summary', {}, h('time', {}, `${fmtTime(run[run.length - 1].at)} – ${fmtTime(run[0].at, 'time')}`), ' ',
          h('b', {}, folded(run)),
          h('div', { class: 'muted small' }, t('actor.system'))),
        h('ol', { class: 'history-fold' }, run.map(item)))))));
  }

  personName(e) {
    return this.refs.workerName(e.actor_worker_id) || e.actor_name || actorName(e.actor);
  }

  // Before and after side by side: the operator who verifies a resolved case compares them.
  photos(c) {
    if (!c.photos?.length) return null;
    return h('div', {}, h('h3', {}, t('case.photos', { n: c.photos.length })), beforeAfter(c.photos, 'case-photos'));
  }


  // A deferral the worker asked for, waiting for the operator's or supervisor's answer; or
  // the pause an approved one holds.
  deferralBox(c) {
    const asked = pendingDeferral(c);
    if (asked) {
      return h('div', { class: 'deferral-box', id: 'pending-deferral', dataset: { pendingDeferral: 'true' }, role: 'status' },
        h('b', {}, t('deferral.pending')),
        h('div', {}, t('deferral.asked_by', { who: this.refs.workerName(asked.assignee_id) || actorName(asked.actor), at: fmtTime(asked.at) })),
        asked.note ? h('div', { class: 'note' }, asked.note) : null,
        allowed(c, 'defer') ? h('div', { class: 'actions' },
          h('button', { class: 'primary', dataset: { action: 'approve' }, onclick: () => this.act(c, 'defer', asked) }, t('deferral.approve'))) : null);
    }
    if (c.paused_at) {
      return h('div', { class: 'deferral-box paused', dataset: { paused: 'true' }, role: 'status' },
        h('b', {}, t('deferral.paused')), h('div', {}, t('deferral.paused_since', { at: fmtTime(c.paused_at) })));
    }
    return null;
  }

  actions(c) {
    // A pending deferral request has its own button to approve it.
    const list = SHOWN.filter((a) => allowed(c, a) && !(a === 'defer' && pendingDeferral(c)));
    if (!list.length) return null;
    return h('div', { class: 'actions' }, list.map((a) =>
      h('button', { class: a === 'cancel' ? 'danger' : a === 'close' || a === 'rate' ? 'primary' : 'secondary', dataset: { action: a },
        onclick: () => this.act(c, a) }, t(`action.${a}`))));
  }

  async act(c, action, asked) {
    if (action === 'rate') return this.rate(c);
    const body = { action, version: c.version };
    if (action === 'reassign' || action === 'register') {
      // Every worker in scope, searched on the server, the case's community first: a street
      // may lend workers across communities (灵活调配).
      const v = await dialog({
        title: t(`action.${action}`),
        message: t('dialog.reassign_hint'),
        fields: [{ name: 'assignee_id', label: t('case.assignee'), type: 'custom',
          input: workerPicker({ refs: this.refs, community: c.community }) },
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
    } else if (action === 'defer') {
      const v = await dialog({
        title: t('deferral.approve_title'), message: t('deferral.approve_hint'),
        fields: [{ name: 'note', label: t('dialog.reason'), type: 'textarea', required: true,
          value: asked?.note ? t('deferral.approve_note', { why: asked.note }) : '' }],
        confirm: t('action.defer'),
      });
      if (!v) return;
      body.note = v.note;
    } else if (action === 'resume') {
      const v = await dialog({
        title: t('action.resume'), message: t('deferral.resume_hint'),
        fields: [{ name: 'note', label: t('dialog.note_optional'), type: 'textarea' }], confirm: t('action.resume'),
      });
      if (!v) return;
      if (v.note) body.note = v.note;
    } else if (action === 'urge') {
      // 催办: the worker is told at once, with this note.
      const v = await dialog({
        title: t('sup.urge_title', { id: c.id }),
        fields: [{ name: 'note', label: t('sup.urge_note'), type: 'textarea', required: true }], confirm: t('sup.urge'),
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

  // 回访: the resident's satisfaction with a closed case, 1–5, recorded by an operator.
  async rate(c) {
    const before = latestRating(c);
    const v = await dialog({
      title: t('rating.title', { id: c.id }), message: before ? t('rating.again', { n: before.score }) : t('rating.hint'),
      fields: [
        // No score is chosen for the operator: saving waits until one is.
        { name: 'score', label: t('rating.score_label'), type: 'select', value: '', required: true,
          options: [{ value: '', label: t('rating.choose') }].concat([5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: `${'★'.repeat(n)}${'☆'.repeat(5 - n)} ${t(`rating.level_${n}`)}` }))) },
        { name: 'note', label: t('rating.note'), type: 'textarea' }],
      confirm: t('rating.save'), untilValid: true,
    });
    if (!v) return;
    this.busy = true;
    try {
      await api(`/api/v1/cases/${c.id}/rating`, { method: 'POST', body: { score: Number(v.score), note: v.note } });
      toast(t('rating.done', { id: c.id, n: v.score }), 'ok');
      this.busy = false;
      await this.open(c.id);
    } catch (e) {
      this.busy = false;
      toast(e.message, 'error', 6000);
    }
  }
}

// What a folded run of events holds: "超时升级 ×3 · 预警 ×3".
function folded(run) {
  const counts = new Map();
  for (const e of run) counts.set(e.type, (counts.get(e.type) || 0) + 1);
  return [...counts].map(([type, n]) => t('history.folded', { what: eventName(type), n })).join(' · ');
}

// "user:3:op" → "op"; "system" → the system's name.
export function actorName(actor) {
  if (!actor || actor === 'system') return t('actor.system');
  const parts = actor.split(':');
  return parts.length >= 3 ? parts.slice(2).join(':') : actor;
}
