// The ceiling of escalation: at the top (red, district) a case stays overdue, escalation
// stops and the district is reminded at most once a day.
#include <catch2/catch.hpp>

#include <algorithm>
#include <mutex>

#include "dispatch/center.hpp"
#include "dispatch/escalation.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
using testing::kDay;
using testing::kHour;
using testing::kMinute;

const Actor kOperator{1, "op", Role::operator_, {}, {}};
const Actor kStreetSupervisor{2, "sup_s", Role::supervisor, "S", {}};
const Actor kDistrictSupervisor{3, "sup_d", Role::supervisor, "D", {}};
Actor worker(std::string id) { return {10, "w", Role::worker, {}, std::move(id)}; }

IntakeRequest red_in_g00() {
  IntakeRequest r;
  r.lon = 118.305;
  r.lat = 24.605;
  r.category = "environment";
  r.urgency = Urgency::red;
  r.title = "燃气泄漏";
  return r;
}

struct Fixture {
  testing::MemoryLedger ledger;
  ManualClock clock;
  Center::Options options;
  std::unique_ptr<Center> center;
  std::mutex m;
  std::vector<CaseNotice> notices;
  explicit Fixture(Millis start = 0, std::shared_ptr<const WorkingCalendar> calendar = {}, bool working_time = false)
      : clock(start ? start : ManualClock().now()) {
    ledger.initial = testing::small_city();
    ledger.initial.categories[0].working_time = working_time;  // environment
    options.calendar = std::move(calendar);
    restart();
  }
  void restart() {
    ledger.drain();
    center = std::make_unique<Center>(ledger, clock, options);
    center->start();
    center->subscribe([this](const CaseNotice& n) {
      std::lock_guard lock(m);
      notices.push_back(n);
    });
  }
  std::size_t tick() {
    std::size_t n = 0;
    for (std::size_t s = center->tick(); s > 0; s = center->tick()) n += s;
    ledger.drain();
    return n;
  }
  // Acts like the server's timer: wakes at each due moment up to `until`.
  void run_until(Millis until) {
    for (auto due = center->next_due_at(); due && *due <= until; due = center->next_due_at()) {
      clock.set(std::max(clock.now(), *due));
      tick();
    }
    clock.set(until);
  }
  std::vector<CaseEvent> events_of(CaseId id, EventType type) {
    std::vector<CaseEvent> out;
    for (auto& e : ledger.case_events(id))
      if (e.type == type) out.push_back(e);
    return out;
  }
  std::size_t notices_of(const std::string& type) {
    std::lock_guard lock(m);
    return static_cast<std::size_t>(
        std::count_if(notices.begin(), notices.end(), [&](const CaseNotice& n) { return n.type == type; }));
  }
};

// A red case reaches the district after three red periods of 30 min; the district's own
// 30 min end 2 h after intake.
constexpr Millis kTopDeadline = 2 * kHour;
}  // namespace

TEST_CASE("a red case nobody accepts stops at the district: a week and 300 days stay small", "[escalation][ceiling]") {
  for (const int days : {7, 300}) {
    INFO(days << " days");
    Fixture f;
    const Millis t0 = f.clock.now();
    auto c = f.center->intake_and_wait(red_in_g00(), kOperator);
    REQUIRE(c.ok());
    f.run_until(t0 + days * kDay);

    const auto now = f.center->get_case(c->id, kOperator);
    CHECK(now->urgency == Urgency::red);
    CHECK(now->tier == Tier::district);
    CHECK(now->overdue);
    CHECK(f.events_of(c->id, EventType::escalated).size() == static_cast<std::size_t>(kEscalationsToTop));
    // Warnings once per deadline: three on the ladder and one for the district's deadline.
    const auto warnings = f.events_of(c->id, EventType::warned);
    CHECK(warnings.size() == 4);
    CHECK(warnings.back().at == t0 + kTopDeadline - 7 * kMinute - 30'000);
    // One reminder a day from the district's missed deadline.
    const auto reminders = f.events_of(c->id, EventType::reminded);
    REQUIRE(reminders.size() == static_cast<std::size_t>(days));
    for (std::size_t i = 0; i < reminders.size(); ++i)
      CHECK(reminders[i].at == t0 + kTopDeadline + static_cast<Millis>(i) * kDay);
    CHECK(f.ledger.case_events(c->id).size() == 2 + 3 + 4 + static_cast<std::size_t>(days));  // created, register
    CHECK(f.notices_of("case.reminded") == static_cast<std::size_t>(days));
    CHECK(f.notices_of("case.escalated") == 3);
  }
}

TEST_CASE("reminders fall once a working day; weekends and holidays give none", "[escalation][ceiling]") {
  auto calendar = std::make_shared<WorkingCalendar>(WorkingCalendar::standard());
  const std::int64_t friday = WorkingCalendar::day_of(2026, 3, 6);
  calendar->holidays.insert(friday + 4);  // Tuesday
  const Millis local_midnight_friday = friday * kDay - 8 * kHour;
  Fixture f(local_midnight_friday + 16 * kHour, calendar, /*working_time=*/true);
  const Millis t0 = f.clock.now();
  auto c = f.center->intake_and_wait(red_in_g00(), kOperator);
  REQUIRE(c.ok());
  f.run_until(local_midnight_friday + 5 * kDay + 12 * kHour);  // Wednesday noon

  CHECK(f.center->get_case(c->id, kOperator)->tier == Tier::district);  // red counts clock time
  const auto reminders = f.events_of(c->id, EventType::reminded);
  std::vector<Millis> at;
  for (const auto& e : reminders) at.push_back(e.at);
  const Millis start_of_work = 8 * kHour + 30 * kMinute;
  CHECK(at == std::vector<Millis>{t0 + kTopDeadline,                                   // Friday 18:00, a working day
                                  local_midnight_friday + 3 * kDay + start_of_work,    // Monday
                                  local_midnight_friday + 5 * kDay + start_of_work});  // Wednesday
  // A case whose category counts clock time is reminded every 24 h, weekends included.
  Fixture clock_time(local_midnight_friday + 16 * kHour, calendar, /*working_time=*/false);
  auto d = clock_time.center->intake_and_wait(red_in_g00(), kOperator);
  REQUIRE(d.ok());
  clock_time.run_until(local_midnight_friday + 5 * kDay + 12 * kHour);
  CHECK(clock_time.events_of(d->id, EventType::reminded).size() == 5);  // Fri 18:00 .. Tue 18:00
}

TEST_CASE("after a stop, a case at the top gets one reminder, at the latest time it fell due",
          "[escalation][ceiling]") {
  Fixture f;
  const Millis t0 = f.clock.now();
  auto c = f.center->intake_and_wait(red_in_g00(), kOperator);
  REQUIRE(c.ok());
  f.run_until(t0 + kTopDeadline + kHour);
  REQUIRE(f.events_of(c->id, EventType::reminded).size() == 1);
  f.center.reset();  // the server stops here

  f.clock.set(t0 + kTopDeadline + 5 * kDay + kHour);  // five days later
  f.restart();
  CHECK(f.tick() == 1);
  auto reminders = f.events_of(c->id, EventType::reminded);
  REQUIRE(reminders.size() == 2);
  CHECK(reminders[1].at == t0 + kTopDeadline + 5 * kDay);
  CHECK(f.tick() == 0);
  CHECK(*f.center->next_due_at() == t0 + kTopDeadline + 6 * kDay);
  // And once more a restart before the next one is due gives nothing.
  f.center.reset();
  f.restart();
  CHECK(f.tick() == 0);
  CHECK(f.events_of(c->id, EventType::escalated).size() == 3);
  CHECK(f.events_of(c->id, EventType::warned).size() == 4);
}

TEST_CASE("under the top the ladder works after a re-dispatch and a deferral; at the top a new deadline is warned once",
          "[escalation][ceiling]") {
  Fixture f;
  const Millis t0 = f.clock.now();
  auto c = f.center->intake_and_wait(red_in_g00(), kOperator);
  REQUIRE(c.ok());
  f.run_until(t0 + 70 * kMinute);
  auto now = f.center->get_case(c->id, kOperator);
  REQUIRE(now->tier == Tier::street);
  // The street re-dispatches: a new acceptance deadline, missed, rises to the district.
  auto moved =
      f.center->transition_and_wait(c->id, {Action::reassign, now->version, "", WorkerId("W2")}, kStreetSupervisor);
  REQUIRE(moved.ok());
  CHECK(*moved->accept_by == t0 + 100 * kMinute);
  f.run_until(t0 + 100 * kMinute);
  now = f.center->get_case(c->id, kOperator);
  CHECK(now->tier == Tier::district);
  CHECK(f.events_of(c->id, EventType::escalated).size() == 3);

  // A deferral at the top: nothing while paused, then the district's deadline, moved by the pause.
  f.clock.set(t0 + 110 * kMinute);
  REQUIRE(f.center->transition_and_wait(c->id, {Action::defer, now->version, "等待燃气公司", {}}, kOperator).ok());
  f.run_until(t0 + 3 * kDay);
  CHECK(f.events_of(c->id, EventType::reminded).empty());
  now = f.center->get_case(c->id, kOperator);
  auto resumed = f.center->transition_and_wait(c->id, {Action::resume, now->version, "", {}}, kOperator);
  REQUIRE(resumed.ok());
  const Millis deadline = *resumed->accept_by;
  CHECK(deadline == t0 + 3 * kDay + 20 * kMinute);
  f.run_until(deadline + 2 * kHour);
  CHECK(f.events_of(c->id, EventType::escalated).size() == 3);
  CHECK(f.events_of(c->id, EventType::warned).size() == 4);
  auto reminders = f.events_of(c->id, EventType::reminded);
  REQUIRE(reminders.size() == 1);
  CHECK(reminders[0].at == deadline);

  // The district re-dispatches: a new deadline, warned once; missed, it brings no second
  // reminder the same day, only the next day's.
  now = f.center->get_case(c->id, kOperator);
  auto again =
      f.center->transition_and_wait(c->id, {Action::reassign, now->version, "", WorkerId("W3")}, kDistrictSupervisor);
  REQUIRE(again.ok());
  f.run_until(deadline + kDay + kHour);
  CHECK(f.events_of(c->id, EventType::warned).size() == 5);
  reminders = f.events_of(c->id, EventType::reminded);
  REQUIRE(reminders.size() == 2);
  CHECK(reminders[1].at == deadline + kDay);
  CHECK(f.events_of(c->id, EventType::escalated).size() == 3);

  // Accepted at last: the resolution clock applies; its deadline too brings reminders only.
  now = f.center->get_case(c->id, kOperator);
  REQUIRE(f.center->transition_and_wait(c->id, {Action::accept, now->version, "", {}}, worker("W3")).ok());
  f.run_until(deadline + 4 * kDay);
  CHECK(f.events_of(c->id, EventType::escalated).size() == 3);
  CHECK(f.events_of(c->id, EventType::reminded).size() == 5);  // the next days' only
}

TEST_CASE("the escalation schedule stays bounded by the open cases however many are closed", "[escalation][memory]") {
  Fixture f;
  auto yellow = red_in_g00();
  yellow.urgency = Urgency::yellow;
  // Every case taken in and cancelled at once leaves schedule entries that fall due only a
  // day later: they must not pile up.
  for (int i = 0; i < 20'000; ++i) {
    auto c = f.center->intake_and_wait(yellow, kOperator);
    REQUIRE(c.ok());
    auto gone = f.center->transition_and_wait(c->id, {Action::cancel, c->version, "重复", {}}, kOperator);
    REQUIRE(gone.ok());
    if (i % 1000 == 0) f.ledger.drain();
  }
  auto kept = f.center->intake_and_wait(yellow, kOperator);
  REQUIRE(kept.ok());
  f.ledger.drain();
  CHECK(f.center->scheduled() <= 2 * f.center->open_case_count() + 4096);
  // The open one is still escalated at its time.
  f.run_until(f.clock.now() + 25 * kHour);
  CHECK_FALSE(f.events_of(kept->id, EventType::warned).empty());
  CHECK_FALSE(f.events_of(kept->id, EventType::escalated).empty());
}
