#pragma once
// Planar subdivisions of a real outline: the outline cut by the Voronoi cells of a set of
// sites into faces that share their edges exactly, and unions of such faces. Everything is
// noded once and snapped to one precision grid, so a union of faces, a union of those
// unions and so on tile their parent with no gap and no overlap: each level is exactly the
// union of its children. Used by the demo city generator.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "geo/geometry.hpp"

namespace gridkeeper::geo {

struct Subdivision {
  std::vector<Polygon> cells;                        // the faces inside the outline
  std::vector<Point> inside;                         // a point inside each face
  std::vector<double> area_m2;                       // each face's area
  std::vector<std::vector<std::size_t>> neighbours;  // faces sharing an edge, ascending
  std::string error;                                 // why it failed; empty when it worked
};

// Cuts `outline` (repaired first when it is invalid) by the Voronoi diagram of `sites`.
// Coordinates are rounded to multiples of `grid_size` degrees (1e-7: about a centimetre,
// the rounding GridIndex routes with). A site's cell may fall apart into several faces
// where the outline is concave.
Subdivision subdivide(const MultiPolygon& outline, const std::vector<Point>& sites, double grid_size = 1e-7);

// The union of faces of one subdivision (or of earlier unions of them): shared edges
// dissolve, every other vertex stays exactly as it was. Nullopt when GEOS refuses.
std::optional<MultiPolygon> merge_cells(const std::vector<const Polygon*>& cells);

// Shells counter-clockwise and holes clockwise, as RFC 7946 asks.
void orient_rfc7946(MultiPolygon& shape);

// The outline repaired when invalid and snapped to the grid; nullopt when nothing is left.
std::optional<MultiPolygon> snapped_outline(const MultiPolygon& outline, double grid_size = 1e-7);

}  // namespace gridkeeper::geo
