#pragma once
// `gridkeeper import`: a grid file (and optionally a workers file) into the database.
// A grid file with any coverage error, or a workers file with any bad row, is refused
// whole: nothing is written. Otherwise jurisdictions, grids and workers are written in one
// transaction; importing again updates them in place by code. A grid keeps its A and B
// holders unless the workers file names new ones; each change of holder ends the old post
// term and opens a new one.
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "data/pg.hpp"
#include "data/sqlite.hpp"
#include "data/workers_csv.hpp"
#include "dispatch/generation.hpp"
#include "dispatch/model.hpp"
#include "geo/geojson.hpp"

namespace gridkeeper::data {

struct ImportSummary {
  std::size_t districts = 0, streets = 0, communities = 0;
  std::size_t grids_added = 0, grids_updated = 0;
  std::size_t workers_added = 0, workers_updated = 0;
  std::size_t posts_changed = 0;  // A or B posts given to a new holder
  std::size_t terms_opened = 0, terms_closed = 0;
  std::size_t grids_without_owner = 0;  // in the file, after the import
  // A file with grids is a new grid generation (dispatch/generation.hpp), in force at once:
  // the grids it leaves out are retired (no posts, no new cases; their cases keep them).
  std::int64_t generation = 0;
  std::size_t grids_retired = 0;
  std::size_t addresses_moved = 0;  // standard addresses routed to another grid by the new grids
};

struct ImportOutcome {
  bool ok = false;
  std::vector<std::string> problems;  // why it was refused
  std::string report;                 // the check-grids report of the grid file
  bool report_has_findings = false;   // errors or warnings worth showing
  ImportSummary summary;
};

struct ImportOptions {
  std::string workers_name = "workers";  // how problems name the workers file
  bool check_only = false;               // report the problems, write nothing
  // What the generation it records says of the open cases in grids it redrew (the
  // command moves them: app/import_command.cpp).
  dispatch::OpenCases open_cases = dispatch::OpenCases::stay;
};

// Writes `areas` (strictly read; district, street, community and grid levels) and
// `workers` in one transaction, or refuses when a row names a community or grid that is
// neither in the file nor in the database, or the posts would be inconsistent.
// Db: data::Connection (SQLite) or pg::Connection.
template <class Db>
requires(!std::is_convertible_v<Db&, const std::string&>) ImportOutcome
    import_organisation(Db& db, const std::vector<geo::Area>& areas, const std::vector<WorkerRow>& workers,
                        dispatch::Millis now, const ImportOptions& options = {});
// On the database at `place`: an SQLite file, or a PostgreSQL URI.
ImportOutcome import_organisation(const std::string& place, const std::vector<geo::Area>& areas,
                                  const std::vector<WorkerRow>& workers, dispatch::Millis now,
                                  const ImportOptions& options = {});

// The command: reads and checks the grid file, reads the workers file, imports. A
// database that did not exist before a refused import is not left behind.
ImportOutcome import_files(const std::string& db_path, const std::string& grids_path,
                           const std::optional<std::string>& workers_path, dispatch::Millis now,
                           dispatch::OpenCases open_cases = dispatch::OpenCases::stay);

std::string format_summary(const ImportSummary& summary);

}  // namespace gridkeeper::data
