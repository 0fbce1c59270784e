#pragma once
// Thin RAII layer over the GEOS C API (the `_r` functions). Each thread gets its own
// context handle; geometries are plain values that may be read from any thread once
// everything lazy in them (prepared locators, tree) has been built.
#include <geos_c.h>

#include <memory>
#include <string>

#include "geo/geometry.hpp"

namespace gridkeeper::geo::geos {

// The calling thread's GEOS context.
GEOSContextHandle_t context();

struct GeometryDeleter {
  void operator()(GEOSGeometry* g) const noexcept;
};
struct PreparedDeleter {
  void operator()(const GEOSPreparedGeometry* g) const noexcept;
};
struct TreeDeleter {
  void operator()(GEOSSTRtree* t) const noexcept;
};
using Geometry = std::unique_ptr<GEOSGeometry, GeometryDeleter>;
using Prepared = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;
// An STRtree does not own the geometries inserted into it; they must outlive it.
using Tree = std::unique_ptr<GEOSSTRtree, TreeDeleter>;

// The last error GEOS reported on this thread (GEOS never prints; callers that get a null
// result or an exception code may quote this).
const std::string& last_error();

// Builds a GEOS Polygon (one part) or MultiPolygon. Null when GEOS refuses the rings.
Geometry to_geos(const MultiPolygon& shape);
Geometry make_point(double x, double y);
Geometry make_box(const BBox& box);
Prepared prepare(const GEOSGeometry* g);

// Projects lon/lat into metres on a local equirectangular frame centred at lat0, so that
// areas and distances come out in m² and m.
struct LocalFrame {
  double lon0 = 0, lat0 = 0, kx = 1, ky = 1;
  explicit LocalFrame(double lon0_, double lat0_);
  Point to_metres(Point p) const { return {(p.lon - lon0) * kx, (p.lat - lat0) * ky}; }
  Point to_degrees(Point m) const { return {m.lon / kx + lon0, m.lat / ky + lat0}; }
};
Geometry to_geos_metres(const MultiPolygon& shape, const LocalFrame& frame);

std::string to_wkt(const GEOSGeometry* g);
double area(const GEOSGeometry* g);

}  // namespace gridkeeper::geo::geos

namespace gridkeeper::geo::geos {
// The polygonal parts of any geometry (collections are flattened, lines and points dropped).
MultiPolygon polygons_of(const GEOSGeometry* g);
// Repairs an invalid shape with GEOS MakeValid; returns the valid polygonal result
// (empty when nothing polygonal is left) and whether a repair was needed.
struct Repaired {
  MultiPolygon shape;
  bool repaired = false;
};
Repaired make_valid(const MultiPolygon& shape);
}  // namespace gridkeeper::geo::geos
