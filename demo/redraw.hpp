#pragma once
// A plausible redraw of a city's grids (网格调整), so that the flow of grid generations can
// be tried on the demo: the three most populous grids are each split in two across their
// longer side, and the two least populous neighbours of one community (sharing an edge)
// merged into one. The whole city (district, streets and communities as the unions of
// their grids) comes out as a grid GeoJSON for POST /api/v1/generations or `import`.
#include <string>

namespace gridkeeper::demo {

struct RedrawOutcome {
  std::string geojson;  // empty on failure
  std::string summary;  // what was split and merged, or why it failed
};

RedrawOutcome demo_redraw(const std::string& db_path);

}  // namespace gridkeeper::demo
