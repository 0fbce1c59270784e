// Accounts (账号): admins create, change, disable and enable accounts, reset passwords (a
// strong random one proposed, shown once) and import them from a CSV file (the initial
// passwords shown once, with a CSV of them to download). Supervisors read the list of their
// jurisdiction. What the user may do comes from the server (`permissions`).
import { h, fill, stateBlock, toast, dialog } from './dom.js';
import { t } from './i18n.js';
import { api, query } from './api.js';
import { fmtTime } from './format.js';
import { proposePassword } from './password.js';

const ROLES = ['admin', 'operator', 'supervisor', 'worker'];

export async function mount(main, ctx) {
  const s = new AccountsScreen(main, ctx);
  s.start();
  return s;
}

class AccountsScreen {
  constructor(main, { user }) {
    this.main = main;
    this.user = user;
    this.manage = (user.permissions || []).includes('manage_users');
  }

  start() {
    this.list = h('div', { id: 'users-list' });
    this.fresh = h('div', { id: 'users-fresh' });
    this.role = h('select', { name: 'role', id: 'users-role', onchange: () => this.load() },
      h('option', { value: '' }, t('acc.all_roles')), ROLES.map((r) => h('option', { value: r }, t(`role.${r}`))));
    this.q = h('input', { name: 'q', id: 'users-q', type: 'search', placeholder: t('acc.search'), oninput: () => this.load() });
    const tools = h('div', { class: 'keys-form' },
      h('label', { class: 'field' }, h('span', {}, t('acc.role')), this.role),
      h('label', { class: 'field' }, h('span', {}, t('acc.search')), this.q),
      this.manage ? h('button', { class: 'primary', id: 'users-create', type: 'button', onclick: () => this.create() }, t('acc.create')) : null,
      this.manage ? this.importPicker() : null);
    fill(this.main, h('div', { class: 'keys-screen accounts-screen' },
      h('h2', {}, t('acc.title')), h('p', { class: 'muted' }, this.manage ? t('acc.intro') : t('acc.read_only')),
      tools, this.fresh, this.list));
    this.load();
  }

  importPicker() {
    const input = h('input', { type: 'file', id: 'users-import', accept: '.csv,text/csv', hidden: true });
    input.addEventListener('change', async () => {
      const file = input.files[0];
      input.value = '';
      if (!file) return;
      try {
        const r = await api('/api/v1/users/import', { method: 'POST', body: file, type: 'text/csv' });
        this.showCreated(r.created);
        this.load();
      } catch (e) {
        toast(e.field ? `${e.field}: ${e.detail || e.message}` : (e.detail || e.message), 'error', 10000);
      }
    });
    return h('span', {}, h('button', { type: 'button', class: 'secondary', id: 'users-import-button', onclick: () => input.click() }, t('acc.import')), input);
  }

  // Usernames with their initial passwords, shown this once, and a CSV of them.
  showCreated(created) {
    const csv = 'username,initial_password\n' + created.map((c) => `${c.username},${c.initial_password}`).join('\n') + '\n';
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    fill(this.fresh, h('div', { class: 'state state-ok key-once', role: 'status', id: 'users-created' },
      h('div', {}, h('b', {}, t('acc.imported', { n: created.length })), h('div', {}, t('acc.once'))),
      h('a', { href: url, download: 'initial-passwords.csv', class: 'button', id: 'users-created-csv' }, t('acc.download')),
      h('table', { class: 'figures' }, h('tbody', {}, created.map((c) => h('tr', { dataset: { username: c.username } },
        h('td', {}, c.username), h('td', {}, h('code', { class: 'initial-password' }, c.initial_password))))))));
  }

  async load() {
    const params = query({ role: this.role.value || undefined, q: this.q.value.trim() || undefined });
    try {
      const r = await api(`/api/v1/users${params}`);
      if (!r.items.length) return fill(this.list, stateBlock('empty', t('acc.none')));
      const heads = ['acc.username', 'acc.display_name', 'acc.role', 'acc.scope', 'acc.worker', 'acc.status', 'acc.last_login', ''];
      fill(this.list, h('table', { class: 'figures', id: 'users-table' },
        h('thead', {}, h('tr', {}, heads.map((k) => h('th', {}, k ? t(k) : '')))),
        h('tbody', {}, r.items.map((u) => h('tr', { dataset: { username: u.username, disabled: String(u.disabled) } },
          h('td', {}, h('b', {}, u.username)), h('td', {}, u.display_name), h('td', {}, t(`role.${u.role}`)),
          h('td', {}, u.scope || '—'), h('td', {}, u.worker_id || '—'),
          h('td', {}, u.disabled ? t('acc.disabled') : (u.must_change_password ? t('acc.must_change') : t('acc.active'))),
          h('td', {}, u.last_login_at ? fmtTime(u.last_login_at) : '—'),
          h('td', {}, this.manage ? this.actions(u) : null))))));
    } catch (e) {
      fill(this.list, stateBlock('error', e.message, () => this.load()));
    }
  }

  actions(u) {
    return [
      h('button', { class: 'secondary', dataset: { action: 'edit' }, onclick: () => this.edit(u) }, t('acc.edit')),
      h('button', { class: u.disabled ? 'secondary' : 'danger', dataset: { action: u.disabled ? 'enable' : 'disable' },
        onclick: () => this.setDisabled(u, !u.disabled) }, u.disabled ? t('acc.enable') : t('acc.disable')),
      h('button', { class: 'secondary', dataset: { action: 'reset' }, onclick: () => this.reset(u) }, t('acc.reset'))];
  }

  fields(u = {}) {
    return [
      { name: 'display_name', label: t('acc.display_name'), value: u.display_name || '' },
      { name: 'role', label: t('acc.role'), type: 'select', value: u.role || 'operator', options: ROLES.map((r) => ({ value: r, label: t(`role.${r}`) })) },
      { name: 'scope', label: t('acc.scope'), value: u.scope || '' },
      { name: 'worker_id', label: t('acc.worker'), value: u.worker_id || '' }];
  }

  async create() {
    const password = proposePassword();
    const v = await dialog({ title: t('acc.create'), message: t('acc.password_once', { password }),
      fields: [{ name: 'username', label: t('acc.username'), required: true }, ...this.fields()], confirm: t('acc.create') });
    if (!v) return;
    const body = { username: v.username, display_name: v.display_name, role: v.role, password };
    if (v.scope) body.scope = v.scope;
    if (v.worker_id) body.worker_id = v.worker_id;
    try {
      await api('/api/v1/users', { method: 'POST', body });
      this.showPassword(v.username, password);
      this.load();
    } catch (e) {
      toast(e.detail || e.message, 'error', 8000);
    }
  }

  async edit(u) {
    const v = await dialog({ title: t('acc.edit_title', { name: u.username }), fields: this.fields(u), confirm: t('common.save') });
    if (!v) return;
    try {
      await api(`/api/v1/users/${encodeURIComponent(u.id)}`, { method: 'PUT', body: v });
      toast(t('acc.saved'), 'ok');
      this.load();
    } catch (e) {
      toast(e.detail || e.message, 'error', 8000);
    }
  }

  async setDisabled(u, disabled) {
    if (disabled && !(await dialog({ title: t('acc.disable'), message: t('acc.disable_confirm', { name: u.username }), danger: true, confirm: t('acc.disable') }))) return;
    try {
      await api(`/api/v1/users/${encodeURIComponent(u.id)}`, { method: 'PUT', body: { disabled } });
      toast(disabled ? t('acc.disabled_done', { name: u.username }) : t('acc.enabled_done', { name: u.username }), 'ok');
      this.load();
    } catch (e) {
      toast(e.detail || e.message, 'error', 8000);
    }
  }

  async reset(u) {
    const password = proposePassword();
    if (!(await dialog({ title: t('acc.reset'), message: t('acc.reset_confirm', { name: u.username }), confirm: t('acc.reset') }))) return;
    try {
      await api(`/api/v1/users/${encodeURIComponent(u.id)}/password`, { method: 'POST', body: { password } });
      this.showPassword(u.username, password);
      this.load();
    } catch (e) {
      toast(e.detail || e.message, 'error', 8000);
    }
  }

  showPassword(username, password) {
    fill(this.fresh, h('div', { class: 'state state-ok key-once', role: 'status', id: 'users-password' },
      h('div', {}, h('b', {}, t('acc.password_for', { name: username })), h('div', {}, t('acc.once'))),
      h('code', { class: 'api-key initial-password' }, password)));
  }
}
