// 类别与时限 (admin): every category with its deadlines per urgency (to accept and to
// resolve, in hours or minutes), working or clock hours, a new category, and the working
// calendar in force (read-only). The server validates; its refusal is shown next to the
// field it names. New deadlines apply to cases taken in afterwards.
import { h, fill, stateBlock, toast } from './dom.js';
import { t } from './i18n.js';
import { api, serverNow } from './api.js';
import { URGENCIES } from './format.js';

export async function mount(main, ctx) {
  const s = new CategoriesScreen(main, ctx);
  s.start();
  return s;
}

// Seconds as a value and a unit: hours when whole, minutes otherwise.
export function splitSeconds(s) {
  return s % 3600 === 0 ? { value: s / 3600, unit: 'h' } : { value: Math.round(s / 60), unit: 'min' };
}
const toSeconds = (value, unit) => Math.round(Number(value) * (unit === 'h' ? 3600 : 60));

class CategoriesScreen {
  constructor(main, { user }) {
    Object.assign(this, { main, user });
  }

  start() {
    this.list = h('div', { id: 'categories-list' });
    this.calendar = h('div', { id: 'calendar' });
    const id = h('input', { name: 'id', required: true, maxlength: 64, placeholder: 'e.g. noise' });
    const name = h('input', { name: 'name', required: true, maxlength: 100 });
    const errors = { id: h('span', { class: 'field-error', dataset: { errorFor: 'id' } }), name: h('span', { class: 'field-error', dataset: { errorFor: 'name' } }) };
    const submit = h('button', { type: 'submit', class: 'primary' }, t('cat.create'));
    const form = h('form', { class: 'category-new', id: 'category-new', novalidate: true },
      h('label', { class: 'field' }, h('span', {}, t('cat.id')), id, errors.id),
      h('label', { class: 'field' }, h('span', {}, t('cat.name')), name, errors.name), submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      Object.values(errors).forEach((el) => fill(el));
      if (!id.value.trim()) return fill(errors.id, t('cat.required'));
      submit.disabled = true;
      try {
        await api(`/api/v1/categories/${encodeURIComponent(id.value.trim())}`, { method: 'PUT', body: { name: name.value.trim() } });
        toast(t('cat.saved', { name: name.value.trim() }), 'ok');
        id.value = '';
        name.value = '';
        await this.load();
      } catch (err) {
        const at = errors[err.field] || errors.id;
        fill(at, err.message, err.detail ? ` (${err.detail})` : '');
      } finally {
        submit.disabled = false;
      }
    });
    fill(this.main, h('div', { class: 'categories-screen' },
      h('h2', {}, t('cat.title')), h('p', { class: 'muted' }, t('cat.intro')),
      this.list, h('h3', {}, t('cat.new')), form,
      h('h3', {}, t('cat.calendar')), this.calendar));
    this.load();
    this.loadCalendar();
  }

  async load() {
    fill(this.list, stateBlock('loading', t('common.loading')));
    try {
      const r = await api('/api/v1/categories');
      fill(this.list, h('table', { class: 'figures categories', id: 'categories-table' },
        h('thead', {}, h('tr', {}, h('th', {}, t('cat.name')),
          URGENCIES.map((u) => h('th', {}, t(`urgency.${u}`), h('div', { class: 'muted small' }, t('cat.accept_resolve')))),
          h('th', {}, t('cat.time')), h('th', {}, t('cat.worker_side')), h('th', {}, ''))),
        h('tbody', {}, r.categories.map((c) => this.row(c)))));
    } catch (e) {
      fill(this.list, stateBlock('error', e.message, () => this.load()));
    }
  }

  row(c) {
    const inputs = {};
    const error = h('div', { class: 'field-error', dataset: { errorFor: 'row' } });
    const errors = {};
    const name = h('input', { name: 'name', value: c.name, maxlength: 100 });
    errors.name = h('div', { class: 'field-error', dataset: { errorFor: 'name' } });
    const amount = (u, kind) => {
      const { value, unit } = splitSeconds(c.sla[u][`${kind}_s`]);
      const v = h('input', { type: 'number', min: 1, step: 1, value: String(value), name: `${u}.${kind}`, class: 'num', dataset: { urgency: u, kind } });
      const sel = h('select', { name: `${u}.${kind}.unit`, dataset: { urgency: u, kind: `${kind}_unit` } },
        h('option', { value: 'h', selected: unit === 'h' }, t('cat.hours')),
        h('option', { value: 'min', selected: unit === 'min' }, t('cat.minutes')));
      inputs[`${u}.${kind}`] = [v, sel];
      return h('span', { class: 'amount' }, v, sel);
    };
    const cells = URGENCIES.map((u) => {
      errors[`sla.${u}`] = h('div', { class: 'field-error', dataset: { errorFor: `sla.${u}` } });
      return h('td', {}, amount(u, 'accept'), ' / ', amount(u, 'resolve'), errors[`sla.${u}`]);
    });
    const working = h('select', { name: 'working_time' },
      h('option', { value: 'false', selected: !c.working_time }, t('cat.clock_hours')),
      h('option', { value: 'true', selected: c.working_time }, t('cat.working_hours')));
    // What the worker's resolve needs and whether the worker calls the reporter back.
    const afterPhoto = h('select', { name: 'after_photo' },
      ['optional', 'required'].map((v) => h('option', { value: v, selected: (c.after_photo || 'optional') === v }, t(`cat.after_photo_${v}`))));
    const callback = h('input', { type: 'checkbox', name: 'callback', checked: !!c.callback });
    errors.after_photo = h('div', { class: 'field-error', dataset: { errorFor: 'after_photo' } });
    const save = h('button', { class: 'primary', dataset: { action: 'save' } }, t('common.save'));
    save.addEventListener('click', async () => {
      Object.values(errors).forEach((el) => fill(el));
      fill(error);
      const sla = {};
      for (const u of URGENCIES) {
        const [av, au] = inputs[`${u}.accept`];
        const [rv, ru] = inputs[`${u}.resolve`];
        sla[u] = { accept_s: toSeconds(av.value, au.value), resolve_s: toSeconds(rv.value, ru.value) };
        if (!Number.isFinite(sla[u].accept_s) || !Number.isFinite(sla[u].resolve_s)) return fill(errors[`sla.${u}`], t('cat.number'));
      }
      save.disabled = true;
      try {
        await api(`/api/v1/categories/${encodeURIComponent(c.id)}`, {
          method: 'PUT',
          body: { name: name.value.trim(), sla, working_time: working.value === 'true', after_photo: afterPhoto.value, callback: callback.checked },
        });
        toast(t('cat.saved', { name: name.value.trim() }), 'ok');
        await this.load();
      } catch (err) {
        const at = errors[err.field] || error;
        fill(at, err.message, err.detail ? ` (${err.detail})` : '');
      } finally {
        save.disabled = false;
      }
    });
    return h('tr', { dataset: { category: c.id } },
      h('td', {}, name, h('div', { class: 'muted small' }, c.id), errors.name),
      cells, h('td', {}, working),
      h('td', { class: 'worker-side' }, afterPhoto, errors.after_photo,
        h('label', { class: 'check' }, callback, h('span', {}, t('cat.callback')))),
      h('td', {}, save, error));
  }

  async loadCalendar() {
    fill(this.calendar, stateBlock('loading', t('common.loading')));
    try {
      const year = Number(new Date(serverNow()).toISOString().slice(0, 4));
      const years = await Promise.all([year, year + 1].map((y) => api(`/api/v1/calendar?year=${y}`)));
      const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
      const first = years[0];
      fill(this.calendar,
        h('table', { class: 'figures calendar-hours', id: 'calendar-hours' },
          h('thead', {}, h('tr', {}, days.map((d) => h('th', {}, t(`cal.${d}`))))),
          h('tbody', {}, h('tr', {}, days.map((d) => h('td', {},
            first.hours[d].length ? first.hours[d].map((s) => h('div', {}, `${s[0]}–${s[1]}`)) : t('cal.rest')))))),
        years.map((y) => h('section', { class: 'calendar-year', dataset: { year: y.year } },
          h('h4', {}, t('cal.year', { year: y.year })),
          y.known
            ? [h('p', {}, h('b', {}, t('cal.holidays')), ' ', y.holidays.join(t('common.list_sep')) || '—'),
               h('p', {}, h('b', {}, t('cal.workdays')), ' ', y.workdays.join(t('common.list_sep')) || '—')]
            : h('p', { class: 'muted' }, t('cal.unknown')))));
    } catch (e) {
      fill(this.calendar, stateBlock('error', e.message, () => this.loadCalendar()));
    }
  }
}
