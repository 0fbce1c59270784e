#include <catch2/catch.hpp>

#include <atomic>
#include <random>
#include <thread>

#include "geo/grid_index.hpp"
#include "geo/tessellation.hpp"

using namespace gridkeeper::geo;

namespace {
Ring square(double x0, double y0, double x1, double y1) { return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}; }
GridShape grid(std::string code, std::vector<Ring> rings) {
  GridShape g;
  g.code = std::move(code);
  g.shape.push_back(Polygon{std::move(rings)});
  return g;
}
std::string routed(const GridIndex& index, double lon, double lat) {
  const auto r = index.route(lon, lat);
  return r.found() ? index.code(static_cast<std::size_t>(r.grid)) : std::string();
}
}  // namespace

TEST_CASE("points inside, outside and in holes", "[grid_index]") {
  std::vector<GridShape> grids;
  // West: a square with a hole; east: its neighbour sharing the edge lon = 118.2.
  grids.push_back(grid("W", {square(118.1, 24.5, 118.2, 24.6), square(118.14, 24.54, 118.16, 24.56)}));
  grids.push_back(grid("E", {square(118.2, 24.5, 118.3, 24.6)}));
  auto index = GridIndex::build(grids);
  REQUIRE(index->size() == 2);

  CHECK(routed(*index, 118.12, 24.52) == "W");
  CHECK(routed(*index, 118.25, 24.58) == "E");
  // In the hole, farther than 50 m from every edge: no grid.
  CHECK(routed(*index, 118.15, 24.55).empty());
  // In the hole, 10 m from its edge: snapped to the grid around it.
  const auto in_hole = index->route(118.14 + 10 / (kMetresPerDegree * std::cos(24.55 * kPi / 180)), 24.55);
  REQUIRE(in_hole.found());
  CHECK(in_hole.snapped);
  CHECK(index->code(static_cast<std::size_t>(in_hole.grid)) == "W");
  CHECK(in_hole.distance_m == Approx(10).margin(0.2));
  // Far away: nothing.
  CHECK(routed(*index, 100.0, 30.0).empty());
  CHECK_FALSE(index->route(std::nan(""), 24.5).found());
  CHECK_FALSE(index->route(118.15, 95.0).found());
}

TEST_CASE("shared edges and vertices go to exactly one grid by the east-then-north rule", "[grid_index]") {
  // Four squares meeting at (118.2, 24.6).
  std::vector<GridShape> grids{
      grid("SW", {square(118.1, 24.5, 118.2, 24.6)}), grid("SE", {square(118.2, 24.5, 118.3, 24.6)}),
      grid("NW", {square(118.1, 24.6, 118.2, 24.7)}), grid("NE", {square(118.2, 24.6, 118.3, 24.7)})};
  auto index = GridIndex::build(grids);
  // On the north-south edge between SW and SE: east.
  CHECK(routed(*index, 118.2, 24.55) == "SE");
  // On the east-west edge between SW and NW: north.
  CHECK(routed(*index, 118.15, 24.6) == "NW");
  // The shared vertex: east, then north.
  CHECK(routed(*index, 118.2, 24.6) == "NE");
  for (Point p :
       {Point{118.2, 24.55}, Point{118.15, 24.6}, Point{118.2, 24.6}, Point{118.25, 24.6}, Point{118.2, 24.65}}) {
    INFO(p.lon << "," << p.lat);
    CHECK(index->containing(p).size() == 1);
    CHECK_FALSE(index->route(p).snapped);
  }
  // The outer boundary on the west and south belongs to the grid; east and north edges of
  // the union are outside by the rule and snap to the grid at distance zero.
  CHECK(routed(*index, 118.1, 24.55) == "SW");
  const auto east_edge = index->route(118.3, 24.55);
  REQUIRE(east_edge.found());
  CHECK(index->code(static_cast<std::size_t>(east_edge.grid)) == "SE");
}

TEST_CASE("MultiPolygon parts route to their grid", "[grid_index]") {
  GridShape islands;
  islands.code = "ISL";
  islands.shape.push_back(Polygon{{square(118.0, 24.0, 118.01, 24.01)}});
  islands.shape.push_back(Polygon{{square(118.05, 24.05, 118.06, 24.06)}});
  auto index = GridIndex::build({islands, grid("SEA", {square(118.02, 24.0, 118.04, 24.01)})});
  CHECK(routed(*index, 118.005, 24.005) == "ISL");
  CHECK(routed(*index, 118.055, 24.055) == "ISL");
  CHECK(routed(*index, 118.03, 24.005) == "SEA");
  CHECK(routed(*index, 118.03, 24.03).empty());
}

TEST_CASE("near misses snap within the configured distance only", "[grid_index]") {
  const double deg_per_m_lat = 1 / kMetresPerDegree;
  std::vector<GridShape> grids{grid("A", {square(118.1, 24.5, 118.2, 24.6)})};
  GridIndex::Options options;
  options.snap_distance_m = 50;
  auto index = GridIndex::build(grids, options);
  const auto near = index->route(118.15, 24.5 - 30 * deg_per_m_lat);
  REQUIRE(near.found());
  CHECK(near.snapped);
  CHECK(near.distance_m == Approx(30).margin(0.1));
  CHECK_FALSE(index->route(118.15, 24.5 - 70 * deg_per_m_lat).found());
  options.snap_distance_m = 100;
  auto wider = GridIndex::build(grids, options);
  CHECK(wider->route(118.15, 24.5 - 70 * deg_per_m_lat).found());
  options.snap_distance_m = 0;
  auto none = GridIndex::build(grids, options);
  CHECK_FALSE(none->route(118.15, 24.5 - 1 * deg_per_m_lat).found());
}

TEST_CASE("the raster agrees with GEOS on a tessellated city", "[grid_index]") {
  TessellationOptions t;
  t.columns = 30;
  t.rows = 25;
  t.seed = 7;
  auto cells = tessellate(t);
  auto index = GridIndex::build(cells);
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> lon(t.area.min_lon, t.area.max_lon), lat(t.area.min_lat, t.area.max_lat);
  int agreed = 0;
  for (int i = 0; i < 20000; ++i) {
    const Point p{lon(rng), lat(rng)};
    const auto r = index->route(p);
    const auto covering = index->covering_reference(p);
    REQUIRE(r.found());
    REQUIRE_FALSE(r.snapped);
    REQUIRE_FALSE(covering.empty());
    const auto g = static_cast<std::uint32_t>(r.grid);
    if (covering.size() == 1 && index->contains_reference(covering[0], p)) {
      REQUIRE(g == covering[0]);
      ++agreed;
    } else {
      REQUIRE(std::find(covering.begin(), covering.end(), g) != covering.end());
    }
  }
  CHECK(agreed > 19900);
}

TEST_CASE("every vertex and edge point of a tessellation has exactly one grid", "[grid_index]") {
  TessellationOptions t;
  t.columns = 12;
  t.rows = 9;
  t.seed = 3;
  auto cells = tessellate(t);
  auto index = GridIndex::build(cells);
  const BBox extent = index->extent();
  std::size_t checked = 0;
  for (const auto& cell : cells)
    for (const auto& ring : cell.shape[0].rings)
      for (std::size_t k = 0; k + 1 < ring.size(); ++k) {
        const Point a = ring[k], b = ring[k + 1];
        for (Point p : {a, Point{(a.lon + b.lon) / 2, (a.lat + b.lat) / 2}}) {
          // Points on the east or north outline are outside by the rule.
          if (p.lon >= extent.max_lon || p.lat >= extent.max_lat) continue;
          INFO(p.lon << "," << p.lat);
          const auto owners = index->containing(p);
          REQUIRE(owners.size() == 1);
          const auto r = index->route(p);
          REQUIRE(r.found());
          REQUIRE(static_cast<std::uint32_t>(r.grid) == owners[0]);
          ++checked;
        }
      }
  CHECK(checked > 1000);
}

TEST_CASE("concurrent routing while the snapshot is swapped", "[grid_index]") {
  TessellationOptions a, b;
  a.columns = b.columns = 8;
  a.rows = b.rows = 8;
  a.seed = 1;
  b.seed = 2;
  auto cells_a = tessellate(a), cells_b = tessellate(b);
  for (auto& c : cells_b) c.code = "B" + c.code;
  GridIndexHolder holder(GridIndex::build(cells_a));
  std::atomic<bool> stop{false};
  std::atomic<long> routed_total{0}, wrong{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t)
    readers.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<unsigned>(t));
      std::uniform_real_distribution<double> lon(a.area.min_lon, a.area.max_lon), lat(a.area.min_lat, a.area.max_lat);
      while (!stop.load()) {
        auto snapshot = holder.current();
        const Point p{lon(rng), lat(rng)};
        const auto r = snapshot->route(p);
        const auto covering = snapshot->covering_reference(p);
        if (!r.found() ||
            std::find(covering.begin(), covering.end(), static_cast<std::uint32_t>(r.grid)) == covering.end())
          ++wrong;
        ++routed_total;
      }
    });
  // Fresh snapshots are built and swapped in while the readers run; old ones die when
  // their last reader lets go.
  for (int swaps = 0; swaps < 50 || routed_total.load() < 20000; ++swaps)
    holder.replace(swaps % 2 ? GridIndex::build(cells_a) : GridIndex::build(cells_b));
  stop = true;
  for (auto& t : readers) t.join();
  CHECK(wrong.load() == 0);
  CHECK(routed_total.load() >= 20000);
}

TEST_CASE("the raster answers as the raster-free predicate at every density", "[grid_index]") {
  // Rows of the raster hold each grid's edges by slab; coarse and fine rasters put slab
  // and cell borders in different places, the answer must not move.
  TessellationOptions t;
  t.columns = 9;
  t.rows = 7;
  t.seed = 11;
  auto cells = tessellate(t);
  // A grid with a hole next to the city, and one far away, so that cells hold holes,
  // several grids and nothing.
  cells.push_back(grid("HOLE", {square(118.41, 24.50, 118.45, 24.54), square(118.42, 24.51, 118.43, 24.52)}));
  cells.push_back(grid("FAR", {square(118.60, 24.90, 118.61, 24.91)}));
  std::vector<Point> probes;
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> lon(118.09, 118.62), lat(24.49, 24.92);
  for (int i = 0; i < 20000; ++i) probes.push_back({lon(rng), lat(rng)});
  for (const auto& c : cells)
    for (const auto& p : c.shape[0].rings[0]) probes.push_back(p);
  for (double density : {0.5, 2.0, 16.0, 100.0, 400.0}) {
    GridIndex::Options options;
    options.cells_per_grid = density;
    options.snap_distance_m = 0;  // no snapping: route must equal the predicate exactly
    auto index = GridIndex::build(cells, options);
    for (const Point p : probes) {
      const auto owners = index->containing(p);
      REQUIRE(owners.size() <= 1);
      const auto r = index->route(p);
      INFO("density " << density << " at " << p.lon << "," << p.lat);
      REQUIRE(r.found() == !owners.empty());
      if (r.found()) REQUIRE(static_cast<std::uint32_t>(r.grid) == owners[0]);
    }
  }
}

TEST_CASE("vertices outside lon/lat range are refused at build", "[grid_index]") {
  CHECK_THROWS_AS(GridIndex::build({grid("BAD", {square(179.5, 10, 180.5, 11)})}), std::invalid_argument);
  CHECK_THROWS_AS(GridIndex::build({grid("NAN", {square(118, std::nan(""), 118.1, 24.1)})}), std::invalid_argument);
}

// Pathological inputs: the raster's entries stay within its budget, a fixed multiple of
// the cells and the input's vertices, and every answer is the raster-free predicate's
// (the lowest-numbered grid holding the point) and agrees with GEOS.
namespace {
void check_bounded_and_exact(const std::vector<GridShape>& grids, BBox probe_area, int points) {
  GridIndex::Options options;
  options.snap_distance_m = 0;  // route must equal the predicate exactly
  auto index = GridIndex::build(grids, options);
  const auto s = index->stats();
  const std::size_t n = grids.size();
  INFO(n << " grids, " << s.vertices << " vertices, " << s.cells << " cells, " << s.cell_items << " entries, "
         << s.slabs << " slabs, " << s.runs << " runs, " << s.fallback_grids << " left to the tree");
  CHECK(s.cells <= 3 * 64 * n + 1);
  CHECK(s.budget == 4 * s.cells + 32 * (s.vertices + n));
  CHECK(s.cell_items + s.slabs + s.runs <= s.budget);
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> lon(probe_area.min_lon, probe_area.max_lon),
      lat(probe_area.min_lat, probe_area.max_lat);
  for (int i = 0; i < points; ++i) {
    const Point p{lon(rng), lat(rng)};
    INFO("at " << p.lon << "," << p.lat);
    const auto r = index->route(p);
    const auto owners = index->containing(p);
    REQUIRE(r.found() == !owners.empty());
    if (!r.found()) continue;
    REQUIRE(static_cast<std::uint32_t>(r.grid) == owners[0]);
    // GEOS: the grid covers the point, and it is the lowest of those holding it strictly
    // inside when no covering grid's boundary is within the rounding (1e-7 degree) of it.
    const auto covering = index->covering_reference(p);
    const auto clear = [&](std::uint32_t g) {
      return index->contains_reference(g, p) && index->distance_m(g, p) > 0.05;
    };
    if (std::all_of(covering.begin(), covering.end(), clear)) {
      REQUIRE_FALSE(covering.empty());
      REQUIRE(static_cast<std::uint32_t>(r.grid) == covering.front());
    }
  }
}
std::vector<GridShape> thin_strips(int n, double lon0, double lon1, double lat0) {
  std::vector<GridShape> out;
  for (int i = 0; i < n; ++i)
    out.push_back(grid("T" + std::to_string(i), {square(lon0, lat0 + i * 1e-4, lon1, lat0 + (i + 1) * 1e-4)}));
  return out;
}
std::vector<GridShape> piled_squares(int n, double shift) {  // square i moved i * shift east
  std::vector<GridShape> out;
  for (int i = 0; i < n; ++i)
    out.push_back(grid("S" + std::to_string(i), {square(118.0 + i * shift, 24.0, 118.01 + i * shift, 24.01)}));
  return out;
}
}  // namespace

TEST_CASE("long thin grids keep the raster within its budget", "[grid_index][budget]") {
  for (int n : {95, 400}) {
    check_bounded_and_exact(thin_strips(n, 118.0, 118.1, 24.0), {117.999, 23.999, 118.101, 24.0 + n * 1e-4 + 0.001},
                            4000);
    // Strips 10 degrees long: a flat extent gets no more than 3 x 64 cells a grid.
    check_bounded_and_exact(thin_strips(n, 110.0, 120.0, 24.0), {109.9, 23.999, 120.1, 24.0 + n * 1e-4 + 0.001}, 2000);
  }
}

TEST_CASE("grids piled on one place keep the raster within its budget", "[grid_index][budget]") {
  for (int n : {1000, 2000}) {
    auto identical = piled_squares(n, 0);
    auto index = GridIndex::build(identical);
    CHECK(index->stats().fallback_grids > 0);
    // Inside, the lowest-numbered grid; just outside, snapped to it (all at the same distance).
    CHECK(routed(*index, 118.005, 24.005) == "S0");
    const auto near = index->route(118.005, 24.0 - 20 / kMetresPerDegree);
    REQUIRE(near.found());
    CHECK(near.snapped);
    CHECK(near.grid == 0);
    check_bounded_and_exact(identical, {117.999, 23.999, 118.011, 24.011}, 1000);
  }
  // Shifted squares: which grid holds a point depends on where it is, so the answer often
  // comes from the grids left to the tree.
  auto shifted = piled_squares(1000, 1e-5);
  auto index = GridIndex::build(shifted);
  REQUIRE(index->stats().fallback_grids > 900);
  check_bounded_and_exact(shifted, {117.999, 23.999, 118.021, 24.011}, 3000);
  // East of the last square only the last (left to the tree) is within the snap distance.
  const auto east = index->route(118.01 + 999 * 1e-5 + 10 / (kMetresPerDegree * std::cos(24.005 * kPi / 180)), 24.005);
  REQUIRE(east.found());
  CHECK(east.snapped);
  CHECK(east.grid == 999);
  CHECK(east.distance_m == Approx(10).margin(0.2));
}

TEST_CASE("one huge grid with many tiny ones inside keeps the raster within its budget", "[grid_index][budget]") {
  // The tiny ones come first, so inside them they win over the huge one around them.
  std::vector<GridShape> grids;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> lon(118.0, 119.0), lat(24.0, 25.0);
  for (int i = 0; i < 2000; ++i) {
    const double x = lon(rng), y = lat(rng);
    grids.push_back(grid("t" + std::to_string(i), {square(x, y, x + 2e-4, y + 2e-4)}));
  }
  grids.push_back(grid("HUGE", {square(117.9, 23.9, 119.1, 25.1)}));
  check_bounded_and_exact(grids, {117.8, 23.8, 119.2, 25.2}, 4000);
  // Points inside tiny grids.
  auto index = GridIndex::build(grids);
  for (int i = 0; i < 50; ++i) {
    const Point c = grids[static_cast<std::size_t>(i)].shape[0].rings[0][0];
    CHECK(routed(*index, c.lon + 1e-4, c.lat + 1e-4) == "t" + std::to_string(i));
  }
  CHECK(routed(*index, 117.95, 23.95) == "HUGE");
}

TEST_CASE("a city with thin strips and piled squares over it keeps the raster within its budget",
          "[grid_index][budget]") {
  TessellationOptions t;
  t.columns = 20;
  t.rows = 15;
  t.seed = 9;
  auto grids = tessellate(t);
  for (auto& g : thin_strips(200, t.area.min_lon, t.area.max_lon, 24.6)) grids.push_back(std::move(g));
  for (int i = 0; i < 500; ++i)
    grids.push_back(grid("P" + std::to_string(i), {square(118.2 + i * 2e-5, 24.7, 118.25 + i * 2e-5, 24.75)}));
  check_bounded_and_exact(
      grids, {t.area.min_lon - 0.01, t.area.min_lat - 0.01, t.area.max_lon + 0.01, t.area.max_lat + 0.01}, 6000);
}
