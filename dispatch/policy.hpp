#pragma once
// Assignment and deadlines: who gets a case and by when it must be accepted and resolved.
#include <functional>
#include <map>
#include <string>

#include "dispatch/calendar.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

// Which step of the assignment rule chose the worker.
enum class AssignmentRule { owner, backup, least_loaded, emergency_pool, unassigned };
std::string_view to_string(AssignmentRule);

struct Assignment {
  WorkerId worker;  // empty: the community's unassigned queue
  std::string reason;
  AssignmentRule rule = AssignmentRule::unassigned;
};

// The grid's owner (A post) when on duty; else its backup (B post) when on duty; else the
// least-loaded on-duty worker of the grid's community (ties: smallest id); else, in
// emergency mode, the least-loaded on-duty worker of the street (`street_communities`);
// else the community's unassigned queue. `open_cases` gives a worker's current load.
Assignment choose_assignee(const Grid& grid, const std::map<WorkerId, Worker>& workers,
                           const std::function<int(const WorkerId&)>& open_cases,
                           const std::vector<std::string>& street_communities = {});

// Accept and resolve deadlines counted from `from` for the category and urgency, with
// their warning moments at 75 %.
struct DueTimes {
  Millis accept_by = 0;
  Millis resolve_by = 0;
  Millis accept_warn_at = 0;
  Millis resolve_warn_at = 0;
};
// How deadlines are counted for one case: on a working calendar (when its category
// counts working time and it is not red) and shortened by emergency mode.
struct DeadlineRules {
  const WorkingCalendar* calendar = nullptr;
  double factor = 1.0;  // emergency mode shrinks deadlines by this factor
};
DueTimes due_times(const Category& category, Urgency urgency, Millis from, const DeadlineRules& rules = {});

// Starts new deadlines for `c` at `from`: both clocks, or only the acceptance clock.
enum class Clocks { both, accept_only };
void start_clocks(Case& c, const Category& category, Millis from, Clocks which = Clocks::both,
                  const DeadlineRules& rules = {});

}  // namespace gridkeeper::dispatch
