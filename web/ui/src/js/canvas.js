// Leaflet 1.9's canvas renderer with its removal race closed. A redraw is asked for on the
// next animation frame; when the renderer leaves its map first (a screen left while its
// map still moved), Leaflet cancels the frame but keeps its number, and a redraw asked
// for later ran on a canvas already gone ("reading 'save'"). The request is forgotten
// with the canvas (as upstream Leaflet does since 2025), and a redraw without a canvas
// does nothing.
import * as L from '../vendor/leaflet/leaflet-src.esm.js';

const Canvas = L.Canvas.extend({
  _destroyContainer() {
    L.Canvas.prototype._destroyContainer.call(this);
    this._redrawRequest = null;
  },

  _redraw() {
    if (!this._ctx) {
      this._redrawRequest = null;
      this._redrawBounds = null;
      return;
    }
    L.Canvas.prototype._redraw.call(this);
  },
});

export const canvasRenderer = (options) => new Canvas(options);
