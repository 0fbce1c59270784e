// The re-dispatch picker: every worker in the caller's scope, searched on the server
// (GET /api/v1/workers?q=, by name, id or phone), each with its load (open cases) and duty
// status; the case's own community first while nothing is typed. Keyboard: type, ↑/↓ to
// move, Enter to choose, Escape closes the dialog. `value` is the chosen worker's id ('' for
// the grid's posts).
import { h, clear, debounce } from './dom.js';
import { t } from './i18n.js';
import { api, query } from './api.js';

const SHOWN = 50;

export function workerPicker({ refs, community }) {
  const search = h('input', {
    type: 'search', class: 'picker-search', autocomplete: 'off', role: 'combobox', 'aria-expanded': 'true',
    'aria-autocomplete': 'list', 'aria-controls': 'worker-picker-list', placeholder: t('picker.search'),
    dataset: { picker: 'search' },
  });
  const list = h('ul', { class: 'picker-list', id: 'worker-picker-list', role: 'listbox' });
  const chosen = h('div', { class: 'picker-chosen muted small', dataset: { picker: 'chosen' } });
  const status = h('div', { class: 'muted small', role: 'status', dataset: { picker: 'status' } });
  const el = h('div', { class: 'worker-picker' }, search, status, list, chosen);
  el.value = '';
  el.focus = () => search.focus();
  let options = [];
  let active = 0;
  let token = 0;

  const option = (w, i) => {
    const id = w ? w.id : '';
    const li = h('li', {
      role: 'option', id: `worker-opt-${i}`, class: 'picker-option', dataset: { workerId: id },
      'aria-selected': String(el.value === id),
      onmousedown: (e) => e.preventDefault(),
      onclick: () => choose(i),
    }, w
      ? [h('b', {}, w.name), ` ${w.id}`,
        h('span', { class: 'muted small' }, ` · ${w.community_name || refs.areaName(w.community) || ''}`),
        h('span', { class: `chip duty-${w.status}` }, t(`duty.${w.status}`)),
        h('span', { class: 'chip', dataset: { load: w.open_cases ?? 0 } }, t('dialog.load', { n: w.open_cases ?? 0 }))]
      : t('dialog.auto_assign'));
    return li;
  };
  const render = () => {
    clear(list);
    options.forEach((w, i) => list.append(option(w, i)));
    mark();
  };
  const mark = () => {
    [...list.children].forEach((li, i) => li.classList.toggle('active', i === active));
    const li = list.children[active];
    if (li) {
      search.setAttribute('aria-activedescendant', li.id);
      li.scrollIntoView?.({ block: 'nearest' });
    }
  };
  const choose = (i) => {
    active = i;
    const w = options[i];
    el.value = w ? w.id : '';
    chosen.textContent = w ? t('picker.chosen', { name: w.name, id: w.id }) : t('dialog.auto_assign');
    for (const li of list.children) li.setAttribute('aria-selected', String(li.dataset.workerId === el.value));
    mark();
  };
  const load = async () => {
    const q = search.value.trim();
    const mine = ++token;
    status.textContent = t('picker.searching');
    try {
      const r = await api(`/api/v1/workers${query({ q, community: q ? '' : community || '' })}`);
      if (mine !== token) return;
      let workers = r.workers;
      // Nothing typed and nobody in the case's community: everyone in scope.
      if (!q && !workers.length && community) workers = (await api('/api/v1/workers')).workers;
      if (mine !== token) return;
      options = [null, ...workers.slice(0, SHOWN)];
      status.textContent = workers.length > SHOWN
        ? t('picker.more', { n: workers.length, shown: SHOWN }) : t('picker.found', { n: workers.length });
      active = Math.min(active, options.length - 1);
      render();
    } catch (e) {
      if (mine === token) status.textContent = e.message;
    }
  };
  search.addEventListener('input', debounce(() => { active = 0; load(); }, 200));
  search.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = Math.max(0, Math.min(options.length - 1, active + (e.key === 'ArrowDown' ? 1 : -1)));
      mark();
    } else if (e.key === 'Enter' && options.length && list.children[active] && el.value !== (options[active]?.id ?? '')) {
      e.preventDefault();  // the first Enter chooses, the next one confirms the dialog
      choose(active);
    }
  });
  chosen.textContent = t('dialog.auto_assign');
  load();
  return el;
}
