// gridkeeper route: stdin "lon,lat" lines -> stdout grid id (or an empty line), in order.
#include <cstdio>
#include <iostream>
#include <string>

#include "app/cli.hpp"
#include "app/route_line.hpp"
#include "geo/crs.hpp"
#include "geo/geojson.hpp"
#include "geo/geos.hpp"
#include "geo/grid_index.hpp"

namespace gridkeeper::app {

int run_route(int argc, char** argv) {
  Args args(argc, argv, 2, {"--grids", "--id-property", "--crs", "--snap"});
  const std::string path = args.required("--grids");
  const auto crs = geo::crs_from_string(args.get("--crs").value_or("wgs84"));
  if (!crs) throw UsageError("--crs must be wgs84, gcj02 or bd09");
  const auto id_property = args.get("--id-property");

  geo::ReadOptions options;
  options.strict = false;
  auto file = geo::read_geojson_file(path, options);
  for (const auto& p : file.problems)
    std::cerr << "gridkeeper route: " << path << ": " << geo::format_problem(p) << "\n";
  if (file.fatal) return 1;

  std::vector<geo::GridShape> shapes;
  std::vector<std::string> ids;
  std::size_t repaired = 0, dropped = 0;
  for (auto& area : file.areas) {
    if (area.level && area.level != geo::Level::grid) continue;
    auto fixed = geo::geos::make_valid(area.shape);
    if (fixed.repaired) ++repaired;
    if (fixed.shape.empty()) {
      ++dropped;
      continue;
    }
    std::string id;
    if (id_property) {
      if (const auto* v = area.property(*id_property)) id = *v;
    } else {
      id = area.code.empty() ? std::to_string(area.index) : area.code;
    }
    ids.push_back(id);
    shapes.push_back({std::move(id), std::move(fixed.shape)});
  }
  if (repaired)
    std::cerr << "gridkeeper route: repaired " << repaired << " invalid grid shape" << (repaired == 1 ? "" : "s")
              << " with MakeValid\n";
  if (dropped) std::cerr << "gridkeeper route: " << dropped << " grid(s) had no area left and are skipped\n";

  geo::GridIndex::Options index_options;
  if (auto snap = args.get("--snap")) index_options.snap_distance_m = std::stod(*snap);
  auto index = geo::GridIndex::build(std::move(shapes), index_options);

  std::ios::sync_with_stdio(false);
  std::string line, out;
  out.reserve(1 << 16);
  std::size_t bad = 0;
  while (std::getline(std::cin, line)) {
    geo::Point p;
    if (parse_point(line, p)) {
      const auto r = index->route(geo::to_wgs84(p, *crs));
      if (r.found()) out += ids[static_cast<std::size_t>(r.grid)];
    } else if (!line.empty() && line != "\r") {
      ++bad;
    }
    out += '\n';
    if (out.size() > (1 << 16) - 256) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  if (bad) std::cerr << "gridkeeper route: " << bad << " line(s) were not \"lon,lat\" and got an empty answer\n";
  return 0;
}

}  // namespace gridkeeper::app
