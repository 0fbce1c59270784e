#pragma once
// bench_city's city: a synthetic city imported into a fresh database and its history of
// cases played through the real command center on a manual clock, with the SQLite ledger
// acknowledging the changes in groups. Cases come in over each day at the pace of a
// working day and are accepted, resolved and closed (some late, so that the escalation
// engine warns and escalates at the true times), some reopened, deferred and resumed,
// cancelled, handed over to the grid's B post, rated after closing; the most recent cases
// and a backlog before them are left open.
#include <cstdint>
#include <functional>
#include <string>

#include "dispatch/model.hpp"

namespace gridkeeper::bench {

struct CityBuildOptions {
  int grids = 8000;  // about: the tessellation is the nearest columns x rows
  int days = 91;
  int per_day = 3000;
  int open = 50'000;  // cases left open at the end, about
  std::uint64_t seed = 1;
  dispatch::Millis end = 0;  // the moment the history reaches
};

struct CityBuildOutcome {
  bool ok = false;
  std::string error;  // when not ok
  std::size_t grids = 0, communities = 0, streets = 0, workers = 0;
  std::size_t cases = 0;             // taken in
  std::size_t actions = 0;           // transitions and ratings asked for
  std::size_t refused = 0;           // of those and the intakes, refused
  std::size_t escalation_steps = 0;  // warnings, escalations and reminders of the engine
  std::size_t open = 0;              // open at the end
  std::string first_refusal;
  double import_s = 0, history_s = 0;
};

// `db` must not exist yet. `progress` gets a line now and then.
CityBuildOutcome build_city(const std::string& db, const CityBuildOptions& options,
                            const std::function<void(const std::string&)>& progress);

}  // namespace gridkeeper::bench
