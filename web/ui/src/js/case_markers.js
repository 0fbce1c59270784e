// The open cases as markers once a map shows single grids (the overdue map at grid level):
// the most urgent and the overdue ones drawn last, so on top; a click opens the case.
// Reloaded (debounced) as the feed reports changes while shown.
import { h, debounce } from './dom.js';
import { api } from './api.js';
import { L } from './map.js';
import { URGENCY_COLOURS } from './format.js';

const RANK = { yellow: 0, orange: 1, red: 2 };

export class CaseMarkers {
  constructor(map, { onOpen } = {}) {
    this.map = map;
    this.onOpen = onOpen;
    this.layer = L.layerGroup();
    this.shown = false;
    this.reload = debounce(() => this.shown && this.load(), 800);
  }

  show(on) {
    if (on === this.shown) return;
    this.shown = on;
    if (on) {
      this.layer.addTo(this.map);
      this.load();
    } else {
      this.layer.remove();
      this.map.getContainer().dataset.caseMarkers = '0';
    }
  }

  async load() {
    try {
      const { cases } = await api('/api/v1/cases?open=true&limit=500');
      if (!this.shown) return;
      this.layer.clearLayers();
      const drawn = cases.filter((c) => Number.isFinite(c.lat) && Number.isFinite(c.lon))
        .sort((a, b) => (a.overdue - b.overdue) || (RANK[a.urgency] - RANK[b.urgency]));
      for (const c of drawn) {
        // On the areas' own canvas (drawn after them, so on top): a canvas of its own over
        // the whole map would take the clicks meant for the areas under it.
        const m = L.circleMarker([c.lat, c.lon], {
          radius: c.overdue ? 7 : 5,
          color: c.overdue ? '#212121' : '#fff', weight: 2, fillColor: URGENCY_COLOURS[c.urgency], fillOpacity: 1,
          bubblingMouseEvents: false,
        });
        // A node, never a string: Leaflet writes string content as HTML.
        m.bindTooltip(h('span', { class: 'case-tip' }, `#${c.id} `, c.title));
        if (this.onOpen) m.on('click', () => this.onOpen(c.id));
        this.layer.addLayer(m);
      }
      this.map.getContainer().dataset.caseMarkers = String(drawn.length);
    } catch (e) {
      if (!e.offline) console.warn(e);
    }
  }
}
