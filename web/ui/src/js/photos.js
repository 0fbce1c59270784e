// A case's photos: thumbnails that open full size in a viewer (close with its button, a tap
// outside the photo or Escape), and the before/after pair the verifying operator compares.
// The server says which photo is which (`stage`: before, or after the worker accepted).
import { h } from './dom.js';
import { t } from './i18n.js';
import { photoUrl } from './api.js';
import { fmtTime } from './format.js';

// One thumbnail: a button that opens the photo full size.
export function thumb(p) {
  const label = t('photo.view', { time: fmtTime(p.at) });
  const img = h('img', { alt: label, loading: 'lazy' });
  photoUrl(p.url).then((u) => { img.src = u; }).catch(() => { img.alt = t('err.photo'); });
  return h('button', {
    class: 'photo-thumb', type: 'button', title: label, dataset: { photoId: p.id, stage: p.stage || 'before' },
    onclick: () => openViewer(p),
  }, img);
}

// The photo full size over everything, until closed.
export function openViewer(p) {
  document.querySelector('.photo-viewer')?.remove();
  const img = h('img', { alt: t('photo.view', { time: fmtTime(p.at) }) });
  const close = () => { box.remove(); document.removeEventListener('keydown', onKey); };
  const onKey = (e) => { if (e.key === 'Escape') close(); };
  const box = h('div', { class: 'photo-viewer', role: 'dialog', 'aria-modal': 'true', 'aria-label': t('photo.viewer'), dataset: { photoId: p.id },
    onclick: (e) => { if (e.target === box) close(); } },
  h('button', { class: 'viewer-close', type: 'button', onclick: close, 'aria-label': t('common.close') }, '✕ ', t('common.close')),
  img,
  h('div', { class: 'viewer-caption' }, `${t(p.stage === 'after' ? 'photo.after' : 'photo.before')} · ${fmtTime(p.at)}`));
  photoUrl(p.url).then((u) => { img.src = u; }).catch(() => { img.alt = t('err.photo'); });
  document.addEventListener('keydown', onKey);
  document.body.append(box);
  box.querySelector('.viewer-close').focus();
  return box;
}

// Before and after side by side: two columns, each with its photos (or a word that none is).
export function beforeAfter(photos, id) {
  const column = (stage) => {
    const shown = photos.filter((p) => (p.stage || 'before') === stage);
    return h('div', { class: 'ba-column', dataset: { stage } }, h('h4', {}, t(`photo.${stage}`)),
      shown.length ? h('div', { class: 'photos' }, shown.map(thumb)) : h('div', { class: 'muted' }, t('photo.none')));
  };
  return h('div', { class: 'before-after', id }, column('before'), column('after'));
}
