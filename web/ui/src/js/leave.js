// 请假 (supervisors and admins): a worker of the jurisdiction, its past, current and
// upcoming leave, and a form to schedule more. What may be done comes from the server:
// a refusal is shown next to the field it names.
import { h, fill, stateBlock, toast, dialog } from './dom.js';
import { t } from './i18n.js';
import { api, serverNow } from './api.js';
import { loadRefs } from './refs.js';
import { fmtTime } from './format.js';
import { actorName } from './case_detail.js';

export async function mount(main, ctx) {
  const refs = await loadRefs({ grids: false });
  const s = new LeaveScreen(main, { ...ctx, refs });
  s.start();
  return s;
}

// A datetime-local input's value for an instant, in the browser's time zone.
export function localInput(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

// One leave in words: its state, from and to, reason.
export function leaveLine(l) {
  return h('span', { class: 'leave-line' },
    h('b', { class: `leave-state leave-${l.state}` }, t(`leave.state.${l.state}`)), ' ',
    t('leave.span', { from: fmtTime(l.from), to: fmtTime(l.to) }), ' ', h('span', { class: 'muted' }, l.reason));
}

class LeaveScreen {
  constructor(main, { refs, user }) {
    Object.assign(this, { main, refs, user });
  }

  start() {
    const workers = [...this.refs.workers.values()].sort((a, b) => a.id.localeCompare(b.id));
    this.worker = h('select', { name: 'worker', id: 'leave-worker' },
      workers.map((w) => h('option', { value: w.id }, `${w.name}（${w.id}）`)));
    this.worker.addEventListener('change', () => this.load());
    this.list = h('div', { id: 'leave-list' });
    this.errors = {};
    const field = (name, label, input) => {
      this.errors[name] = h('span', { class: 'field-error', dataset: { errorFor: name }, role: 'alert' });
      return h('label', { class: 'field' }, h('span', {}, label), input, this.errors[name]);
    };
    const now = serverNow();
    this.from = h('input', { name: 'from', type: 'datetime-local', required: true, value: localInput(now + 3600_000) });
    this.to = h('input', { name: 'to', type: 'datetime-local', required: true, value: localInput(now + 25 * 3600_000) });
    this.reason = h('input', { name: 'reason', required: true, maxlength: 200, placeholder: t('leave.reason_ph') });
    this.openCases = h('select', { name: 'open_cases' },
      h('option', { value: 'keep' }, t('leave.keep')), h('option', { value: 'move' }, t('leave.move')));
    const submit = h('button', { type: 'submit', class: 'primary' }, t('leave.create'));
    const form = h('form', { class: 'leave-form', id: 'leave-form', novalidate: true },
      field('from', t('leave.from'), this.from), field('to', t('leave.to'), this.to),
      field('reason', t('leave.reason'), this.reason), field('open_cases', t('leave.open_cases'), this.openCases),
      submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      this.clearErrors();
      const when = (input) => (input.value ? new Date(input.value).toISOString() : '');
      submit.disabled = true;
      try {
        await api(`/api/v1/workers/${encodeURIComponent(this.worker.value)}/leave`, {
          method: 'POST',
          body: { from: when(this.from), to: when(this.to), reason: this.reason.value.trim(), open_cases: this.openCases.value },
        });
        this.reason.value = '';
        toast(t('leave.made'), 'ok');
        await this.load();
      } catch (err) {
        this.showError(err);
      } finally {
        submit.disabled = false;
      }
    });
    fill(this.main, h('div', { class: 'leave-screen' },
      h('h2', {}, t('leave.title')), h('p', { class: 'muted' }, t('leave.intro')),
      h('label', { class: 'field' }, h('span', {}, t('leave.worker')), this.worker),
      form, h('h3', {}, t('leave.list')), this.list));
    if (workers.length) this.load();
    else fill(this.list, stateBlock('empty', t('leave.no_workers')));
  }

  clearErrors() {
    for (const el of Object.values(this.errors)) fill(el);
  }

  showError(err) {
    const at = this.errors[err.field];
    if (at) fill(at, err.message, err.detail && err.detail !== err.message ? h('span', { class: 'muted' }, ` (${err.detail})`) : null);
    else toast(err.detail || err.message, 'error', 6000);
  }

  async load() {
    const id = this.worker.value;
    fill(this.list, stateBlock('loading', t('common.loading')));
    try {
      const r = await api(`/api/v1/workers/${encodeURIComponent(id)}/leave`);
      if (id !== this.worker.value) return;
      if (!r.items.length) return fill(this.list, stateBlock('empty', t('leave.none')));
      fill(this.list, h('table', { class: 'figures leave', id: 'leave-table' },
        h('thead', {}, h('tr', {}, ['leave.state', 'leave.from', 'leave.to', 'leave.reason', 'leave.open_cases', 'leave.by', '']
          .map((k) => h('th', {}, k ? t(k) : '')))),
        h('tbody', {}, r.items.map((l) => h('tr', { dataset: { leaveId: l.id, state: l.state } },
          h('td', {}, h('b', { class: `leave-state leave-${l.state}` }, t(`leave.state.${l.state}`))),
          h('td', {}, fmtTime(l.from)), h('td', {}, fmtTime(l.to)), h('td', {}, l.reason),
          h('td', {}, t(`leave.${l.open_cases}`)), h('td', {}, actorName(l.created_by)),
          h('td', {}, l.state === 'upcoming' || l.state === 'current'
            ? h('button', { class: 'danger', dataset: { action: 'end' }, onclick: () => this.end(l) },
              t(l.state === 'upcoming' ? 'leave.cancel' : 'leave.end'))
            : null))))));
    } catch (e) {
      fill(this.list, stateBlock('error', e.message, () => this.load()));
    }
  }

  async end(l) {
    const ok = await dialog({ title: t(l.state === 'upcoming' ? 'leave.cancel' : 'leave.end'), message: t('leave.end_confirm'), danger: true });
    if (!ok) return;
    try {
      await api(`/api/v1/workers/${encodeURIComponent(l.worker_id)}/leave/${encodeURIComponent(l.id)}`, { method: 'DELETE' });
      await this.load();
    } catch (e) {
      toast(e.message, 'error', 6000);
    }
  }
}
