// How things are shown: urgency colours (the same everywhere), times in Asia/Shanghai,
// deadlines and time left, and the names of states, tiers and events.
import { t, lang } from './i18n.js';
import { serverNow } from './api.js';

export const URGENCIES = ['yellow', 'orange', 'red'];
export const URGENCY_COLOURS = { yellow: '#f2c200', orange: '#f57c00', red: '#d32f2f' };
export const STATES = ['reported', 'dispatched', 'accepted', 'resolved', 'closed', 'cancelled'];
export const OPEN_STATES = ['reported', 'dispatched', 'accepted', 'resolved'];
export const TIME_ZONE = 'Asia/Shanghai';

// One formatter, kept: times read the same in both languages, e.g. 11-05 14:30.
const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE, hour12: false, year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit',
});

// "11-05 14:30" (short), "14:30" (time), "2026-11-05" (date), "2026-11-05 14:30:05" (full),
// in Beijing time.
export function fmtTime(iso, kind = 'short') {
  if (!iso) return '—';
  const p = Object.fromEntries(parts.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  const hour = p.hour === '24' ? '00' : p.hour;
  if (kind === 'time') return `${hour}:${p.minute}`;
  if (kind === 'date') return `${p.year}-${p.month}-${p.day}`;
  if (kind === 'full') return `${p.year}-${p.month}-${p.day} ${hour}:${p.minute}:${p.second}`;
  return `${p.month}-${p.day} ${hour}:${p.minute}`;
}

// The case's time as the server judges it (`clock`, one rule for every screen): which
// deadline applies (accept or resolve), its current tier's deadline, and whether the case
// is overdue against the first deadline it missed. Between answers the time moves on by the
// server's clock: an overdue case's count grows while its clock runs, and a running
// deadline that passes is missed at that deadline, as the server will say.
export function clockOf(c) {
  const k = c.clock;
  if (!k) return { deadline: null, running: false, dueAt: null, overdue: !!c.overdue, overdueMs: 0, leftMs: null };
  const now = serverNow();
  const asOf = Date.parse(k.as_of);
  const dueAt = k.due_at ? Date.parse(k.due_at) : null;
  const out = { deadline: k.deadline, running: !!k.running, dueAt, overdue: !!k.overdue, overdueMs: 0, leftMs: null };
  if (k.overdue) {
    out.overdueMs = (k.overdue_s || 0) * 1000 + (k.running ? Math.max(0, now - asOf) : 0);
  } else if (k.running && dueAt !== null) {
    const left = dueAt - now;
    if (left <= 0) Object.assign(out, { overdue: true, overdueMs: -left });
    else out.leftMs = left;
  } else if (k.left_s !== null && k.left_s !== undefined) {
    out.leftMs = k.left_s * 1000;
  }
  return out;
}

export const isOverdue = (c) => clockOf(c).overdue;

// The deadline that matters now (the current tier's), or none; while a deferral holds the
// clock there is none (the deadlines move when it resumes).
export function deadlineOf(c) {
  const k = clockOf(c);
  return k.running && k.dueAt !== null ? new Date(k.dueAt).toISOString() : null;
}

// Milliseconds left (negative: overdue by as much), or null when no deadline runs.
export function timeLeftMs(c) {
  const k = clockOf(c);
  if (k.overdue) return -k.overdueMs;
  return k.running ? k.leftMs : null;
}

// "2小时15分" / "2 h 15 min"; "3天4小时" / "3 d 4 h"; "5分钟" / "5 min".
export function fmtDuration(ms) {
  const minutes = Math.max(0, Math.floor(Math.abs(ms) / 60000));
  const d = Math.floor(minutes / 1440), hr = Math.floor((minutes % 1440) / 60), m = minutes % 60;
  const parts = [];
  if (d) parts.push(t('dur.d', { n: d }));
  if (hr && parts.length < 2) parts.push(t('dur.h', { n: hr }));
  if (!d && (m || parts.length === 0)) parts.push(t(parts.length ? 'dur.m' : 'dur.m_only', { n: m }));
  return parts.join(lang() === 'en' ? ' ' : '');
}

// "剩余 2小时15分" or "超时 3小时12分" (never both); `which` names the deadline that runs
// (接单 / 办结) and `due` the current tier's deadline; the class says how pressing it is.
export function timeLeft(c) {
  const k = clockOf(c);
  const which = k.deadline ? t(`clock.${k.deadline}`) : null;
  const due = k.dueAt !== null ? t('clock.due', { which, at: fmtTime(new Date(k.dueAt).toISOString()) }) : null;
  if (k.overdue) return { text: t('left.over', { d: fmtDuration(k.overdueMs) }), cls: 'left-over', which, due, overdue: true };
  if (c.paused_at) return { text: t('left.paused'), cls: 'left-paused', which, due, overdue: false };
  if (k.running && k.leftMs !== null) {
    return { text: t('left.left', { d: fmtDuration(k.leftMs) }), cls: c.warned ? 'left-warn' : 'left-ok', which, due, overdue: false };
  }
  if (c.state === 'resolved') return { text: t('left.verify'), cls: 'left-none', which, due, overdue: false };
  return { text: '—', cls: 'left-none', which, due, overdue: false };
}

export const urgencyName = (u) => t(`urgency.${u}`);
export const stateName = (s) => t(`state.${s}`);
export const tierName = (tier) => t(`tier.${tier}`);
export const eventName = (type) => t(`event.${type}`, {}, type);

export function categoryName(categories, id) {
  return t(`cat.${id}`, {}, null) || categories?.get(id)?.name || id;
}

export function urgencyBadge(u, big = false) {
  const el = document.createElement('span');
  el.className = `badge urgency-${u}${big ? ' badge-big' : ''}`;
  el.textContent = urgencyName(u);
  el.dataset.urgency = u;
  return el;
}

// The system's reasons for warnings and escalations, in the user's words, from the
// event's typed fields (its `reason` is the server's own words, never read here).
export function eventDetail(e) {
  if (e.type === 'warned') return e.deadline === 'accept' ? t('why.accept_75') : t('why.resolve_75');
  if (e.type === 'rated') {
    const n = e.score;
    return Number.isInteger(n) ? `${'★'.repeat(n)}${'☆'.repeat(5 - n)} ${t('rating.score', { n })}` : null;
  }
  if (e.type === 'resume') {
    return Number.isFinite(e.paused_ms) ? t('why.paused_for', { d: fmtDuration(e.paused_ms) }) : null;
  }
  if (e.type === 'escalated') {
    const why = e.deadline === 'accept' ? t('why.accept_late') : t('why.resolve_late');
    return e.urgency_from && e.tier_from
      ? `${why}：${urgencyName(e.urgency_from)} → ${urgencyName(e.urgency_to)}，${tierName(e.tier_from)} → ${tierName(e.tier_to)}`
      : why;
  }
  return null;
}
