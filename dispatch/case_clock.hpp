#pragma once
// One truth for a case's time, shown alike by every screen: which deadline runs (接单
// acceptance while dispatched, 办结 resolution while accepted), the current tier's deadline,
// and whether the case is overdue. Overdue is judged against the first deadline the case
// missed (each escalation starts new deadlines for the next tier, which never make a case
// that missed one "on time" again): it counts from that moment until the case's clock
// stopped (resolved, closed, cancelled, paused) or until now. A case is never both overdue
// and with time left.
#include <cstdint>
#include <optional>

#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

struct CaseClock {
  // The deadline that applies now: acceptance while dispatched, resolution while accepted;
  // none once resolved, closed or cancelled, and none before dispatch.
  std::optional<Deadline> deadline;
  bool running = false;          // that deadline's clock runs (not paused by a deferral)
  std::optional<Millis> due_at;  // the current tier's deadline of `deadline`
  bool overdue = false;
  std::optional<Millis> missed_at;     // the first deadline missed (set exactly when overdue)
  std::int64_t overdue_s = 0;          // seconds from missed_at to now or to when the clock stopped
  std::optional<std::int64_t> left_s;  // seconds until due_at while running and not overdue
};

// The clock of `c` as of `now`. A deadline that has passed but whose escalation has not
// been recorded yet counts as missed at that deadline.
CaseClock clock_of(const Case& c, Millis now);

}  // namespace gridkeeper::dispatch
