// bench_check_grids: check-grids on a synthetic tessellated city.
//
//   bench_check_grids [--grids 20000] [--seed S] [--threads N] [--write-geojson FILE]
//
// Builds a gap-free city with geo::tessellate, organised as one district, streets of 5x5
// communities and communities of 4x4 grids (parents are the unions of their children),
// writes it as GeoJSON text, then times reading it and check_coverage. A correct city has
// no errors; the figures printed are the counts and the times. With --write-geojson the
// file is also written, to time `gridkeeper check-grids FILE` end to end.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "geo/coverage.hpp"
#include "geo/geojson.hpp"
#include "geo/geos.hpp"
#include "geo/tessellation.hpp"

using namespace gridkeeper::geo;

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

constexpr int kGridsPerCommunitySide = 4;     // 16 grids per community
constexpr int kCommunitiesPerStreetSide = 5;  // 25 communities per street

struct Feature {
  std::string code, name, level, parent;
  std::int64_t population = -1;
  MultiPolygon shape;
};

void write_ring(std::string& out, const Ring& ring) {
  char buf[64];
  out += '[';
  for (std::size_t i = 0; i < ring.size(); ++i) {
    // 17 significant digits: the text round-trips, so shared vertices stay shared.
    std::snprintf(buf, sizeof buf, "%s[%.17g,%.17g]", i ? "," : "", ring[i].lon, ring[i].lat);
    out += buf;
  }
  out += ']';
}

std::string to_geojson(const std::vector<Feature>& features) {
  std::string out = R"({"type":"FeatureCollection","features":[)";
  for (std::size_t f = 0; f < features.size(); ++f) {
    const auto& x = features[f];
    out += f ? ",\n" : "\n";
    out += R"({"type":"Feature","properties":{"code":")" + x.code + R"(","name":")" + x.name + R"(","level":")" +
           x.level + '"';
    if (!x.parent.empty()) out += R"(,"parent":")" + x.parent + '"';
    if (x.population >= 0) out += R"(,"population":)" + std::to_string(x.population);
    out += R"(},"geometry":{"type":"MultiPolygon","coordinates":[)";
    for (std::size_t p = 0; p < x.shape.size(); ++p) {
      out += p ? ",[" : "[";
      for (std::size_t r = 0; r < x.shape[p].rings.size(); ++r) {
        if (r) out += ',';
        write_ring(out, x.shape[p].rings[r]);
      }
      out += ']';
    }
    out += "]}}";
  }
  return out + "\n]}\n";
}

MultiPolygon union_of(const std::vector<const MultiPolygon*>& parts) {
  auto* ctx = geos::context();
  std::vector<GEOSGeometry*> gs;
  for (const auto* p : parts) gs.push_back(geos::to_geos(*p).release());
  geos::Geometry all(
      GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, gs.data(), static_cast<unsigned>(gs.size())));
  geos::Geometry u(GEOSUnaryUnion_r(ctx, all.get()));
  return geos::polygons_of(u.get());
}

// A city of about n grids over Xiang'an, grids about 450 m across.
std::vector<Feature> city(std::size_t n, std::uint64_t seed) {
  const int cols = std::max(1, static_cast<int>(std::lround(std::sqrt(static_cast<double>(n)))));
  const int rows = static_cast<int>((n + static_cast<std::size_t>(cols) - 1) / static_cast<std::size_t>(cols));
  const double lat0 = 24.65, lon0 = 118.25, cell_m = 450;
  const double dlat = cell_m / kMetresPerDegree, dlon = dlat / std::cos(lat0 * kPi / 180);
  TessellationOptions o;
  o.columns = cols;
  o.rows = rows;
  o.seed = seed;
  o.area = {lon0 - cols * dlon / 2, lat0 - rows * dlat / 2, lon0 + cols * dlon / 2, lat0 + rows * dlat / 2};
  const auto cells = tessellate(o);

  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> people(1000, 2000);
  const int ccols = (cols + kGridsPerCommunitySide - 1) / kGridsPerCommunitySide;
  const int crows = (rows + kGridsPerCommunitySide - 1) / kGridsPerCommunitySide;
  const int scols = (ccols + kCommunitiesPerStreetSide - 1) / kCommunitiesPerStreetSide;
  const int srows = (crows + kCommunitiesPerStreetSide - 1) / kCommunitiesPerStreetSide;
  auto community_of = [&](int i, int j) { return (j / kGridsPerCommunitySide) * ccols + i / kGridsPerCommunitySide; };
  auto street_of = [&](int ci, int cj) {
    return (cj / kCommunitiesPerStreetSide) * scols + ci / kCommunitiesPerStreetSide;
  };
  auto street_code = [](int s) { return "350213" + std::to_string(100 + s); };
  auto community_code = [&](int c) { return "C" + std::to_string(c); };

  std::vector<Feature> grids;
  std::vector<std::vector<const MultiPolygon*>> community_parts(static_cast<std::size_t>(ccols * crows));
  grids.reserve(cells.size());
  for (int j = 0; j < rows; ++j)
    for (int i = 0; i < cols; ++i) {
      const auto& cell = cells[static_cast<std::size_t>(j * cols + i)];
      const int c = community_of(i, j);
      grids.push_back({cell.code, "网格" + cell.code, "grid", community_code(c), people(rng), cell.shape});
    }
  for (int j = 0; j < rows; ++j)
    for (int i = 0; i < cols; ++i)
      community_parts[static_cast<std::size_t>(community_of(i, j))].push_back(
          &grids[static_cast<std::size_t>(j * cols + i)].shape);

  std::vector<Feature> features;
  features.push_back({"350213", "翔安区", "district", "", -1, {}});
  std::vector<Feature> communities;
  std::vector<std::vector<const MultiPolygon*>> street_parts(static_cast<std::size_t>(scols * srows));
  communities.reserve(community_parts.size());
  for (int cj = 0; cj < crows; ++cj)
    for (int ci = 0; ci < ccols; ++ci) {
      const int c = cj * ccols + ci;
      communities.push_back({community_code(c), "社区" + std::to_string(c), "community", street_code(street_of(ci, cj)),
                             -1, union_of(community_parts[static_cast<std::size_t>(c)])});
    }
  for (int cj = 0; cj < crows; ++cj)
    for (int ci = 0; ci < ccols; ++ci)
      street_parts[static_cast<std::size_t>(street_of(ci, cj))].push_back(
          &communities[static_cast<std::size_t>(cj * ccols + ci)].shape);
  std::vector<const MultiPolygon*> street_shapes;
  for (int s = 0; s < scols * srows; ++s) {
    features.push_back({street_code(s), "街道" + std::to_string(s), "street", "350213", -1,
                        union_of(street_parts[static_cast<std::size_t>(s)])});
  }
  for (std::size_t s = 1; s < features.size(); ++s) street_shapes.push_back(&features[s].shape);
  features[0].shape = union_of(street_shapes);
  for (auto& c : communities) features.push_back(std::move(c));
  for (auto& g : grids) features.push_back(std::move(g));
  return features;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 20000;
  std::uint64_t seed = 7;
  std::string out_path;
  CoverageOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--grids" && i + 1 < argc) n = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--seed" && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--threads" && i + 1 < argc)
      options.threads = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
    else if (a == "--write-geojson" && i + 1 < argc) out_path = argv[++i];
    else {
      std::cerr << "usage: bench_check_grids [--grids N] [--seed S] [--threads N] [--write-geojson FILE]\n";
      return 2;
    }
  }

  auto t0 = Clock::now();
  const auto features = city(n, seed);
  const std::string text = to_geojson(features);
  std::printf("city: %zu features, %.1f MB of GeoJSON, built in %.2f s\n", features.size(), text.size() / 1e6,
              seconds_since(t0));
  if (!out_path.empty()) {
    std::ofstream(out_path, std::ios::binary) << text;
    std::printf("written to %s\n", out_path.c_str());
  }

  t0 = Clock::now();
  const auto file = read_geojson(text);
  const double read_s = seconds_since(t0);
  t0 = Clock::now();
  const auto report = check_coverage(file, options);
  const double check_s = seconds_since(t0);
  std::printf("read_geojson:   %.2f s\n", read_s);
  std::printf("check_coverage: %.2f s (%zu grids, %zu communities, %zu streets)\n", check_s, report.grids,
              report.communities, report.streets);
  std::printf("total:          %.2f s; %zu error(s), %zu warning(s)\n", read_s + check_s, report.error_count(),
              report.warning_count());
  for (std::size_t i = 0; i < report.problems.size() && i < 10; ++i)
    std::printf("  %s\n", format_problem(report.problems[i]).c_str());
  return report.error_count() ? 1 : 0;
}
