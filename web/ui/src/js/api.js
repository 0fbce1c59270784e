// The JSON API: one fetch wrapper that sends the token, turns errors into ApiError with
// words for people, follows the server's clock, and sends a 401 back to the login page.
import { t } from './i18n.js';

const SESSION_KEY = 'gk.session';
let session = null;
try {
  session = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
} catch {
  session = null;
}
let clockOffset = 0;  // server time minus browser time
const listeners = new Set();

export const getSession = () => session;
export function setSession(s) {
  session = s;
  if (s) localStorage.setItem(SESSION_KEY, JSON.stringify(s));
  else localStorage.removeItem(SESSION_KEY);
}
// Called with no argument when the session ends (401 or logout).
export function onSessionEnd(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
function endSession() {
  if (!session) return;
  setSession(null);
  for (const fn of listeners) fn();
}

// Deadlines are counted against the server's clock (which a test may move), not the tablet's.
export const serverNow = () => Date.now() + clockOffset;
export const noteServerTime = (ms) => { if (Number.isFinite(ms)) clockOffset = ms - Date.now(); };

export class ApiError extends Error {
  constructor(status, code, message, field, detail) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.detail = detail;  // the server's own message
  }
  get offline() { return this.status === 0; }
}

// The words shown for an error, by its code.
export function errorText(code, field, detail) {
  const key = `err.${code}`;
  const text = t(key, { field: field ? t(`field.${field}`, {}, field) : '' }, null);
  return text || detail || t('err.unknown');
}

const kReadRetries = 6;

function retryAfterMs(res) {
  const seconds = Number(res.headers.get('Retry-After'));
  return Math.min(10, Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000;
}

function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new DOMException('aborted', 'AbortError'));
    }, { once: true });
  });
}

// `cache`: 'no-store' (the default: answers that change all the time), or 'no-cache' for
// answers the server tags (ETag) so that the browser keeps them and revalidates: a 304
// costs no body (the grids' shapes, the overdue map's shapes).
export async function api(path, { method = 'GET', body, type, raw = false, auth = true, signal, cache = 'no-store' } = {}) {
  const headers = {};
  if (auth && session) headers.Authorization = `Bearer ${session.token}`;
  let payload = body;
  if (body !== undefined && !(body instanceof Blob) && !(body instanceof ArrayBuffer)) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  } else if (type) headers['Content-Type'] = type;
  let res;
  for (let attempt = 0; ; attempt++) {
    try {
      res = await fetch(path, { method, headers, body: payload, signal, cache });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network', t('err.network'));
    }
    // A read refused for now (the user's earlier reports are still being made, an address
    // over its rate) is asked again when the server says, a few times: the screen waits a
    // moment instead of showing an error. Changes are never sent twice.
    if (res.status !== 429 || method !== 'GET' || attempt >= kReadRetries) break;
    await pause(retryAfterMs(res), signal);
  }
  noteServerTime(Number(res.headers.get('X-Server-Time')));
  if (res.status === 204) return null;
  if (!res.ok) {
    let err = {};
    try {
      err = (await res.json()).error || {};
    } catch { /* not JSON: a proxy's page */ }
    const code = err.code || (res.status >= 500 ? 'overloaded' : 'unknown');
    if (res.status === 401 && auth) endSession();
    throw new ApiError(res.status, code, errorText(code, err.field, err.message), err.field, err.message);
  }
  if (raw) return res;
  return res.json();
}

export async function login(username, password) {
  const answer = await api('/api/v1/auth/login', { method: 'POST', body: { username, password }, auth: false });
  setSession({ token: answer.token, user: answer.user });
  return answer.user;
}

export async function logout() {
  try {
    await api('/api/v1/auth/logout', { method: 'POST' });
  } catch { /* the token ends here anyway */ }
  endSession();
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

// A photo needs the token, so it is fetched and shown from an object URL.
const photoUrls = new Map();
export async function photoUrl(url) {
  if (!photoUrls.has(url)) {
    const p = api(url, { raw: true }).then(async (r) => URL.createObjectURL(await r.blob()));
    photoUrls.set(url, p);
    p.catch(() => photoUrls.delete(url));
  }
  return photoUrls.get(url);
}

// A file the server makes (CSV): a plain link cannot carry the token, so it is fetched with
// it and saved from a Blob under the server's file name.
export async function download(path, fallbackName = 'export.csv') {
  const res = await api(path, { raw: true });
  const disposition = res.headers.get('Content-Disposition') || '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] || fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return name;
}
