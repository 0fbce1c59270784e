#include "geo/geos.hpp"

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <vector>

namespace gridkeeper::geo::geos {

namespace {
void ignore_message(const char*, void*) {}

thread_local std::string t_last_error;
void keep_error(const char* message, void*) { t_last_error = message ? message : ""; }

struct ThreadContext {
  GEOSContextHandle_t handle = GEOS_init_r();
  ThreadContext() {
    // Messages are turned into values by the callers; GEOS must never print.
    GEOSContext_setNoticeMessageHandler_r(handle, ignore_message, nullptr);
    GEOSContext_setErrorMessageHandler_r(handle, keep_error, nullptr);
  }
  ~ThreadContext() { GEOS_finish_r(handle); }
};

template <class Project>
GEOSGeometry* ring_to_geos(const Ring& ring, Project project) {
  auto* ctx = context();
  GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx, static_cast<unsigned>(ring.size()), 2);
  if (!seq) return nullptr;
  for (unsigned i = 0; i < ring.size(); ++i) {
    const Point p = project(ring[i]);
    GEOSCoordSeq_setXY_r(ctx, seq, i, p.lon, p.lat);
  }
  GEOSGeometry* lr = GEOSGeom_createLinearRing_r(ctx, seq);
  return lr;  // takes ownership of seq, even when it fails
}

template <class Project>
GEOSGeometry* polygon_to_geos(const Polygon& poly, Project project) {
  auto* ctx = context();
  if (poly.rings.empty()) return nullptr;
  GEOSGeometry* shell = ring_to_geos(poly.rings[0], project);
  if (!shell) return nullptr;
  std::vector<GEOSGeometry*> holes;
  for (std::size_t i = 1; i < poly.rings.size(); ++i) {
    GEOSGeometry* h = ring_to_geos(poly.rings[i], project);
    if (!h) {
      GEOSGeom_destroy_r(ctx, shell);
      for (auto* x : holes) GEOSGeom_destroy_r(ctx, x);
      return nullptr;
    }
    holes.push_back(h);
  }
  return GEOSGeom_createPolygon_r(ctx, shell, holes.data(), static_cast<unsigned>(holes.size()));
}

template <class Project>
Geometry shape_to_geos(const MultiPolygon& shape, Project project) {
  auto* ctx = context();
  if (shape.size() == 1) return Geometry(polygon_to_geos(shape[0], project));
  std::vector<GEOSGeometry*> parts;
  for (const auto& poly : shape) {
    GEOSGeometry* g = polygon_to_geos(poly, project);
    if (!g) {
      for (auto* x : parts) GEOSGeom_destroy_r(ctx, x);
      return nullptr;
    }
    parts.push_back(g);
  }
  return Geometry(
      GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, parts.data(), static_cast<unsigned>(parts.size())));
}
}  // namespace

GEOSContextHandle_t context() {
  thread_local ThreadContext ctx;
  return ctx.handle;
}

const std::string& last_error() { return t_last_error; }

void TreeDeleter::operator()(GEOSSTRtree* t) const noexcept {
  if (t) GEOSSTRtree_destroy_r(context(), t);
}
void GeometryDeleter::operator()(GEOSGeometry* g) const noexcept { GEOSGeom_destroy_r(context(), g); }
void PreparedDeleter::operator()(const GEOSPreparedGeometry* g) const noexcept {
  GEOSPreparedGeom_destroy_r(context(), g);
}

Geometry to_geos(const MultiPolygon& shape) {
  return shape_to_geos(shape, [](Point p) { return p; });
}

Geometry make_point(double x, double y) { return Geometry(GEOSGeom_createPointFromXY_r(context(), x, y)); }

Geometry make_box(const BBox& b) {
  return Geometry(GEOSGeom_createRectangle_r(context(), b.min_lon, b.min_lat, b.max_lon, b.max_lat));
}

Prepared prepare(const GEOSGeometry* g) { return Prepared(GEOSPrepare_r(context(), g)); }

LocalFrame::LocalFrame(double lon0_, double lat0_)
    : lon0(lon0_), lat0(lat0_), kx(kMetresPerDegree * std::cos(lat0_ * kPi / 180.0)), ky(kMetresPerDegree) {}

Geometry to_geos_metres(const MultiPolygon& shape, const LocalFrame& frame) {
  return shape_to_geos(shape, [&](Point p) { return frame.to_metres(p); });
}

std::string to_wkt(const GEOSGeometry* g) {
  auto* ctx = context();
  char* text = GEOSGeomToWKT_r(ctx, g);
  if (!text) return {};
  std::string s(text);
  GEOSFree_r(ctx, text);
  return s;
}

double area(const GEOSGeometry* g) {
  double a = 0;
  if (!GEOSArea_r(context(), g, &a)) return 0;
  return a;
}

}  // namespace gridkeeper::geo::geos

namespace gridkeeper::geo::geos {

namespace {
Ring ring_from_geos(const GEOSGeometry* ring) {
  auto* ctx = context();
  Ring out;
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, ring);
  unsigned n = 0;
  if (!seq || !GEOSCoordSeq_getSize_r(ctx, seq, &n)) return out;
  out.resize(n);
  for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(ctx, seq, i, &out[i].lon, &out[i].lat);
  return out;
}

void collect_polygons(const GEOSGeometry* g, MultiPolygon& out) {
  auto* ctx = context();
  const int type = GEOSGeomTypeId_r(ctx, g);
  if (type == GEOS_POLYGON) {
    if (GEOSisEmpty_r(ctx, g)) return;
    Polygon poly;
    poly.rings.push_back(ring_from_geos(GEOSGetExteriorRing_r(ctx, g)));
    const int holes = GEOSGetNumInteriorRings_r(ctx, g);
    for (int i = 0; i < holes; ++i) poly.rings.push_back(ring_from_geos(GEOSGetInteriorRingN_r(ctx, g, i)));
    out.push_back(std::move(poly));
  } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    const int n = GEOSGetNumGeometries_r(ctx, g);
    for (int i = 0; i < n; ++i) collect_polygons(GEOSGetGeometryN_r(ctx, g, i), out);
  }
}
}  // namespace

MultiPolygon polygons_of(const GEOSGeometry* g) {
  MultiPolygon out;
  if (g) collect_polygons(g, out);
  return out;
}

Repaired make_valid(const MultiPolygon& shape) {
  auto* ctx = context();
  Geometry g = to_geos(shape);
  if (g && GEOSisValid_r(ctx, g.get()) == 1) return {shape, false};
  if (!g) return {{}, true};
  Geometry fixed(GEOSMakeValid_r(ctx, g.get()));
  if (!fixed) return {{}, true};
  return {polygons_of(fixed.get()), true};
}

}  // namespace gridkeeper::geo::geos
