#include "geo/crs.hpp"

#include <cmath>

namespace gridkeeper::geo {

namespace {
// Krasovsky 1940 ellipsoid, as used by the GCJ-02 obfuscation.
constexpr double kA = 6378245.0;
constexpr double kEe = 0.00669342162296594323;
constexpr double kBdPi = kPi * 3000.0 / 180.0;
constexpr double kTolerance = 1e-8;  // degrees, about a millimetre
constexpr int kMaxIterations = 30;

double offset_lat(double x, double y) {
  double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::abs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
  r += (160.0 * std::sin(y / 12.0 * kPi) + 320.0 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
  return r;
}

double offset_lon(double x, double y) {
  double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::abs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
  r += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
  return r;
}

// Solves forward(x) = target by fixed-point iteration; the transforms are small smooth
// offsets, so each step removes almost all of the remaining error.
template <class Forward>
Point invert(Point target, Point start, Forward forward) {
  Point x = start;
  for (int i = 0; i < kMaxIterations; ++i) {
    const Point f = forward(x);
    const double dlon = f.lon - target.lon, dlat = f.lat - target.lat;
    x.lon -= dlon;
    x.lat -= dlat;
    if (std::abs(dlon) < kTolerance && std::abs(dlat) < kTolerance) break;
  }
  return x;
}
}  // namespace

std::optional<Crs> crs_from_string(std::string_view s) {
  if (s == "wgs84" || s == "WGS84" || s == "wgs-84") return Crs::wgs84;
  if (s == "gcj02" || s == "GCJ02" || s == "gcj-02") return Crs::gcj02;
  if (s == "bd09" || s == "BD09" || s == "bd-09") return Crs::bd09;
  return std::nullopt;
}

std::string_view to_string(Crs crs) {
  switch (crs) {
    case Crs::wgs84:
      return "wgs84";
    case Crs::gcj02:
      return "gcj02";
    case Crs::bd09:
      return "bd09";
  }
  return "wgs84";
}

bool outside_china(Point p) { return p.lon < 72.004 || p.lon > 137.8347 || p.lat < 0.8293 || p.lat > 55.8271; }

Point wgs84_to_gcj02(Point p) {
  if (outside_china(p)) return p;
  double dlat = offset_lat(p.lon - 105.0, p.lat - 35.0);
  double dlon = offset_lon(p.lon - 105.0, p.lat - 35.0);
  const double radlat = p.lat / 180.0 * kPi;
  double magic = std::sin(radlat);
  magic = 1 - kEe * magic * magic;
  const double sqrtmagic = std::sqrt(magic);
  dlat = (dlat * 180.0) / ((kA * (1 - kEe)) / (magic * sqrtmagic) * kPi);
  dlon = (dlon * 180.0) / (kA / sqrtmagic * std::cos(radlat) * kPi);
  return {p.lon + dlon, p.lat + dlat};
}

Point gcj02_to_bd09(Point p) {
  const double z = std::sqrt(p.lon * p.lon + p.lat * p.lat) + 0.00002 * std::sin(p.lat * kBdPi);
  const double theta = std::atan2(p.lat, p.lon) + 0.000003 * std::cos(p.lon * kBdPi);
  return {z * std::cos(theta) + 0.0065, z * std::sin(theta) + 0.006};
}

Point wgs84_to_bd09(Point p) { return gcj02_to_bd09(wgs84_to_gcj02(p)); }

Point gcj02_to_wgs84(Point p) {
  if (outside_china(p)) return p;
  return invert(p, p, wgs84_to_gcj02);
}

Point bd09_to_gcj02(Point p) {
  // Baidu's closed-form approximate inverse as the starting point, then refined.
  const double x = p.lon - 0.0065, y = p.lat - 0.006;
  const double z = std::sqrt(x * x + y * y) - 0.00002 * std::sin(y * kBdPi);
  const double theta = std::atan2(y, x) - 0.000003 * std::cos(x * kBdPi);
  return invert(p, {z * std::cos(theta), z * std::sin(theta)}, gcj02_to_bd09);
}

Point bd09_to_wgs84(Point p) { return gcj02_to_wgs84(bd09_to_gcj02(p)); }

Point to_wgs84(Point p, Crs from) {
  switch (from) {
    case Crs::wgs84:
      return p;
    case Crs::gcj02:
      return gcj02_to_wgs84(p);
    case Crs::bd09:
      return bd09_to_wgs84(p);
  }
  return p;
}

}  // namespace gridkeeper::geo
