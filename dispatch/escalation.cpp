#include "dispatch/escalation.hpp"

#include "dispatch/policy.hpp"

namespace gridkeeper::dispatch {

Urgency raised(Urgency u) { return u == Urgency::yellow ? Urgency::orange : Urgency::red; }

Tier raised(Tier t) {
  switch (t) {
    case Tier::worker: return Tier::community;
    case Tier::community: return Tier::street;
    default: return Tier::district;
  }
}

std::optional<DueMoment> next_due(const Case& c) {
  if (c.paused_at) return std::nullopt;
  if (c.state == CaseState::dispatched && c.accept_by) {
    if (!c.warned && c.accept_warn_at && *c.accept_warn_at < *c.accept_by)
      return DueMoment{*c.accept_warn_at, DueKind::accept_warning};
    return DueMoment{*c.accept_by, DueKind::accept_deadline};
  }
  if (c.state == CaseState::accepted && c.resolve_by) {
    if (!c.warned && c.resolve_warn_at && *c.resolve_warn_at < *c.resolve_by)
      return DueMoment{*c.resolve_warn_at, DueKind::resolve_warning};
    return DueMoment{*c.resolve_by, DueKind::resolve_deadline};
  }
  return std::nullopt;
}

EscalationStep apply_due(Case& c, const DueMoment& m, const Category& category, const DeadlineRules& rules) {
  switch (m.kind) {
    case DueKind::accept_warning:
      c.warned = true;
      return {"warned", "75 % of the acceptance time has passed"};
    case DueKind::resolve_warning:
      c.warned = true;
      return {"warned", "75 % of the resolution time has passed"};
    case DueKind::accept_deadline:
    case DueKind::resolve_deadline: break;
  }
  const Urgency from_colour = c.urgency;
  const Tier from_tier = c.tier;
  c.overdue = true;
  c.urgency = raised(c.urgency);
  c.tier = raised(c.tier);
  start_clocks(c, category, m.at, Clocks::both, rules);
  const std::string missed = m.kind == DueKind::accept_deadline ? "not accepted in time" : "not resolved in time";
  return {"escalated", missed + ": " + std::string(to_string(from_colour)) + " -> " + std::string(to_string(c.urgency)) +
                           ", " + std::string(to_string(from_tier)) + " -> " + std::string(to_string(c.tier))};
}

}  // namespace gridkeeper::dispatch
