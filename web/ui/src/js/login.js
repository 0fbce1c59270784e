// The login page.
import { h } from './dom.js';
import { t, lang, setLang } from './i18n.js';
import { login } from './api.js';

export function renderLogin({ message, onDone }) {
  const user = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true });
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'form-error', role: 'alert' }, message || '');
  const submit = h('button', { type: 'submit', class: 'primary big' }, t('login.submit'));
  const form = h('form', { class: 'login-card', id: 'login' },
    h('div', { class: 'login-brand' }, h('span', { class: 'logo' }, '▦'), h('h1', {}, t('app.name'))),
    h('p', { class: 'muted' }, t('login.tagline')),
    h('label', { class: 'field' }, h('span', {}, t('login.username')), user),
    h('label', { class: 'field' }, h('span', {}, t('login.password')), pass),
    error,
    submit,
    h('button', {
      type: 'button', class: 'link lang',
      onclick: () => { setLang(lang() === 'zh' ? 'en' : 'zh'); form.replaceWith(renderLogin({ message, onDone })); },
    }, lang() === 'zh' ? 'English' : '中文'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    submit.textContent = t('login.busy');
    try {
      await login(user.value.trim(), pass.value);
      onDone();
    } catch (err) {
      error.textContent = err.code === 'unauthenticated' ? t('login.wrong') : err.message;
      submit.disabled = false;
      submit.textContent = t('login.submit');
    }
  });
  return h('div', { class: 'login-page' }, form);
}
