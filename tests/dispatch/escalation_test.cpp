#include <catch2/catch.hpp>

#include <mutex>

#include "dispatch/center.hpp"
#include "dispatch/escalation.hpp"
#include "dispatch/policy.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
using testing::kHour;
using testing::kMinute;

const Actor kOperator{1, "op", Role::operator_, {}, {}};
Actor worker(std::string id) { return {10, "w", Role::worker, {}, std::move(id)}; }

IntakeRequest in_g00(Urgency u) {
  IntakeRequest r;
  r.lon = 118.305;
  r.lat = 24.605;
  r.category = "environment";
  r.urgency = u;
  r.title = "占道经营";
  return r;
}

struct Fixture : testing::CenterFixture {
  std::size_t tick() {
    const auto n = center->tick();
    ledger.drain();
    return n;
  }
  std::vector<CaseEvent> events_of(CaseId id, EventType type) {
    std::vector<CaseEvent> out;
    for (auto& e : ledger.case_events(id))
      if (e.type == type) out.push_back(e);
    return out;
  }
};
}  // namespace

TEST_CASE("next due moment and one escalation step, as pure functions", "[escalation]") {
  const Category env{"environment", "环境卫生", default_sla()};
  Case c;
  c.state = CaseState::dispatched;
  start_clocks(c, env, 0);
  auto m = next_due(c);
  REQUIRE(m);
  CHECK(m->kind == DueKind::accept_warning);
  CHECK(m->at == 18 * kHour);
  auto step = apply_due(c, *m, env);
  CHECK(step.type == EventType::warned);
  CHECK(step.deadline == Deadline::accept);
  CHECK(c.warned);
  CHECK(c.urgency == Urgency::yellow);
  m = next_due(c);
  REQUIRE(m);
  CHECK(m->kind == DueKind::accept_deadline);
  CHECK(m->at == 24 * kHour);
  step = apply_due(c, *m, env);
  CHECK(step.type == EventType::escalated);
  CHECK(step.reason.find("yellow -> orange") != std::string::npos);
  CHECK(step.deadline == Deadline::accept);
  CHECK((step.urgency_from == Urgency::yellow && step.urgency_to == Urgency::orange));
  CHECK((step.tier_from == Tier::worker && step.tier_to == Tier::community));
  CHECK(c.urgency == Urgency::orange);
  CHECK(c.tier == Tier::community);
  CHECK(c.overdue);
  CHECK_FALSE(c.warned);
  CHECK(*c.accept_by == 26 * kHour);  // orange: 2 h from the missed deadline
  CHECK(*c.accept_warn_at == 24 * kHour + 90 * kMinute);
  CHECK(*c.resolve_by == 48 * kHour);
  // Accepted: the resolution clock applies; resolved: no clock.
  c.state = CaseState::accepted;
  CHECK(next_due(c)->kind == DueKind::resolve_warning);
  c.state = CaseState::resolved;
  CHECK_FALSE(next_due(c));
  c.state = CaseState::reported;
  CHECK_FALSE(next_due(c));
}

TEST_CASE("the ladder: yellow -> orange -> red, worker -> community -> street -> district", "[escalation]") {
  Fixture f;
  const Millis t0 = f.clock.now();
  auto c = f.center->intake_and_wait(in_g00(Urgency::yellow), kOperator);
  REQUIRE(c.ok());
  CHECK(f.tick() == 0);
  f.clock.set(t0 + 18 * kHour - 1);
  CHECK(f.tick() == 0);
  f.clock.set(t0 + 18 * kHour);
  CHECK(f.tick() == 1);
  auto now = f.center->get_case(c->id, kOperator);
  CHECK(now->warned);
  CHECK(now->urgency == Urgency::yellow);

  f.clock.set(t0 + 24 * kHour + 5 * kMinute);  // the timer fired a little late
  CHECK(f.tick() == 1);
  now = f.center->get_case(c->id, kOperator);
  CHECK(now->urgency == Urgency::orange);
  CHECK(now->tier == Tier::community);
  CHECK(now->overdue);
  auto escalations = f.events_of(c->id, EventType::escalated);
  REQUIRE(escalations.size() == 1);
  CHECK(escalations[0].at == t0 + 24 * kHour);  // the true due time
  CHECK(escalations[0].actor == "system");

  // Orange: warned at 1.5 h, overdue at 2 h -> red, street.
  f.clock.set(t0 + 26 * kHour);
  CHECK(f.tick() == 2);
  now = f.center->get_case(c->id, kOperator);
  CHECK(now->urgency == Urgency::red);
  CHECK(now->tier == Tier::street);
  // Red: 30 min -> red stays red, district.
  f.clock.set(t0 + 26 * kHour + 30 * kMinute);
  CHECK(f.tick() == 2);
  now = f.center->get_case(c->id, kOperator);
  CHECK(now->urgency == Urgency::red);
  CHECK(now->tier == Tier::district);
  CHECK(f.events_of(c->id, EventType::escalated).size() == 3);
  CHECK(f.events_of(c->id, EventType::warned).size() == 3);

  std::lock_guard lock(f.notices_mutex);
  std::vector<std::string> types;
  for (const auto& n : f.notices) types.push_back(n.type);
  CHECK(types == std::vector<std::string>{"case.created", "case.warned", "case.escalated", "case.warned",
                                          "case.escalated", "case.warned", "case.escalated"});
}

TEST_CASE("accepting and resolving in time stop the clock that applied", "[escalation]") {
  Fixture f;
  const Millis t0 = f.clock.now();
  auto c = f.center->intake_and_wait(in_g00(Urgency::red), kOperator);
  REQUIRE(c.ok());
  f.clock.set(t0 + 20 * kMinute);
  REQUIRE(f.center->transition_and_wait(c->id, {Action::accept, 1, "", {}}, worker("W1")).ok());
  f.clock.set(t0 + 31 * kMinute);  // past the acceptance deadline: no longer applies
  CHECK(f.tick() == 0);
  f.clock.set(t0 + 3 * kHour);  // 75 % of 4 h
  CHECK(f.tick() == 1);
  CHECK(f.center->get_case(c->id, kOperator)->warned);
  f.clock.set(t0 + 3 * kHour + 30 * kMinute);
  REQUIRE(f.center->transition_and_wait(c->id, {Action::resolve, 3, "", {}}, worker("W1")).ok());
  f.clock.set(t0 + 10 * kHour);
  CHECK(f.tick() == 0);
  const auto now = f.center->get_case(c->id, kOperator);
  CHECK_FALSE(now->overdue);
  CHECK(now->urgency == Urgency::red);
  CHECK(now->tier == Tier::worker);
}

TEST_CASE("after a restart, cases that fell due while down escalate once, in order, at their true times",
          "[escalation]") {
  Fixture f;
  const Millis t0 = f.clock.now();
  auto yellow = f.center->intake_and_wait(in_g00(Urgency::yellow), kOperator);
  f.clock.advance(10 * kMinute);
  auto red = f.center->intake_and_wait(in_g00(Urgency::red), kOperator);
  REQUIRE((yellow.ok() && red.ok()));
  f.center.reset();  // the server stops (or crashes) here

  f.clock.set(t0 + 25 * kHour);  // a day later
  f.restart();
  REQUIRE(f.center->next_due_at());
  CHECK(*f.center->next_due_at() == t0 + 10 * kMinute + 22 * kMinute + 30 * 1000);  // red warning at 75 % of 30 min
  const auto steps = f.tick();
  CHECK(steps > 0);
  CHECK(f.tick() == 0);  // once

  const auto y = f.center->get_case(yellow->id, kOperator);
  CHECK(y->urgency == Urgency::orange);  // overdue at 24 h; orange due at 26 h, still ahead
  CHECK(y->tier == Tier::community);
  const auto y_escalations = f.events_of(yellow->id, EventType::escalated);
  REQUIRE(y_escalations.size() == 1);
  CHECK(y_escalations[0].at == t0 + 24 * kHour);

  // The red case: due at 30 min, then every red period from there up to the district,
  // each at its true time; there escalation stops and a day's stop leaves one reminder.
  const auto r_escalations = f.events_of(red->id, EventType::escalated);
  REQUIRE(r_escalations.size() == 3);
  const auto r_reminders = f.events_of(red->id, EventType::reminded);
  REQUIRE(r_reminders.size() == 1);
  CHECK(r_reminders[0].at == t0 + 10 * kMinute + 2 * kHour);  // the district's 30 min ran out then
  Millis expected = t0 + 10 * kMinute + 30 * kMinute;
  for (const auto& e : r_escalations) {
    CHECK(e.at == expected);
    expected += 30 * kMinute;
  }
  CHECK(f.center->get_case(red->id, kOperator)->tier == Tier::district);
  // All events of the restart were stored in due order.
  Millis last = 0;
  for (const auto& e : f.ledger.case_events(red->id)) {
    CHECK(e.at >= last);
    last = e.at;
  }
}

TEST_CASE("deferral pauses the clock and resuming moves the deadlines", "[escalation]") {
  Fixture f;
  const Millis t0 = f.clock.now();
  auto c = f.center->intake_and_wait(in_g00(Urgency::orange), kOperator);
  REQUIRE(c.ok());
  const Millis accept_by = *c->accept_by;
  // The worker asks; only the operator's approval pauses the clock.
  CHECK(f.center->transition_and_wait(c->id, {Action::request_deferral, 1, "", {}}, worker("W1")).error().code ==
        ErrorCode::invalid_value);
  auto asked = f.center->transition_and_wait(c->id, {Action::request_deferral, 1, "等待物业配合", {}}, worker("W1"));
  REQUIRE(asked.ok());
  CHECK_FALSE(asked->paused_at);
  CHECK(f.center->transition_and_wait(c->id, {Action::defer, 2, "同意缓办", {}}, worker("W1")).error().code ==
        ErrorCode::forbidden);
  f.clock.set(t0 + 30 * kMinute);
  auto deferred = f.center->transition_and_wait(c->id, {Action::defer, 2, "同意缓办", {}}, kOperator);
  REQUIRE(deferred.ok());
  CHECK(deferred->deferred);
  CHECK(*deferred->paused_at == t0 + 30 * kMinute);
  CHECK(f.center->transition_and_wait(c->id, {Action::defer, 3, "again", {}}, kOperator).error().code ==
        ErrorCode::conflict);
  // Long past the deadline, nothing happens while paused.
  f.clock.set(t0 + 10 * kHour);
  CHECK(f.tick() == 0);
  auto resumed = f.center->transition_and_wait(c->id, {Action::resume, 3, "", {}}, kOperator);
  REQUIRE(resumed.ok());
  CHECK_FALSE(resumed->paused_at);
  CHECK(resumed->deferred);  // remembered for assessment
  CHECK(*resumed->accept_by == accept_by + 10 * kHour - 30 * kMinute);
  CHECK(f.tick() == 0);
  f.clock.set(*resumed->accept_by);
  CHECK(f.tick() == 2);  // the warning, then the deadline
  CHECK(f.center->get_case(c->id, kOperator)->urgency == Urgency::red);
  CHECK(f.events_of(c->id, EventType::defer).size() == 1);
  CHECK(f.events_of(c->id, EventType::resume).size() == 1);
}

TEST_CASE("deadlines of working-time categories follow the calendar; red counts clock time", "[escalation]") {
  testing::MemoryLedger ledger;
  ledger.initial = testing::small_city();
  ledger.initial.categories[0].working_time = true;                                 // environment
  ManualClock clock(WorkingCalendar::day_of(2026, 3, 6) * 86'400'000 + 8 * kHour);  // Friday 16:00 local
  Center::Options options;
  options.calendar = std::make_shared<WorkingCalendar>(WorkingCalendar::standard());
  Center center(ledger, clock, options);
  center.start();
  auto orange = center.intake_and_wait(in_g00(Urgency::orange), kOperator);
  REQUIRE(orange.ok());
  // 2 h of working time from Friday 16:00: 1.5 h on Friday, 30 min on Monday from 08:30.
  const Millis monday = WorkingCalendar::day_of(2026, 3, 9) * 86'400'000 - 8 * kHour;
  CHECK(*orange->accept_by == monday + 9 * kHour);
  auto red = center.intake_and_wait(in_g00(Urgency::red), kOperator);
  REQUIRE(red.ok());
  CHECK(*red->accept_by == clock.now() + 30 * kMinute);
}

TEST_CASE("emergency mode: at least orange, shorter deadlines, the street's pool, switching back recorded",
          "[escalation]") {
  Fixture f;
  const Actor street_supervisor{2, "sup", Role::supervisor, "S", {}};
  const Actor admin{99, "admin", Role::admin, {}, {}};
  CHECK(f.center->set_mode_and_wait("C1", true, street_supervisor).error().code == ErrorCode::invalid_value);
  CHECK(f.center->set_mode_and_wait("S", true, kOperator).error().code == ErrorCode::forbidden);
  CHECK(f.center->set_mode_and_wait("S2", true, street_supervisor).error().code == ErrorCode::not_found);
  auto on = f.center->set_mode_and_wait("S", true, street_supervisor);
  REQUIRE(on.ok());
  CHECK(on->emergency);

  const Millis t0 = f.clock.now();
  auto c = f.center->intake_and_wait(in_g00(Urgency::yellow), kOperator);
  REQUIRE(c.ok());
  CHECK(c->urgency == Urgency::orange);
  CHECK(*c->accept_by == t0 + kHour);  // orange 2 h, halved

  // Everyone of community C1 unreachable: the street's on-duty workers take the case.
  for (auto id : {"W1", "W2", "W3", "W7"})
    REQUIRE(f.center->set_worker_status_and_wait(id, DutyStatus::leave, admin).ok());
  auto pooled = f.center->intake_and_wait(in_g00(Urgency::red), kOperator);
  REQUIRE(pooled.ok());
  CHECK((pooled->assignee == "W4" || pooled->assignee == "W5" || pooled->assignee == "W6"));
  CHECK(f.center->case_events(pooled->id).back().reason.find("emergency pool of the street") != std::string::npos);

  auto off = f.center->set_mode_and_wait("S", false, street_supervisor);
  REQUIRE(off.ok());
  CHECK_FALSE(off->emergency);
  auto normal = f.center->intake_and_wait(in_g00(Urgency::yellow), kOperator);
  REQUIRE(normal.ok());
  CHECK(normal->urgency == Urgency::yellow);
  CHECK(normal->assignee.empty());  // back to the community's unassigned queue
}

TEST_CASE("category deadlines are configurable by an admin and apply to new cases", "[escalation]") {
  Fixture f;
  const Actor admin{99, "admin", Role::admin, {}, {}};
  auto before = f.center->intake_and_wait(in_g00(Urgency::yellow), kOperator);
  Category env{"environment", "环境卫生", default_sla()};
  env.sla[0] = {3600, 7200};
  CHECK(f.center->update_category_and_wait(env, kOperator).error().code == ErrorCode::forbidden);
  Category bad = env;
  bad.sla[1] = {7200, 3600};
  CHECK(f.center->update_category_and_wait(bad, admin).error().field == "sla.orange");
  bad = env;
  bad.sla[2] = {0, 3600};
  CHECK(f.center->update_category_and_wait(bad, admin).error().code == ErrorCode::invalid_value);
  REQUIRE(f.center->update_category_and_wait(env, admin).ok());
  auto after = f.center->intake_and_wait(in_g00(Urgency::yellow), kOperator);
  REQUIRE((before.ok() && after.ok()));
  CHECK(*after->accept_by - after->created_at == 3600 * 1000);
  CHECK(*f.center->get_case(before->id, kOperator)->accept_by - before->created_at == 24 * kHour);
  bool found = false;
  for (const auto& c : f.center->categories())
    if (c.id == "environment") found = c.deadlines(Urgency::yellow).accept_s == 3600;
  CHECK(found);
}
