#pragma once
// A few days of the demo city's work, played through the real command center on a manual
// clock: cases come in at the pace of a working day, workers accept and resolve them (some
// late, so warnings and escalations are the engine's own, at their true times), operators
// verify and close, reopen some for rework, cancel duplicates, re-dispatch returned cases;
// supervisors approve deferrals; a street switches to emergency mode for a typhoon warning.
// The last day ends at `end`, so open cases keep deadlines that are real relative to then.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "demo/city.hpp"
#include "dispatch/center.hpp"
#include "dispatch/clock.hpp"

namespace gridkeeper::demo {

// The categories of grid work the demo adds to the defaults, with their deadlines. One is
// a drill (应急演练) with deadlines of minutes, so escalations happen while someone watches.
std::vector<dispatch::Category> demo_extra_categories();
inline constexpr const char* kDrillCategory = "drill";

struct HistoryPeople {
  dispatch::Actor operator_;   // the district command center: intake, close, reopen, cancel
  dispatch::Actor supervisor;  // district: approves deferrals, switches emergency mode
  std::map<dispatch::WorkerId, dispatch::Actor> workers;
};

struct HistoryOptions {
  dispatch::Millis end = 0;  // the moment the history reaches
  int days = 3;
  double cases_per_day = 400;
  std::uint64_t seed = 1;
};

struct HistoryOutcome {
  std::size_t cases = 0;    // taken in
  std::size_t actions = 0;  // transitions, status and mode changes asked for
  std::size_t refused = 0;  // of those, refused by the center or storage
  std::string first_refusal;
};

// `clock` is set from end - days to end; `center` must have been started on a ledger
// holding `city`. Returns once every change is stored.
HistoryOutcome play_history(dispatch::Center& center, dispatch::ManualClock& clock, const DemoCity& city,
                            const HistoryPeople& people, const HistoryOptions& options);

}  // namespace gridkeeper::demo
