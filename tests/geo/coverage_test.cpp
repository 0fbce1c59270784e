#include "geo/coverage.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "geo/geojson.hpp"
#include "geo/tessellation.hpp"
#include "geojson_text.hpp"

using namespace gridkeeper::geo;

namespace {

using gridkeeper::testing::collection;
using gridkeeper::testing::feature;
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
std::string ring(const std::vector<Point>& points) {
  std::string s = "[";
  for (std::size_t i = 0; i < points.size(); ++i)
    s += (i ? ",[" : "[") + number(points[i].lon) + "," + number(points[i].lat) + "]";
  return s + "]";
}
std::string polygon(const std::vector<Point>& points) {
  return R"({"type":"Polygon","coordinates":[)" + ring(points) + "]}";
}
std::string box(double w, double s, double e, double n) { return polygon({{w, s}, {e, s}, {e, n}, {w, n}, {w, s}}); }

std::string props(const std::string& code, const std::string& level, const std::string& parent = "",
                  long population = -1) {
  std::string s = R"({"code":")" + code + R"(","name":")" + code + R"(","level":")" + level + '"';
  if (!parent.empty()) s += R"(,"parent":")" + parent + '"';
  if (population >= 0) s += R"(,"population":)" + std::to_string(population);
  return s + "}";
}
std::string grid(const std::string& code, const std::string& geometry, const std::string& parent = "C1",
                 long population = 1500) {
  return feature(props(code, "grid", parent, population), geometry);
}

// A community of 0.002° x 0.001° at Xiang'an, alone in its street and district (features
// 0-2); the grids follow from feature 3. Two grids side by side cover it exactly.
constexpr double W = 118.300, M = 118.301, E = 118.302, S = 24.600, N = 24.601;
std::string city(const std::vector<std::string>& grids) {
  std::vector<std::string> all{feature(props("D1", "district"), box(W, S, E, N)),
                               feature(props("S1", "street", "D1"), box(W, S, E, N)),
                               feature(props("C1", "community", "S1"), box(W, S, E, N))};
  all.insert(all.end(), grids.begin(), grids.end());
  return collection(all);
}

CoverageReport check(const std::string& text, const CoverageOptions& options = {}) {
  return check_coverage(read_geojson(text), options);
}

// The problem `check` found on `code` whose reason contains `fragment`, or null.
const Problem* find(const CoverageReport& r, Check check, const std::string& code, const std::string& fragment) {
  for (std::size_t i = 0; i < r.problems.size(); ++i)
    if (r.checks[i] == check && r.problems[i].code == code && r.problems[i].reason.find(fragment) != std::string::npos)
      return &r.problems[i];
  return nullptr;
}

// The number of m² a reason states after `before`.
double square_metres(const std::string& reason, const std::string& before) {
  const auto at = reason.find(before);
  REQUIRE(at != std::string::npos);
  REQUIRE(reason.find(" m²", at) != std::string::npos);
  return std::strtod(reason.c_str() + at + before.size(), nullptr);
}

// m² of a lon/lat box measured on the frame the checks use (centred on the file).
double box_m2(double dlon, double dlat, double lat0 = (S + N) / 2) {
  return dlon * kMetresPerDegree * std::cos(lat0 * kPi / 180) * dlat * kMetresPerDegree;
}

bool inside(const std::optional<Point>& p, double w, double s, double e, double n) {
  return p && p->lon > w && p->lon < e && p->lat > s && p->lat < n;
}

std::string summary(const CoverageReport& r) { return format_report(r, "test"); }

}  // namespace

TEST_CASE("a clean hand-made file has no problems", "[coverage]") {
  auto r = check(city({grid("G1", box(W, S, M, N)), grid("G2", box(M, S, E, N))}));
  INFO(summary(r));
  CHECK(r.problems.empty());
  CHECK(r.features == 5);
  CHECK(r.grids == 2);
  CHECK(r.communities == 1);
  CHECK(r.streets == 1);
  CHECK(r.districts == 1);
  CHECK(summary(r).find("test: 0 error(s), 0 warning(s)") != std::string::npos);
}

TEST_CASE("a self-intersecting (bow-tie) grid is invalid, with the GEOS reason and the place", "[coverage]") {
  const std::string bow_tie = polygon({{W, S}, {M, N}, {M, S}, {W, N}, {W, S}});
  auto r = check(city({grid("G1", bow_tie), grid("G2", box(M, S, E, N))}));
  INFO(summary(r));
  const Problem* p =
      find(r, Check::geometry, "G1", "invalid geometry, repaired for the other checks: Self-intersection");
  REQUIRE(p);
  CHECK(p->severity == Severity::error);
  CHECK(p->feature_index == 3);
  REQUIRE(p->location);
  CHECK(p->location->lon == Approx((W + M) / 2).margin(1e-9));
  CHECK(p->location->lat == Approx((S + N) / 2).margin(1e-9));
  CHECK(r.error_count() >= 1);
  // The repaired bow-tie (two triangles) leaves the other half of its square uncovered.
  CHECK(find(r, Check::gap, "C1", "gap of"));
}

TEST_CASE("two overlapping grids are one error with the overlap in m²", "[coverage]") {
  // G1 reaches 0.0005° east of the middle and G2 0.0005° west of it: 0.001° x 0.001° in common.
  auto r = check(city({grid("G1", box(W, S, M + 0.0005, N)), grid("G2", box(M - 0.0005, S, E, N))}));
  INFO(summary(r));
  REQUIRE(r.count(Check::overlap) == 1);
  const Problem* p = find(r, Check::overlap, "G1", "overlaps grid G2 (feature 4) by ");
  REQUIRE(p);
  CHECK(p->severity == Severity::error);
  CHECK(p->feature_index == 3);
  // 111195² x cos(24.6°) x 1e-6 m², about 11,240 m².
  const double expected = box_m2(0.001, 0.001);
  CHECK(expected == Approx(111195.0 * 111195.0 * std::cos(24.6 * kPi / 180) * 1e-6).epsilon(1e-4));
  CHECK(square_metres(p->reason, " by ") == Approx(expected).epsilon(1e-3));
  CHECK(inside(p->location, M - 0.0005, S, M + 0.0005, N));
  CHECK(r.error_count() == 1);
  CHECK(summary(r).find("overlaps: 1 error(s), 0 warning(s)") != std::string::npos);
}

TEST_CASE("grids sharing an edge or a corner do not overlap", "[coverage]") {
  const double Q = (S + N) / 2;
  auto r = check(city({grid("G1", box(W, S, M, Q)), grid("G2", box(M, S, E, Q)), grid("G3", box(W, Q, M, N)),
                       grid("G4", box(M, Q, E, N))}));
  INFO(summary(r));
  CHECK(r.problems.empty());
}

TEST_CASE("a sliver overlap under the tolerance is a warning", "[coverage]") {
  // 5e-8° (about 5 mm) of G2 lies over G1, about 0.56 m² along the 111 m edge.
  auto r = check(city({grid("G1", box(W, S, M, N)), grid("G2", box(M - 5e-8, S, E, N))}));
  INFO(summary(r));
  const Problem* p = find(r, Check::overlap, "G1", "overlaps grid G2");
  REQUIRE(p);
  CHECK(p->severity == Severity::warning);
  CHECK(square_metres(p->reason, " by ") == Approx(box_m2(5e-8, 0.001)).epsilon(1e-2));
  CHECK(r.error_count() == 0);
  CHECK(r.warning_count() == 1);

  CoverageOptions strict;
  strict.sliver_m2 = 0.1;
  auto r2 = check(city({grid("G1", box(W, S, M, N)), grid("G2", box(M - 5e-8, S, E, N))}), strict);
  REQUIRE(find(r2, Check::overlap, "G1", "overlaps grid G2"));
  CHECK(find(r2, Check::overlap, "G1", "overlaps grid G2")->severity == Severity::error);
}

TEST_CASE("a gap inside a community has its area and a point inside it", "[coverage]") {
  // G2 stops 0.0002° short of the community's north edge.
  const double top = N - 0.0002;
  auto r = check(city({grid("G1", box(W, S, M, N)), grid("G2", box(M, S, E, top))}));
  INFO(summary(r));
  REQUIRE(r.count(Check::gap) == 1);
  const Problem* p = find(r, Check::gap, "C1", "gap of ");
  REQUIRE(p);
  CHECK(p->severity == Severity::error);
  CHECK(p->feature_index == 2);
  CHECK(p->reason.find("inside the community not covered by its grids") != std::string::npos);
  CHECK(square_metres(p->reason, "gap of ") == Approx(box_m2(0.001, 0.0002)).epsilon(1e-3));
  CHECK(inside(p->location, M, top, E, N));
  CHECK(r.error_count() == 1);
}

TEST_CASE("a gap under the tolerance is a warning", "[coverage]") {
  const double top = N - 5e-8;
  auto r = check(city({grid("G1", box(W, S, M, N)), grid("G2", box(M, S, E, top))}));
  INFO(summary(r));
  const Problem* p = find(r, Check::gap, "C1", "gap of ");
  REQUIRE(p);
  CHECK(p->severity == Severity::warning);
  CHECK(r.error_count() == 0);
}

TEST_CASE("a grid sticking out of its community is measured", "[coverage]") {
  // G2 reaches 0.001° east of the community; the street and district end there as well, so
  // only the grid -> community relation is broken.
  auto r = check(city({grid("G1", box(W, S, M, N)), grid("G2", box(M, S, E + 0.001, N))}));
  INFO(summary(r));
  REQUIRE(r.count(Check::outside) == 1);
  const Problem* p = find(r, Check::outside, "G2", "sticks out of community C1 (feature 2) by ");
  REQUIRE(p);
  CHECK(p->severity == Severity::error);
  CHECK(p->feature_index == 4);
  // The frame is centred on the file's extent, which the grid widens; latitude stays.
  CHECK(square_metres(p->reason, " by ") == Approx(box_m2(0.001, 0.001)).epsilon(1e-3));
  CHECK(inside(p->location, E, S, E + 0.001, N));
  CHECK(r.error_count() == 1);
}

TEST_CASE("orphans and wrong parent levels are errors", "[coverage]") {
  auto r = check(city({grid("G1", box(W, S, M, N)), grid("G2", box(M, S, E, N)),
                       grid("G3", box(E, S, E + 0.001, N), "C9"),                            // unknown parent
                       grid("G4", box(E + 0.001, S, E + 0.002, N), "S1"),                    // a street
                       grid("G5", box(E + 0.002, S, E + 0.003, N), "G1"),                    // a grid
                       feature(props("C2", "community", "D1"), box(E, S, E + 0.003, N))}));  // a district
  INFO(summary(r));
  const Problem* orphan = find(r, Check::hierarchy, "G3", "orphan: parent C9 is not in the file");
  REQUIRE(orphan);
  CHECK(orphan->severity == Severity::error);
  CHECK(orphan->feature_index == 5);
  const Problem* street =
      find(r, Check::hierarchy, "G4", "wrong parent level: parent street S1 (feature 1) is a street");
  REQUIRE(street);
  CHECK(street->severity == Severity::error);
  CHECK(street->reason.find("a grid's parent must be a community") != std::string::npos);
  CHECK(find(r, Check::hierarchy, "G5", "parent grid G1 (feature 3) is a grid"));
  CHECK(find(r, Check::hierarchy, "C2", "a community's parent must be a street"));
  CHECK(r.count(Check::hierarchy) == 4);
}

TEST_CASE("a community without grids is uncovered", "[coverage]") {
  auto r = check(city({}));
  INFO(summary(r));
  const Problem* p = find(r, Check::gap, "C1", "community has no grids");
  REQUIRE(p);
  CHECK(p->severity == Severity::error);
  CHECK(inside(p->location, W, S, E, N));
}

TEST_CASE("populations outside the band are warnings", "[coverage]") {
  auto r = check(city({grid("G1", box(W, S, M, N), "C1", 500), grid("G2", box(M, S, E, N), "C1", 2500)}));
  INFO(summary(r));
  const Problem* low = find(r, Check::population, "G1", "population 500 is outside the band 1000–2000");
  REQUIRE(low);
  CHECK(low->severity == Severity::warning);
  CHECK(find(r, Check::population, "G2", "population 2500"));
  CHECK(r.error_count() == 0);
  CHECK(r.warning_count() == 2);

  CoverageOptions wide;
  wide.population_min = 100;
  wide.population_max = 3000;
  CHECK(check(city({grid("G1", box(W, S, M, N), "C1", 500), grid("G2", box(M, S, E, N), "C1", 2500)}), wide)
            .problems.empty());
}

TEST_CASE("the reader's problems stay in the report and are not reported twice", "[coverage]") {
  const std::string unclosed =
      R"({"type":"Polygon","coordinates":[[[118.3,24.6],[118.302,24.6],[118.302,24.601],[118.3,24.601],[118.3,24.6005]]]})";
  auto r = check(collection({feature(props("D1", "district"), box(W, S, E, N)),
                             feature(props("S1", "street", "D1"), box(W, S, E, N)),
                             feature(props("C1", "community", "S1"), unclosed),  // dropped by the reader
                             grid("G1", box(W, S, M, N)), grid("G2", box(M, S, E, N)),
                             grid("G2", box(E, S, E + 0.001, N), "C1")}));  // duplicate code
  INFO(summary(r));
  std::size_t duplicates = 0, unclosed_rings = 0;
  for (std::size_t i = 0; i < r.problems.size(); ++i) {
    duplicates += r.problems[i].reason.find("duplicate") != std::string::npos;
    unclosed_rings += r.problems[i].reason.find("not closed") != std::string::npos;
    if (r.problems[i].reason.find("not closed") != std::string::npos) CHECK(r.checks[i] == Check::file);
  }
  CHECK(duplicates == 1);
  CHECK(unclosed_rings == 1);
  // The grids of the dropped community are not orphans.
  CHECK(r.count(Check::hierarchy) == 0);
  CHECK(r.features == 6);
  CHECK(r.problems.front().reason.find("not closed") != std::string::npos);  // the reader's first
}

TEST_CASE("degenerate shapes and empty files do not crash the checks", "[coverage]") {
  const std::string point_ring = polygon({{M, S}, {M, S}, {M, S}, {M, S}});
  const std::string flat = polygon({{W, S}, {E, S}, {M, S}, {W, S}});
  auto r = check(city({grid("G1", point_ring), grid("G2", flat), grid("G3", box(W, S, E, N))}));
  INFO(summary(r));
  CHECK(find(r, Check::geometry, "G1", "invalid geometry"));
  CHECK(find(r, Check::geometry, "G2", "invalid geometry"));
  CHECK(find(r, Check::geometry, "G1", "nothing left after repair"));

  auto empty = check(R"({"type":"FeatureCollection","features":[]})");
  CHECK(empty.problems.empty());
  CHECK(empty.features == 0);
  auto broken = check("not json");
  CHECK(broken.error_count() == 1);
  CHECK(summary(broken).find("reading the file") != std::string::npos);
}

TEST_CASE("the report groups problems by check and ends with the counts", "[coverage]") {
  auto r = check(city({grid("G1", box(W, S, M + 0.0005, N), "C1", 500), grid("G2", box(M - 0.0005, S, E, N)),
                       grid("G3", box(E, S, E + 0.001, N), "C9")}));
  const std::string text = summary(r);
  INFO(text);
  const auto hierarchy = text.find("hierarchy (orphans, wrong parent level): 1 error(s), 0 warning(s)");
  const auto overlaps = text.find("overlaps: 1 error(s), 0 warning(s)");
  const auto population = text.find("population: 0 error(s), 1 warning(s)");
  REQUIRE(hierarchy != std::string::npos);
  REQUIRE(overlaps != std::string::npos);
  REQUIRE(population != std::string::npos);
  CHECK(hierarchy < overlaps);
  CHECK(overlaps < population);
  CHECK(text.find("test: error: feature 3 (G1): overlaps grid G2 (feature 4) by ") != std::string::npos);
  CHECK(text.find("test: checked 6 features: 1 district, 1 street, 1 community, 3 grids") == 0);
  CHECK(text.find("test: 2 error(s), 1 warning(s)\n") != std::string::npos);
}

namespace {
// A tessellation organised as one district, one street and one community, all three the
// outline of the cells (taken from the cells, so it matches them to the last bit).
std::string tessellated_city(int columns, int rows) {
  TessellationOptions o;
  o.columns = columns;
  o.rows = rows;
  o.area = {118.20, 24.55, 118.26, 24.60};
  const auto cells = tessellate(o);
  BBox outline;
  for (const auto& c : cells) outline.add(bbox_of(c.shape));
  const std::string all = box(outline.min_lon, outline.min_lat, outline.max_lon, outline.max_lat);
  std::vector<std::string> features{feature(props("D1", "district"), all), feature(props("S1", "street", "D1"), all),
                                    feature(props("C1", "community", "S1"), all)};
  for (std::size_t i = 0; i < cells.size(); ++i)
    features.push_back(grid(cells[i].code, polygon(cells[i].shape.front().rings.front()), "C1",
                            1000 + static_cast<long>(i * 37 % 1000)));
  return collection(features);
}
}  // namespace

TEST_CASE("a generated gap-free tessellation is clean", "[coverage]") {
  auto r = check(tessellated_city(12, 10));
  INFO(summary(r));
  CHECK(r.grids == 120);
  CHECK(r.error_count() == 0);
  CHECK(r.warning_count() == 0);
}

TEST_CASE("the report does not depend on the number of threads", "[coverage]") {
  const std::string text =
      city({grid("G1", box(W, S, M + 0.0005, N), "C1", 500), grid("G2", box(M - 0.0005, S, E, N - 0.0002)),
            grid("G3", box(E, S, E + 0.001, N)), grid("G4", box(E, S, E + 0.001, N), "C9")});
  CoverageOptions one, three;
  one.threads = 1;
  three.threads = 3;
  const auto a = format_report(check(text, one), "f");
  const auto b = format_report(check(text, three), "f");
  INFO(a);
  CHECK(a == b);
  CHECK(check(text, one).count(Check::overlap) == 2);  // G1 with G2, G3 with G4
  CHECK(check(text, one).count(Check::outside) == 1);  // G3 (G4 is an orphan, not C1's)
}
