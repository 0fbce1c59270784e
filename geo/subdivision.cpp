#include "geo/subdivision.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "geo/geos.hpp"

namespace gridkeeper::geo {

namespace {

std::string with_geos_error(std::string what) {
  const auto& e = geos::last_error();
  return e.empty() ? what : what + ": " + e;
}

geos::Geometry snapped_geometry(const MultiPolygon& outline, double grid_size) {
  auto* ctx = geos::context();
  geos::Geometry g = geos::to_geos(outline);
  if (!g) return nullptr;
  if (GEOSisValid_r(ctx, g.get()) != 1) {
    auto fixed = geos::make_valid(outline);
    if (fixed.shape.empty()) return nullptr;
    g = geos::to_geos(fixed.shape);
    if (!g) return nullptr;
  }
  // Rounding keeps the result valid (GEOS re-nodes what the rounding makes touch).
  return geos::Geometry(GEOSGeom_setPrecision_r(ctx, g.get(), grid_size, 0));
}

double ring_area_m2(const Ring& ring, const geos::LocalFrame& frame) {
  double twice = 0;
  for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
    const Point a = frame.to_metres(ring[i]), b = frame.to_metres(ring[i + 1]);
    twice += a.lon * b.lat - b.lon * a.lat;
  }
  return twice / 2;
}

// An undirected segment between two exact coordinates, for finding faces that share it.
struct Segment {
  Point a, b;
  bool operator==(const Segment& o) const { return a == o.a && b == o.b; }
};
struct SegmentHash {
  std::size_t operator()(const Segment& s) const {
    std::uint64_t bits[4];
    std::memcpy(&bits[0], &s.a.lon, 8);
    std::memcpy(&bits[1], &s.a.lat, 8);
    std::memcpy(&bits[2], &s.b.lon, 8);
    std::memcpy(&bits[3], &s.b.lat, 8);
    std::uint64_t h = 1469598103934665603ULL;
    for (auto v : bits) h = (h ^ v) * 1099511628211ULL;
    return static_cast<std::size_t>(h);
  }
};
Segment undirected(Point p, Point q) {
  if (q.lon < p.lon || (q.lon == p.lon && q.lat < p.lat)) std::swap(p, q);
  return {p, q};
}

}  // namespace

std::optional<MultiPolygon> snapped_outline(const MultiPolygon& outline, double grid_size) {
  auto g = snapped_geometry(outline, grid_size);
  if (!g) return std::nullopt;
  auto shape = geos::polygons_of(g.get());
  if (shape.empty()) return std::nullopt;
  return shape;
}

Subdivision subdivide(const MultiPolygon& outline, const std::vector<Point>& sites, double grid_size) {
  auto* ctx = geos::context();
  Subdivision out;
  auto failed = [&](std::string why) {
    Subdivision s;
    s.error = with_geos_error(std::move(why));
    return s;
  };
  if (sites.size() < 2) return failed("a subdivision needs at least two sites");
  geos::Geometry area = snapped_geometry(outline, grid_size);
  if (!area || GEOSisEmpty_r(ctx, area.get())) return failed("the outline has no area");

  std::vector<GEOSGeometry*> points;
  points.reserve(sites.size());
  for (const auto& p : sites) points.push_back(GEOSGeom_createPointFromXY_r(ctx, p.lon, p.lat));
  geos::Geometry multipoint(
      GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOINT, points.data(), static_cast<unsigned>(points.size())));
  if (!multipoint) return failed("the sites could not be collected");
  geos::Geometry edges(GEOSVoronoiDiagram_r(ctx, multipoint.get(), area.get(), 0.0, 1));
  geos::Geometry boundary(GEOSBoundary_r(ctx, area.get()));
  if (!edges || !boundary) return failed("the Voronoi diagram could not be built");

  // One noding of all lines at the grid: faces built from it share their edges exactly.
  GEOSGeometry* parts[2] = {edges.release(), boundary.release()};
  geos::Geometry lines(GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts, 2));
  if (!lines) return failed("the lines could not be collected");
  geos::Geometry noded(GEOSUnaryUnionPrec_r(ctx, lines.get(), grid_size));
  if (!noded) return failed("the lines could not be noded");
  const GEOSGeometry* input[1] = {noded.get()};
  geos::Geometry faces(GEOSPolygonize_r(ctx, input, 1));
  if (!faces) return failed("the faces could not be formed");

  const geos::Prepared inside_area = geos::prepare(area.get());
  const BBox extent = [&] {
    BBox b;
    for (const auto& poly : outline)
      for (const auto& p : poly.rings.front()) b.add(p);
    return b;
  }();
  const geos::LocalFrame frame((extent.min_lon + extent.max_lon) / 2, (extent.min_lat + extent.max_lat) / 2);
  const int n = GEOSGetNumGeometries_r(ctx, faces.get());
  for (int i = 0; i < n; ++i) {
    const GEOSGeometry* face = GEOSGetGeometryN_r(ctx, faces.get(), i);
    geos::Geometry point(GEOSPointOnSurface_r(ctx, face));
    if (!point || GEOSisEmpty_r(ctx, point.get())) continue;  // a face with no area
    // The outline is part of the noding, so each face lies wholly inside or outside it.
    if (GEOSPreparedContains_r(ctx, inside_area.get(), point.get()) != 1) continue;
    auto polys = geos::polygons_of(face);
    if (polys.size() != 1) continue;
    if (GEOSisValid_r(ctx, face) != 1) return failed("face " + std::to_string(out.cells.size()) + " is invalid");
    Point p;
    GEOSGeomGetX_r(ctx, point.get(), &p.lon);
    GEOSGeomGetY_r(ctx, point.get(), &p.lat);
    double a = std::abs(ring_area_m2(polys[0].rings[0], frame));
    for (std::size_t h = 1; h < polys[0].rings.size(); ++h) a -= std::abs(ring_area_m2(polys[0].rings[h], frame));
    out.cells.push_back(std::move(polys[0]));
    out.inside.push_back(p);
    out.area_m2.push_back(a);
  }
  if (out.cells.empty()) return failed("no face lies inside the outline");

  // Faces that share a segment are neighbours; shared segments are exactly equal.
  std::unordered_map<Segment, std::size_t, SegmentHash> first_face;
  out.neighbours.resize(out.cells.size());
  for (std::size_t f = 0; f < out.cells.size(); ++f)
    for (const auto& ring : out.cells[f].rings)
      for (std::size_t k = 0; k + 1 < ring.size(); ++k) {
        const auto s = undirected(ring[k], ring[k + 1]);
        auto [it, fresh] = first_face.emplace(s, f);
        if (!fresh && it->second != f) {
          out.neighbours[f].push_back(it->second);
          out.neighbours[it->second].push_back(f);
        }
      }
  for (auto& list : out.neighbours) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  return out;
}

std::optional<MultiPolygon> merge_cells(const std::vector<const Polygon*>& cells) {
  auto* ctx = geos::context();
  if (cells.empty()) return std::nullopt;
  if (cells.size() == 1) return MultiPolygon{*cells[0]};
  std::vector<GEOSGeometry*> parts;
  parts.reserve(cells.size());
  for (const auto* c : cells) {
    geos::Geometry g = geos::to_geos(MultiPolygon{*c});
    if (!g) {
      for (auto* p : parts) GEOSGeom_destroy_r(ctx, p);
      return std::nullopt;
    }
    parts.push_back(g.release());
  }
  geos::Geometry all(
      GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts.data(), static_cast<unsigned>(parts.size())));
  if (!all) return std::nullopt;
  // A coverage union drops the segments two faces share and keeps the rest as they are.
  geos::Geometry merged(GEOSCoverageUnion_r(ctx, all.get()));
  if (!merged) return std::nullopt;
  auto shape = geos::polygons_of(merged.get());
  if (shape.empty()) return std::nullopt;
  return shape;
}

void orient_rfc7946(MultiPolygon& shape) {
  for (auto& poly : shape)
    for (std::size_t r = 0; r < poly.rings.size(); ++r) {
      auto& ring = poly.rings[r];
      if (ring.size() < 4) continue;
      // Relative to the first point, so that the products stay small and exact enough.
      const Point o = ring[0];
      double twice = 0;
      for (std::size_t i = 0; i + 1 < ring.size(); ++i)
        twice += (ring[i].lon - o.lon) * (ring[i + 1].lat - o.lat) - (ring[i + 1].lon - o.lon) * (ring[i].lat - o.lat);
      const bool ccw = twice > 0;
      if (ccw != (r == 0)) std::reverse(ring.begin(), ring.end());
    }
}

}  // namespace gridkeeper::geo
