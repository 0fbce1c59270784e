// The way to a case: its address with a "navigate" (导航) link, a geo: URI that Android
// hands to the installed map app (geo:LAT,LON?q=LAT,LON(label)), and the map zoomed to it.
import { h } from './dom.js';
import { t } from './i18n.js';

const fixed = (x) => Number(x).toFixed(6);

export function geoUri(c) {
  if (!Number.isFinite(c?.lat) || !Number.isFinite(c?.lon)) return null;
  const at = `${fixed(c.lat)},${fixed(c.lon)}`;
  const label = encodeURIComponent(c.address || c.title || `#${c.id}`).replace(/[()]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`);
  return `geo:${at}?q=${at}(${label})`;
}

// The address line of a case: the address and, when it has coordinates, the link.
export function addressWithNavigate(c) {
  const uri = geoUri(c);
  return h('span', { class: 'case-place' },
    h('span', { class: 'case-address', id: 'case-address' }, c.address || '—'),
    uri ? h('a', { class: 'navigate-link', id: 'navigate-link', href: uri, dataset: { lat: fixed(c.lat), lon: fixed(c.lon) } }, t('tablet.navigate')) : null);
}

// The map centred on the case, near enough to see its street.
export function zoomToCase(map, c) {
  if (!map || !Number.isFinite(c?.lat) || !Number.isFinite(c?.lon)) return;
  // The container's size as laid out now, so that a later resize does not move the centre.
  map.invalidateSize({ pan: false });
  map.setView([c.lat, c.lon], Math.max(map.getZoom(), 17), { animate: false });
  map.getContainer().dataset.caseView = String(c.id);
}
