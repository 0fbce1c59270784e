#include <catch2/catch.hpp>

#include <map>
#include <tuple>

#include "dispatch/lifecycle.hpp"

using namespace gridkeeper::dispatch;

namespace {
// The lifecycle of DESIGN.md written out independently of the implementation's table:
// for each (state, action), the roles allowed and the next state.
struct Expected {
  std::vector<Role> roles;
  CaseState next;
};
std::map<std::pair<CaseState, Action>, Expected> expected_lifecycle() {
  using S = CaseState;
  using A = Action;
  const std::vector<Role> desk{Role::operator_, Role::admin};
  const std::vector<Role> redispatch{Role::operator_, Role::admin, Role::supervisor};
  const std::vector<Role> field{Role::worker};
  const std::vector<Role> urgers{Role::supervisor, Role::admin};
  return {
      {{S::reported, A::register_case}, {desk, S::dispatched}},
      {{S::reported, A::reassign}, {desk, S::dispatched}},
      {{S::reported, A::cancel}, {desk, S::cancelled}},
      {{S::dispatched, A::accept}, {field, S::accepted}},
      {{S::dispatched, A::return_case}, {field, S::reported}},
      {{S::dispatched, A::reassign}, {redispatch, S::dispatched}},
      {{S::dispatched, A::cancel}, {desk, S::cancelled}},
      {{S::accepted, A::resolve}, {field, S::resolved}},
      {{S::accepted, A::return_case}, {field, S::reported}},
      {{S::accepted, A::reassign}, {redispatch, S::dispatched}},
      {{S::accepted, A::cancel}, {desk, S::cancelled}},
      {{S::resolved, A::close}, {desk, S::closed}},
      {{S::resolved, A::reopen}, {desk, S::dispatched}},
      {{S::dispatched, A::request_deferral}, {field, S::dispatched}},
      {{S::accepted, A::request_deferral}, {field, S::accepted}},
      {{S::dispatched, A::defer}, {redispatch, S::dispatched}},
      {{S::accepted, A::defer}, {redispatch, S::accepted}},
      {{S::dispatched, A::resume}, {redispatch, S::dispatched}},
      {{S::accepted, A::resume}, {redispatch, S::accepted}},
      {{S::dispatched, A::note}, {field, S::dispatched}},
      {{S::accepted, A::note}, {field, S::accepted}},
      {{S::dispatched, A::urge}, {urgers, S::dispatched}},
      {{S::accepted, A::urge}, {urgers, S::accepted}},
  };
}
bool role_ever_allowed(Action a, Role r) {
  for (const auto& [key, e] : expected_lifecycle())
    if (key.second == a && std::find(e.roles.begin(), e.roles.end(), r) != e.roles.end()) return true;
  return false;
}
}  // namespace

TEST_CASE("every state x action x role gives the lifecycle's answer", "[lifecycle]") {
  const auto expected = expected_lifecycle();
  int checked = 0;
  for (CaseState state : kCaseStates)
    for (Action action : kActions)
      for (Role role : kRoles) {
        Case c;
        c.id = 7;
        c.state = state;
        c.version = 3;
        INFO(to_string(state) << " x " << to_string(action) << " x " << to_string(role));
        const auto result = check_transition(c, action, role, 3);
        const auto it = expected.find({state, action});
        const bool allowed = it != expected.end() && std::find(it->second.roles.begin(), it->second.roles.end(),
                                                               role) != it->second.roles.end();
        if (allowed) {
          REQUIRE(result.ok());
          CHECK(result.value() == it->second.next);
          // The same step with an old version is stale.
          const auto stale = check_transition(c, action, role, 2);
          REQUIRE_FALSE(stale.ok());
          CHECK(stale.error().code == ErrorCode::stale_version);
        } else {
          REQUIRE_FALSE(result.ok());
          if (!role_ever_allowed(action, role)) {
            CHECK(result.error().code == ErrorCode::forbidden);
          } else if (it == expected.end()) {
            CHECK(result.error().code == ErrorCode::illegal_transition);
          } else {
            CHECK(result.error().code == ErrorCode::forbidden);
          }
        }
        ++checked;
      }
  CHECK(checked == 6 * 13 * 4);
}

TEST_CASE("closed and cancelled cases accept no action", "[lifecycle]") {
  for (CaseState s : {CaseState::closed, CaseState::cancelled})
    for (Action a : kActions)
      for (Role r : kRoles) {
        Case c;
        c.state = s;
        CHECK_FALSE(check_transition(c, a, r, c.version).ok());
      }
}

TEST_CASE("errors carry their contract names and statuses", "[errors]") {
  CHECK(code_name(ErrorCode::stale_version) == "stale_version");
  CHECK(http_status(ErrorCode::stale_version) == 409);
  CHECK(http_status(ErrorCode::illegal_transition) == 409);
  CHECK(http_status(ErrorCode::forbidden) == 403);
  CHECK(http_status(ErrorCode::not_in_any_grid) == 404);
  CHECK(http_status(ErrorCode::invalid_value) == 422);
  CHECK(http_status(ErrorCode::too_large) == 413);
  CHECK(http_status(ErrorCode::too_many_requests) == 429);
  CHECK(http_status(ErrorCode::overloaded) == 503);
  CHECK(code_name(ErrorCode::not_in_any_grid) == "not_in_any_grid");
}

TEST_CASE("domain names round-trip", "[model]") {
  for (auto s : kCaseStates) CHECK(case_state_from(to_string(s)) == s);
  for (auto a : kActions) CHECK(action_from(to_string(a)) == a);
  for (auto r : kRoles) CHECK(role_from(to_string(r)) == r);
  for (auto u : kUrgencies) CHECK(urgency_from(to_string(u)) == u);
  CHECK_FALSE(role_from("system"));
  CHECK_FALSE(urgency_from("purple"));
  CHECK(action_from("register") == Action::register_case);
  CHECK(action_from("return") == Action::return_case);
}
