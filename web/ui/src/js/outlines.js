// Community and street outlines drawn over the grids (thicker for streets, and thicker as
// the map zooms in), with level-dependent names: a street's name while the street is
// small on screen (far out), a community's in the middle; grids name themselves near.
// Shapes come from the overdue map's shapes (tagged, so the browser keeps them).
import { api } from './api.js';
import { AreaLayer, labelBox } from './map.js';

const LEVELS = {
  street: { colour: '#263238', weight: (z) => (z < 12 ? 2.5 : z < 14 ? 3.5 : 4.5), labelMinPx: 40, labelMaxPx: 700, priority: 3 },
  community: { colour: '#3949ab', weight: (z) => (z < 12 ? 1 : z < 14 ? 2 : 3), labelMinPx: 90, labelMaxPx: 900, priority: 2 },
};

export class Outlines {
  // labels: false where another layer names the areas already (the overdue map).
  constructor(map, { levels = ['community', 'street'], labels = true } = {}) {
    this.map = map;
    if (!map.getPane('outlines')) map.createPane('outlines').style.zIndex = 450;  // over the grids' fills
    map.getPane('outlines').style.pointerEvents = 'none';
    this.layers = {};
    for (const level of levels) {
      const l = LEVELS[level];
      this.layers[level] = new AreaLayer(map, {
        pane: 'outlines',
        interactive: false,
        style: () => ({ color: l.colour, weight: l.weight(map.getZoom()), opacity: 0.85, fill: false }),
        label: labels ? (f) => {
          const box = labelBox(f.properties.name);
          box.classList.add(`label-${level}`);
          return box;
        } : null,
        labelMinPx: l.labelMinPx,
        labelMaxPx: l.labelMaxPx,
        priority: l.priority,
      });
    }
    this.onZoom = () => { for (const layer of Object.values(this.layers)) layer.restyleAll(); };
    map.on('zoomend', this.onZoom);
    this.ready = this.load();
  }

  async load() {
    await Promise.all(Object.entries(this.layers).map(async ([level, layer]) => {
      const shapes = await api(`/api/v1/overdue-map?level=${level}&counts=false`, { cache: 'no-cache' });
      layer.setData(shapes);
    }));
    this.map.getContainer().dataset.outlines = Object.keys(this.layers).join(' ');
  }

  destroy() {
    this.map.off('zoomend', this.onZoom);
    for (const layer of Object.values(this.layers)) layer.destroy();
  }
}
