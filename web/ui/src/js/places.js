// 标准地址 (admin): load a CSV of standard addresses (POST /api/v1/addresses/import) and see
// what it did: the counts and each bad row by its line; then try a search of the library.
import { h, fill, stateBlock, toast } from './dom.js';
import { t } from './i18n.js';
import { api, query } from './api.js';

export async function mount(main) {
  const file = h('input', { type: 'file', accept: '.csv,text/csv', id: 'places-file' });
  const crs = h('select', { id: 'places-crs' }, ['wgs84', 'gcj02', 'bd09'].map((c) => h('option', { value: c }, t(`crs.${c}`))));
  const result = h('div', { class: 'places-result', id: 'places-result' });
  const upload = h('button', { class: 'primary', id: 'places-upload', type: 'button' }, t('places.upload'));
  upload.addEventListener('click', async () => {
    const f = file.files?.[0];
    if (!f) return toast(t('places.pick_file'), 'error');
    upload.disabled = true;
    fill(result, stateBlock('loading', t('common.loading')));
    try {
      const r = await api(`/api/v1/addresses/import${query({ crs: crs.value })}`, { method: 'POST', body: f, type: 'text/csv' });
      fill(result,
        h('p', { dataset: { field: 'counts' } }, t('places.counts', r)),
        r.problems.length ? h('table', { class: 'table' },
          h('thead', {}, h('tr', {}, h('th', {}, t('places.line')), h('th', {}, t('places.field')), h('th', {}, t('places.problem')))),
          h('tbody', {}, r.problems.map((p) => h('tr', {}, h('td', {}, String(p.line)), h('td', {}, p.field), h('td', {}, p.message)))))
          : null);
    } catch (e) {
      fill(result, stateBlock('error', e.message));
    } finally {
      upload.disabled = false;
    }
  });
  const q = h('input', { type: 'search', id: 'places-q', placeholder: t('search.placeholder') });
  const found = h('ul', { id: 'places-found' });
  const tryButton = h('button', { type: 'button', class: 'secondary' }, t('places.try'));
  tryButton.addEventListener('click', async () => {
    try {
      const r = await api(`/api/v1/addresses${query({ q: q.value.trim(), limit: 20 })}`);
      fill(found, r.items.length ? r.items.map((a) => h('li', {}, `${a.address} ${a.building} · ${a.community} · ${a.grid_name || a.grid_id || ''}`))
        : h('li', { class: 'muted' }, t('search.none')));
    } catch (e) {
      fill(found, h('li', { class: 'error' }, e.message));
    }
  });
  fill(main, h('section', { class: 'places-admin' },
    h('h2', {}, t('nav.places')),
    h('p', { class: 'muted' }, t('places.intro')),
    h('div', { class: 'row' }, file, crs, upload),
    result,
    h('h3', {}, t('places.search')),
    h('div', { class: 'row' }, q, tryButton),
    found));
  return {};
}
