#include "dispatch/case_clock.hpp"

#include <algorithm>

namespace gridkeeper::dispatch {

namespace {
constexpr Millis kSecond = 1000;

// When counting stops for a case no longer running: its resolution, its end, its pause.
Millis stopped_at(const Case& c, Millis now) {
  if ((c.state == CaseState::resolved || c.state == CaseState::closed) && c.resolved_at) return *c.resolved_at;
  if (!c.open() && c.closed_at) return *c.closed_at;
  if (c.paused_at) return *c.paused_at;
  return now;
}
}  // namespace

CaseClock clock_of(const Case& c, Millis now) {
  CaseClock k;
  if (c.state == CaseState::dispatched && c.accept_by) {
    k.deadline = Deadline::accept;
    k.due_at = c.accept_by;
  } else if (c.state == CaseState::accepted && c.resolve_by) {
    k.deadline = Deadline::resolve;
    k.due_at = c.resolve_by;
  }
  k.running = k.deadline.has_value() && !c.paused_at;
  if (c.overdue) {
    k.overdue = true;
    // Cases marked overdue before the moment was kept have only their current deadline.
    k.missed_at = c.overdue_at ? c.overdue_at : k.due_at;
  } else if (k.running && *k.due_at <= now) {
    k.overdue = true;  // due, and the escalation is on its way
    k.missed_at = k.due_at;
  }
  const Millis end = stopped_at(c, now);
  if (k.overdue && k.missed_at) k.overdue_s = std::max<Millis>(0, end - *k.missed_at) / kSecond;
  if (!k.overdue && k.due_at) k.left_s = std::max<Millis>(0, *k.due_at - (k.running ? now : end)) / kSecond;
  return k;
}

}  // namespace gridkeeper::dispatch
