// Grid redraws (网格调整, admin): upload a whole-city grid file as a draft, see what it
// changes on the map (the lines in force grey, the draft's blue, added and changed grids
// filled) and in lists (grids added, removed and changed, open cases that would move, posts
// without a holder, problems), then apply it now or schedule it, open cases following
// their location or staying with their worker. What may be applied is the server's word
// (`applicable`).
import { h, fill, stateBlock, toast } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { createMap, L, fitWhenSized } from './map.js';
import { fmtTime } from './format.js';

export async function mount(main, ctx) {
  const s = new RedrawScreen(main, ctx);
  s.start();
  return s;
}

class RedrawScreen {
  constructor(main, { config }) {
    Object.assign(this, { main, config: config || {} });
  }

  start() {
    const file = h('input', { type: 'file', id: 'redraw-file', accept: '.geojson,.json,application/geo+json' });
    const upload = h('button', { type: 'submit', class: 'primary', id: 'redraw-upload' }, t('redraw.upload'));
    const form = h('form', { class: 'keys-form', id: 'redraw-form' },
      h('label', { class: 'field' }, h('span', {}, t('redraw.file')), file), upload);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const f = file.files[0];
      if (!f) return file.focus();
      upload.disabled = true;
      try {
        const text = await f.text();
        const draft = await api('/api/v1/generations', { method: 'POST', body: new Blob([text]), type: 'application/geo+json' });
        let parsed = null;
        try { parsed = JSON.parse(text); } catch { /* the server said what is wrong */ }
        this.showDraft(draft, parsed);
        this.loadList();
      } catch (err) {
        toast(err.message, 'error', 8000);
      } finally {
        upload.disabled = false;
      }
    });
    this.mapEl = h('div', { class: 'redraw-map', id: 'redraw-map', style: { height: '420px' } });
    this.detail = h('div', { id: 'redraw-detail' });
    this.list = h('div', { id: 'redraw-list' });
    fill(this.main, h('div', { class: 'keys-screen redraw-screen' },
      h('h2', {}, t('redraw.title')), h('p', { class: 'muted' }, t('redraw.intro')),
      form, this.mapEl, this.detail, h('h3', {}, t('redraw.generations')), this.list));
    this.map = createMap(this.mapEl, this.config);
    this.drawCurrent();
    this.loadList();
  }

  destroy() { this.map?.remove(); }

  async drawCurrent() {
    try {
      const grids = await api('/api/v1/grids');
      this.current?.remove();
      this.current = L.geoJSON(grids, { style: { color: '#777', weight: 1, fill: false } }).addTo(this.map);
      fitWhenSized(this.map, this.current.getBounds());
    } catch (e) {
      toast(e.message, 'error', 6000);
    }
  }

  showDraft(g, file) {
    const d = g.diff || {};
    const marked = new Set([...(d.grids_added || []), ...(d.grids_changed || [])].map((x) => x.id));
    this.draft?.remove();
    if (file) {
      const grids = { type: 'FeatureCollection', features: (file.features || []).filter((f) => f?.properties?.level === 'grid') };
      this.draft = L.geoJSON(grids, {
        style: (f) => ({ color: '#1565c0', weight: 2, fillColor: '#ff9800', fillOpacity: marked.has(f.properties.code) ? 0.45 : 0 }),
      }).addTo(this.map);
    }
    const rows = (items, cells) => h('table', { class: 'figures' }, h('tbody', {}, items.map((x) => h('tr', {}, cells(x).map((c) => h('td', {}, String(c ?? '')))))));
    const section = (key, items, cells, id) => (items && items.length
      ? h('div', { id }, h('h4', {}, t(key, { n: items.length })), rows(items, cells)) : null);
    const mode = h('select', { id: 'redraw-mode' }, h('option', { value: 'follow' }, t('redraw.follow')), h('option', { value: 'stay' }, t('redraw.stay')));
    const when = h('input', { type: 'datetime-local', id: 'redraw-when' });
    const applyButton = h('button', { class: 'primary', id: 'redraw-apply', disabled: !g.applicable, onclick: () => this.apply(g, mode.value, when.value) }, t('redraw.apply'));
    fill(this.detail, h('div', { class: 'redraw-diff', dataset: { generation: g.id } },
      h('h3', {}, t('redraw.draft', { id: g.id, n: g.grids })),
      h('p', { id: 'redraw-summary' }, t('redraw.summary', {
        added: (d.grids_added || []).length, removed: (d.grids_removed || []).length, changed: (d.grids_changed || []).length,
        moving: (d.open_cases_moving || []).length, residents: d.residents_moved ?? 0,
      })),
      section('redraw.problems', d.problems, (p) => [p], 'redraw-problems'),
      section('redraw.added', d.grids_added, (x) => [x.id, x.name, x.population], 'redraw-added'),
      section('redraw.removed', d.grids_removed, (x) => [x.id, x.name, x.population], 'redraw-removed'),
      section('redraw.changed', d.grids_changed, (x) => [x.id, x.name_to, `${x.population_from} → ${x.population_to}`, `${x.area_from_m2} → ${x.area_to_m2} m²`], 'redraw-changed'),
      section('redraw.moving', d.open_cases_moving, (x) => [`#${x.id}`, t(`urgency.${x.urgency}`), x.title, `${x.grid_from} → ${x.grid_to}`, `${x.assignee_id ?? '—'} → ${x.assignee_to ?? '—'}`], 'redraw-moving'),
      section('redraw.unfilled', d.posts_unfilled, (x) => [x.grid, x.post], 'redraw-unfilled'),
      h('div', { class: 'keys-form' },
        h('label', { class: 'field' }, h('span', {}, t('redraw.open_cases')), mode),
        h('label', { class: 'field' }, h('span', {}, t('redraw.when')), when),
        applyButton)));
  }

  async apply(g, mode, when) {
    const body = { open_cases: mode };
    if (when) body.effective_at = new Date(when).toISOString();
    try {
      const r = await api(`/api/v1/generations/${g.id}/apply`, { method: 'POST', body });
      toast(r.state === 'scheduled' ? t('redraw.scheduled', { at: fmtTime(r.effective_at) }) : t('redraw.applied', { n: r.cases_moved }), 'ok', 6000);
      fill(this.detail, h('div', { class: 'state state-ok', id: 'redraw-done', role: 'status' },
        r.state === 'scheduled' ? t('redraw.scheduled', { at: fmtTime(r.effective_at) }) : t('redraw.applied', { n: r.cases_moved })));
      this.draft?.remove();
      this.drawCurrent();
      this.loadList();
    } catch (e) {
      toast(e.message, 'error', 8000);
    }
  }

  async loadList() {
    fill(this.list, stateBlock('loading', t('common.loading')));
    try {
      const r = await api('/api/v1/generations');
      if (!r.items.length) return fill(this.list, stateBlock('empty', t('redraw.none')));
      fill(this.list, h('table', { class: 'figures', id: 'redraw-generations' },
        h('tbody', {}, r.items.map((g) => h('tr', { dataset: { generation: g.id, state: g.state } },
          h('td', {}, `#${g.id}`), h('td', {}, t(`redraw.state.${g.state}`)), h('td', {}, String(g.grids)),
          h('td', {}, g.applied_at ? fmtTime(g.applied_at) : g.effective_at ? fmtTime(g.effective_at) : fmtTime(g.created_at)),
          h('td', {}, g.problems ? t('redraw.has_problems', { n: g.problems }) : ''))))));
    } catch (e) {
      fill(this.list, stateBlock('error', e.message, () => this.loadList()));
    }
  }
}
