#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "dispatch/area_counts.hpp"
#include "dispatch/center.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
using Fixture = testing::CenterFixture;

const Actor kSystem{};
const Actor kAdmin{99, "admin", Role::admin, {}, {}};
Actor operator_at(std::string scope = {}) { return {1, "op", Role::operator_, std::move(scope), {}}; }
Actor supervisor_at(std::string scope) { return {2, "sup", Role::supervisor, std::move(scope), {}}; }
Actor worker(std::string id) { return {10, "w", Role::worker, {}, std::move(id)}; }

// The counts as a walk over the open cases the actor sees would make them.
std::vector<AreaCounts> recount(const Center& center, Level level, const Actor& actor) {
  std::vector<AreaKey> keys;
  center.for_each_open_case(actor, [&](const Case& c) { keys.push_back(AreaKey::of(c)); });
  return count_areas(level, keys);
}

std::string describe(const std::vector<AreaCounts>& areas) {
  std::string out;
  for (const auto& a : areas) {
    out += a.code + ":";
    for (const auto& r : a.by_urgency)
      out += " " + std::to_string(r.open) + "/" + std::to_string(r.warned) + "/" + std::to_string(r.overdue);
    out += "; ";
  }
  return out;
}
}  // namespace

TEST_CASE("area counts add up a case's colour and state in its grid, community and street", "[counts]") {
  AreaTallies t;
  Case c;
  c.grid = "G";
  c.community = "C";
  c.street = "S";
  c.urgency = Urgency::red;
  c.warned = true;
  t.add(AreaKey::of(c), +1);
  c.urgency = Urgency::yellow;
  c.warned = false;
  c.overdue = true;
  t.add(AreaKey::of(c), +1);
  for (auto level : kCountedLevels) {
    const auto a = t.get(level, level == Level::grid ? "G" : level == Level::community ? "C" : "S");
    CHECK(a.total() == UrgencyTally{2, 1, 1});
    CHECK(a.of(Urgency::red) == UrgencyTally{1, 1, 0});
    CHECK(a.of(Urgency::yellow) == UrgencyTally{1, 0, 1});
    CHECK(a.worst() == Urgency::red);
  }
  t.add(AreaKey::of(c), -1);
  c.urgency = Urgency::red;
  c.warned = true;
  c.overdue = false;
  t.add(AreaKey::of(c), -1);
  CHECK(t.size(Level::grid) == 0);
  CHECK(t.get(Level::street, "S").empty());
  CHECK_FALSE(t.get(Level::street, "S").worst());
  t.add(AreaKey::of(c), -1);  // never counted: nothing goes below zero
  CHECK(t.size(Level::community) == 0);
  CHECK(t.of(Level::district).empty());
}

TEST_CASE("the kept counts equal a recount after a long random run of every kind of change", "[counts][center]") {
  Fixture f;
  std::mt19937 rng(20261206);
  auto pick = [&](int n) { return static_cast<int>(std::uniform_int_distribution<int>(0, n - 1)(rng)); };
  const std::vector<Actor> views{kSystem,
                                 operator_at(),
                                 operator_at("S"),
                                 supervisor_at("C1"),
                                 supervisor_at("C2"),
                                 supervisor_at("S"),
                                 supervisor_at("D"),
                                 worker("W1"),
                                 worker("W4"),
                                 operator_at("S2")};
  const std::vector<Action> actions{Action::accept,   Action::resolve,       Action::close,
                                    Action::reopen,   Action::cancel,        Action::return_case,
                                    Action::reassign, Action::register_case, Action::request_deferral,
                                    Action::defer,    Action::resume,        Action::note};
  const std::vector<std::string> workers_c1{"W1", "W2", "W3", "W7"}, workers_c2{"W4", "W5", "W6"};
  std::size_t failures = 0, notices_checked = 0, steps_taken = 0;
  for (int round = 0; round < 600; ++round) {
    const std::size_t notices_before = f.notice_count();
    const bool fail = pick(12) == 0;
    if (fail) f.ledger.fail_next = 1;
    const int op = pick(10);
    if (op < 3) {
      auto r = testing::at_grid(pick(2), pick(3), kUrgencies[static_cast<std::size_t>(pick(3))]);
      r.category = pick(2) ? "environment" : "safety_hazard";
      (void)f.center->intake_and_wait(r, operator_at());
    } else if (op < 7) {
      std::vector<Case> open;
      f.center->for_each_open_case(kSystem, [&](const Case& c) { open.push_back(c); });
      if (!open.empty()) {
        const Case c = open[static_cast<std::size_t>(pick(static_cast<int>(open.size())))];
        TransitionRequest t;
        t.action = actions[static_cast<std::size_t>(pick(static_cast<int>(actions.size())))];
        t.version = c.version;
        t.note = "说明";
        // Whoever may take the step: the assignee, an operator, the district's supervisor, an admin.
        for (const auto& actor : {worker(c.assignee), operator_at(), supervisor_at("D"), kAdmin})
          if (f.center->transition_and_wait(c.id, t, actor).ok()) break;
      }
    } else if (op < 9) {
      f.clock.advance(pick(4) == 0 ? testing::kDay : pick(180) * testing::kMinute);
      steps_taken += f.center->tick_until_idle(pick(2) ? 3 : 10'000);
    } else {
      const bool c1 = pick(2) == 0;
      const auto& pool = c1 ? workers_c1 : workers_c2;
      const std::string grid = std::string(c1 ? "G0-" : "G1-") + std::to_string(pick(3));
      const auto owner = pool[static_cast<std::size_t>(pick(static_cast<int>(pool.size())))];
      auto backup = pool[static_cast<std::size_t>(pick(static_cast<int>(pool.size())))];
      if (backup == owner) backup.clear();
      (void)f.center->reassign_grid_and_wait(grid, owner, backup, operator_at());
    }
    f.ledger.drain();
    if (fail) {
      failures += f.ledger.fail_next == 0;
      f.ledger.fail_next = 0;
    }
    for (auto level : kCountedLevels) {
      for (const auto& actor : views) {
        const auto kept = f.center->area_counts(level, actor);
        const auto counted = recount(*f.center, level, actor);
        INFO("round " << round << ", level " << to_string(level) << ", scope " << actor.scope << ", worker "
                      << actor.worker_id << "\nkept    " << describe(kept) << "\ncounted " << describe(counted));
        REQUIRE(kept == counted);
      }
    }
    // The notices carry the counts of their areas as they stood after their change, in
    // commit order: the last word on each area this round is its count now.
    std::lock_guard lock(f.notices_mutex);
    std::map<std::string, AreaCounts> last;
    for (std::size_t i = notices_before; i < f.notices.size(); ++i) {
      const auto& n = f.notices[i];
      const auto& c = n.current;
      for (const auto* code : {&c.grid, &c.community, &c.street})
        CHECK(std::any_of(n.areas.begin(), n.areas.end(), [&](const AreaCounts& a) { return a.code == *code; }));
      for (const auto& a : n.areas) last[a.code] = a;
    }
    for (const auto& [code, a] : last) {
      const auto all = f.center->area_counts(a.level, kSystem);
      auto it = std::find_if(all.begin(), all.end(), [&](const AreaCounts& x) { return x.code == code; });
      INFO("round " << round << ", area " << code);
      if (it == all.end()) CHECK(a.empty());
      else CHECK(*it == a);
      ++notices_checked;
    }
  }
  CHECK(failures > 10);
  CHECK(steps_taken > 50);
  CHECK(notices_checked > 300);
  // And a restart counts the stored open cases afresh to the same figures.
  f.restart();
  CHECK(f.center->area_counts(Level::grid, kSystem) == recount(*f.center, Level::grid, kSystem));
}

TEST_CASE("area counts by view: a level above the scope shows the scope's own cases, workers their own",
          "[counts][center]") {
  Fixture f;
  REQUIRE(f.center->intake_and_wait(testing::at_grid(0, 0, Urgency::red), operator_at()).ok());     // C1
  REQUIRE(f.center->intake_and_wait(testing::at_grid(1, 0, Urgency::orange), operator_at()).ok());  // C2
  f.ledger.drain();
  const auto street = f.center->area_counts(Level::street, kSystem);
  REQUIRE(street.size() == 1);
  CHECK(street[0].total().open == 2);
  const auto sup_street = f.center->area_counts(Level::street, supervisor_at("C1"));
  REQUIRE(sup_street.size() == 1);
  CHECK(sup_street[0].code == "S");
  CHECK(sup_street[0].total().open == 1);
  CHECK(sup_street[0].worst() == Urgency::red);
  CHECK(f.center->area_counts(Level::community, supervisor_at("C1")).size() == 1);
  CHECK(f.center->area_counts(Level::grid, operator_at("S2")).empty());
  CHECK(f.center->area_counts(Level::district, kSystem).empty());
  CHECK(f.center->area_counts(Level::grid, operator_at("nowhere")).empty());
  // Which areas of a notice a reader may see: never its street for a community's supervisor,
  // nothing for a worker (its view is its own cases).
  std::vector<AreaCounts> areas{
      {Level::grid, "G0-0", {}}, {Level::community, "C1", {}}, {Level::street, "S", {}}, {Level::community, "C2", {}}};
  CHECK(f.center->areas_seen(areas, supervisor_at("C1")) == 0b0011);
  CHECK(f.center->areas_seen(areas, supervisor_at("S")) == 0b1111);
  CHECK(f.center->areas_seen(areas, operator_at("S2")) == 0);
  CHECK(f.center->areas_seen(areas, worker("W1")) == 0);
  CHECK(f.center->areas_seen(areas, kSystem) == 0b1111);
}
