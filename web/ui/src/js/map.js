// Leaflet maps: the basemap (configured tile layers, or the server's own roads; basemap.js)
// under the polygons and labels, which are drawn on one canvas so that hundreds of grids
// stay smooth; labels never overlap (labels.js).
import * as L from '../vendor/leaflet/leaflet-src.esm.js';
import { h } from './dom.js';
import { addBasemap, configuredLayers } from './basemap.js';
import { scheduleLabelPass } from './labels.js';
import { canvasRenderer } from './canvas.js';

export { L };

export function createMap(el, config = {}) {
  const map = L.map(el, {
    preferCanvas: true,
    renderer: canvasRenderer({ padding: 0.3, tolerance: 3 }),
    zoomSnap: 0.25,
    attributionControl: configuredLayers(config).length > 0,
    boxZoom: false,
  });
  addBasemap(map, config);
  map.setView([config.center_lat ?? 24.6, config.center_lon ?? 118.3], config.zoom ?? 12);
  // Case markers go above the area labels, on a canvas of their own.
  map.createPane('cases').style.zIndex = 650;
  map.casesRenderer = canvasRenderer({ pane: 'cases', padding: 0.3 });
  // The container may be laid out after the map is made.
  const resize = new ResizeObserver(() => map.invalidateSize({ pan: false }));
  resize.observe(el);
  map.on('unload', () => {
    resize.disconnect();
    // Leaflet ends a zoom animation on a timer that still runs once the map is removed (a
    // screen left mid-zoom) and then reads the panes that are gone: the animation is over.
    map._animatingZoom = false;
  });
  return map;
}

// Fits the map to `bounds` now if it has room, else as soon as it gets some: a map not
// laid out yet, or no longer in the page (a screen left while it loaded), has no size, and
// Leaflet works out a zoom of NaN from it and throws on every move after. `done` runs once
// the map is fitted.
export function fitWhenSized(map, bounds, options = {}, done = () => {}) {
  const el = map.getContainer();
  const [px, py] = options.padding ?? [0, 0];
  const roomy = () => el.clientWidth > 2 * px && el.clientHeight > 2 * py;
  const fit = () => {
    map.invalidateSize({ pan: false });
    if (bounds?.isValid?.()) map.fitBounds(bounds, options);
    done();
  };
  if (roomy()) {
    fit();
    return;
  }
  const watch = new ResizeObserver(() => {
    if (!roomy()) return;
    watch.disconnect();
    fit();
  });
  watch.observe(el);
  map.on('unload', () => watch.disconnect());
}

// Areas (grids, communities or streets) as one GeoJSON layer; each feature's style comes
// from `style(feature)` and is recomputed for one area or all without rebuilding anything.
export class AreaLayer {
  // labelMinPx, labelMaxPx: an area gets a label while its width on screen lies between
  // them; priority: which labels win a place first (labels.js).
  constructor(map, { style, onClick, label, labelMinPx = 60, labelMaxPx = Infinity, maxLabels = 150, priority = 1, pane, interactive = true }) {
    this.map = map;
    this.styleOf = style;
    this.labelOf = label;
    this.labelMinPx = labelMinPx;
    this.labelMaxPx = labelMaxPx;
    this.maxLabels = maxLabels;
    this.priority = priority;
    this.byId = new Map();
    const paneOptions = pane ? { pane, renderer: canvasRenderer({ pane, padding: 0.3 }) } : {};
    this.layer = L.geoJSON(null, {
      ...paneOptions,
      interactive,
      style: (f) => this.styleOf(f),
      onEachFeature: (f, layer) => {
        this.byId.set(String(f.id ?? f.properties.id), layer);
        if (onClick) layer.on('click', (e) => onClick(f, e));
      },
    }).addTo(map);
    this.labels = L.layerGroup().addTo(map);
    this.labelById = new Map();  // area → its label marker, while shown
    this.updateLabels = () => this.drawLabels();
    map.on('moveend zoomend', this.updateLabels);
  }

  setData(geojson) {
    this.layer.clearLayers();
    this.byId.clear();
    const features = (geojson.features || []).filter((f) => f.geometry);
    this.layer.addData({ type: 'FeatureCollection', features });
    this.drawLabels();
  }

  feature(id) {
    return this.byId.get(String(id))?.feature;
  }

  bounds() {
    return this.layer.getBounds();
  }

  restyle(id) {
    const layer = this.byId.get(String(id));
    if (layer) layer.setStyle(this.styleOf(layer.feature));
  }

  // One area's counts changed: its style, and its label when one is shown; nothing else.
  update(id) {
    this.restyle(id);
    this.relabel(id);
  }

  relabel(id) {
    const marker = this.labelById.get(String(id));
    const layer = this.byId.get(String(id));
    if (!marker || !layer || !this.labelOf) return;
    const content = this.labelOf(layer.feature);
    if (!(content instanceof Node)) return;
    marker.setIcon(L.divIcon({ className: 'area-label', html: content, iconSize: null }));
    const el = marker.getElement();
    if (el) Object.assign(el.dataset, { area: String(id), priority: this.priority, size: marker.size });
    scheduleLabelPass(this.map);
  }

  restyleAll() {
    for (const layer of this.byId.values()) layer.setStyle(this.styleOf(layer.feature));
    this.drawLabels();
  }

  // Labels only for areas in view and big enough on screen, so that a zoomed-out map of
  // a whole district is not buried in text.
  drawLabels() {
    this.labels.clearLayers();
    this.labelById.clear();
    if (!this.labelOf) return;
    const size = this.map.getSize();
    if (!(size.x > 0 && size.y > 0)) return;  // a map not laid out yet has no view to label
    const view = this.map.getBounds();
    let shown = 0;
    for (const [id, layer] of this.byId) {
      const b = layer.getBounds();
      if (!b.isValid() || !view.intersects(b)) continue;  // an area with no shape (yet) has no label
      const ne = this.map.latLngToContainerPoint(b.getNorthEast());
      const sw = this.map.latLngToContainerPoint(b.getSouthWest());
      const width = Math.abs(ne.x - sw.x);
      if (width < this.labelMinPx || width > this.labelMaxPx) continue;
      const content = this.labelOf(layer.feature);
      if (!content) continue;
      if (++shown > this.maxLabels) break;
      // A node, never a string: Leaflet writes a string `html` with innerHTML.
      if (!(content instanceof Node)) throw new TypeError('an area label must be a DOM node');
      const icon = L.divIcon({ className: 'area-label', html: content, iconSize: null });
      const at = labelPoint(layer);
      if (!at) continue;
      const marker = L.marker(at, { icon, interactive: false, keyboard: false });
      marker.size = Math.round(width * Math.abs(ne.y - sw.y));
      marker.on('add', () => { Object.assign(marker.getElement().dataset, { area: id, priority: this.priority, size: marker.size }); });
      this.labels.addLayer(marker);
      this.labelById.set(id, marker);
    }
    scheduleLabelPass(this.map);
  }

  destroy() {
    this.map.off('moveend zoomend', this.updateLabels);
    this.layer.remove();
    this.labels.remove();
  }
}

// A point inside the polygon for its label: the bounds' centre when inside, else the
// centroid of the largest ring's vertices.
// Null when the area has no point to give (no vertices, or not finite ones).
function labelPoint(layer) {
  const c = layer.getBounds().getCenter();
  const rings = layer.getLatLngs().flat(Infinity);
  if (!Number.isFinite(c.lat) || !Number.isFinite(c.lng) || rings.length === 0) return null;
  if (inside(c, layer.getLatLngs())) return c;
  let lat = 0, lng = 0;
  for (const p of rings) { lat += p.lat; lng += p.lng; }
  lat /= rings.length;
  lng /= rings.length;
  return Number.isFinite(lat) && Number.isFinite(lng) ? L.latLng(lat, lng) : c;
}

function inside(p, latlngs) {
  // latlngs: Polygon [[ring...]] or MultiPolygon [[[ring]]]; even-odd over all rings.
  let odd = false;
  const visit = (ring) => {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i], b = ring[j];
      if ((a.lat > p.lat) !== (b.lat > p.lat) && p.lng < ((b.lng - a.lng) * (p.lat - a.lat)) / (b.lat - a.lat) + a.lng)
        odd = !odd;
    }
  };
  const walk = (x) => (x.length && x[0].lat !== undefined ? visit(x) : x.forEach(walk));
  walk(latlngs);
  return odd;
}

// A grid's label names its community: 鸿山社区 第3网格 (properties of GET /grids).
export function gridTitle(p) {
  return p?.community_name ? `${p.community_name} ${p.name}` : p?.name;
}

export function labelBox(title, sub) {
  return h('div', { class: 'label-box' }, h('b', {}, title), sub ? h('small', {}, sub) : null);
}
