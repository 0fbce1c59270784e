// The supervisor's rules: one definition of "overdue by colour" for the overdue map and the
// assessment, the map's steps, the order of the overdue list, and 催办 (urging).
#include <catch2/catch.hpp>

#include <string>

#include "dispatch/access.hpp"
#include "dispatch/area_counts.hpp"
#include "dispatch/assessment.hpp"
#include "dispatch/center.hpp"
#include "dispatch/overdue_colour.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;
using testing::at_grid;
using testing::kHour;
using testing::kMinute;
using testing::step;
using testing::T0;

namespace {
const Actor kSystem{};
const Actor kOp{1, "op", Role::operator_, {}, {}};

Organisation organisation() {
  const auto city = testing::small_city();
  Organisation org;
  org.jurisdictions = city.jurisdictions;
  org.grids = city.grids;
  org.workers = city.workers;
  return org;
}
}  // namespace

TEST_CASE("the map's steps: by the share of open cases overdue, served thresholds rising", "[overdue][steps]") {
  CHECK(overdue_step(0, 0) == 0);
  CHECK(overdue_step(0, 50) == 0);
  CHECK(overdue_step(1, 100) == 1);  // one among a hundred: the palest step, not the darkest
  CHECK(overdue_step(1, 11) == 1);
  CHECK(overdue_step(1, 10) == 2);
  CHECK(overdue_step(1, 4) == 3);
  CHECK(overdue_step(1, 2) == 4);
  CHECK(overdue_step(16, 16) == 4);
  CHECK(overdue_step(5, 0) == 0);  // nothing open: nothing to colour
  CHECK(overdue_per_mille(1, 3) == 333);
  CHECK(overdue_per_mille(7, 3) == 1000);
  for (std::size_t i = 1; i < kOverdueSteps.size(); ++i) {
    CHECK(kOverdueSteps[i].step == static_cast<int>(i));
    CHECK(kOverdueSteps[i].min_per_mille > kOverdueSteps[i - 1].min_per_mille);
  }
}

TEST_CASE("a case counts as overdue under the colour whose deadline it missed first", "[overdue][colour]") {
  Case c;
  c.urgency = Urgency::orange;
  CHECK_FALSE(overdue_colour_of(c));
  c.overdue = true;
  CHECK(overdue_colour_of(c) == Urgency::orange);  // stored before the colour was kept
  c.overdue_colour = Urgency::yellow;
  CHECK(overdue_colour_of(c) == Urgency::yellow);
  std::optional<Urgency> first;
  note_missed(first, Urgency::yellow);
  note_missed(first, Urgency::orange);
  CHECK(first == Urgency::yellow);
}

TEST_CASE("the overdue map and the assessment count overdue cases by colour alike", "[overdue][colour][center]") {
  testing::MemoryLedger ledger;
  ledger.initial = testing::small_city();
  ManualClock clock(T0);
  Center center(ledger, clock);
  center.start();
  // Yellow, orange and red cases in three grids; one yellow case is accepted in time.
  std::vector<CaseId> ids;
  for (auto [row, col, u] : {std::tuple{0, 0, Urgency::yellow},
                             {0, 1, Urgency::yellow},
                             {1, 0, Urgency::orange},
                             {1, 1, Urgency::red},
                             {0, 2, Urgency::red}}) {
    auto c = center.intake_and_wait(at_grid(row, col, u), kOp);
    REQUIRE(c.ok());
    ids.push_back(c->id);
  }
  // 3 hours: the red and orange cases miss acceptance (30 min, 2 h) and go up a colour; the
  // yellow ones are still in time. Then 25 hours: the yellow ones miss theirs too.
  clock.advance(3 * kHour);
  while (center.tick() > 0) {
  }
  clock.advance(25 * kHour);
  while (center.tick() > 0) {
  }
  ledger.drain();

  std::array<std::int64_t, 3> on_map{};
  for (const auto& a : center.area_counts(Level::grid, kSystem))
    for (auto u : kUrgencies) on_map[static_cast<std::size_t>(u)] += a.of(u).overdue;
  std::vector<CaseHistory> history;
  for (CaseId id : ids) history.push_back({*ledger.find_case(id), ledger.case_events(id)});
  const auto now = clock.now();
  const auto figures = assess(history, organisation(), AssessmentRules{}, {T0, now + 1}, now).total;
  CHECK(figures.overdue == 5);
  CHECK(on_map == figures.overdue_by_colour);
  CHECK(on_map == std::array<std::int64_t, 3>{2, 1, 2});
  // Shown raised: no open case is yellow now, though two count as yellow overdue.
  std::int64_t yellow_open = 0;
  for (const auto& a : center.area_counts(Level::grid, kSystem)) yellow_open += a.of(Urgency::yellow).open;
  CHECK(yellow_open == 0);
  // What storage keeps of each case says the same, and the moment it first went overdue.
  for (CaseId id : ids) {
    const auto stored = *ledger.find_case(id);
    const auto facts = facts_of({stored, ledger.case_events(id)}, now);
    CHECK(overdue_colour_of(stored) == facts.overdue_colour);
    CHECK(stored.overdue_at == facts.overdue_at);
  }
  // After a restart (the cases read back from storage) the map counts the same.
  Center again(ledger, clock);
  again.start();
  std::array<std::int64_t, 3> restarted{};
  for (const auto& a : again.area_counts(Level::grid, kSystem))
    for (auto u : kUrgencies) restarted[static_cast<std::size_t>(u)] += a.of(u).overdue;
  CHECK(restarted == on_map);
}

TEST_CASE("the overdue list: longest overdue first, then the higher tier, then the older case", "[overdue][list]") {
  Case a, b, c, d;
  a.id = 1, a.overdue_at = T0 + kHour, a.tier = Tier::community;
  b.id = 2, b.overdue_at = T0, b.tier = Tier::community;
  c.id = 3, c.overdue_at = T0 + kHour, c.tier = Tier::street;
  d.id = 4, d.created_at = T0 - kMinute;  // no moment kept: by its intake
  std::vector<Case> v{a, b, c, d};
  std::sort(v.begin(), v.end(), overdue_longer);
  CHECK(v[0].id == 4);
  CHECK(v[1].id == 2);
  CHECK(v[2].id == 3);
  CHECK(v[3].id == 1);
}

TEST_CASE("催办: supervisors in scope and admins urge a case being worked on, with a note", "[urge][access]") {
  testing::CenterFixture f;
  auto c = f.center->intake_and_wait(at_grid(0, 0), kOp);
  REQUIRE(c.ok());
  REQUIRE(c->state == CaseState::dispatched);
  TransitionRequest urge = step(Action::urge, 0, "请今天内处理");
  urge.any_version = true;
  const Actor sup_in{2, "sup", Role::supervisor, "C1", {}};
  const Actor sup_out{3, "sup2", Role::supervisor, "S2", {}};
  const Actor admin{4, "admin", Role::admin, {}, {}};
  const Actor worker{10, "w1", Role::worker, {}, c->assignee};

  // Others may not: an operator, the worker itself; a supervisor elsewhere does not see it.
  CHECK(f.center->transition_and_wait(c->id, urge, kOp).error().code == ErrorCode::forbidden);
  CHECK(f.center->transition_and_wait(c->id, urge, worker).error().code == ErrorCode::forbidden);
  CHECK(f.center->transition_and_wait(c->id, urge, sup_out).error().code == ErrorCode::not_found);
  // A note is needed, and a clean one.
  auto bare = urge;
  bare.note.clear();
  auto r = f.center->transition_and_wait(c->id, bare, sup_in);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::invalid_value);
  CHECK(r.error().field == "note");
  for (std::string hostile : {std::string("a\x01b"), std::string("a\u202Eb"), std::string(20000, 'x')}) {
    auto bad = urge;
    bad.note = hostile;
    auto refused = f.center->transition_and_wait(c->id, bad, sup_in);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::invalid_value);
  }
  CHECK(f.center->get_case(c->id, kSystem)->version == c->version);  // nothing changed

  const auto before = f.notice_count();
  auto urged = f.center->transition_and_wait(c->id, urge, sup_in);
  REQUIRE(urged.ok());
  CHECK(urged->state == CaseState::dispatched);  // the state stays
  CHECK(urged->assignee == c->assignee);
  REQUIRE(f.center->transition_and_wait(c->id, urge, admin).ok());
  f.ledger.drain();
  const auto events = f.ledger.case_events(c->id);
  REQUIRE(events.size() >= 2);
  CHECK(events.back().type == EventType::urge);
  CHECK(events.back().note == "请今天内处理");
  CHECK(events.back().actor == admin.label());
  // The holder hears of it at once: a notice of its own kind.
  REQUIRE(f.notice_count() >= before + 2);
  {
    std::lock_guard lock(f.notices_mutex);
    CHECK(f.notices[before].type == "case.urged");
    CHECK(f.notices[before].current.id == c->id);
  }
  // A resolved case waits for the operator: nothing to urge.
  const Actor w{10, "w1", Role::worker, {}, c->assignee};
  auto now = *f.center->get_case(c->id, kSystem);
  REQUIRE(f.center->transition_and_wait(c->id, step(Action::accept, now.version), w).ok());
  REQUIRE(f.center->transition_and_wait(c->id, step(Action::resolve, now.version + 1), w).ok());
  CHECK(f.center->transition_and_wait(c->id, urge, sup_in).error().code == ErrorCode::illegal_transition);
}
