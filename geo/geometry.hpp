#pragma once
// Plain WGS-84 polygon types shared by the reader, the checks and the index.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace gridkeeper::geo {

struct Point {
  double lon = 0;
  double lat = 0;
  friend bool operator==(const Point&, const Point&) = default;
};

// A closed ring: the first point is repeated at the end.
using Ring = std::vector<Point>;

// rings[0] is the shell, the rest are holes.
struct Polygon {
  std::vector<Ring> rings;
};

using MultiPolygon = std::vector<Polygon>;

struct BBox {
  double min_lon = std::numeric_limits<double>::infinity();
  double min_lat = std::numeric_limits<double>::infinity();
  double max_lon = -std::numeric_limits<double>::infinity();
  double max_lat = -std::numeric_limits<double>::infinity();

  bool empty() const { return min_lon > max_lon; }
  void add(Point p) {
    min_lon = std::min(min_lon, p.lon);
    min_lat = std::min(min_lat, p.lat);
    max_lon = std::max(max_lon, p.lon);
    max_lat = std::max(max_lat, p.lat);
  }
  void add(const BBox& b) {
    if (b.empty()) return;
    add(Point{b.min_lon, b.min_lat});
    add(Point{b.max_lon, b.max_lat});
  }
  bool contains(Point p) const { return p.lon >= min_lon && p.lon <= max_lon && p.lat >= min_lat && p.lat <= max_lat; }
  bool intersects(const BBox& b) const {
    return !(b.min_lon > max_lon || b.max_lon < min_lon || b.min_lat > max_lat || b.max_lat < min_lat);
  }
};

inline BBox bbox_of(const MultiPolygon& shape) {
  BBox b;
  for (const auto& poly : shape)
    if (!poly.rings.empty())
      for (const auto& p : poly.rings.front()) b.add(p);
  return b;
}

inline std::size_t vertex_count(const MultiPolygon& shape) {
  std::size_t n = 0;
  for (const auto& poly : shape)
    for (const auto& ring : poly.rings) n += ring.size();
  return n;
}

// Even-odd test of p against every ring (holes included); a point on a boundary may go
// either way. For picking points inside a shape; routing goes through GridIndex.
inline bool inside_rings(const MultiPolygon& shape, Point p) {
  bool in = false;
  for (const auto& poly : shape)
    for (const auto& ring : poly.rings)
      for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
        if ((ring[i].lat > p.lat) != (ring[j].lat > p.lat) &&
            p.lon < (ring[j].lon - ring[i].lon) * (p.lat - ring[i].lat) / (ring[j].lat - ring[i].lat) + ring[i].lon)
          in = !in;
  return in;
}

// Mean Earth radius (IUGG); distances and areas use a local equirectangular frame,
// which is accurate to well under a percent at the scale of a district.
inline constexpr double kEarthRadiusM = 6371008.8;
inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kMetresPerDegree = kEarthRadiusM * kPi / 180.0;

}  // namespace gridkeeper::geo
