// Labels that never overlap: after any layer (re)draws its labels, one pass over every
// label of the map in order of importance (streets, then communities, then grids and their
// counts, then roads; larger areas first) keeps a label only where its box, as drawn on
// the screen, meets no label kept before it; the others are hidden until the view changes.
// The map's container counts the passes (data-label-pass), so that tests wait for one.

export function scheduleLabelPass(map) {
  if (map.labelPassPending) return;
  map.labelPassPending = true;
  requestAnimationFrame(() => {
    map.labelPassPending = false;
    placeLabels(map);
  });
}

export function placeLabels(map) {
  const container = map.getContainer();
  if (!container.isConnected) return;
  const labels = [...container.querySelectorAll('.leaflet-marker-pane .area-label')];
  const rank = (el) => [Number(el.dataset.priority || 0), Number(el.dataset.size || 0)];
  labels.sort((a, b) => {
    const [pa, sa] = rank(a), [pb, sb] = rank(b);
    return pb - pa || sb - sa;
  });
  const view = container.getBoundingClientRect();
  const kept = [];
  let hidden = 0;
  // All boxes read at once, after one layout (a write between reads would lay out anew).
  for (const el of labels) el.classList.remove('label-hidden');
  const rects = labels.map((el) => (el.firstElementChild || el).getBoundingClientRect());
  for (const [i, el] of labels.entries()) {
    const r = rects[i];
    const box = { left: r.left - 2, right: r.right + 2, top: r.top - 1, bottom: r.bottom + 1 };
    const off = r.width === 0 || r.right < view.left || r.left > view.right || r.bottom < view.top || r.top > view.bottom;
    if (off || kept.some((k) => k.left < box.right && box.left < k.right && k.top < box.bottom && box.top < k.bottom)) {
      el.classList.add('label-hidden');
      hidden++;
      continue;
    }
    kept.push(box);
  }
  // The hidden ones after the shown ones in the document, so that the first label a
  // selector finds is one that is shown.
  for (const el of labels) if (el.classList.contains('label-hidden')) el.parentNode.appendChild(el);
  container.dataset.labelsShown = String(kept.length);
  container.dataset.labelsHidden = String(hidden);
  container.dataset.labelPass = String(Number(container.dataset.labelPass || 0) + 1);
}
