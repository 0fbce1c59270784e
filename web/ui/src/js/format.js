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

// The deadline that matters now: acceptance until accepted, then resolution; none while a
// deferral holds the clock (the deadlines move when it resumes).
export function deadlineOf(c) {
  if (c.paused_at) return null;
  if (c.state === 'reported' || c.state === 'dispatched') return c.accept_by;
  if (c.state === 'accepted') return c.resolve_by;
  return null;
}

export function timeLeftMs(c) {
  const d = deadlineOf(c);
  return d ? Date.parse(d) - serverNow() : null;
}

// "2小时15分" / "2 h 15 min"; "3天4小时" / "3 d 4 h".
export function fmtDuration(ms) {
  const minutes = Math.max(0, Math.floor(Math.abs(ms) / 60000));
  const d = Math.floor(minutes / 1440), hr = Math.floor((minutes % 1440) / 60), m = minutes % 60;
  const parts = [];
  if (d) parts.push(t('dur.d', { n: d }));
  if (hr && parts.length < 2) parts.push(t('dur.h', { n: hr }));
  if (!d && (m || parts.length === 0)) parts.push(t('dur.m', { n: m }));
  return parts.join(lang() === 'en' ? ' ' : '');
}

// "剩余 2小时15分" or "超时 30分"; the class says how pressing it is.
export function timeLeft(c) {
  const ms = timeLeftMs(c);
  if (ms === null) {
    if (c.paused_at) return { text: t('left.paused'), cls: 'left-paused' };
    if (c.state === 'resolved') return { text: t('left.verify'), cls: 'left-none' };
    return { text: '—', cls: 'left-none' };
  }
  if (ms < 0) return { text: t('left.over', { d: fmtDuration(ms) }), cls: 'left-over' };
  return { text: t('left.left', { d: fmtDuration(ms) }), cls: c.warned ? 'left-warn' : 'left-ok' };
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
