// Typed events: one names table for the event types, and the data each event carries in
// typed fields as the center records it (the words in `reason` are for people only).
#include <catch2/catch.hpp>

#include <set>

#include "dispatch/center.hpp"
#include "dispatch/events.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
using testing::at_grid;
using testing::kHour;
using testing::kMinute;
using testing::step;

struct Fixture : testing::CenterFixture {
  std::vector<CaseEvent> events_of(CaseId id, EventType type) {
    ledger.drain();
    std::vector<CaseEvent> out;
    for (auto& e : ledger.case_events(id))
      if (e.type == type) out.push_back(e);
    return out;
  }
  CaseEvent last_event(CaseId id) {
    ledger.drain();
    return ledger.case_events(id).back();
  }
};

const Actor kOperator{1, "op", Role::operator_, {}, {}};
const Actor kAdmin{99, "admin", Role::admin, {}, {}};
Actor worker(std::string id) { return {10, "w", Role::worker, {}, std::move(id)}; }
}  // namespace

TEST_CASE("event types and deadlines have one name each, read back", "[events]") {
  std::set<std::string_view> names;
  for (auto t : kEventTypes) {
    INFO(to_string(t));
    CHECK(names.insert(to_string(t)).second);
    CHECK(event_type_from(to_string(t)) == t);
  }
  CHECK(names.size() == 21);
  // A transition's event is named as its action.
  for (auto a : kActions) CHECK(to_string(event_type_of(a)) == to_string(a));
  CHECK(to_string(EventType::return_case) == "return");
  CHECK(to_string(EventType::register_case) == "register");
  CHECK_FALSE(event_type_from("Escalated"));
  CHECK_FALSE(event_type_from("assigned"));
  CHECK(deadline_from("accept") == Deadline::accept);
  CHECK(deadline_from(to_string(Deadline::resolve)) == Deadline::resolve);
  CHECK_FALSE(deadline_from("close"));
}

TEST_CASE("warnings, escalations and reminders carry the deadline, colours and tiers", "[events]") {
  Fixture f;
  auto c = f.center->intake_and_wait(at_grid(0, 0), kOperator);
  REQUIRE(c.ok());
  // Nobody acts: warnings and escalations up the ladder until the district is reminded.
  for (int i = 0; i < 20 && f.events_of(c->id, EventType::reminded).empty(); ++i) {
    auto due = f.center->next_due_at();
    REQUIRE(due);
    f.clock.set(*due);
    f.center->tick();
  }
  const auto warnings = f.events_of(c->id, EventType::warned);
  REQUIRE(warnings.size() == 4);  // one for each deadline: worker, community, street, district
  for (const auto& w : warnings) {
    CHECK(w.deadline == Deadline::accept);
    CHECK(w.reason == "75 % of the acceptance time has passed");
    CHECK_FALSE(w.urgency_from);
  }
  const auto escalations = f.events_of(c->id, EventType::escalated);
  REQUIRE(escalations.size() == 3);
  const Urgency colours[] = {Urgency::yellow, Urgency::orange, Urgency::red, Urgency::red};
  const Tier tiers[] = {Tier::worker, Tier::community, Tier::street, Tier::district};
  for (std::size_t i = 0; i < escalations.size(); ++i) {
    const auto& e = escalations[i];
    INFO("escalation " << i);
    CHECK(e.deadline == Deadline::accept);
    CHECK(e.urgency_from == colours[i]);
    CHECK(e.urgency_to == colours[i + 1]);
    CHECK(e.tier_from == tiers[i]);
    CHECK(e.tier_to == tiers[i + 1]);
    CHECK(e.actor == "system");
  }
  CHECK(escalations[0].reason == "not accepted in time: yellow -> orange, worker -> community");
  const auto reminders = f.events_of(c->id, EventType::reminded);
  REQUIRE(reminders.size() == 1);
  CHECK(reminders[0].deadline == Deadline::accept);
  CHECK_FALSE(reminders[0].tier_from);

  // Accepted at the top: the resolution deadline is the one warned of and missed.
  const auto now = f.center->get_case(c->id, kOperator);
  REQUIRE(now.ok());
  auto accepted = f.center->transition_and_wait(c->id, step(Action::accept, now->version), worker("W1"));
  REQUIRE(accepted.ok());
  for (int i = 0; i < 4 && f.events_of(c->id, EventType::reminded).size() < 2; ++i) {
    f.clock.set(*f.center->next_due_at());
    f.center->tick();
  }
  CHECK(f.events_of(c->id, EventType::warned).back().deadline == Deadline::resolve);
  CHECK(f.events_of(c->id, EventType::reminded).back().deadline == Deadline::resolve);
}

TEST_CASE("rework, pause, return, re-dispatch and rating carry their data", "[events]") {
  Fixture f;
  auto c = f.center->intake_and_wait(at_grid(1, 0), kOperator);
  REQUIRE(c.ok());
  const CaseId id = c->id;
  CHECK(f.last_event(id).type == EventType::register_case);
  CHECK(f.last_event(id).assignee_from.empty());  // from nobody
  REQUIRE(f.center->transition_and_wait(id, step(Action::accept, 1), worker("W4")).ok());
  REQUIRE(f.center->transition_and_wait(id, step(Action::resolve, 2), worker("W4")).ok());
  REQUIRE(f.center->transition_and_wait(id, step(Action::reopen, 3, "未清理干净"), kOperator).ok());
  auto e = f.last_event(id);
  CHECK(e.type == EventType::reopen);
  CHECK(e.rework == 1);
  CHECK(e.reason == "rework 1");
  CHECK(e.note == "未清理干净");

  REQUIRE(f.center->transition_and_wait(id, step(Action::defer, 4, "等待物业配合"), kOperator).ok());
  f.clock.advance(90 * kMinute + 30'000);
  REQUIRE(f.center->transition_and_wait(id, step(Action::resume, 5), kOperator).ok());
  e = f.last_event(id);
  CHECK(e.type == EventType::resume);
  CHECK(e.paused_ms == 90 * kMinute + 30'000);
  CHECK(e.reason == "paused for 90 min");

  REQUIRE(f.center->transition_and_wait(id, step(Action::return_case, 6, "不属于本网格"), worker("W4")).ok());
  e = f.last_event(id);
  CHECK(e.type == EventType::return_case);
  CHECK(e.assignee_from == "W4");
  CHECK(e.assignee.empty());
  CHECK(e.reason == "不属于本网格");
  TransitionRequest to_w7 = step(Action::reassign, 7);
  to_w7.assignee = "W7";
  REQUIRE(f.center->transition_and_wait(id, to_w7, kOperator).ok());
  CHECK(f.last_event(id).assignee_from.empty());  // it waited in the operator's queue
  TransitionRequest to_w5 = step(Action::reassign, 8);
  to_w5.assignee = "W5";
  REQUIRE(f.center->transition_and_wait(id, to_w5, kOperator).ok());
  CHECK(f.last_event(id).assignee_from == "W7");
  CHECK(f.last_event(id).assignee == "W5");

  REQUIRE(f.center->transition_and_wait(id, step(Action::accept, 9), worker("W5")).ok());
  REQUIRE(f.center->transition_and_wait(id, step(Action::resolve, 10), worker("W5")).ok());
  REQUIRE(f.center->transition_and_wait(id, step(Action::close, 11), kOperator).ok());
  for (const auto& plain : f.ledger.case_events(id))
    if (plain.type == EventType::accept || plain.type == EventType::close) {
      CHECK_FALSE(plain.score);
      CHECK_FALSE(plain.deadline);
      CHECK(plain.assignee_from.empty());
    }
  auto rated = f.center->rate_and_wait(id, 4, "满意", kOperator);
  REQUIRE(rated.ok());
  CHECK(rated->type == EventType::rated);
  CHECK(rated->score == 4);
  CHECK(rated->reason == "score 4");
  CHECK(f.last_event(id).score == 4);
}

TEST_CASE("a handover names the worker it took the case from and the grid's posts", "[events]") {
  Fixture f;
  auto held = f.center->intake_and_wait(at_grid(0, 0), kOperator);
  REQUIRE(held.ok());
  REQUIRE(held->assignee == "W1");
  auto grid = f.center->reassign_grid_and_wait("G0-0", "W7", "W3", kAdmin);
  REQUIRE(grid.ok());
  const auto e = f.last_event(held->id);
  CHECK(e.type == EventType::handover);
  CHECK(e.assignee_from == "W1");
  CHECK(e.assignee == "W7");
  REQUIRE(e.posts);
  CHECK(*e.posts == PostChange{"W1", "W7", "W2", "W3"});
}

TEST_CASE("a case raised by emergency mode says from which colour", "[events]") {
  Fixture f;
  REQUIRE(f.center->set_mode_and_wait("S", true, kAdmin).ok());
  auto c = f.center->intake_and_wait(at_grid(0, 0), kOperator);
  REQUIRE(c.ok());
  f.ledger.drain();
  const auto created = f.ledger.case_events(c->id).front();
  CHECK(created.type == EventType::created);
  CHECK(created.urgency_from == Urgency::yellow);
  CHECK(created.urgency_to == Urgency::orange);
  auto red = f.center->intake_and_wait(at_grid(0, 0, Urgency::red), kOperator);
  REQUIRE(red.ok());
  f.ledger.drain();
  CHECK_FALSE(f.ledger.case_events(red->id).front().urgency_from);
}
