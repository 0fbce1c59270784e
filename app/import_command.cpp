// gridkeeper import --db PATH --grids FILE.geojson [--workers FILE.csv]
// gridkeeper import --db PATH --addresses FILE.csv [--crs wgs84|gcj02|bd09]
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli.hpp"
#include "data/address_files.hpp"
#include "data/import.hpp"

namespace gridkeeper::app {

namespace {
// Loads standard addresses: the good rows in, the bad ones listed by line; exit 1 when no
// row could be loaded from a file that had some, 0 otherwise.
int import_addresses(const std::string& db, const std::string& file, geo::Crs crs, dispatch::Millis now) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "gridkeeper import: cannot read " << file << "\n";
    return 1;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const auto started = std::chrono::steady_clock::now();
  auto outcome = data::import_address_csv(db, text.str(), crs, now);
  if (!outcome) {
    std::cerr << "gridkeeper import: " << file << ": " << outcome.error().message << "\n";
    return 1;
  }
  for (const auto& p : outcome->problems)
    std::cerr << file << ":" << p.line << ": " << p.field << ": " << p.message << "\n";
  if (outcome->rejected > outcome->problems.size())
    std::cerr << "... and " << outcome->rejected - outcome->problems.size() << " more rejected rows\n";
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "addresses from " << file << ": " << outcome->load.added << " added, " << outcome->load.updated
            << " updated, " << outcome->load.unchanged << " unchanged, " << outcome->rejected << " rejected ("
            << seconds << " s)\n";
  const std::size_t loaded = outcome->load.added + outcome->load.updated + outcome->load.unchanged;
  return loaded == 0 && outcome->rejected > 0 ? 1 : 0;
}
}  // namespace

int run_import(int argc, char** argv) {
  Args args(argc, argv, 2, {"--db", "--grids", "--workers", "--addresses", "--crs"});
  if (!args.positionals().empty()) throw UsageError("import takes no positional arguments");
  const std::string db = args.required("--db");
  const auto addresses = args.get("--addresses");
  const auto crs_name = args.get("--crs");
  const auto now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  auto crs = geo::crs_from_string(crs_name.value_or("wgs84"));
  if (!crs) throw UsageError("--crs must be wgs84, gcj02 or bd09");
  if (crs_name && !addresses) throw UsageError("--crs applies to --addresses");
  if (addresses && !args.get("--grids")) return import_addresses(db, *addresses, *crs, now);
  const std::string grids = args.required("--grids");
  const auto workers = args.get("--workers");

  const auto outcome = data::import_files(db, grids, workers, now);
  if (outcome.report_has_findings) std::cout << outcome.report;
  for (const auto& p : outcome.problems) std::cerr << "gridkeeper import: " << p << "\n";
  if (!outcome.ok) {
    std::cerr << "gridkeeper import: refused; nothing was written to " << db << "\n";
    return 1;
  }
  std::cout << "imported " << grids << (workers ? " and " + *workers : std::string()) << " into " << db << "\n"
            << data::format_summary(outcome.summary);
  if (addresses) return import_addresses(db, *addresses, *crs, now);
  return 0;
}

}  // namespace gridkeeper::app
