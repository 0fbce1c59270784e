#include <catch2/catch.hpp>

#include "dispatch/case_view.hpp"
#include "dispatch/center.hpp"
#include "support.hpp"

// What a reader is shown of a case: the reporter's phone masked for workers unless the
// category calls back; resolving with the after-photo a category requires.
using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
using testing::step;
Actor admin() { return {1, "admin", Role::admin, {}, {}}; }
Actor operator_at() { return {2, "op", Role::operator_, {}, {}}; }
Actor supervisor_at(std::string scope) { return {3, "sup", Role::supervisor, std::move(scope), {}}; }
Actor worker(std::string id) { return {10, "w", Role::worker, {}, std::move(id)}; }

IntakeRequest reported(std::string phone) {
  auto r = testing::at_grid(0, 0);
  r.reporter = {"张三", std::move(phone)};
  return r;
}

Category environment(const Center& center) {
  for (const auto& c : center.categories())
    if (c.id == "environment") return c;
  FAIL("no environment category");
  return {};
}
}  // namespace

TEST_CASE("a reporter's phone is masked to its first three and last four digits", "[case_view]") {
  CHECK(masked_phone("13812341234") == "138****1234");
  CHECK(masked_phone("+86 138 1234 1234") == "+86 138 **** 1234");
  CHECK(masked_phone("05925551234") == "059****1234");
  CHECK(masked_phone("25551234") == "****1234");
  CHECK(masked_phone("0592-5551234") == "059*-***1234");
  CHECK(masked_phone("5551234") == "*****34");
  CHECK(masked_phone("12") == "12");
  CHECK(masked_phone("") == "");
  // No digit is left whole in the middle, and text that is not digits stays valid UTF-8.
  CHECK(masked_phone("电话13812341234") == "电话138****1234");
  CHECK(masked_phone("unknown") == "unknown");
}

TEST_CASE("who sees the whole phone: the desk always, a worker only for a category that calls back", "[case_view]") {
  for (auto role : {Role::admin, Role::operator_, Role::supervisor}) {
    Actor a{1, "x", role, {}, {}};
    CHECK(sees_whole_phone(a, false));
    CHECK(sees_whole_phone(a, true));
  }
  CHECK_FALSE(sees_whole_phone(worker("W1"), false));
  CHECK(sees_whole_phone(worker("W1"), true));
  CHECK_FALSE(sees_whole_phone(Actor{}, true));  // the system
}

TEST_CASE("the center's allowed actions carry the phone rule per reader and category", "[case_view]") {
  testing::CenterFixture f;
  auto c = f.center->intake_and_wait(reported("13812341234"), operator_at());
  REQUIRE(c.ok());
  REQUIRE(c->assignee == "W1");
  CHECK(f.center->allowed_actions(*c, operator_at()).whole_phone());
  CHECK(f.center->allowed_actions(*c, admin()).whole_phone());
  CHECK(f.center->allowed_actions(*c, supervisor_at("")).whole_phone());
  CHECK_FALSE(f.center->allowed_actions(*c, worker("W1")).whole_phone());
  // A reader who does not see the case is shown nothing, the phone least of all.
  CHECK_FALSE(f.center->allowed_actions(*c, worker("W2")).whole_phone());
  CHECK(f.center->allowed_actions(std::vector<Case>{*c}, worker("W1")).front().whole_phone() == false);

  auto category = environment(*f.center);
  category.callback = true;
  REQUIRE(f.center->update_category_and_wait(category, admin()).ok());
  CHECK(f.center->allowed_actions(*c, worker("W1")).whole_phone());
  CHECK_FALSE(f.center->allowed_actions(*c, worker("W2")).whole_phone());
}

TEST_CASE("a category that requires an after-photo refuses a resolve without one", "[case_view]") {
  testing::CenterFixture f;
  auto category = environment(*f.center);
  category.after_photo_required = true;
  auto stored = f.center->update_category_and_wait(category, admin());
  REQUIRE(stored.ok());
  CHECK(stored->after_photo_required);
  // The change is audited with the new field.
  f.ledger.drain();
  REQUIRE_FALSE(f.ledger.audit.empty());
  CHECK(f.ledger.audit.back().kind == "category");
  CHECK(f.ledger.audit.back().after.find(R"("after_photo":"required")") != std::string::npos);
  CHECK(f.ledger.audit.back().before.find(R"("after_photo":"optional")") != std::string::npos);

  auto c = f.center->intake_and_wait(reported("13812341234"), operator_at());
  REQUIRE(c.ok());
  const Millis before_accept = f.clock.now();
  f.clock.advance(testing::kMinute);
  REQUIRE(f.center->transition_and_wait(c->id, step(Action::accept, 1), worker("W1")).ok());

  // No photo at all; a photo from before the worker accepted (the reporter's): refused.
  auto none = f.center->transition_and_wait(c->id, step(Action::resolve, 2), worker("W1"));
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::invalid_value);
  CHECK(none.error().field == "photo");
  CHECK(f.center->transition_and_wait(c->id, step(Action::resolve, 2), worker("W1"), before_accept).error().field ==
        "photo");
  // Nothing changed: still accepted at version 2.
  auto now = f.center->get_case(c->id, operator_at());
  REQUIRE(now.ok());
  CHECK(now->state == CaseState::accepted);
  CHECK(now->version == 2);

  // A photo taken after the accept: resolved.
  f.clock.advance(testing::kMinute);
  auto resolved = f.center->transition_and_wait(c->id, step(Action::resolve, 2, "已清理"), worker("W1"), f.clock.now());
  REQUIRE(resolved.ok());
  CHECK(resolved->state == CaseState::resolved);

  // An optional after-photo asks for nothing.
  category.after_photo_required = false;
  REQUIRE(f.center->update_category_and_wait(category, admin()).ok());
  auto other = f.center->intake_and_wait(reported(""), operator_at());
  REQUIRE(other.ok());
  REQUIRE(f.center->transition_and_wait(other->id, step(Action::accept, 1), worker("W1")).ok());
  CHECK(f.center->transition_and_wait(other->id, step(Action::resolve, 2), worker("W1")).ok());
}

TEST_CASE("a photo is an after-photo once the case was accepted", "[case_view]") {
  Case c;
  CHECK_FALSE(is_after_photo(c, 1000));
  c.accepted_at = 1000;
  CHECK_FALSE(is_after_photo(c, 999));
  CHECK(is_after_photo(c, 1000));
  CHECK(is_after_photo(c, 5000));
}
