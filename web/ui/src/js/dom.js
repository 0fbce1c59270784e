// Small DOM helpers: an element builder, toasts, dialogs, and empty/loading/error states.
import { t } from './i18n.js';

// h('button', {class: 'big', onclick: fn, dataset: {id: 3}}, 'text', child, ...)
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

// Appends children, skipping null, undefined and false (Element.append would print them).
export function add(el, ...children) {
  append(el, children);
  return el;
}

// Empties el, then adds the children.
export function fill(el, ...children) {
  return add(clear(el), ...children);
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// A state block in words a user understands: kind is loading | empty | error.
export function stateBlock(kind, message, retry) {
  return h('div', { class: `state state-${kind}`, role: kind === 'error' ? 'alert' : 'status', dataset: { state: kind } },
    kind === 'loading' ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : null,
    h('span', {}, message),
    retry ? h('button', { class: 'link', onclick: retry }, t('common.retry')) : null);
}

let toastBox;
export function toast(message, kind = 'info', ms = 4000) {
  if (!toastBox) {
    toastBox = h('div', { class: 'toasts', 'aria-live': 'polite' });
    document.body.append(toastBox);
  }
  const el = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
  toastBox.append(el);
  // A few at a time: older ones give way, so that buttons stay reachable.
  while (toastBox.children.length > 3) toastBox.firstChild.remove();
  setTimeout(() => el.remove(), ms);
  return el;
}

// A modal dialog. fields: [{name, label, type: 'text'|'textarea'|'select', options, required, value}].
// Resolves with the values, or null when cancelled.
export function dialog({ title, message, fields = [], confirm = t('common.ok'), danger = false }) {
  return new Promise((resolve) => {
    const inputs = {};
    const form = h('form', { class: 'dialog', method: 'dialog' },
      h('h2', {}, title),
      message ? h('p', {}, message) : null,
      fields.map((f) => {
        let input;
        if (f.type === 'textarea') input = h('textarea', { name: f.name, rows: 3, required: f.required }, f.value || '');
        else if (f.type === 'select') {
          input = h('select', { name: f.name, required: f.required },
            f.options.map((o) => h('option', { value: o.value, selected: o.value === f.value }, o.label)));
        } else input = h('input', { name: f.name, type: f.type || 'text', required: f.required, value: f.value || '' });
        inputs[f.name] = input;
        return h('label', { class: 'field' }, h('span', {}, f.label), input);
      }),
      h('div', { class: 'dialog-buttons' },
        h('button', { type: 'button', class: 'secondary', onclick: () => done(null) }, t('common.cancel')),
        h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, confirm)));
    const backdrop = h('div', { class: 'backdrop' }, form);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const values = {};
      for (const [k, el] of Object.entries(inputs)) values[k] = el.value.trim();
      for (const f of fields) if (f.required && !values[f.name]) return inputs[f.name].focus();
      done(values);
    });
    backdrop.addEventListener('keydown', (e) => { if (e.key === 'Escape') done(null); });
    function done(v) {
      backdrop.remove();
      resolve(v);
    }
    document.body.append(backdrop);
    (Object.values(inputs)[0] || form.querySelector('button[type=submit]')).focus();
  });
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
