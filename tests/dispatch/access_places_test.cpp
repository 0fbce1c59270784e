// The access policy of places and search (dispatch/access_places.hpp), role by role: every
// staff role finds places; only an admin (and the system) loads addresses. What /search
// shows of cases is `sees`'s (tests/web/places_test.cpp checks it role by role).
#include <catch2/catch.hpp>
#include <map>

#include "dispatch/access_places.hpp"

using namespace gridkeeper::dispatch;

TEST_CASE("access: who finds places and who loads addresses", "[access][addresses]") {
  struct Want {
    bool find, load;
  };
  const std::map<Role, Want> want{{Role::admin, {true, true}},
                                  {Role::operator_, {true, false}},
                                  {Role::supervisor, {true, false}},
                                  {Role::worker, {true, false}},
                                  {Role::system, {true, true}}};
  for (const auto& [role, w] : want) {
    INFO(to_string(role));
    Actor a;
    a.role = role;
    a.scope = "S";
    CHECK(may_find_places(a) == w.find);
    CHECK(may_manage_addresses(a) == w.load);
    CHECK(check_find_places(a).has_value() == !w.find);
    const auto refused = check_manage_addresses(a);
    CHECK(refused.has_value() == !w.load);
    if (refused) CHECK(refused->code == ErrorCode::forbidden);
  }
}
