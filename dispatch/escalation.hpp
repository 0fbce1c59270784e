#pragma once
// Colour-coded escalation (巡查督办颜色管理). An open case has one clock that applies:
// acceptance while dispatched, resolution while accepted. At 75 % of that deadline the
// case is warned; when it passes, the case rises one colour (yellow -> orange -> red),
// one tier (worker -> community -> street -> district) and starts new deadlines.
#include <optional>
#include <string>

#include "dispatch/model.hpp"
#include "dispatch/policy.hpp"

namespace gridkeeper::dispatch {

enum class DueKind { accept_warning, accept_deadline, resolve_warning, resolve_deadline };

struct DueMoment {
  Millis at = 0;
  DueKind kind = DueKind::accept_deadline;
};

// The next moment at which the engine must act on `c`, if any (none while paused).
std::optional<DueMoment> next_due(const Case& c);

struct EscalationStep {
  std::string type;  // "warned" or "escalated"
  std::string reason;
};

// Applies a due moment at its true time: a warning sets `warned`; a missed deadline marks
// the case overdue, raises colour and tier and restarts its clocks from `m.at`.
EscalationStep apply_due(Case& c, const DueMoment& m, const Category& category, const DeadlineRules& rules = {});

Urgency raised(Urgency u);
Tier raised(Tier t);

}  // namespace gridkeeper::dispatch
