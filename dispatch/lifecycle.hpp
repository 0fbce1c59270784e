#pragma once
// The case lifecycle of DESIGN.md as one table of (state, action, role) -> next state.
//
//   reported --register--> dispatched --accept--> accepted --resolve--> resolved --close--> closed
//   resolved --reopen (rework +1)--> dispatched
//   dispatched/accepted --return--> reported (back to the operator, with a reason)
//   reported/dispatched/accepted --cancel--> cancelled
//   reported/dispatched/accepted --reassign--> dispatched (re-dispatch to another worker)
//   dispatched/accepted --request_deferral | defer | resume--> same state (the clock pauses)
#include <optional>
#include <span>

#include "dispatch/errors.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

struct TransitionRule {
  CaseState from;
  Action action;
  Role role;
  CaseState to;
};

// Every allowed (state, action, role); anything not listed is refused.
std::span<const TransitionRule> transition_table();

// Checks a transition: forbidden when the role may never take the action or not in this
// state, stale_version when `version` is not the case's, illegal_transition when the
// action does not apply in the case's state. Returns the next state.
Result<CaseState> check_transition(const Case& c, Action action, Role role, std::int64_t version);

}  // namespace gridkeeper::dispatch
