#include <catch2/catch.hpp>

#include <random>

#include "geo/crs.hpp"

using namespace gridkeeper::geo;

namespace {
double metres_between(Point a, Point b) {
  const double kx = kMetresPerDegree * std::cos(a.lat * kPi / 180);
  return std::hypot((a.lon - b.lon) * kx, (a.lat - b.lat) * kMetresPerDegree);
}
}  // namespace

TEST_CASE("WGS-84 to GCJ-02 matches published reference pairs", "[crs]") {
  // Pairs published with the widely used open implementations of the transform
  // (Shanghai, Shenzhen, Beijing): WGS-84 lat/lon and their GCJ-02 counterparts.
  struct Case {
    double wgs_lat, wgs_lon, gcj_lat, gcj_lon;
  };
  const Case cases[] = {{31.1774276, 121.5272106, 31.17530398364597, 121.531541859215},
                        {22.543847, 113.912316, 22.540796131694766, 113.9171764808363},
                        {39.911954, 116.377817, 39.91334545536069, 116.38404722455657}};
  for (const auto& c : cases) {
    const Point gcj = wgs84_to_gcj02({c.wgs_lon, c.wgs_lat});
    CHECK(gcj.lon == Approx(c.gcj_lon).margin(1e-9));
    CHECK(gcj.lat == Approx(c.gcj_lat).margin(1e-9));
    const Point back = gcj02_to_wgs84({c.gcj_lon, c.gcj_lat});
    CHECK(metres_between(back, {c.wgs_lon, c.wgs_lat}) < 0.01);
  }
}

TEST_CASE("GCJ-02 to BD-09 matches Baidu's published example", "[crs]") {
  const Point bd = gcj02_to_bd09({116.404, 39.915});
  CHECK(bd.lon == Approx(116.41036949371029).margin(1e-9));
  CHECK(bd.lat == Approx(39.92133699351022).margin(1e-9));
}

TEST_CASE("inverse transforms round-trip to sub-metre accuracy", "[crs]") {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> lon(73.0, 135.0), lat(18.0, 53.0);
  double worst_gcj = 0, worst_bd = 0;
  for (int i = 0; i < 5000; ++i) {
    const Point wgs{lon(rng), lat(rng)};
    worst_gcj = std::max(worst_gcj, metres_between(gcj02_to_wgs84(wgs84_to_gcj02(wgs)), wgs));
    worst_bd = std::max(worst_bd, metres_between(bd09_to_wgs84(wgs84_to_bd09(wgs)), wgs));
  }
  CHECK(worst_gcj < 0.01);
  CHECK(worst_bd < 0.01);
  // The offsets themselves are hundreds of metres, so the round trip is not trivial.
  const Point xiangan{118.30, 24.62};
  CHECK(metres_between(wgs84_to_gcj02(xiangan), xiangan) > 100);
  CHECK(metres_between(wgs84_to_bd09(xiangan), xiangan) > 500);
  CHECK(to_wgs84(wgs84_to_bd09(xiangan), Crs::bd09).lon == Approx(xiangan.lon).margin(1e-7));
  CHECK(to_wgs84(wgs84_to_gcj02(xiangan), Crs::gcj02).lat == Approx(xiangan.lat).margin(1e-7));
  CHECK(to_wgs84(xiangan, Crs::wgs84) == xiangan);
}

TEST_CASE("GCJ-02 leaves points outside China unchanged", "[crs]") {
  const Point paris{2.3522, 48.8566};
  CHECK(wgs84_to_gcj02(paris) == paris);
  CHECK(gcj02_to_wgs84(paris) == paris);
  CHECK(outside_china({139.69, 35.69}));  // Tokyo
  CHECK_FALSE(outside_china({118.3, 24.6}));
}

TEST_CASE("CRS names parse", "[crs]") {
  CHECK(crs_from_string("wgs84") == Crs::wgs84);
  CHECK(crs_from_string("gcj02") == Crs::gcj02);
  CHECK(crs_from_string("bd09") == Crs::bd09);
  CHECK_FALSE(crs_from_string("epsg:3857"));
}
