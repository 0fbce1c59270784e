// gridkeeper check-grids FILE: validation report, exit 1 when there are errors.
#include <iostream>

#include "app/cli.hpp"
#include "geo/coverage.hpp"
#include "geo/geojson.hpp"

namespace gridkeeper::app {

int run_check_grids(int argc, char** argv) {
  Args args(argc, argv, 2, {});
  if (args.positionals().size() != 1) throw UsageError("check-grids takes one FILE.geojson");
  const std::string path = args.positionals()[0];
  auto file = geo::read_geojson_file(path);
  auto report = geo::check_coverage(file);
  std::cout << geo::format_report(report, path);
  return report.error_count() ? 1 : 0;
}

}  // namespace gridkeeper::app
