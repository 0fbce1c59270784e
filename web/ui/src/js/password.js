// Changing one's own password: the form a user gets before any screen when it must change
// its password (after a reset or an import), and from the top bar's "change password".
import { h } from './dom.js';
import { t } from './i18n.js';
import { api, getSession, setSession } from './api.js';

// A strong random password for an admin to hand out (the server checks it again).
export function proposePassword() {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = new Uint32Array(16);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

export function renderPasswordChange({ forced, onDone, onCancel }) {
  const old = h('input', { name: 'old_password', type: 'password', autocomplete: 'current-password', required: true, autofocus: true });
  const fresh = h('input', { name: 'new_password', type: 'password', autocomplete: 'new-password', required: true });
  const again = h('input', { name: 'new_password_again', type: 'password', autocomplete: 'new-password', required: true });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary big' }, t('pw.submit'));
  const form = h('form', { class: 'login-card', id: 'password-change' },
    h('h1', {}, t('pw.title')),
    forced ? h('p', { class: 'muted', id: 'password-forced' }, t('pw.forced')) : null,
    h('p', { class: 'muted' }, t('pw.rule')),
    h('label', { class: 'field' }, h('span', {}, t('pw.old')), old),
    h('label', { class: 'field' }, h('span', {}, t('pw.new')), fresh),
    h('label', { class: 'field' }, h('span', {}, t('pw.again')), again),
    error, submit,
    onCancel ? h('button', { type: 'button', class: 'link', onclick: onCancel }, t('common.cancel')) : null);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    if (fresh.value !== again.value) {
      error.textContent = t('pw.mismatch');
      return again.focus();
    }
    submit.disabled = true;
    try {
      const answer = await api('/api/v1/auth/password', { method: 'POST', body: { old_password: old.value, new_password: fresh.value } });
      setSession({ ...getSession(), user: answer.user });
      onDone();
    } catch (err) {
      error.textContent = err.field === 'old_password' ? t('pw.old_wrong') : (err.detail || err.message);
      submit.disabled = false;
    }
  });
  return h('div', { class: 'login-page' }, form);
}
