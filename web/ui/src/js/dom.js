// Small DOM helpers: an element builder, toasts, dialogs, and empty/loading/error states.
import { t } from './i18n.js';

// h('button', {class: 'big', onclick: fn, dataset: {id: 3}}, 'text', child, ...)
// Children are text unless they are nodes: nothing here is ever parsed as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = v;
    else if (v === true) el.setAttribute(k, '');
    else setSafeAttribute(el, k, v);
  }
  append(el, children);
  return el;
}

// URL schemes a link or source may have: a `javascript:` URL from data would run script.
const SAFE_SCHEMES = ['http', 'https', 'tel', 'mailto', 'blob', 'geo'];

// The URL when it is relative or has a harmless scheme, else null.
export function safeUrl(url) {
  // Browsers skip tabs, new lines and control characters in a scheme.
  const plain = String(url).replace(/[\u0000-\u0020\u007f]/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(plain)?.[1].toLowerCase();
  return scheme === undefined || SAFE_SCHEMES.includes(scheme) ? String(url) : null;
}

const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'poster']);

// Event handlers only as functions (a handler string is script in markup, and the page's
// Content-Security-Policy refuses it), styles only through the CSSOM, URLs only with a
// harmless scheme. Shared by h() and the charts' s().
export function setSafeAttribute(el, k, v) {
  const name = k.toLowerCase();
  if (name.startsWith('on')) {
    if (typeof v !== 'function') throw new TypeError(`event handler ${k} must be a function`);
    el.addEventListener(k.slice(2), v);
  } else if (name === 'style') {
    if (typeof v !== 'object') throw new TypeError('style must be an object (the page allows no style attributes)');
    Object.assign(el.style, v);
  } else if (name === 'srcdoc') {
    throw new TypeError('srcdoc is HTML');
  } else if (URL_ATTRIBUTES.has(name)) {
    const url = safeUrl(v);
    if (url !== null) el.setAttribute(k, url);
  } else el.setAttribute(k, v);
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
