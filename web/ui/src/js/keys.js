// Open311 client keys (admin): the apps and hotline systems that may post service
// requests. A new key is shown once, when it is made (only its hash is kept); revoking
// one stops it at once.
import { h, fill, stateBlock, toast, dialog } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { loadRefs } from './refs.js';
import { fmtTime } from './format.js';
import { actorName } from './case_detail.js';

export async function mount(main, ctx) {
  const refs = await loadRefs({ grids: false });
  const s = new KeysScreen(main, { ...ctx, refs });
  s.start();
  return s;
}

class KeysScreen {
  constructor(main, { refs, user }) {
    Object.assign(this, { main, refs, user });
  }

  start() {
    this.list = h('div', { id: 'keys-list' });
    this.fresh = h('div', { id: 'key-fresh' });
    const name = h('input', { name: 'name', required: true, maxlength: 100, placeholder: t('keys.name_ph') });
    const scope = h('select', { name: 'scope' }, h('option', { value: '' }, t('keys.anywhere')),
      [...this.refs.jurisdictions.values()].map((j) => h('option', { value: j.code }, t('common.paren', { a: j.name, b: t(`level.${j.level}`) }))));
    const submit = h('button', { type: 'submit', class: 'primary' }, t('keys.create'));
    const form = h('form', { class: 'keys-form', id: 'key-form' },
      h('label', { class: 'field' }, h('span', {}, t('keys.name')), name),
      h('label', { class: 'field' }, h('span', {}, t('keys.scope')), scope),
      submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!name.value.trim()) return name.focus();
      submit.disabled = true;
      try {
        const k = await api('/api/v1/open311-keys', { method: 'POST', body: { name: name.value.trim(), ...(scope.value ? { scope: scope.value } : {}) } });
        name.value = '';
        this.showFresh(k);
        await this.load();
      } catch (err) {
        toast(err.code === 'conflict' ? t('keys.name_taken') : err.message, 'error', 6000);
      } finally {
        submit.disabled = false;
      }
    });
    fill(this.main, h('div', { class: 'keys-screen' },
      h('h2', {}, t('keys.title')), h('p', { class: 'muted' }, t('keys.intro')),
      form, this.fresh, h('h3', {}, t('keys.active')), this.list));
    this.load();
  }

  showFresh(k) {
    const code = h('code', { class: 'api-key', dataset: { key: k.api_key } }, k.api_key);
    fill(this.fresh, h('div', { class: 'state state-ok key-once', role: 'status' },
      h('div', {}, h('b', {}, t('keys.made', { name: k.name })), h('div', {}, t('keys.once'))),
      code,
      h('button', { class: 'secondary', type: 'button', onclick: async () => {
        try {
          await navigator.clipboard.writeText(k.api_key);
          toast(t('keys.copied'), 'ok');
        } catch {
          // No clipboard (an insecure origin): select the text for a manual copy.
          getSelection().selectAllChildren(code);
        }
      } }, t('keys.copy'))));
  }

  async load() {
    fill(this.list, stateBlock('loading', t('common.loading')));
    try {
      const r = await api('/api/v1/open311-keys');
      if (!r.keys.length) return fill(this.list, stateBlock('empty', t('keys.none')));
      fill(this.list, h('table', { class: 'figures keys', id: 'keys-table' },
        h('thead', {}, h('tr', {}, ['keys.name', 'keys.scope', 'keys.created', 'keys.by', ''].map((k) => h('th', {}, k ? t(k) : '')))),
        h('tbody', {}, r.keys.map((k) => h('tr', { dataset: { keyId: k.id } },
          h('td', {}, h('b', {}, k.name)),
          h('td', {}, k.scope ? this.refs.areaName(k.scope) : t('keys.anywhere')),
          h('td', {}, fmtTime(k.created_at)),
          h('td', {}, actorName(k.created_by)),
          h('td', {}, h('button', { class: 'danger', dataset: { action: 'revoke' }, onclick: () => this.revoke(k) }, t('keys.revoke'))))))));
    } catch (e) {
      fill(this.list, stateBlock('error', e.message, () => this.load()));
    }
  }

  async revoke(k) {
    const ok = await dialog({ title: t('keys.revoke'), message: t('keys.revoke_confirm', { name: k.name }), danger: true, confirm: t('keys.revoke') });
    if (!ok) return;
    try {
      await api(`/api/v1/open311-keys/${encodeURIComponent(k.id)}`, { method: 'DELETE' });
      toast(t('keys.revoked', { name: k.name }), 'ok');
      fill(this.fresh);
      this.load();
    } catch (e) {
      toast(e.message, 'error', 6000);
    }
  }
}
