// The shell: configuration, the session, the top bar, and the screen for the user's role
// (operator → console, worker → tablet, supervisor → overdue map, admin → everything;
// operators and admins also reach the assessment, admins the Open311 keys).
import { h, stateBlock, fill, toast } from './dom.js';
import { t, lang, setLang } from './i18n.js';
import { getSession, setSession, onSessionEnd, logout, api, ApiError } from './api.js';
import { Feed } from './feed.js';
import { unlockAudio } from './sound.js';

const SCREENS = {
  console: { load: () => import('./console.js'), roles: ['operator', 'admin'], label: 'nav.console' },
  tablet: { load: () => import('./tablet.js'), roles: ['worker'], label: 'nav.tablet' },
  overdue: { load: () => import('./overdue.js'), roles: ['supervisor', 'operator', 'admin'], label: 'nav.overdue' },
  // Supervisors have the same view in their map's 考评 tab.
  assessment: { load: () => import('./assessment.js'), roles: ['operator', 'admin'], label: 'nav.assessment' },
  keys: { load: () => import('./keys.js'), roles: ['admin'], label: 'nav.keys' },
  audit: { load: () => import('./audit.js'), roles: ['admin'], label: 'nav.audit' },
  leave: { load: () => import('./leave.js'), roles: ['supervisor', 'admin'], permission: 'manage_leave', label: 'nav.leave' },
  categories: { load: () => import('./categories.js'), roles: ['admin'], permission: 'manage_categories', label: 'nav.categories' },
  accounts: { load: () => import('./accounts.js'), roles: ['admin', 'supervisor'], label: 'nav.accounts' },
  roster: { load: () => import('./roster.js'), roles: ['admin', 'supervisor'], label: 'nav.roster' },
  places: { load: () => import('./places.js'), roles: ['admin'], label: 'nav.places' },
  wall: { load: () => import('./wall.js'), roles: ['admin', 'supervisor'], permission: 'view_wall', label: 'nav.wall' },
  redraw: { load: () => import('./redraw.js'), roles: ['admin'], permission: 'manage_generations', label: 'nav.redraw' },
};
// A screen that names a permission shows only to users the server gave it.
const offered = (s, user) => s.roles.includes(user.role) && (!s.permission || (user.permissions || []).includes(s.permission));
const HOME = { operator: 'console', admin: 'console', worker: 'tablet', supervisor: 'overdue' };

const root = document.getElementById('app');
let config = {};
let current = null;  // {name, screen}
// Screens mounted and not yet stopped, and screens ever mounted: on <body data-screens
// data-mounts>, for tests that check no screen lives on unseen.
let mounted = 0;
let mounts = 0;

function counted(step) {
  mounted += step;
  if (step > 0) mounts += step;
  document.body.dataset.screens = String(mounted);
  document.body.dataset.mounts = String(mounts);
}

function stop(screen) {
  if (!screen) return;
  screen.destroy?.();
  counted(-1);
}
let feed = null;
let barCleanup = () => {};

async function loadConfig() {
  try {
    const r = await fetch('config.json', { cache: 'no-store' });
    if (r.ok) config = await r.json();
  } catch { /* defaults: no tiles */ }
}

function route() {
  const session = getSession();
  const wanted = location.hash.replace(/^#\/?/, '');
  if (!session) return showLogin();
  if (session.user.must_change_password) return showPasswordChange(true);
  const role = session.user.role;
  // A deep link to a case (/#/cases/{id}) opens it for every role that may see it.
  const link = /^cases\/(\d{1,15})$/.exec(wanted);
  if (link && HOME[role]) return showCase(Number(link[1]), HOME[role]);
  const name = SCREENS[wanted] && offered(SCREENS[wanted], session.user) ? wanted : HOME[role];
  if (!name) return showLogin(t('login.no_screen'));
  if (location.hash !== `#/${name}`) history.replaceState(null, '', `#/${name}`);
  show(name);
}

function stopCurrent() {
  barCleanup();
  barCleanup = () => {};
  stop(current?.screen);
  current = null;
}

async function showLogin(message) {
  stopCurrent();
  if (feed) { feed.stop(); feed = null; }
  document.body.dataset.screen = 'login';
  const { renderLogin } = await import('./login.js');
  fill(root, renderLogin({ message, onDone: () => { unlockAudio(); route(); } }));
}

// Before any screen when the user must change its password; from the top bar otherwise.
async function showPasswordChange(forced) {
  stopCurrent();
  if (feed) { feed.stop(); feed = null; }
  document.body.dataset.screen = 'password';
  const { renderPasswordChange } = await import('./password.js');
  fill(root, renderPasswordChange({
    forced,
    onDone: () => { toast(t('pw.done'), 'ok'); route(); },
    onCancel: forced ? () => logout() : () => route(),
  }));
}

async function show(name) {
  stopCurrent();
  const session = getSession();
  if (!feed) feed = new Feed().start();
  document.body.dataset.screen = name;
  const main = h('main', { class: `screen screen-${name}`, id: 'screen' }, stateBlock('loading', t('common.loading')));
  fill(root, topBar(name, session.user), main);
  // This showing's own ticket: a screen left while it was still loading is stopped as
  // soon as its mount ends (its map, timers and feed listeners must not live on unseen).
  const ticket = { name };
  current = ticket;
  try {
    const module = await SCREENS[name].load();
    if (current !== ticket) return;
    const screen = await module.mount(main, { config, feed, user: session.user });
    if (screen) counted(1);
    if (current === ticket) ticket.screen = screen;
    else stop(screen);
  } catch (e) {
    if (current !== ticket) return;
    reportFailure(e);
    fill(main, stateBlock('error', e.message || t('err.unknown'), () => show(name)));
  }
}

// A screen that could not load says so on screen, with a retry. No network, or a login that
// has ended, is the user's situation rather than a fault of the page: a warning, not an error.
function reportFailure(e) {
  if (e instanceof ApiError && (e.offline || e.status === 401)) console.warn(e.offline ? 'offline:' : 'login ended:', e.message);
  else console.error(e);
}

async function showCase(id, home) {
  stopCurrent();
  const session = getSession();
  if (!feed) feed = new Feed().start();
  document.body.dataset.screen = 'case';
  const main = h('main', { class: 'screen screen-case', id: 'screen' }, stateBlock('loading', t('common.loading')));
  fill(root, topBar(home, session.user), main);
  current = { name: `case-${id}` };
  try {
    const module = await import('./case_link.js');
    if (current?.name !== `case-${id}`) return;
    current.screen = await module.mount(main, { user: session.user, id, home });
  } catch (e) {
    reportFailure(e);
    fill(main, stateBlock('error', e.message || t('err.unknown'), () => showCase(id, home)));
  }
}

function topBar(active, user) {
  const status = h('span', { class: 'conn', dataset: { online: String(feed?.online ?? false) } });
  const setStatus = (online) => {
    status.dataset.online = String(online);
    status.textContent = online ? t('conn.online') : t('conn.offline');
    status.title = online ? t('conn.online_hint') : t('conn.offline_hint');
  };
  setStatus(feed?.online ?? false);
  const onStatus = (e) => setStatus(e.detail.online);
  feed?.addEventListener('status', onStatus);
  barCleanup = () => feed?.removeEventListener('status', onStatus);
  const nav = Object.entries(SCREENS)
    .filter(([, s]) => offered(s, user))
    .map(([name, s]) => h('a', { href: `#/${name}`, class: name === active ? 'active' : null, dataset: { nav: name } },
      t(s.label)));
  return h('header', { class: 'topbar' },
    h('div', { class: 'brand' }, h('span', { class: 'logo' }, '▦'), t('app.name')),
    nav.length > 1 ? h('nav', {}, nav) : h('span', { class: 'screen-title' }, t(SCREENS[active].label)),
    h('div', { class: 'spacer' }),
    status,
    h('button', { class: 'lang', onclick: switchLang, title: t('lang.switch') }, lang() === 'zh' ? 'EN' : '中文'),
    h('span', { class: 'who' }, `${user.username} · ${t(`role.${user.role}`)}`),
    h('button', { class: 'secondary', id: 'change-password', onclick: () => showPasswordChange(false) }, t('pw.title')),
    h('button', { class: 'secondary', onclick: () => logout() }, t('login.logout')));
}

function switchLang() {
  setLang(lang() === 'zh' ? 'en' : 'zh');
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  route();
}

onSessionEnd(() => showLogin(t('login.ended')));
window.addEventListener('hashchange', route);
// A background refresh (a live update's reload, a suggestion) that finds no network, or
// whose login has ended, is no script error: the connection indicator says the page is
// offline (the feed's return brings what was missed), and an ended login has already sent
// the page back to the login form. Any other failure still surfaces.
window.addEventListener('unhandledrejection', (e) => {
  if (e.reason instanceof ApiError && (e.reason.offline || e.reason.status === 401)) {
    e.preventDefault();
    console.warn(e.reason.offline ? 'offline:' : 'login ended:', e.reason.message);
  }
});
document.addEventListener('pointerdown', unlockAudio, { once: true });
document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';

await loadConfig();
// A stored token may have expired: ask once before showing a screen. The answer renews the
// stored user too (its permissions and lifecycle steps may have changed since login).
if (getSession()) {
  try {
    const me = await api('/api/v1/auth/me');
    if (getSession() && me?.user) setSession({ ...getSession(), user: me.user });
  } catch (e) {
    if (e.status !== 401 && e.status !== 0) console.warn(e);
  }
}
route();
