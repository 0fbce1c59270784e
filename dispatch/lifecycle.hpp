#pragma once
// The case lifecycle of DESIGN.md as one table: for each (state, action), who may take it,
// the next state, and what the step needs besides the role.
//
//   reported --register--> dispatched --accept--> accepted --resolve--> resolved --close--> closed
//   resolved --reopen (rework +1)--> dispatched
//   dispatched/accepted --return--> reported (back to the operator, with a reason)
//   reported/dispatched/accepted --cancel--> cancelled
//   reported/dispatched/accepted --reassign--> dispatched (re-dispatch to another worker)
//   dispatched/accepted --request_deferral | defer | resume--> same state (the clock pauses)
//   dispatched/accepted --note--> same state (a worker's progress note)
//   dispatched/accepted --urge--> same state (催办: a supervisor presses the holder)
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include "dispatch/errors.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

// A set of roles, as a bit mask.
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= bit(r);
  }
  constexpr bool has(Role r) const { return (bits_ & bit(r)) != 0; }
  constexpr RoleSet operator|(RoleSet o) const { return from_bits(bits_ | o.bits_); }

 private:
  static constexpr std::uint8_t bit(Role r) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(r)); }
  static constexpr RoleSet from_bits(std::uint8_t b) {
    RoleSet s;
    s.bits_ = b;
    return s;
  }
  std::uint8_t bits_ = 0;
};

// Who, among the roles a rule names, may take the step on a given case.
enum class Holder : std::uint8_t {
  anyone,    // anyone of those roles who sees the case
  assignee,  // only the worker the case is with
};
// Whether the case's clock must be running or paused (by an approved deferral).
enum class ClockRule : std::uint8_t { any, running, paused };
// Whether the case must have been escalated above the worker tier.
enum class TierRule : std::uint8_t { any, escalated };
// The columns' names as served (the user's `steps`): "any", "running", "paused"; "any", "escalated".
std::string_view to_string(ClockRule);
std::string_view to_string(TierRule);

struct TransitionRule {
  CaseState from;
  Action action;
  RoleSet roles;
  CaseState to;
  Holder holder;
  ClockRule clock;
  TierRule tier;
  std::string_view note_needed;  // not empty: the step needs a note, and this says why
};

// Every allowed (state, action, roles); anything not listed is refused. A (state, action)
// may have several rows for different roles.
std::span<const TransitionRule> transition_table();

// The row that lets `role` take `action` in `state`, if any.
const TransitionRule* find_rule(CaseState state, Action action, Role role);

// Checks a transition by role and state alone: forbidden when the role may never take the
// action or not in this state, stale_version when `version` is not the case's,
// illegal_transition when the action does not apply in the case's state. Returns the next
// state. The rule's other columns (holder, clock, tier, note) are checked by
// `check_act` (dispatch/access.hpp), which also knows who the actor is to the case.
Result<CaseState> check_transition(const Case& c, Action action, Role role, std::int64_t version);

}  // namespace gridkeeper::dispatch
