// gridkeeper import --db PATH --grids FILE.geojson [--workers FILE.csv] [--open-cases stay|follow]
// gridkeeper import --db PATH --addresses FILE.csv [--crs wgs84|gcj02|bd09]
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli.hpp"
#include "data/address_files.hpp"
#include "data/import.hpp"
#include "data/pg_ledger.hpp"
#include "data/sqlite_ledger.hpp"
#include "dispatch/center.hpp"

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
// A grid file that redrew the grids of a district in service: the open cases whose location
// lies in another grid now follow it to that grid's holder, as a redraw applied with
// `follow` moves them (through the center, by its rules), or stay with their workers until
// closed, as with `stay` (and the command says how many).
template <class Ledger>
int settle_open_cases_on(const std::string& db, dispatch::OpenCases mode) {
  auto ledger = Ledger::open(db);
  if (!ledger) {
    std::cerr << "gridkeeper import: " << ledger.error().message << "\n";
    return 1;
  }
  dispatch::SystemClock clock;
  dispatch::Center center(**ledger, clock);
  center.start();
  if (mode == dispatch::OpenCases::follow) {
    auto moved = center.regrid_open_cases_and_wait(dispatch::Actor{});
    if (!moved) {
      std::cerr << "gridkeeper import: the grids are imported, but the open cases did not follow them: "
                << moved.error().message << "\n";
      return 1;
    }
    std::cout << "open cases: " << *moved << " followed their location to the holder of their new grid\n";
    return 0;
  }
  const auto index = center.grid_index();
  const auto staying = index ? center.moves_under(*index, {}).size() : 0;
  if (staying)
    std::cout << "open cases: " << staying
              << " lie in another grid now and stay with their workers until closed "
                 "(import with --open-cases follow to hand them over)\n";
  return 0;
}

int settle_open_cases(const std::string& db, dispatch::OpenCases mode) {
  if (data::pg::is_uri(db)) return settle_open_cases_on<data::PgLedger>(db, mode);
  return settle_open_cases_on<data::SqliteLedger>(db, mode);
}
}  // namespace

int run_import(int argc, char** argv) {
  Args args(argc, argv, 2, {"--db", "--grids", "--workers", "--addresses", "--crs", "--open-cases"});
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
  const auto mode = dispatch::open_cases_from(args.get("--open-cases").value_or("stay"));
  if (!mode) throw UsageError("--open-cases must be stay or follow");

  const auto outcome = data::import_files(db, grids, workers, now, *mode);
  if (outcome.report_has_findings) std::cout << outcome.report;
  for (const auto& p : outcome.problems) std::cerr << "gridkeeper import: " << p << "\n";
  if (!outcome.ok) {
    std::cerr << "gridkeeper import: refused; nothing was written to " << data::pg::redacted(db) << "\n";
    return 1;
  }
  std::cout << "imported " << grids << (workers ? " and " + *workers : std::string()) << " into "
            << data::pg::redacted(db) << "\n"
            << data::format_summary(outcome.summary);
  // A redraw (grids retired or redrawn) of a district that may hold open cases.
  if (outcome.summary.grids_retired > 0 || outcome.summary.grids_updated > 0)
    if (int rc = settle_open_cases(db, *mode)) return rc;
  if (addresses) return import_addresses(db, *addresses, *crs, now);
  return 0;
}

}  // namespace gridkeeper::app
