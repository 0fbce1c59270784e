// The roster (花名册) and the posts (定岗定人), for admins and supervisors: the workers of
// the scope with their community, phone, A/B posts, open cases, duty status and flags;
// adding, editing, moving and retiring workers; and a posts panel where a grid, picked from
// the table or the map (flagged grids highlighted), gets its A and B holders after a
// preview of the open cases that would move. What the user may do comes from the server
// (`permissions`); which flags hold is decided there too.
import { h, fill, stateBlock, toast, dialog, debounce } from './dom.js';
import { t } from './i18n.js';
import { api, query } from './api.js';
import { loadRefs } from './refs.js';
import { URGENCIES, urgencyBadge } from './format.js';
import { createMap, AreaLayer, labelBox, fitWhenSized } from './map.js';

export async function mount(main, ctx) {
  const refs = await loadRefs();
  const s = new RosterScreen(main, { ...ctx, refs });
  s.start();
  return s;
}

const flagText = (f) => t(`roster.flag.${f}`, {}, f);
const flagBadges = (flags = []) => flags.map((f) => h('span', { class: 'flag', dataset: { flag: f } }, flagText(f)));

class RosterScreen {
  constructor(main, { refs, user, config }) {
    Object.assign(this, { main, refs, user, config });
    const may = user.permissions || [];
    this.mayRoster = may.includes('manage_roster');
    this.mayPosts = may.includes('manage_posts');
    this.rows = [];
  }

  start() {
    this.street = h('select', { name: 'street', onchange: () => { this.fillCommunities(); this.load(); } },
      h('option', { value: '' }, t('roster.all_streets')),
      this.refs.streets().map((j) => h('option', { value: j.code }, j.name)));
    this.community = h('select', { name: 'community', onchange: () => this.load() });
    this.fillCommunities();
    this.q = h('input', { name: 'q', type: 'search', placeholder: t('roster.search_ph'), oninput: debounce(() => this.load(), 250) });
    this.retired = h('input', { name: 'retired', type: 'checkbox', onchange: () => this.load() });
    this.list = h('div', { id: 'roster-list' });
    this.refusal = h('div', { id: 'retire-refusal' });
    this.panel = h('div', { id: 'posts-panel', class: 'posts-panel' });
    const mapEl = h('div', { class: 'roster-map', id: 'roster-map', dataset: { ready: 'false' } });
    fill(this.main, h('div', { class: 'roster-screen' },
      h('div', { class: 'roster-main' },
        h('h2', {}, t('roster.title')),
        h('div', { class: 'roster-filters' },
          h('label', { class: 'field' }, h('span', {}, t('roster.street')), this.street),
          h('label', { class: 'field' }, h('span', {}, t('roster.community')), this.community),
          h('label', { class: 'field' }, h('span', {}, t('roster.search')), this.q),
          h('label', { class: 'check' }, this.retired, t('roster.show_retired')),
          this.mayRoster ? h('button', { type: 'button', class: 'primary', id: 'roster-add', onclick: () => this.add() }, t('roster.add')) : null),
        this.refusal, this.list),
      h('div', { class: 'roster-side' }, h('h3', {}, t('roster.posts')), mapEl, this.panel)));
    this.startMap(mapEl);
    this.showPanel(null);
    this.load();
  }

  fillCommunities() {
    const keep = this.community.value;
    fill(this.community, h('option', { value: '' }, t('roster.all_communities')),
      this.refs.communities(this.street.value).map((j) => h('option', { value: j.code, selected: j.code === keep }, j.name)));
  }

  startMap(mapEl) {
    this.map = createMap(mapEl, this.config);
    this.layer = new AreaLayer(this.map, {
      style: (f) => {
        const flags = this.refs.grids.get(String(f.id))?.flags || [];
        const chosen = String(f.id) === this.grid;
        const color = flags.length ? '#d32f2f' : '#607d8b';
        return { color: chosen ? '#1565c0' : color, weight: chosen ? 3 : 1, fillColor: color, fillOpacity: flags.length ? 0.35 : 0.08 };
      },
      label: (f) => labelBox(f.properties.name, (f.properties.flags || []).map(flagText).join(' · ')),
      onClick: (f) => this.showPanel(String(f.id)),
    });
    this.layer.setData(this.refs.gridsGeo);
    this.countFlagged(mapEl);
    fitWhenSized(this.map, this.layer.bounds(), { padding: [8, 8] }, () => { mapEl.dataset.ready = 'true'; });
  }

  // How many grids of the map are flagged (highlighted), for people and tests alike.
  countFlagged(mapEl = this.map.getContainer()) {
    mapEl.dataset.flagged = String([...this.refs.grids.values()].filter((g) => (g.flags || []).length).length);
  }

  async reloadGrids() {
    const geo = await api('/api/v1/grids', { cache: 'no-cache' });
    this.refs.gridsGeo = geo;
    this.refs.grids = new Map(geo.features.map((f) => [String(f.id), f.properties]));
    this.layer.setData(geo);
    this.countFlagged();
  }

  async load() {
    fill(this.list, stateBlock('loading', t('common.loading')));
    try {
      const r = await api(`/api/v1/workers${query({ street: this.street.value, community: this.community.value, q: this.q.value.trim(), retired: this.retired.checked ? 'true' : '' })}`);
      this.rows = r.workers;
      if (!r.workers.length) return fill(this.list, stateBlock('empty', t('roster.none')));
      const heads = ['roster.name', 'roster.community', 'roster.phone', 'roster.posts_col', 'roster.open_cases', 'roster.status', 'roster.flags', ''];
      fill(this.list, h('table', { class: 'figures roster', id: 'roster-table' },
        h('thead', {}, h('tr', {}, heads.map((k) => h('th', {}, k ? t(k) : '')))),
        h('tbody', {}, r.workers.map((w) => this.row(w)))));
    } catch (e) {
      fill(this.list, stateBlock('error', e.message, () => this.load()));
    }
  }

  row(w) {
    return h('tr', { dataset: { workerId: w.id, flagged: String(w.flags.length > 0) }, class: w.flags.length ? 'flagged' : '' },
      h('td', {}, h('b', {}, w.name), h('div', { class: 'muted' }, w.id)),
      h('td', {}, w.community_name || w.community),
      h('td', {}, w.phone),
      h('td', {}, w.posts.map((p) => h('button', { type: 'button', class: 'post-chip', dataset: { grid: p.grid, post: p.post }, onclick: () => this.showPanel(p.grid) }, `${p.post} · ${p.grid_name || p.grid}`))),
      h('td', { class: 'num' }, String(w.open_cases)),
      h('td', {}, w.retired ? t('roster.retired') : t(`duty.${w.status}`, {}, w.status)),
      h('td', {}, flagBadges(w.flags)),
      h('td', { class: 'actions' }, this.mayRoster ? [
        h('button', { type: 'button', class: 'secondary', dataset: { action: 'edit' }, onclick: () => this.edit(w) }, t('roster.edit')),
        w.retired
          ? h('button', { type: 'button', class: 'secondary', dataset: { action: 'reinstate' }, onclick: () => this.setRetired(w, false) }, t('roster.reinstate'))
          : h('button', { type: 'button', class: 'danger', dataset: { action: 'retire' }, onclick: () => this.setRetired(w, true) }, t('roster.retire')),
      ] : null));
  }

  communityOptions(value) {
    return this.refs.communities().map((j) => ({ value: j.code, label: j.name })).map((o) => ({ ...o, selected: o.value === value }));
  }

  async add() {
    const v = await dialog({ title: t('roster.add'), confirm: t('roster.save'), fields: [
      { name: 'id', label: t('roster.id'), required: true },
      { name: 'name', label: t('roster.name'), required: true },
      { name: 'phone', label: t('roster.phone'), required: true },
      { name: 'community', label: t('roster.community'), type: 'select', options: this.communityOptions(), value: this.community.value, required: true },
    ] });
    if (!v) return;
    try {
      await api('/api/v1/workers', { method: 'POST', body: v });
      toast(t('roster.added', { name: v.name }), 'ok');
      this.load();
    } catch (e) {
      toast(e.detail || e.message, 'error', 6000);
    }
  }

  async edit(w) {
    const v = await dialog({ title: t('roster.edit_title', { name: w.name }), confirm: t('roster.save'), fields: [
      { name: 'name', label: t('roster.name'), value: w.name, required: true },
      { name: 'phone', label: t('roster.phone'), value: w.phone, required: true },
      { name: 'community', label: t('roster.community'), type: 'select', options: this.communityOptions(), value: w.community, required: true },
    ] });
    if (!v) return;
    try {
      await api(`/api/v1/workers/${encodeURIComponent(w.id)}`, { method: 'PUT', body: v });
      toast(t('roster.saved', { name: v.name }), 'ok');
      this.load();
    } catch (e) {
      toast(e.detail || e.message, 'error', 6000);
    }
  }

  async setRetired(w, retired) {
    fill(this.refusal);
    if (retired) {
      const ok = await dialog({ title: t('roster.retire'), message: t('roster.retire_confirm', { name: w.name }), danger: true, confirm: t('roster.retire') });
      if (!ok) return;
    }
    try {
      await api(`/api/v1/workers/${encodeURIComponent(w.id)}`, { method: 'PUT', body: { retired } });
      toast(t(retired ? 'roster.retired_done' : 'roster.reinstated', { name: w.name }), 'ok');
      this.load();
    } catch (e) {
      if (e.code !== 'conflict') return toast(e.detail || e.message, 'error', 6000);
      // The refusal names what the worker still holds; offer the handover of each post.
      fill(this.refusal, h('div', { class: 'state state-error', role: 'alert' },
        h('b', {}, t('roster.retire_refused', { name: w.name })),
        h('div', {}, e.detail || ''),
        h('div', { class: 'handover' }, w.posts.map((p) => h('button', { type: 'button', class: 'primary', dataset: { handover: p.grid },
          onclick: () => this.showPanel(p.grid) }, t('roster.handover', { grid: p.grid_name || p.grid, post: p.post })))),
        w.open_cases ? h('div', {}, t('roster.open_left', { n: w.open_cases })) : null));
      this.refusal.scrollIntoView({ block: 'nearest' });
    }
  }

  // The posts panel of one grid (null: the hint to pick one).
  async showPanel(code) {
    this.grid = code;
    this.layer.restyleAll();
    if (!code) return fill(this.panel, h('p', { class: 'muted' }, t('roster.pick_grid')));
    const g = this.refs.grids.get(code);
    if (!g) return fill(this.panel, stateBlock('error', t('roster.no_grid')));
    let workers = [];
    try {
      workers = (await api('/api/v1/workers')).workers;  // the active ones: the retired are offered no post
    } catch (e) {
      return fill(this.panel, stateBlock('error', e.message, () => this.showPanel(code)));
    }
    // Workers of the grid's community first.
    workers.sort((a, b) => (b.community === g.community) - (a.community === g.community) || a.name.localeCompare(b.name));
    const pick = (name, value, empty) => h('select', { name },
      empty ? h('option', { value: '' }, t('roster.nobody')) : null,
      workers.map((w) => h('option', { value: w.id, selected: w.id === value },
        `${w.name} (${w.community_name || w.community}) · ${t('roster.posts_n', { n: w.posts.length })}`)));
    const owner = pick('owner_id', g.owner_id, false);
    const backup = pick('backup_id', g.backup_id, true);
    const preview = h('div', { id: 'posts-preview' });
    const body = () => ({ owner_id: owner.value, ...(backup.value ? { backup_id: backup.value } : {}) });
    const confirm = h('button', { type: 'button', class: 'primary', id: 'posts-confirm', disabled: true, onclick: async () => {
      confirm.disabled = true;
      try {
        await api(`/api/v1/grids/${encodeURIComponent(code)}/owners`, { method: 'PUT', body: body() });
        toast(t('roster.posts_saved', { grid: g.name }), 'ok');
        fill(this.refusal);
        await this.reloadGrids();
        this.showPanel(code);
        this.load();
      } catch (e) {
        toast(e.detail || e.message, 'error', 6000);
        confirm.disabled = false;
      }
    } }, t('roster.confirm'));
    const look = h('button', { type: 'button', class: 'secondary', id: 'posts-preview-button', onclick: async () => {
      fill(preview, stateBlock('loading', t('common.loading')));
      try {
        const p = await api(`/api/v1/grids/${encodeURIComponent(code)}/owners/preview`, { method: 'POST', body: body() });
        fill(preview, this.previewBlock(p));
        confirm.disabled = false;
      } catch (e) {
        fill(preview, stateBlock('error', e.detail || e.message));
        confirm.disabled = true;
      }
    } }, t('roster.preview'));
    for (const s of [owner, backup]) s.addEventListener('change', () => { fill(preview); confirm.disabled = true; });
    fill(this.panel, h('div', { class: 'posts-form', dataset: { grid: code } },
      h('h4', {}, `${g.name} (${code})`),
      h('div', { class: 'grid-flags' }, flagBadges(g.flags)),
      this.mayPosts ? [
        h('label', { class: 'field' }, h('span', {}, t('roster.a_post')), owner),
        h('label', { class: 'field' }, h('span', {}, t('roster.b_post')), backup),
        h('div', { class: 'dialog-buttons' }, look, confirm),
        preview,
      ] : h('p', { class: 'muted' }, t('roster.posts_readonly'))));
  }

  previewBlock(p) {
    const name = (id) => (id ? this.rows.find((w) => w.id === id)?.name || this.refs.workerName(id) : t('roster.unassigned'));
    return h('div', { class: 'preview' },
      h('b', {}, t('roster.moving', { n: p.moving_count })),
      h('div', { class: 'by-urgency' }, URGENCIES.map((u) => h('span', { dataset: { urgency: u, count: String(p.by_urgency[u]) } },
        urgencyBadge(u), ` ${p.by_urgency[u]}`))),
      p.moving.length ? h('table', { class: 'figures', id: 'posts-moving' },
        h('tbody', {}, p.moving.map((m) => h('tr', { dataset: { caseId: String(m.id), urgency: m.urgency } },
          h('td', {}, `#${m.id}`), h('td', {}, urgencyBadge(m.urgency)), h('td', {}, m.title),
          h('td', {}, `${name(m.from)} → ${name(m.to)}`))))) : null,
      h('div', { class: 'grid-flags', id: 'posts-flags-after' }, t('roster.flags_after'), ' ',
        p.after.flags.length ? flagBadges(p.after.flags) : t('roster.no_flags')));
  }

  destroy() {
    this.layer?.destroy();
    this.map?.remove();
  }
}
