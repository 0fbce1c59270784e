// The live feed over WebSocket, reconnecting with backoff. Emits 'case' events with the
// message ({type, case, attention?}) and 'status' events ({online}) as the connection
// comes and goes. An escalation carries `attention: true` for the clients that answer for
// the case's new tier.
import { getSession, api } from './api.js';

export class Feed extends EventTarget {
  constructor() {
    super();
    this.online = false;
    this.ws = null;
    this.delay = 1000;
    this.stopped = false;
    this.onOffline = () => this.drop();
    this.onOnline = () => this.connect(true);
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
  }

  start() {
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    if (this.ws) this.ws.close(1000);
    this.ws = null;
  }

  setStatus(online) {
    if (this.online === online) return;
    this.online = online;
    this.dispatchEvent(new CustomEvent('status', { detail: { online } }));
  }

  drop() {
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = null;
      ws.close();
    }
    this.setStatus(false);
    this.retry();
  }

  retry() {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => this.connect(), this.delay);
    this.delay = Math.min(this.delay * 2, 15000);
  }

  connect(now = false) {
    if (this.stopped || this.ws) return;
    if (now) this.delay = 1000;
    const session = getSession();
    if (!session) return;
    if (navigator.onLine === false) return this.setStatus(false);
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws?token=${encodeURIComponent(session.token)}`);
    this.ws = ws;
    ws.onmessage = (e) => {
      let m;
      try {
        m = JSON.parse(e.data);
      } catch {
        return;
      }
      if (m.type === 'feed.ready') {
        this.delay = 1000;
        this.tier = m.tier ?? null;  // the tier this user answers for, when escalations rise to it
        this.setStatus(true);
        this.dispatchEvent(new CustomEvent('ready', { detail: m }));
      } else if (m.case) {
        this.dispatchEvent(new CustomEvent('case', { detail: m }));
      }
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      // The server ended the token's feed (a logout elsewhere, a disabled account, a reset
      // password): one request finds out, and a 401 sends the page back to the login.
      if (e.code === 1008) api('/api/v1/auth/me').catch(() => {});
      this.ws = null;
      this.setStatus(false);
      this.retry();
    };
    ws.onerror = () => ws.close();
  }
}
