// The lifecycle rows served with the user (`steps`): for the user's role, exactly the rows
// of dispatch::transition_table() that name it, in the table's order and columns.
#include <catch2/catch.hpp>

#include "dispatch/lifecycle.hpp"
#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
json::array rows_for(dispatch::Role role) {
  json::array out;
  for (const auto& rule : dispatch::transition_table()) {
    if (!rule.roles.has(role)) continue;
    out.emplace_back(json::object{{"from", to_string(rule.from)},
                                  {"action", to_string(rule.action)},
                                  {"to", to_string(rule.to)},
                                  {"assignee_only", rule.holder == dispatch::Holder::assignee},
                                  {"clock", to_string(rule.clock)},
                                  {"tier", to_string(rule.tier)},
                                  {"needs_note", !rule.note_needed.empty()}});
  }
  return out;
}

bool has_step(const json::array& steps, std::string_view from, std::string_view action, std::string_view to) {
  for (const auto& s : steps)
    if (s.at("from").as_string() == from && s.at("action").as_string() == action && s.at("to").as_string() == to)
      return true;
  return false;
}
}  // namespace

TEST_CASE("a worker's steps are the transition table's worker rows", "[web][steps]") {
  ServerFixture f;
  auto w1 = f.client("w1");
  REQUIRE_FALSE(w1->token.empty());
  auto me = w1->get("/api/v1/auth/me");
  REQUIRE(me.status == 200);
  const auto user = me.json().at("user");
  REQUIRE(user.at("role").as_string() == "worker");
  const auto& steps = user.at("steps").as_array();
  CHECK(steps == rows_for(dispatch::Role::worker));
  CHECK(has_step(steps, "dispatched", "accept", "accepted"));
  CHECK(has_step(steps, "accepted", "resolve", "resolved"));
  CHECK(has_step(steps, "accepted", "return", "reported"));
  CHECK_FALSE(has_step(steps, "resolved", "close", "closed"));  // the desk's, not the worker's
  for (const auto& s : steps) {
    CHECK(s.at("assignee_only").as_bool());
    if (s.at("action").as_string() == "request_deferral") CHECK(s.at("clock").as_string() == "running");
  }
}

TEST_CASE("other roles' steps are their rows of the table too", "[web][steps]") {
  ServerFixture f;
  for (const auto& [name, role] :
       {std::pair{"op", dispatch::Role::operator_}, std::pair{"sup_c1", dispatch::Role::supervisor},
        std::pair{"admin", dispatch::Role::admin}}) {
    INFO(name);
    auto c = f.client(name);
    auto me = c->get("/api/v1/auth/me");
    REQUIRE(me.status == 200);
    CHECK(me.json().at("user").at("steps").as_array() == rows_for(role));
  }
}
