// Center::tick_until_idle (every due step, in batches, until nothing is due) and the
// EscalationClock that runs it as time passes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "dispatch/center.hpp"
#include "dispatch/escalation_clock.hpp"
#include "support.hpp"
#include "tests/eventually.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
using testing::eventually;
using testing::kDay;
using testing::kHour;
using testing::kMinute;

const Actor kOperator{1, "op", Role::operator_, {}, {}};

// A case at one of the six grids of the small city, in turn.
IntakeRequest case_in(int n, Urgency urgency = Urgency::yellow, std::string category = "environment") {
  IntakeRequest r;
  r.lon = 118.305 + 0.01 * (n % 3);
  r.lat = 24.605 + 0.01 * ((n / 3) % 2);
  r.category = std::move(category);
  r.urgency = urgency;
  r.title = "占道经营";
  return r;
}

// The ledger applies changes on its own thread and calls back into the center, which
// publishes to the subscriber: the notices outlive the center, and the center is gone only
// once every queued change has been applied.
struct Fixture {
  testing::MemoryLedger ledger;
  std::unique_ptr<Clock> owned_clock;
  const Clock& clock;
  std::mutex m;
  std::vector<CaseNotice> notices;
  std::unique_ptr<Center> center;

  explicit Fixture(std::unique_ptr<Clock> c = std::make_unique<ManualClock>(), std::vector<Category> extra = {})
      : owned_clock(std::move(c)), clock(*owned_clock) {
    ledger.initial = testing::small_city();
    for (auto& category : extra) ledger.initial.categories.push_back(std::move(category));
    center = std::make_unique<Center>(ledger, clock);
    center->start();
    center->subscribe([this](const CaseNotice& n) {
      std::lock_guard lock(m);
      notices.push_back(n);
    });
  }
  ~Fixture() {
    ledger.drain();
    center.reset();
  }
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;

  ManualClock& manual() { return dynamic_cast<ManualClock&>(*owned_clock); }

  std::vector<CaseId> take_in(int n, Urgency urgency = Urgency::yellow, const std::string& category = "environment") {
    std::vector<CaseId> ids;
    for (int i = 0; i < n; ++i) {
      auto c = center->intake_and_wait(case_in(i, urgency, category), kOperator);
      REQUIRE(c.ok());
      ids.push_back(c->id);
    }
    return ids;
  }
  std::size_t notices_of(const std::string& type) {
    std::lock_guard lock(m);
    return static_cast<std::size_t>(
        std::count_if(notices.begin(), notices.end(), [&](const CaseNotice& n) { return n.type == type; }));
  }
  // The steps stored: events the engine wrote (warned, escalated, reminded).
  std::size_t engine_events(const std::vector<CaseId>& ids) {
    ledger.drain();
    std::size_t n = 0;
    for (auto id : ids)
      for (const auto& e : ledger.case_events(id))
        if (e.type == EventType::warned || e.type == EventType::escalated || e.type == EventType::reminded) ++n;
    return n;
  }
};

}  // namespace

TEST_CASE("tick_until_idle takes every due step batch after batch as repeated ticks would", "[escalation][clock]") {
  Fixture by_ticks, until_idle;
  const auto ids = by_ticks.take_in(30);
  REQUIRE(until_idle.take_in(30) == ids);
  // A month with nobody acting: each case warned and escalated to the top, then reminded daily.
  by_ticks.manual().advance(30 * kDay);
  until_idle.manual().advance(30 * kDay);

  std::size_t expected = 0;
  for (std::size_t n = by_ticks.center->tick(); n > 0; n = by_ticks.center->tick()) expected += n;
  const auto steps = until_idle.center->tick_until_idle(4);  // many batches
  CHECK(steps == expected);
  CHECK(steps > 30 * 4);  // at least warned and escalated twice over
  CHECK(until_idle.engine_events(ids) == steps);
  for (auto id : ids) {
    const auto a = by_ticks.center->get_case(id, kOperator), b = until_idle.center->get_case(id, kOperator);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(b->urgency == Urgency::red);
    CHECK(b->tier == Tier::district);
    CHECK(b->version == a->version);
    CHECK(b->overdue == a->overdue);
  }

  // Nothing is left due: a second call does nothing, and the next due moment lies ahead.
  CHECK(until_idle.center->tick_until_idle(4) == 0);
  REQUIRE(until_idle.center->next_due_at());
  CHECK(*until_idle.center->next_due_at() > until_idle.clock.now());
}

TEST_CASE("tick_until_idle with nothing due does nothing and a batch of 0 counts as 1", "[escalation][clock]") {
  Fixture f;
  CHECK(f.center->tick_until_idle() == 0);
  const auto ids = f.take_in(3);
  CHECK(f.center->tick_until_idle() == 0);  // taken in just now: nothing due
  f.manual().advance(18 * kHour);           // yellow: the acceptance warning at 75 % of 24 h
  CHECK(f.center->tick_until_idle(0) == 3);
  CHECK(f.center->tick_until_idle(0) == 0);
  CHECK(f.engine_events(ids) == 3);
  CHECK(f.notices_of("case.warned") == 3);
}

TEST_CASE("the escalation clock acts at once when woken after the clock jumps", "[escalation][clock]") {
  Fixture f;
  const auto ids = f.take_in(2);
  EscalationClock::Options o;
  o.longest_wait = 60'000;  // it would not look again by itself during the test
  EscalationClock clock(*f.center, f.clock, o);
  REQUIRE(eventually([&] { return clock.passes() >= 1; }));
  CHECK(clock.steps() == 0);

  f.manual().advance(18 * kHour);
  clock.wake();
  REQUIRE(eventually([&] { return clock.steps() == 2; }));
  for (auto id : ids) CHECK(f.center->get_case(id, kOperator)->warned);
  CHECK(f.engine_events(ids) == 2);

  // The next jump passes the deadline: both cases rise a colour.
  f.manual().advance(6 * kHour);
  clock.wake();
  REQUIRE(eventually([&] { return clock.steps() == 4; }));
  for (auto id : ids) CHECK(f.center->get_case(id, kOperator)->urgency == Urgency::orange);
  CHECK(f.notices_of("case.escalated") == 2);
}

TEST_CASE("the escalation clock looks at the schedule again by itself within its longest wait", "[escalation][clock]") {
  Fixture f;
  const auto ids = f.take_in(1);
  EscalationClock::Options o;
  o.longest_wait = 20;
  EscalationClock clock(*f.center, f.clock, o);
  REQUIRE(eventually([&] { return clock.passes() >= 1; }));
  f.manual().advance(18 * kHour);  // not woken
  REQUIRE(eventually([&] { return clock.steps() == 1; }));
  CHECK(f.center->get_case(ids[0], kOperator)->warned);
  // It keeps looking while nothing is due.
  const auto passes = clock.passes();
  CHECK(eventually([&] { return clock.passes() >= passes + 3; }));
  CHECK(clock.steps() == 1);
}

TEST_CASE("the escalation clock sleeps until the next due moment and not its longest wait", "[escalation][clock]") {
  // On the system clock, a category whose deadlines run in seconds: a red case is warned
  // after 0.75 s and escalated after 1 s, although the clock would otherwise look only once
  // a minute.
  Category quick{"quick", "演练", {Deadlines{1, 3600}, Deadlines{1, 3600}, Deadlines{1, 3600}}};
  Fixture f(std::make_unique<SystemClock>(), {quick});
  const auto ids = f.take_in(1, Urgency::red, "quick");
  EscalationClock::Options o;
  o.longest_wait = 60'000;
  const auto started = std::chrono::steady_clock::now();
  EscalationClock clock(*f.center, f.clock, o);
  REQUIRE(eventually([&] { return f.notices_of("case.warned") >= 1 && f.notices_of("case.escalated") >= 1; }));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
  CHECK(clock.steps() >= 2);
  const auto c = f.center->get_case(ids[0], kOperator);
  REQUIRE(c.ok());
  CHECK(c->overdue);
}

TEST_CASE("the escalation clock stops at once also in the middle of a long wait", "[escalation][clock]") {
  Fixture f;
  f.take_in(1);
  EscalationClock::Options o;
  o.longest_wait = 60'000;
  auto clock = std::make_unique<EscalationClock>(*f.center, f.clock, o);
  REQUIRE(eventually([&] { return clock->passes() >= 1; }));
  const auto started = std::chrono::steady_clock::now();
  clock.reset();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}
