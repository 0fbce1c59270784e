#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

#include "dispatch/center.hpp"
#include "dispatch/escalation_clock.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
using Fixture = testing::CenterFixture;
constexpr Millis kHour = 3'600'000;

Actor admin() { return {1, "admin", Role::admin, {}, {}}; }
Actor operator_at(std::string scope = {}) { return {2, "op", Role::operator_, std::move(scope), {}}; }
Actor supervisor_at(std::string scope) { return {3, "sup", Role::supervisor, std::move(scope), {}}; }
Actor worker(std::string id) { return {10, "w", Role::worker, {}, std::move(id)}; }

LeaveRequest leave(Millis from, Millis to, bool move = false, std::string reason = "年休假") {
  return {from, to, std::move(reason), move};
}

DutyStatus status_of(Center& c, const WorkerId& id) {
  for (const auto& w : c.workers(admin()))
    if (w.id == id) return w.status;
  FAIL("no worker " << id);
  return DutyStatus::off_duty;
}

// The worker a case taken in now in grid G0-0 (owner W1, backup W2) goes to.
WorkerId next_case_goes_to(Fixture& f) {
  auto c = f.center->intake_and_wait(testing::at_grid(0, 0), operator_at());
  REQUIRE(c.ok());
  REQUIRE(c->grid == "G0-0");
  return c->assignee;
}
}  // namespace

TEST_CASE("leave rules: times, length, reason", "[leave]") {
  const Millis now = 1'767'225'600'000;
  auto field_of = [&](LeaveRequest r) {
    auto e = check_leave_request(r, now);
    REQUIRE(e);
    CHECK(e->code == ErrorCode::invalid_value);
    return e->field;
  };
  CHECK_FALSE(check_leave_request(leave(now, now + kHour), now));
  CHECK_FALSE(check_leave_request(leave(now - 59'000, now + kHour), now));  // within the minute
  CHECK(field_of(leave(now - 61'000, now + kHour)) == "from");
  CHECK(field_of(leave(now + kHour, now + kHour)) == "to");
  CHECK(field_of(leave(now + kHour, now)) == "to");
  CHECK(field_of(leave(now, now + kMaxLeaveLength + 1)) == "to");
  CHECK_FALSE(check_leave_request(leave(now, now + kMaxLeaveLength), now));
  CHECK(field_of(leave(now, now + kHour, false, "")) == "reason");
  CHECK(field_of(leave(now, now + kHour, false, std::string(kMaxLeaveReason + 1, 'x'))) == "reason");
  CHECK(field_of(leave(now, now + kHour, false, "a\x01")) == "reason");
  CHECK(field_of(leave(now, now + kHour, false, "\xff\xfe")) == "reason");
}

TEST_CASE("leave: who may schedule and read it", "[leave]") {
  Fixture f;
  const Millis t0 = f.clock.now();
  auto code = [&](const Actor& a, const WorkerId& w) {
    auto r = f.center->schedule_leave_and_wait(w, leave(t0 + kHour, t0 + 2 * kHour), a);
    return r ? std::optional<ErrorCode>() : std::optional(r.error().code);
  };
  CHECK(code(operator_at(), "W1") == ErrorCode::forbidden);
  CHECK(code(worker("W1"), "W1") == ErrorCode::forbidden);
  CHECK(code(supervisor_at("S2"), "W1") == ErrorCode::not_found);  // another street
  CHECK(code(supervisor_at("S"), "nobody") == ErrorCode::not_found);
  CHECK(f.center->leaves_of("W1", admin())->empty());
  CHECK(code(supervisor_at("C1"), "W1") == std::nullopt);
  CHECK(code(admin(), "W4") == std::nullopt);
  // Reading: managers in scope and the worker itself.
  CHECK(f.center->leaves_of("W1", supervisor_at("S"))->size() == 1);
  CHECK(f.center->leaves_of("W1", worker("W1"))->size() == 1);
  CHECK(f.center->leaves_of("W1", worker("W2")).error().code == ErrorCode::not_found);
  CHECK(f.center->leaves_of("W1", operator_at()).error().code == ErrorCode::forbidden);
  CHECK(f.center->leaves_of("W1", supervisor_at("C2")).error().code == ErrorCode::not_found);
  // Ending: the same as scheduling.
  const LeaveId id = f.center->leaves_of("W1", admin())->front().id;
  CHECK(f.center->end_leave_and_wait("W1", id, worker("W1")).error().code == ErrorCode::forbidden);
  CHECK(f.center->end_leave_and_wait("W1", id, supervisor_at("C2")).error().code == ErrorCode::not_found);
  CHECK(f.center->end_leave_and_wait("W2", id, admin()).error().code == ErrorCode::not_found);  // not W2's
  CHECK(f.center->end_leave_and_wait("W1", id + 100, admin()).error().code == ErrorCode::not_found);
}

TEST_CASE("leave: no overlap with another leave of the worker", "[leave]") {
  Fixture f;
  const Millis t0 = f.clock.now();
  auto first = f.center->schedule_leave_and_wait("W1", leave(t0 + kHour, t0 + 3 * kHour), admin());
  REQUIRE(first.ok());
  CHECK(first->id == 1);
  CHECK(state_of(*first, t0) == LeaveState::upcoming);
  CHECK(first->created_by == admin().label());
  auto clash = f.center->schedule_leave_and_wait("W1", leave(t0 + 2 * kHour, t0 + 4 * kHour), admin());
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.error().code == ErrorCode::conflict);
  CHECK(clash.error().field == "from");
  auto inside = f.center->schedule_leave_and_wait("W1", leave(t0 + 90 * 60'000, t0 + 2 * kHour), admin());
  CHECK(inside.error().code == ErrorCode::conflict);
  // Back to back, another worker at the same time, and after a cancellation: fine.
  CHECK(f.center->schedule_leave_and_wait("W1", leave(t0 + 3 * kHour, t0 + 4 * kHour), admin()).ok());
  CHECK(f.center->schedule_leave_and_wait("W2", leave(t0 + kHour, t0 + 3 * kHour), admin()).ok());
  auto cancelled = f.center->end_leave_and_wait("W1", first->id, admin());
  REQUIRE(cancelled.ok());
  CHECK(state_of(*cancelled, t0) == LeaveState::cancelled);
  CHECK(f.center->schedule_leave_and_wait("W1", leave(t0 + 2 * kHour, t0 + 3 * kHour), admin()).ok());
  CHECK(f.center->leaves_of("W1", admin())->size() == 3);
  f.ledger.drain();
  int audited = 0;
  for (const auto& a : f.ledger.audit)
    if (a.kind == "leave") ++audited;
  CHECK(audited == 5);  // four scheduled, one cancelled
}

TEST_CASE("leave boundaries: the tick applies them, new cases go to the B post meanwhile", "[leave]") {
  Fixture f;
  const Millis t0 = f.clock.now();
  REQUIRE(f.center->schedule_leave_and_wait("W1", leave(t0 + kHour, t0 + 2 * kHour), supervisor_at("S")).ok());
  // The escalation clock wakes for the boundary, also with no case open.
  REQUIRE(f.center->next_due_at());
  CHECK(*f.center->next_due_at() == t0 + kHour);
  CHECK(next_case_goes_to(f) == "W1");
  CHECK(*f.center->next_due_at() == t0 + kHour);  // before the case's warning
  f.clock.set(t0 + kHour);
  CHECK(f.center->tick_until_idle() >= 1);
  CHECK(status_of(*f.center, "W1") == DutyStatus::leave);
  CHECK(*f.center->next_due_at() == t0 + 2 * kHour);
  CHECK(next_case_goes_to(f) == "W2");
  f.clock.set(t0 + 2 * kHour + 1);
  f.center->tick_until_idle();
  CHECK(status_of(*f.center, "W1") == DutyStatus::on_duty);
  CHECK(next_case_goes_to(f) == "W1");
  auto leaves = f.center->leaves_of("W1", admin());
  REQUIRE(leaves->size() == 1);
  CHECK(leaves->front().applied == 2);
  CHECK(state_of(leaves->front(), f.clock.now()) == LeaveState::past);
  f.ledger.drain();
  std::vector<std::string> details;
  for (const auto& a : f.ledger.audit)
    if (a.kind == "leave") details.push_back(a.detail);
  REQUIRE(details.size() == 3);
  CHECK(details[1].find("started") != std::string::npos);
  CHECK(details[2].find("ended") != std::string::npos);
  CHECK(f.ledger.audit.back().before.find("\"state\":\"current\"") != std::string::npos);
  CHECK(f.ledger.audit.back().after.find("\"state\":\"past\"") != std::string::npos);
}

TEST_CASE("leave: open cases move to the B post, or stay", "[leave]") {
  for (const bool move : {true, false}) {
    DYNAMIC_SECTION((move ? "move" : "keep")) {
      Fixture f;
      const Millis t0 = f.clock.now();
      auto c = f.center->intake_and_wait(testing::at_grid(0, 0), operator_at());
      REQUIRE(c->assignee == "W1");
      REQUIRE(f.center->schedule_leave_and_wait("W1", leave(t0 + kHour, t0 + 5 * kHour, move), admin()).ok());
      f.clock.set(t0 + kHour);
      f.center->tick_until_idle();
      f.ledger.drain();
      auto now = f.center->get_case(c->id, admin());
      REQUIRE(now.ok());
      CHECK(now->assignee == (move ? "W2" : "W1"));
      CHECK(f.center->open_cases_of("W1") == (move ? 0 : 1));
      auto events = f.ledger.case_events(c->id);
      CHECK((events.back().type == EventType::handover) == move);
      if (move) {
        CHECK(events.back().assignee_from == "W1");
        CHECK(events.back().assignee == "W2");
        CHECK(now->version == c->version + 1);
        std::lock_guard lock(f.notices_mutex);
        CHECK(f.notices.back().previous_assignee == "W1");
        CHECK(f.notices.back().current.assignee == "W2");
      }
    }
  }
}

TEST_CASE("leave: boundaries passed while the server was down apply at start-up", "[leave]") {
  Fixture f;
  const Millis t0 = f.clock.now();
  auto c = f.center->intake_and_wait(testing::at_grid(0, 0), operator_at());
  REQUIRE(f.center->schedule_leave_and_wait("W1", leave(t0 + kHour, t0 + 3 * kHour, true), admin()).ok());
  f.clock.set(t0 + 2 * kHour);  // the start passes while down
  f.restart();
  CHECK(status_of(*f.center, "W1") == DutyStatus::leave);
  CHECK(f.center->get_case(c->id, admin())->assignee == "W2");
  CHECK(f.center->leaves_of("W1", admin())->size() == 1);
  CHECK(next_case_goes_to(f) == "W2");
  f.ledger.drain();
  f.restart();  // stored: nothing applies twice
  CHECK(status_of(*f.center, "W1") == DutyStatus::leave);
  CHECK(*f.center->next_due_at() <= t0 + 3 * kHour);
  f.clock.set(t0 + 4 * kHour);  // the end passes while down
  f.restart();
  CHECK(status_of(*f.center, "W1") == DutyStatus::on_duty);
  CHECK(next_case_goes_to(f) == "W1");
  // New leave ids continue after the stored ones.
  auto next = f.center->schedule_leave_and_wait("W1", leave(t0 + 5 * kHour, t0 + 6 * kHour), admin());
  REQUIRE(next.ok());
  CHECK(next->id == 2);
}

TEST_CASE("leave: ending a current leave puts the worker back on duty now", "[leave]") {
  Fixture f;
  const Millis t0 = f.clock.now();
  auto l = f.center->schedule_leave_and_wait("W1", leave(t0, t0 + 3 * kHour), supervisor_at("S"));
  REQUIRE(l.ok());
  CHECK(l->applied == 1);  // it starts at once
  CHECK(status_of(*f.center, "W1") == DutyStatus::leave);
  f.clock.set(t0 + kHour);
  auto ended = f.center->end_leave_and_wait("W1", l->id, supervisor_at("S"));
  REQUIRE(ended.ok());
  CHECK(ended->to == t0 + kHour);
  CHECK(state_of(*ended, f.clock.now()) == LeaveState::past);
  CHECK(status_of(*f.center, "W1") == DutyStatus::on_duty);
  CHECK(f.center->end_leave_and_wait("W1", l->id, admin()).error().code == ErrorCode::conflict);
  CHECK_FALSE(f.center->next_due_at());
}

TEST_CASE("leave: the escalation clock wakes for a leave's start and end", "[leave][clock]") {
  // The system clock and a long wait between looks: only a next due time that includes
  // the leave's boundaries gets the thread there within the test's patience.
  testing::MemoryLedger ledger;
  ledger.initial = testing::small_city();
  SystemClock clock;
  Center center(ledger, clock);
  center.start();
  const Millis now = clock.now();
  REQUIRE(center.schedule_leave_and_wait("W1", leave(now + 300, now + 600), admin()).ok());
  auto wait_for_status = [&](DutyStatus want) {
    for (int i = 0; i < 500 && status_of(center, "W1") != want; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return status_of(center, "W1");
  };
  {
    EscalationClock ticking(center, clock, {60'000, 1, 10'000});
    CHECK(wait_for_status(DutyStatus::leave) == DutyStatus::leave);
    CHECK(wait_for_status(DutyStatus::on_duty) == DutyStatus::on_duty);
  }
  ledger.drain();
}

TEST_CASE("categories: the next case taken in carries a changed deadline", "[categories]") {
  Fixture f;
  auto env = f.center->categories();
  auto it = std::find_if(env.begin(), env.end(), [](const Category& c) { return c.id == "environment"; });
  REQUIRE(it != env.end());
  Category changed = *it;
  changed.sla[static_cast<std::size_t>(Urgency::yellow)] = Deadlines{3 * 3600, 48 * 3600};
  auto before = f.center->intake_and_wait(testing::at_grid(0, 0), operator_at());
  REQUIRE(f.center->update_category_and_wait(changed, admin()).ok());
  auto after = f.center->intake_and_wait(testing::at_grid(0, 0), operator_at());
  REQUIRE(before.ok());
  REQUIRE(after.ok());
  CHECK(*before->accept_by - before->created_at == 24 * kHour);  // taken in before: as it was
  CHECK(*after->accept_by - after->created_at == 3 * kHour);
  CHECK(*after->resolve_by - after->created_at == 48 * kHour);
  CHECK(f.center->get_case(before->id, admin())->accept_by == before->accept_by);
}
