#include "dispatch/policy.hpp"

#include <algorithm>

namespace gridkeeper::dispatch {

namespace {
bool on_duty(const std::map<WorkerId, Worker>& workers, const WorkerId& id) {
  if (id.empty()) return false;
  auto it = workers.find(id);
  return it != workers.end() && it->second.status == DutyStatus::on_duty && !it->second.retired;
}
std::string status_of(const std::map<WorkerId, Worker>& workers, const WorkerId& id) {
  auto it = workers.find(id);
  return it == workers.end() ? "unknown" : std::string(to_string(it->second.status));
}
}  // namespace

std::string_view to_string(AssignmentRule r) {
  switch (r) {
    case AssignmentRule::owner:
      return "owner";
    case AssignmentRule::backup:
      return "backup";
    case AssignmentRule::least_loaded:
      return "least_loaded";
    case AssignmentRule::emergency_pool:
      return "emergency_pool";
    case AssignmentRule::unassigned:
      return "unassigned";
  }
  return "unassigned";
}

Assignment choose_assignee(const Grid& grid, const std::map<WorkerId, Worker>& workers,
                           const std::function<int(const WorkerId&)>& open_cases,
                           const std::vector<std::string>& street_communities) {
  using enum AssignmentRule;
  if (on_duty(workers, grid.owner)) return {grid.owner, "owner (A post) of grid " + grid.code, owner};
  const std::string owner_note = grid.owner.empty() ? "grid " + grid.code + " has no owner"
                                                    : "owner " + grid.owner + " is " + status_of(workers, grid.owner);
  if (on_duty(workers, grid.backup))
    return {grid.backup, "backup (B post) of grid " + grid.code + ": " + owner_note, backup};
  const std::string backup_note =
      grid.backup.empty() ? "no backup" : "backup " + grid.backup + " is " + status_of(workers, grid.backup);
  const Worker* best = nullptr;
  int best_load = 0;
  for (const auto& [id, w] : workers) {
    if (w.community != grid.community || w.status != DutyStatus::on_duty || w.retired) continue;
    const int load = open_cases(id);
    if (!best || load < best_load) {
      best = &w;
      best_load = load;
    }
  }
  if (best)
    return {best->id,
            "least-loaded on-duty worker of community " + grid.community + " (" + std::to_string(best_load) +
                " open cases): " + owner_note + ", " + backup_note,
            least_loaded};
  for (const auto& [id, w] : workers) {
    if (w.status != DutyStatus::on_duty || w.retired ||
        std::find(street_communities.begin(), street_communities.end(), w.community) == street_communities.end())
      continue;
    const int load = open_cases(id);
    if (!best || load < best_load) {
      best = &w;
      best_load = load;
    }
  }
  if (best)
    return {best->id,
            "emergency pool of the street: least-loaded on-duty worker (" + std::to_string(best_load) +
                " open cases), nobody on duty in community " + grid.community,
            emergency_pool};
  return {{}, "unassigned queue of community " + grid.community + ": no worker on duty", unassigned};
}

DueTimes due_times(const Category& category, Urgency urgency, Millis from, const DeadlineRules& rules) {
  const auto& d = category.deadlines(urgency);
  const double f = rules.factor > 0 && rules.factor <= 1 ? rules.factor : 1.0;
  const bool working = rules.calendar && category.working_time && urgency != Urgency::red;
  auto after = [&](std::int64_t seconds, double share) {
    const auto span = static_cast<Millis>(static_cast<double>(seconds) * 1000.0 * share * f);
    return working ? rules.calendar->add(from, span) : from + span;
  };
  return {after(d.accept_s, 1.0), after(d.resolve_s, 1.0), after(d.accept_s, 0.75), after(d.resolve_s, 0.75)};
}

void start_clocks(Case& c, const Category& category, Millis from, Clocks which, const DeadlineRules& rules) {
  const auto due = due_times(category, c.urgency, from, rules);
  c.accept_by = due.accept_by;
  c.accept_warn_at = due.accept_warn_at;
  if (which == Clocks::both) {
    c.resolve_by = due.resolve_by;
    c.resolve_warn_at = due.resolve_warn_at;
  }
  c.warned = false;
}

}  // namespace gridkeeper::dispatch
