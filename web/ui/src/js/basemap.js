// What lies under the grids: the tile layers config.json names in `basemaps` (XYZ URL
// templates and WMTS services, e.g. 天地图's vector `vec` and annotation `cva` layers with
// their `tk` key; see the README), or, when none is configured, the server's own light
// layer of roads and estates (GET /api/v1/map/basemap), so that the map is readable with
// no internet. The map's container says which it shows: data-basemap="tiles" | "roads" | "none".
import * as L from '../vendor/leaflet/leaflet-src.esm.js';
import { api } from './api.js';
import { canvasRenderer } from './canvas.js';

// The Leaflet URL template of one configured layer, or null when it has no http(s) URL.
export function tileTemplate(layer) {
  const url = typeof layer?.url === 'string' ? layer.url.trim() : '';
  if (!/^(https?:)?\/\//i.test(url) && !url.startsWith('/')) return null;
  if ((layer.type || 'xyz') !== 'wmts') return url;
  // WMTS key-value requests (GetTile): the layer, its style, tile matrix set and format.
  const q = new URLSearchParams({
    SERVICE: 'WMTS', REQUEST: 'GetTile', VERSION: '1.0.0',
    LAYER: layer.layer || '', STYLE: layer.style || 'default',
    TILEMATRIXSET: layer.matrix_set || 'w', FORMAT: layer.format || 'tiles',
  });
  if (layer.tk) q.set('tk', layer.tk);
  return `${url}${url.includes('?') ? '&' : '?'}${q}&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}`;
}

// The configured tile layers: `basemaps`, and the older single `tile_url`.
export function configuredLayers(config = {}) {
  const layers = Array.isArray(config.basemaps) ? config.basemaps.filter((l) => l && typeof l === 'object') : [];
  if (config.tile_url) layers.unshift({ type: 'xyz', url: config.tile_url, attribution: config.tile_attribution, max_zoom: config.max_zoom });
  return layers.filter((l) => tileTemplate(l));
}

export function addBasemap(map, config = {}) {
  const el = map.getContainer();
  const layers = configuredLayers(config);
  if (layers.length) {
    for (const l of layers) {
      const options = {
        attribution: typeof l.attribution === 'string' ? l.attribution : '',
        minZoom: Number.isFinite(l.min_zoom) ? l.min_zoom : 0,
        maxZoom: Number.isFinite(l.max_zoom) ? l.max_zoom : 19,
        opacity: Number.isFinite(l.opacity) ? l.opacity : 1,
      };
      if (l.subdomains) options.subdomains = l.subdomains;
      if (l.tk) options.tk = l.tk;  // an XYZ template may name {tk}
      L.tileLayer(tileTemplate(l), options).addTo(map);
    }
    el.dataset.basemap = 'tiles';
    return;
  }
  el.dataset.basemap = 'none';
  ownRoads(map).catch((e) => { if (!e.offline) console.warn(e); });
}

const ROAD = {
  main_road: (z) => ({ color: '#e8a33d', weight: z < 12 ? 2 : z < 14 ? 4 : 7, opacity: 0.95 }),
  road: (z) => ({ color: '#b0a48c', weight: z < 13 ? 1 : z < 15 ? 2 : 4, opacity: z < 12 ? 0.5 : 0.9 }),
  estate: (z) => ({ color: '#c8b48f', weight: 1, fillColor: '#efe4cf', fillOpacity: z < 14 ? 0.5 : 0.8, opacity: z < 14 ? 0.4 : 0.9 }),
};

async function ownRoads(map) {
  const data = await api('/api/v1/map/basemap', { cache: 'no-cache' });
  if (!data?.features?.length || !map.getContainer().isConnected) return;
  map.createPane('basemap').style.zIndex = 250;  // under the grids (overlay pane: 400)
  const renderer = canvasRenderer({ pane: 'basemap', padding: 0.3 });
  const style = (f) => (ROAD[f.properties?.kind] || ROAD.road)(map.getZoom());
  const layer = L.geoJSON(data, { pane: 'basemap', renderer, interactive: false, style }).addTo(map);
  map.on('zoomend', () => layer.setStyle(style));
  map.basemapFeatures = data.features;
  map.getContainer().dataset.basemap = 'roads';
  map.fire('basemapready');
}
