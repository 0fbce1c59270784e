// The search box at the top of the console's intake and case list: suggestions as the
// operator types (GET /api/v1/search, debounced), each kind with what tells it apart: an
// address with its grid, community and worker, a case with its number and state, a grid
// with its community, a worker. Picking one calls the console's handler for its kind.
// Keyboard: ↑/↓ move, Enter picks, Escape closes.
import { h, fill, debounce } from './dom.js';
import { t } from './i18n.js';
import { api, query } from './api.js';
import { stateName } from './format.js';

const KINDS = ['addresses', 'cases', 'grids', 'communities', 'workers'];

export class SearchBox {
  // handlers: {address(a), case(c), grid(g), community(j), worker(w)}
  constructor(handlers) {
    this.handlers = handlers;
    this.token = 0;
    this.items = [];
    this.active = -1;
    this.input = h('input', {
      type: 'search', class: 'search-input', id: 'search-input', autocomplete: 'off', spellcheck: 'false',
      placeholder: t('search.placeholder'), 'aria-label': t('search.placeholder'), maxlength: 60,
      role: 'combobox', 'aria-expanded': 'false', 'aria-controls': 'search-suggestions',
    });
    this.list = h('ul', { class: 'search-suggestions', id: 'search-suggestions', role: 'listbox', hidden: true });
    this.el = h('div', { class: 'search-box', dataset: { state: 'idle' } }, this.input, this.list);
    const ask = debounce(() => this.ask(), 250);
    this.input.addEventListener('input', () => {
      if ([...this.input.value.trim()].length < 2) return this.close();
      ask();
    });
    this.input.addEventListener('keydown', (e) => this.key(e));
    this.input.addEventListener('focus', () => { if (this.items.length) this.open(); });
    this.outside = (e) => { if (!this.el.contains(e.target)) this.close(); };
    document.addEventListener('pointerdown', this.outside);
  }

  destroy() { document.removeEventListener('pointerdown', this.outside); }

  async ask() {
    const q = this.input.value.trim();
    if ([...q].length < 2) return this.close();
    const token = ++this.token;
    this.el.dataset.state = 'loading';
    try {
      const r = await api(`/api/v1/search${query({ q })}`);
      if (token !== this.token) return;
      this.show(r);
    } catch (e) {
      if (token !== this.token) return;
      this.items = [];
      fill(this.list, h('li', { class: 'search-empty', role: 'option' }, e.message));
      this.el.dataset.state = 'error';
      this.open();
    }
  }

  show(r) {
    this.items = [];
    const rows = [];
    for (const kind of KINDS) {
      const found = r[kind] || [];
      if (!found.length) continue;
      rows.push(h('li', { class: 'search-group', role: 'presentation' }, t(`search.${kind}`)));
      for (const item of found) {
        const index = this.items.length;
        this.items.push({ kind, item });
        const [main, more] = this.words(kind, item);
        rows.push(h('li', {
          class: 'search-item', role: 'option', id: `search-item-${index}`,
          dataset: { kind, id: String(item.id ?? item.code) },
          onpointerdown: (e) => { e.preventDefault(); this.pick(index); },
        }, h('span', { class: 'search-main' }, main), more ? h('span', { class: 'search-more muted small' }, more) : null));
      }
    }
    if (!rows.length) rows.push(h('li', { class: 'search-empty muted', role: 'option' }, t('search.none')));
    fill(this.list, rows);
    this.active = -1;
    this.el.dataset.state = 'shown';
    this.open();
  }

  // The text of a suggestion: what it is, and what tells it apart.
  words(kind, x) {
    const join = (...parts) => parts.filter(Boolean).join(' · ');
    if (kind === 'addresses') {
      return [x.building ? `${x.address} ${x.building}` : x.address,
        join(x.community, x.grid_name || x.grid_id || t('search.no_grid'), x.owner_name)];
    }
    if (kind === 'cases') return [`#${x.id} ${x.title}`, join(stateName(x.state), x.address)];
    if (kind === 'grids') return [join(x.community_name, x.name), join(x.id, x.owner_name)];
    if (kind === 'communities') return [x.name, t(`level.${x.level}`, {}, x.level)];
    return [x.name, x.id];
  }

  key(e) {
    if (e.key === 'Escape') return this.close();
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!this.items.length) return;
      e.preventDefault();
      this.open();
      const n = this.items.length;
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1) + (this.active < 0 && e.key === 'ArrowUp' ? 1 : 0)) % n;
      for (const li of this.list.querySelectorAll('.search-item')) li.classList.toggle('active', li.id === `search-item-${this.active}`);
      this.input.setAttribute('aria-activedescendant', `search-item-${this.active}`);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (this.items.length) this.pick(this.active >= 0 ? this.active : 0);
    }
  }

  pick(index) {
    const chosen = this.items[index];
    if (!chosen) return;
    this.close();
    const handler = { addresses: 'address', cases: 'case', grids: 'grid', communities: 'community', workers: 'worker' }[chosen.kind];
    this.handlers[handler]?.(chosen.item);
  }

  open() {
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
  }

  close() {
    this.token++;
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.el.dataset.state = 'idle';
  }
}
