// gridkeeper import --db PATH --grids FILE.geojson [--workers FILE.csv]
#include <chrono>
#include <iostream>

#include "app/cli.hpp"
#include "data/import.hpp"

namespace gridkeeper::app {

int run_import(int argc, char** argv) {
  Args args(argc, argv, 2, {"--db", "--grids", "--workers"});
  if (!args.positionals().empty()) throw UsageError("import takes no positional arguments");
  const std::string db = args.required("--db");
  const std::string grids = args.required("--grids");
  const auto workers = args.get("--workers");
  const auto now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();

  const auto outcome = data::import_files(db, grids, workers, now);
  if (outcome.report_has_findings) std::cout << outcome.report;
  for (const auto& p : outcome.problems) std::cerr << "gridkeeper import: " << p << "\n";
  if (!outcome.ok) {
    std::cerr << "gridkeeper import: refused; nothing was written to " << db << "\n";
    return 1;
  }
  std::cout << "imported " << grids << (workers ? " and " + *workers : std::string()) << " into " << db << "\n"
            << data::format_summary(outcome.summary);
  return 0;
}

}  // namespace gridkeeper::app
