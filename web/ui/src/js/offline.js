// The worker's outbox: every action goes through it, in order, so that a brief network
// loss loses nothing. Kept in localStorage (photos are shrunk to a few hundred KB first);
// sent when the connection returns. A refused action (a stale version, a state that moved
// on) is dropped with the later actions on the same case, and reported.
import { api } from './api.js';

const RETRYABLE = (e) => e.offline || e.status >= 500 || e.status === 429;

export class Outbox extends EventTarget {
  constructor(key) {
    super();
    this.key = key;
    this.items = [];
    try {
      this.items = JSON.parse(localStorage.getItem(key) || '[]');
    } catch {
      this.items = [];
    }
    this.flushing = false;
    this.onOnline = () => this.flush();
    window.addEventListener('online', this.onOnline);
    this.timer = setInterval(() => { if (this.items.length) this.flush(); }, 10000);
  }

  destroy() {
    window.removeEventListener('online', this.onOnline);
    clearInterval(this.timer);
  }

  save() {
    try {
      localStorage.setItem(this.key, JSON.stringify(this.items));
    } catch {
      throw new Error('outbox-full');
    }
    this.dispatchEvent(new CustomEvent('change'));
  }

  get size() { return this.items.length; }
  pendingFor(caseId) { return this.items.filter((i) => i.caseId === caseId); }

  // item: {caseId, kind: 'transition', action, version, note} or {caseId, kind: 'photo', type, data}
  add(item) {
    this.items.push({ ...item, qid: `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, at: Date.now() });
    try {
      this.save();
    } catch (e) {
      this.items.pop();
      throw e;
    }
    this.flush();
  }

  async flush() {
    if (this.flushing || !this.items.length) return;
    if (navigator.onLine === false) return;
    this.flushing = true;
    try {
      while (this.items.length) {
        const item = this.items[0];
        let result;
        try {
          result = await send(item);
        } catch (e) {
          if (RETRYABLE(e)) break;
          // Later steps on this case were built on this one: they go too.
          const dropped = this.items.filter((i) => i.caseId === item.caseId);
          this.items = this.items.filter((i) => i.caseId !== item.caseId);
          this.save();
          this.dispatchEvent(new CustomEvent('refused', { detail: { item, error: e, dropped } }));
          continue;
        }
        this.items.shift();
        this.save();
        this.dispatchEvent(new CustomEvent('sent', { detail: { item, result } }));
      }
    } finally {
      this.flushing = false;
      this.dispatchEvent(new CustomEvent('change'));
    }
  }
}

function send(item) {
  if (item.kind === 'photo') {
    return api(`/api/v1/cases/${item.caseId}/photos`, { method: 'POST', body: dataUrlToBlob(item.data), type: item.type });
  }
  const body = { action: item.action, version: item.version };
  if (item.note) body.note = item.note;
  return api(`/api/v1/cases/${item.caseId}/transitions`, { method: 'POST', body });
}

function dataUrlToBlob(url) {
  const [head, data] = url.split(',');
  const type = head.slice(5, head.indexOf(';'));
  const bin = atob(data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
}

// A camera photo shrunk to at most 1600 px on its long side, as a JPEG data URL.
export async function shrinkPhoto(file, maxSide = 1600) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close?.();
  return canvas.toDataURL('image/jpeg', 0.82);
}
