// Parts of the worker's tablet: the fields of the resolve dialog (the after-photo its
// category asks for) and the reporter's line (a phone the server masked is not a link).
import { h, dialog } from './dom.js';
import { t } from './i18n.js';

// The resolve dialog's fields: a note, and a photo of the work done. A category that
// requires one makes the photo required unless the case has an after-photo already; the
// server refuses the resolve otherwise (422, field "photo").
function resolveFields(category, afterPhotos) {
  const required = category?.after_photo === 'required' && !afterPhotos;
  const hint = [
    t(category?.after_photo === 'required' ? 'tablet.after_photo_required' : 'tablet.after_photo_optional'),
    afterPhotos ? t('tablet.after_photo_have', { n: afterPhotos }) : '',
  ].filter(Boolean).join(' ');
  return [
    { name: 'photo', label: t('tablet.after_photo'), type: 'file', accept: 'image/*', capture: 'environment', required, hint },
    { name: 'note', label: t('tablet.resolve_note'), type: 'textarea' },
  ];
}

// The reporter: a name and the phone. The server masks the number for a worker unless the
// category needs a call back; only a whole number is a tap to call.
export function reporterLine(reporter) {
  if (!reporter?.phone) return reporter?.name || null;
  const masked = reporter.phone.includes('*');
  return h('span', { class: 'reporter' }, reporter.name || '', ' ',
    masked
      ? h('span', { class: 'phone masked', dataset: { masked: 'true' } }, reporter.phone, ' ', h('span', { class: 'muted small' }, t('tablet.masked')))
      : h('a', { class: 'phone tel button', href: `tel:${reporter.phone}`, dataset: { masked: 'false' }, title: t('tablet.call', { phone: reporter.phone }) },
        '✆ ', reporter.phone));
}

// The dialog a step needs before it is queued: {note, photo?}, or null when cancelled.
export async function askFor(action, category, afterPhotos) {
  const note = (v) => (v ? { note: v.note } : null);
  if (action === 'note')
    return note(await dialog({ title: t('tablet.note'), fields: [{ name: 'note', label: t('tablet.note_label'), type: 'textarea', required: true }], confirm: t('common.save') }));
  if (action === 'return') {
    const v = await dialog({
      title: t('tablet.return'), message: t('tablet.return_hint'), danger: true, confirm: t('tablet.return'),
      fields: [
        { name: 'why', label: t('tablet.return_why'), type: 'select', value: 'not_my_grid',
          options: ['not_my_grid', 'wrong_kind', 'other'].map((x) => ({ value: x, label: t(`return.${x}`) })) },
        { name: 'note', label: t('tablet.return_more'), type: 'textarea' }],
    });
    return v ? { note: [t(`return.${v.why}`), v.note].filter(Boolean).join('：') } : null;
  }
  if (action === 'request_deferral')
    return note(await dialog({ title: t('tablet.request_deferral'), message: t('tablet.deferral_hint'), confirm: t('tablet.deferral_send'),
      fields: [{ name: 'note', label: t('tablet.deferral_why'), type: 'textarea', required: true }] }));
  if (action === 'resolve') {
    const v = await dialog({ title: t('tablet.resolve'), message: t('tablet.resolve_hint'), confirm: t('tablet.resolve'),
      fields: resolveFields(category, afterPhotos) });
    return v ? { note: v.note, photo: v.photo } : null;
  }
  return { note: '' };
}

export function kv(label, value) {
  if (value === null || value === undefined || value === '' || value === '—') return null;
  return h('div', { class: 'kv' }, h('dt', {}, label), h('dd', {}, value));
}

// The row of the lifecycle table (served as the user's `steps`) that lets the worker take
// `action` on the case as it stands: its state, its clock, its tier, and whether it is theirs.
export function stepFor(user, c, action) {
  return (user.steps || []).find((s) => s.from === c.state && s.action === action
    && (s.clock === 'any' || (s.clock === 'paused') === !!c.paused_at)
    && (s.tier === 'any' || c.tier !== 'worker')
    && (!s.assignee_only || c.assignee_id === user.worker_id));
}

// What an action does to the case, as the server will do it.
export function applyLocally(c, item, user) {
  const next = { ...c, version: c.version + 1 };
  const step = stepFor(user, c, item.action);
  if (step) next.state = step.to;
  // Until the history says so, the tablet remembers that it asked.
  if (item.action === 'request_deferral') next.deferralAsked = item.note || true;
  return next;
}
