#include "dispatch/events.hpp"

namespace gridkeeper::dispatch {

std::string reason_of(const CaseEvent& e) {
  const bool accepting = e.deadline == Deadline::accept;
  switch (e.type) {
    case EventType::warned:
      return accepting ? "75 % of the acceptance time has passed" : "75 % of the resolution time has passed";
    case EventType::escalated: {
      std::string r = accepting ? "not accepted in time" : "not resolved in time";
      if (e.urgency_from && e.urgency_to)
        r += ": " + std::string(to_string(*e.urgency_from)) + " -> " + std::string(to_string(*e.urgency_to));
      if (e.tier_from && e.tier_to)
        r += ", " + std::string(to_string(*e.tier_from)) + " -> " + std::string(to_string(*e.tier_to));
      return r;
    }
    case EventType::reminded:
      return "still overdue at the top tier";
    case EventType::rated:
      return e.score ? "score " + std::to_string(*e.score) : std::string();
    case EventType::resume:
      return e.paused_ms ? "paused for " + std::to_string(*e.paused_ms / 60'000) + " min" : std::string();
    case EventType::reopen:
      return e.rework ? "rework " + std::to_string(*e.rework) : std::string();
    default:
      return {};
  }
}

}  // namespace gridkeeper::dispatch
