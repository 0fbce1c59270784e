#pragma once
// Colour-coded escalation (巡查督办颜色管理). An open case has one clock that applies:
// acceptance while dispatched, resolution while accepted. At 75 % of that deadline the
// case is warned; when it passes, the case rises one colour (yellow -> orange -> red),
// one tier (worker -> community -> street -> district) and starts new deadlines.
//
// The ceiling: at the top (red, district) escalation stops. The deadline the district got
// is warned once; when it passes the case stays overdue, and the district is reminded at
// most once a day: at the deadline (or, on a working calendar, the next working day's
// start) and then at the start of each next working day, or every 24 h when the
// category counts clock time. A reminder that fell due while the server was down is
// given once, at the latest of its due moments: a stop never leaves a flood behind.
#include <optional>
#include <string>

#include "dispatch/calendar.hpp"
#include "dispatch/model.hpp"
#include "dispatch/policy.hpp"

namespace gridkeeper::dispatch {

enum class DueKind { accept_warning, accept_deadline, resolve_warning, resolve_deadline, reminder };

struct DueMoment {
  Millis at = 0;
  DueKind kind = DueKind::accept_deadline;
};

// Whether `c` has reached the top colour and tier, where escalation stops.
bool at_top(const Case& c);

// A case's tier rises one step per escalation from the worker tier and never falls, so a
// case reaches the top after this many escalations; a later one (in histories written
// before the ceiling, "red -> red, district -> district") adds nothing.
inline constexpr int kEscalationsToTop = static_cast<int>(Tier::district) - static_cast<int>(Tier::worker);

// When the district is reminded of a case at the top: on the working calendar when there
// is one and the case's category counts working time, else every 24 hours.
struct Reminders {
  const WorkingCalendar* calendar = nullptr;
  Millis first_at_or_after(Millis t) const;  // the first reminder once a deadline passed at t
  Millis next_after(Millis t) const;         // the reminder after one at t
};
Reminders reminders_for(const Category& category, const DeadlineRules& rules);

// The next moment at which the engine must act on `c`, if any (none while paused).
std::optional<DueMoment> next_due(const Case& c, const Reminders& reminders = {});

// What a due moment did, as the event to record: its type (warned, escalated or reminded),
// its true time, its typed data and its words. The center adds the case, the actor, the
// states and the assignee.
using EscalationStep = CaseEvent;

// Applies a due moment: a warning sets `warned`; a missed deadline below the top marks the
// case overdue, raises colour and tier and restarts its clocks from `m.at`; a reminder
// records the latest of its due moments up to `now` (one, however long the server was
// down). `now` defaults to `m.at`.
EscalationStep apply_due(Case& c, const DueMoment& m, const Category& category, const DeadlineRules& rules = {},
                         std::optional<Millis> now = std::nullopt);

Urgency raised(Urgency u);
Tier raised(Tier t);

}  // namespace gridkeeper::dispatch
