#include <catch2/catch.hpp>

#include <random>

#include "geo/geos.hpp"
#include "geo/subdivision.hpp"

using namespace gridkeeper::geo;

namespace {

Polygon ring_of(std::initializer_list<Point> points) { return Polygon{{Ring(points)}}; }

double area_of(const MultiPolygon& shape) { return geos::area(geos::to_geos(shape).get()); }

std::vector<Point> sites_in(BBox box, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<Point> out;
  for (int i = 0; i < n; ++i)
    out.push_back({box.min_lon + (box.max_lon - box.min_lon) * (rng() % 10007) / 10007.0,
                   box.min_lat + (box.max_lat - box.min_lat) * (rng() % 10007) / 10007.0});
  return out;
}

}  // namespace

TEST_CASE("a subdivision tiles its outline with faces that share their edges", "[geo][subdivision]") {
  // An L-shaped outline with a hole, so that some Voronoi cells fall apart.
  Polygon l = ring_of({{118.30, 24.60},
                       {118.34, 24.60},
                       {118.34, 24.62},
                       {118.32, 24.62},
                       {118.32, 24.64},
                       {118.30, 24.64},
                       {118.30, 24.60}});
  l.rings.push_back({{118.305, 24.605}, {118.305, 24.61}, {118.31, 24.61}, {118.31, 24.605}, {118.305, 24.605}});
  const MultiPolygon outline{l};
  const auto s = subdivide(outline, sites_in({118.29, 24.59, 118.35, 24.65}, 80, 7));
  REQUIRE(s.error.empty());
  REQUIRE(s.cells.size() >= 40);
  REQUIRE(s.cells.size() == s.neighbours.size());
  REQUIRE(s.cells.size() == s.inside.size());

  double sum = 0;
  for (std::size_t i = 0; i < s.cells.size(); ++i) {
    sum += area_of({s.cells[i]});
    CHECK_FALSE(s.neighbours[i].empty());
    for (auto n : s.neighbours[i]) {
      CHECK(n != i);
      CHECK(std::binary_search(s.neighbours[n].begin(), s.neighbours[n].end(), i));  // symmetric
    }
    // Every vertex is on the 1e-7 degree grid.
    for (const auto& ring : s.cells[i].rings)
      for (const auto& p : ring) {
        CHECK(std::abs(p.lon * 1e7 - std::round(p.lon * 1e7)) < 1e-3);
        CHECK(std::abs(p.lat * 1e7 - std::round(p.lat * 1e7)) < 1e-3);
      }
  }
  CHECK(sum == Approx(area_of(outline)).epsilon(1e-6));

  // The union of all faces is the outline, hole and all; of half of them, a valid shape.
  std::vector<const Polygon*> all, half;
  for (std::size_t i = 0; i < s.cells.size(); ++i) {
    all.push_back(&s.cells[i]);
    if (s.inside[i].lon < 118.315) half.push_back(&s.cells[i]);
  }
  auto merged = merge_cells(all);
  REQUIRE(merged);
  CHECK(area_of(*merged) == Approx(area_of(outline)).epsilon(1e-6));
  CHECK(GEOSisValid_r(geos::context(), geos::to_geos(*merged).get()) == 1);
  auto west = merge_cells(half);
  REQUIRE(west);
  CHECK(GEOSisValid_r(geos::context(), geos::to_geos(*west).get()) == 1);
  CHECK(area_of(*west) < area_of(outline));

  orient_rfc7946(*merged);
  for (const auto& poly : *merged) {
    double twice = 0;
    const auto& shell = poly.rings[0];
    for (std::size_t i = 0; i + 1 < shell.size(); ++i)
      twice += (shell[i].lon - shell[0].lon) * (shell[i + 1].lat - shell[0].lat) -
               (shell[i + 1].lon - shell[0].lon) * (shell[i].lat - shell[0].lat);
    CHECK(twice > 0);  // counter-clockwise shell
  }
}

TEST_CASE("a self-intersecting outline is repaired before it is cut", "[geo][subdivision]") {
  // A bow tie: two triangles meeting at a point.
  const MultiPolygon bowtie{
      ring_of({{118.30, 24.60}, {118.32, 24.62}, {118.32, 24.60}, {118.30, 24.62}, {118.30, 24.60}})};
  const auto repaired = snapped_outline(bowtie);
  REQUIRE(repaired);
  CHECK(GEOSisValid_r(geos::context(), geos::to_geos(*repaired).get()) == 1);
  const auto s = subdivide(bowtie, sites_in({118.30, 24.60, 118.32, 24.62}, 30, 3));
  REQUIRE(s.error.empty());
  double sum = 0;
  for (const auto& c : s.cells) sum += area_of({c});
  CHECK(sum == Approx(area_of(*repaired)).epsilon(1e-6));

  CHECK_FALSE(subdivide(bowtie, {{118.31, 24.61}}).error.empty());  // one site cuts nothing
  CHECK_FALSE(subdivide({}, sites_in({118.30, 24.60, 118.32, 24.62}, 5, 1)).error.empty());
}
