#include "dispatch/escalation.hpp"

#include <algorithm>

#include "dispatch/events.hpp"
#include "dispatch/overdue_colour.hpp"
#include "dispatch/policy.hpp"

namespace gridkeeper::dispatch {

namespace {
constexpr Millis kDay = 86'400'000;
}

Urgency raised(Urgency u) { return u == Urgency::yellow ? Urgency::orange : Urgency::red; }

Tier raised(Tier t) {
  switch (t) {
    case Tier::worker:
      return Tier::community;
    case Tier::community:
      return Tier::street;
    default:
      return Tier::district;
  }
}

bool at_top(const Case& c) { return c.urgency == Urgency::red && c.tier == Tier::district; }

Millis Reminders::first_at_or_after(Millis t) const {
  if (!calendar || calendar->is_working_day(calendar->local_day(t))) return t;
  return calendar->next_working_day_start(t);
}

Millis Reminders::next_after(Millis t) const { return calendar ? calendar->next_working_day_start(t) : t + kDay; }

Reminders reminders_for(const Category& category, const DeadlineRules& rules) {
  return {category.working_time ? rules.calendar : nullptr};
}

std::optional<DueMoment> next_due(const Case& c, const Reminders& reminders) {
  if (c.paused_at) return std::nullopt;
  const bool accepting = c.state == CaseState::dispatched && c.accept_by;
  const bool resolving = c.state == CaseState::accepted && c.resolve_by;
  if (!accepting && !resolving) return std::nullopt;
  const Millis deadline = accepting ? *c.accept_by : *c.resolve_by;
  const auto& warn_at = accepting ? c.accept_warn_at : c.resolve_warn_at;
  if (!c.warned && warn_at && *warn_at < deadline)
    return DueMoment{*warn_at, accepting ? DueKind::accept_warning : DueKind::resolve_warning};
  if (!at_top(c)) return DueMoment{deadline, accepting ? DueKind::accept_deadline : DueKind::resolve_deadline};
  // At the top the missed deadline brings a reminder, never more than one a day.
  Millis at = reminders.first_at_or_after(deadline);
  if (c.reminded_at) at = std::max(at, reminders.next_after(*c.reminded_at));
  return DueMoment{at, DueKind::reminder};
}

EscalationStep apply_due(Case& c, const DueMoment& m, const Category& category, const DeadlineRules& rules,
                         std::optional<Millis> now) {
  EscalationStep step;
  step.at = m.at;
  switch (m.kind) {
    case DueKind::accept_warning:
    case DueKind::resolve_warning:
      c.warned = true;
      step.type = EventType::warned;
      step.deadline = m.kind == DueKind::accept_warning ? Deadline::accept : Deadline::resolve;
      step.reason = reason_of(step);
      return step;
    case DueKind::reminder: {
      const auto reminders = reminders_for(category, rules);
      Millis at = m.at;
      for (Millis next = reminders.next_after(at); next <= now.value_or(m.at); next = reminders.next_after(at))
        at = next;
      if (!c.overdue_at) c.overdue_at = m.at;
      c.overdue = true;
      note_missed(c.overdue_colour, c.urgency);
      c.reminded_at = at;
      step.type = EventType::reminded;
      step.at = at;
      // At the top the clock that applies is acceptance while dispatched, resolution after.
      step.deadline = c.state == CaseState::dispatched ? Deadline::accept : Deadline::resolve;
      step.reason = reason_of(step);
      return step;
    }
    case DueKind::accept_deadline:
    case DueKind::resolve_deadline:
      break;
  }
  step.type = EventType::escalated;
  step.deadline = m.kind == DueKind::accept_deadline ? Deadline::accept : Deadline::resolve;
  step.urgency_from = c.urgency;
  step.tier_from = c.tier;
  if (!c.overdue_at) c.overdue_at = m.at;  // the first deadline missed
  c.overdue = true;
  note_missed(c.overdue_colour, c.urgency);  // the colour whose deadline passed, as the figures count it
  c.urgency = raised(c.urgency);
  c.tier = raised(c.tier);
  start_clocks(c, category, m.at, Clocks::both, rules);
  step.urgency_to = c.urgency;
  step.tier_to = c.tier;
  step.reason = reason_of(step);
  return step;
}

}  // namespace gridkeeper::dispatch
