// The console's search box and what picking a suggestion does there: an address places
// the case (the location, the address field, the map centred on it, the routing preview);
// a case opens; a grid, community or worker brings its grids into view.
import { SearchBox } from './search_box.js';

// The bounds of the grids that `keep` selects, or null.
function boundsOf(con, keep) {
  let bounds = null;
  for (const f of con.refs.gridsGeo.features) {
    if (!keep(f)) continue;
    const b = L.geoJSON(f).getBounds();
    bounds = bounds ? bounds.extend(b) : b;
  }
  return bounds;
}

export function consoleSearch(con) {
  const fit = (bounds) => { if (bounds?.isValid()) con.map.fitBounds(bounds, { maxZoom: 16, padding: [20, 20] }); };
  return new SearchBox({
    address: (a) => {
      con.showTab('intake');
      con.form.address.value = a.building ? `${a.address} ${a.building}` : a.address;
      con.pick(a.lon, a.lat, 'wgs84', true);
      con.map.setView([a.lat, a.lon], Math.max(con.map.getZoom(), 16));
    },
    case: (c) => con.openCase(c.id),
    grid: (g) => fit(boundsOf(con, (f) => String(f.id) === g.id)),
    community: (j) => fit(boundsOf(con, (f) => f.properties.community === j.code || f.properties.street === j.code ||
      con.refs.jurisdictions.get(f.properties.community)?.parent === j.code)),
    worker: (w) => fit(boundsOf(con, (f) => f.properties.owner_id === w.id || f.properties.backup_id === w.id)),
  });
}
