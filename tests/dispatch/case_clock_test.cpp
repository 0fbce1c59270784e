#include <catch2/catch.hpp>

#include "dispatch/case_clock.hpp"
#include "dispatch/case_sort.hpp"
#include "dispatch/escalation.hpp"
#include "dispatch/policy.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;
using testing::kHour;
using testing::kMinute;

namespace {
const Category kEnv{"environment", "环境卫生",
                    default_sla()};  // yellow 24 h / 5 d, orange 2 h / 24 h, red 30 min / 4 h

Case dispatched(Urgency u = Urgency::yellow) {
  Case c;
  c.id = 1;
  c.state = CaseState::dispatched;
  c.urgency = u;
  start_clocks(c, kEnv, 0);
  return c;
}

// Applies every warning and deadline due by `now`, as the escalation clock does.
void run_until(Case& c, Millis now) {
  while (auto m = next_due(c)) {
    if (m->at > now || m->kind == DueKind::reminder) break;
    apply_due(c, *m, kEnv);
  }
}

std::int64_t s(Millis ms) { return ms / 1000; }
}  // namespace

TEST_CASE("acceptance runs while dispatched: the deadline and the time left", "[case_clock]") {
  auto c = dispatched();
  const auto k = clock_of(c, 1 * kHour);
  CHECK(k.deadline == Deadline::accept);
  CHECK(k.running);
  CHECK(k.due_at == 24 * kHour);
  CHECK_FALSE(k.overdue);
  CHECK_FALSE(k.missed_at);
  CHECK(k.overdue_s == 0);
  CHECK(k.left_s == s(23 * kHour));
}

TEST_CASE("resolution runs once accepted", "[case_clock]") {
  auto c = dispatched();
  c.state = CaseState::accepted;
  c.accepted_at = 2 * kHour;
  const auto k = clock_of(c, 3 * kHour);
  CHECK(k.deadline == Deadline::resolve);
  CHECK(k.running);
  CHECK(k.due_at == c.resolve_by);
  CHECK(k.left_s == s(*c.resolve_by - 3 * kHour));
  CHECK_FALSE(k.overdue);
}

TEST_CASE("overdue after one escalation counts from the deadline missed, not the new one", "[case_clock]") {
  auto c = dispatched();
  run_until(c, 24 * kHour);
  REQUIRE(c.overdue);
  REQUIRE(c.urgency == Urgency::orange);
  REQUIRE(c.tier == Tier::community);
  CHECK(c.overdue_at == 24 * kHour);
  // The community's new deadline (2 h) is an hour away, yet the case is an hour overdue
  // against the deadline it missed, and no time left is given.
  const auto k = clock_of(c, 25 * kHour);
  CHECK(k.overdue);
  CHECK(k.missed_at == 24 * kHour);
  CHECK(k.overdue_s == s(kHour));
  CHECK(k.due_at == 26 * kHour);  // the current tier's deadline, shown apart
  CHECK(k.deadline == Deadline::accept);
  CHECK_FALSE(k.left_s);
}

TEST_CASE("after several escalations overdue still counts from the first missed deadline", "[case_clock]") {
  auto c = dispatched();
  const Millis now = 24 * kHour + 3 * kHour + 12 * kMinute;  // 超时 3小时12分
  run_until(c, 26 * kHour + 15 * kMinute);
  REQUIRE(c.tier == Tier::street);  // missed the community's 2 h too
  REQUIRE(c.urgency == Urgency::red);
  auto k = clock_of(c, 26 * kHour + 15 * kMinute);
  CHECK(k.overdue);
  CHECK(k.missed_at == 24 * kHour);
  CHECK(k.overdue_s == s(2 * kHour + 15 * kMinute));
  CHECK(k.due_at == 26 * kHour + 30 * kMinute);  // the street's 30 minutes from the second miss
  CHECK_FALSE(k.left_s);
  run_until(c, now);
  REQUIRE(at_top(c));  // and the street's: the district holds it
  k = clock_of(c, now);
  CHECK(k.missed_at == 24 * kHour);
  CHECK(k.overdue_s == s(3 * kHour + 12 * kMinute));
  CHECK(k.due_at == 27 * kHour);
  CHECK_FALSE(k.left_s);
  // At the top it stays overdue against the same deadline.
  run_until(c, 40 * kHour);
  const auto top = clock_of(c, 40 * kHour);
  CHECK(top.missed_at == 24 * kHour);
  CHECK(top.overdue_s == s(16 * kHour));
}

TEST_CASE("a deadline passed before its escalation is recorded is already missed", "[case_clock]") {
  auto c = dispatched(Urgency::red);
  const auto k = clock_of(c, 31 * kMinute);
  CHECK(k.overdue);
  CHECK(k.missed_at == 30 * kMinute);
  CHECK(k.overdue_s == 60);
  CHECK_FALSE(k.left_s);
}

TEST_CASE("overdue stops counting when the clock stops", "[case_clock]") {
  auto c = dispatched(Urgency::red);
  run_until(c, 40 * kMinute);
  REQUIRE(c.overdue_at == 30 * kMinute);
  SECTION("paused by a deferral") {
    c.paused_at = 50 * kMinute;
    const auto k = clock_of(c, 5 * kHour);
    CHECK_FALSE(k.running);
    CHECK(k.deadline == Deadline::accept);
    CHECK(k.overdue_s == s(20 * kMinute));
  }
  SECTION("resolved and closed") {
    c.state = CaseState::resolved;
    c.resolved_at = 90 * kMinute;
    auto k = clock_of(c, 5 * kHour);
    CHECK_FALSE(k.deadline);
    CHECK_FALSE(k.running);
    CHECK_FALSE(k.due_at);
    CHECK(k.overdue);
    CHECK(k.overdue_s == s(kHour));
    c.state = CaseState::closed;
    c.closed_at = 2 * kHour;
    k = clock_of(c, 9 * kHour);
    CHECK(k.overdue_s == s(kHour));
  }
  SECTION("a case never late has no time left once resolved") {
    auto d = dispatched();
    d.state = CaseState::resolved;
    d.resolved_at = kHour;
    const auto k = clock_of(d, 2 * kHour);
    CHECK_FALSE(k.overdue);
    CHECK_FALSE(k.left_s);
  }
}

TEST_CASE("a case is never both overdue and with time left", "[case_clock]") {
  for (auto u : kUrgencies)
    for (bool accepted : {false, true}) {
      auto c = dispatched(u);
      if (accepted) c.state = CaseState::accepted;
      for (Millis now = 0; now < 10 * 24 * kHour; now += 7 * kMinute) {
        run_until(c, now);
        const auto k = clock_of(c, now);
        INFO("urgency " << to_string(u) << " accepted " << accepted << " at " << now);
        CHECK_FALSE((k.overdue && k.left_s));
        CHECK(k.overdue == k.missed_at.has_value());
        if (k.running && !k.overdue) CHECK(k.left_s.has_value());
        if (c.overdue) CHECK(k.overdue_s >= 0);
      }
    }
}

TEST_CASE("sort by time left: overdue first, the most overdue first, then least time left", "[case_sort]") {
  std::vector<Case> cases;
  auto add = [&](CaseId id, Urgency u, Millis run_to) {
    auto c = dispatched(u);
    c.id = id;
    run_until(c, run_to);
    cases.push_back(c);
  };
  const Millis now = 30 * kHour;
  add(1, Urgency::yellow, 0);  // 24 h, missed 6 h ago (escalation not applied yet)
  add(2, Urgency::red, now);   // missed at 30 min
  add(3, Urgency::orange, 0);  // missed at 2 h
  auto fresh = dispatched();
  fresh.id = 4;
  fresh.accept_by = now + kHour;
  cases.push_back(fresh);
  auto later = dispatched();
  later.id = 5;
  later.accept_by = now + 2 * kHour;
  cases.push_back(later);
  auto done = dispatched();
  done.id = 6;
  done.state = CaseState::resolved;
  cases.push_back(done);
  sort_cases(cases, *case_sort_from("time_left"), now);
  std::vector<CaseId> order;
  for (auto& c : cases) order.push_back(c.id);
  CHECK(order == std::vector<CaseId>{2, 3, 1, 4, 5, 6});
  sort_cases(cases, *case_sort_from("-time_left"), now);
  order.clear();
  for (auto& c : cases) order.push_back(c.id);
  CHECK(order == std::vector<CaseId>{6, 5, 4, 1, 3, 2});
}

TEST_CASE("sort keys are read strictly", "[case_sort]") {
  CHECK(case_sort_from("urgency")->key == SortKey::urgency);
  CHECK(case_sort_from("-title")->descending);
  CHECK_FALSE(case_sort_from(""));
  CHECK_FALSE(case_sort_from("-"));
  CHECK_FALSE(case_sort_from("--id"));
  CHECK_FALSE(case_sort_from("id;drop"));
  CHECK_FALSE(case_sort_from("TIME_LEFT"));
}
