#include <catch2/catch.hpp>

#include <algorithm>

#include "dispatch/center.hpp"
#include "dispatch/roster.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
using Fixture = testing::CenterFixture;

Actor admin() { return {1, "admin", Role::admin, {}, {}}; }
Actor operator_at(std::string scope = {}) { return {2, "op", Role::operator_, std::move(scope), {}}; }
Actor supervisor_at(std::string scope) { return {3, "sup", Role::supervisor, std::move(scope), {}}; }
Actor worker(std::string id) { return {10, "w", Role::worker, {}, std::move(id)}; }

bool has(const std::vector<std::string>& flags, std::string_view f) {
  return std::find(flags.begin(), flags.end(), f) != flags.end();
}

const RosterEntry* find(const std::vector<RosterEntry>& list, const std::string& id) {
  for (const auto& e : list)
    if (e.worker.id == id) return &e;
  return nullptr;
}
}  // namespace

TEST_CASE("roster: the flags' one rule", "[roster]") {
  CHECK_FALSE(overloaded({kMaxAPosts, 0}));
  CHECK(overloaded({kMaxAPosts + 1, 0}));
  CHECK_FALSE(overloaded({2, kMaxPosts - 2}));
  CHECK(overloaded({2, kMaxPosts - 1}));
  CHECK(worker_flags({0, 0}).empty());
  CHECK(worker_flags({4, 0}) == std::vector<std::string>{"too_many_posts"});

  std::map<WorkerId, Worker> workers{{"A", {"A", "a", "123", "C1"}}, {"B", {"B", "b", "123", "C1"}}};
  PostCounts counts;
  Grid g{"G", "g", "C1", 0, "A", ""};
  count_posts(g, counts);
  auto flags = grid_flags(g, workers, counts);
  CHECK(flags == std::vector<std::string>{"no_b_holder"});
  g.owner.clear();
  CHECK(has(grid_flags(g, workers, counts), kNoAHolder));
  g = {"G", "g", "C1", 0, "A", "B"};
  workers["B"].status = DutyStatus::leave;
  CHECK(grid_flags(g, workers, counts) == std::vector<std::string>{"holder_away"});
  workers["B"].status = DutyStatus::on_duty;
  workers["A"].retired = true;
  CHECK(grid_flags(g, workers, counts) == std::vector<std::string>{"holder_retired"});
  workers["A"].retired = false;
  counts["A"] = {kMaxAPosts + 1, 0};
  CHECK(grid_flags(g, workers, counts) == std::vector<std::string>{"holder_overloaded"});
}

TEST_CASE("roster: a worker's fields are checked", "[roster]") {
  CHECK(valid_phone("13800000001"));
  CHECK(valid_phone("+86 592-1234567"));
  for (const char* bad : {"", "12", "abc", "1380000000a", "123456789012345678901", "12+3", "<script>"})
    CHECK_FALSE(valid_phone(bad));
  Worker w{"W10", "新人", "13800000010", "C1"};
  CHECK_FALSE(check_worker_fields(w));
  for (const char* id : {"", "W 10", "W/10", "网格员"}) {
    auto bad = w;
    bad.id = id;
    auto e = check_worker_fields(bad);
    REQUIRE(e);
    CHECK(e->field == "id");
  }
  auto noname = w;
  noname.name = "";
  CHECK(check_worker_fields(noname)->field == "name");
  auto hidden = w;
  hidden.name = "a\u202Eb";
  CHECK(check_worker_fields(hidden)->field == "name");
  auto longname = w;
  longname.name = std::string(201, 'x');
  CHECK(check_worker_fields(longname)->field == "name");
}

TEST_CASE("roster: add a worker, scope, duplicates and validation", "[roster]") {
  Fixture f;
  auto w = f.center->add_worker_and_wait({"W10", "新人", "13800000010", "C1"}, admin());
  REQUIRE(w.ok());
  CHECK(w->status == DutyStatus::on_duty);
  CHECK_FALSE(w->retired);
  CHECK(f.center->add_worker_and_wait({"W10", "重复", "13800000011", "C1"}, admin()).error().code ==
        ErrorCode::conflict);
  // A supervisor of street S adds to its communities only.
  CHECK(f.center->add_worker_and_wait({"W11", "甲", "13800000011", "C2"}, supervisor_at("S")).ok());
  auto outside = f.center->add_worker_and_wait({"W12", "乙", "13800000012", "C3"}, supervisor_at("S"));
  CHECK(outside.error().code == ErrorCode::forbidden);
  CHECK(outside.error().field == "community");
  CHECK(f.center->add_worker_and_wait({"W13", "丙", "13800000013", "C1"}, operator_at()).error().code ==
        ErrorCode::forbidden);
  CHECK(f.center->add_worker_and_wait({"W14", "丁", "13800000014", "C1"}, worker("W1")).error().code ==
        ErrorCode::forbidden);
  for (const char* community : {"S", "G0-0", "nowhere", ""}) {
    auto e = f.center->add_worker_and_wait({"W15", "戊", "13800000015", community}, admin());
    CHECK(e.error().code == ErrorCode::invalid_value);
    CHECK(e.error().field == "community");
  }
  CHECK(f.center->add_worker_and_wait({"W16", "己", "phone", "C1"}, admin()).error().field == "phone");
  auto list = f.center->roster({}, admin());
  REQUIRE(list.ok());
  CHECK(find(*list, "W10"));
  CHECK(find(*list, "W11"));
  CHECK_FALSE(find(*list, "W12"));
  CHECK_FALSE(find(*list, "W15"));
  CHECK_FALSE(find(*list, "W16"));
}

TEST_CASE("roster: edit and move within the scope", "[roster]") {
  Fixture f;
  WorkerEdit move;
  move.community = "C2";
  auto moved = f.center->update_worker_and_wait("W7", move, supervisor_at("S"));
  REQUIRE(moved.ok());
  CHECK(moved->community == "C2");
  move.community = "C3";
  CHECK(f.center->update_worker_and_wait("W7", move, supervisor_at("S")).error().code == ErrorCode::forbidden);
  // Outside the scope the worker is not found; a community supervisor does not see C2's.
  WorkerEdit rename;
  rename.name = "改名";
  CHECK(f.center->update_worker_and_wait("W9", rename, supervisor_at("S")).error().code == ErrorCode::not_found);
  CHECK(f.center->update_worker_and_wait("W7", rename, supervisor_at("C1")).error().code == ErrorCode::not_found);
  CHECK(f.center->update_worker_and_wait("nobody", rename, admin()).error().code == ErrorCode::not_found);
  WorkerEdit badphone;
  badphone.phone = "x";
  CHECK(f.center->update_worker_and_wait("W7", badphone, admin()).error().field == "phone");
  WorkerEdit noname;
  noname.name = "";
  CHECK(f.center->update_worker_and_wait("W7", noname, admin()).error().field == "name");
  auto list = f.center->roster({}, admin());
  CHECK(find(*list, "W7")->worker.name == "工作者7");
}

TEST_CASE("roster: retiring is refused while the worker holds posts or open cases", "[roster]") {
  Fixture f;
  WorkerEdit retire;
  retire.retired = true;
  auto refused = f.center->update_worker_and_wait("W1", retire, admin());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::conflict);
  CHECK(refused.error().field == "retired");
  CHECK(refused.error().message.find("G0-0 (A)") != std::string::npos);
  CHECK(refused.error().message.find("(B)") != std::string::npos);
  // A case in hand also holds the worker back.
  auto c = f.center->intake_and_wait(testing::at_grid(0, 0), operator_at());
  REQUIRE(c.ok());
  TransitionRequest to_w7{Action::reassign, c->version, "", std::string("W7")};
  REQUIRE(f.center->transition_and_wait(c->id, to_w7, operator_at()).ok());
  auto busy = f.center->update_worker_and_wait("W7", retire, admin());
  CHECK(busy.error().code == ErrorCode::conflict);
  CHECK(busy.error().message.find("1 open case") != std::string::npos);
  // Without posts and cases the worker retires; it leaves the roster's default list, is
  // offered no post and is chosen for no case.
  auto ok = f.center->update_worker_and_wait("W9", retire, admin());
  REQUIRE(ok.ok());
  CHECK(ok->retired);
  auto active = f.center->roster({}, admin());
  CHECK_FALSE(find(*active, "W9"));
  RosterQuery retired_only;
  retired_only.retired = true;
  auto gone = f.center->roster(retired_only, admin());
  REQUIRE(gone->size() == 1);
  CHECK(gone->front().worker.id == "W9");
  auto post = f.center->reassign_grid_and_wait("G1-0", "W9", "", admin());
  CHECK(post.error().code == ErrorCode::invalid_value);
  auto c2 = f.center->intake_and_wait(testing::at_grid(1, 0), operator_at());
  REQUIRE(c2.ok());
  TransitionRequest to_w9{Action::reassign, c2->version, "", std::string("W9")};
  CHECK(f.center->transition_and_wait(c2->id, to_w9, admin()).error().code == ErrorCode::invalid_value);
  // Reinstated, the worker is back.
  WorkerEdit back;
  back.retired = false;
  CHECK(f.center->update_worker_and_wait("W9", back, admin()).ok());
  CHECK(find(*f.center->roster({}, admin()), "W9"));
}

TEST_CASE("roster: entries carry posts, open cases and flags; filters narrow them", "[roster]") {
  Fixture f;
  auto list = f.center->roster({}, admin());
  REQUIRE(list.ok());
  const auto* w1 = find(*list, "W1");
  REQUIRE(w1);
  CHECK(w1->community_name == "一社区");
  REQUIRE(w1->posts.size() == 2);
  CHECK(w1->flags.empty());
  RosterQuery c2;
  c2.community = "C2";
  auto in_c2 = f.center->roster(c2, admin());
  REQUIRE(in_c2.ok());
  CHECK(in_c2->size() == 3);
  for (const auto& e : *in_c2) CHECK(e.worker.community == "C2");
  RosterQuery s2;
  s2.street = "S2";
  auto in_s2 = f.center->roster(s2, admin());
  REQUIRE(in_s2->size() == 1);
  CHECK(in_s2->front().worker.id == "W9");
  RosterQuery q;
  q.q = "13800000007";
  CHECK(f.center->roster(q, admin())->size() == 1);
  RosterQuery unknown;
  unknown.community = "nowhere";
  CHECK(f.center->roster(unknown, admin()).error().code == ErrorCode::invalid_value);
  CHECK(f.center->roster(s2, supervisor_at("S")).error().code == ErrorCode::forbidden);
  // A worker sees itself only.
  auto own = f.center->roster({}, worker("W2"));
  REQUIRE(own->size() == 1);
  CHECK(own->front().worker.id == "W2");
  // Four A posts make W1 over-loaded, and its grids say so.
  for (const char* g : {"G0-1", "G0-2", "G1-0"}) REQUIRE(f.center->reassign_grid_and_wait(g, "W1", "", admin()).ok());
  CHECK(has(find(*f.center->roster({}, admin()), "W1")->flags, kTooManyPosts));
  auto flags = f.center->grid_flags();
  CHECK(has(flags["G0-1"], kNoBHolder));
  CHECK(has(flags["G0-1"], kHolderOverloaded));
  CHECK_FALSE(flags.count("G1-1"));
}

TEST_CASE("posts preview lists what would move and changes nothing", "[roster]") {
  Fixture f;
  auto yellow = f.center->intake_and_wait(testing::at_grid(0, 0, Urgency::yellow), operator_at());
  auto red = f.center->intake_and_wait(testing::at_grid(0, 0, Urgency::red), operator_at());
  REQUIRE(yellow.ok());
  REQUIRE(red.ok());
  REQUIRE(yellow->assignee == "W1");
  auto p = f.center->preview_posts("G0-0", "W7", "W2", operator_at());
  REQUIRE(p.ok());
  CHECK(p->before.owner == "W1");
  CHECK(p->after.owner == "W7");
  CHECK(p->moving.size() == 2);
  CHECK(p->by_urgency[static_cast<int>(Urgency::yellow)] == 1);
  CHECK(p->by_urgency[static_cast<int>(Urgency::red)] == 1);
  for (const auto& m : p->moving) {
    CHECK(m.from == "W1");
    CHECK(m.to == "W7");
  }
  CHECK(p->flags_after.empty());
  auto no_b = f.center->preview_posts("G0-0", "W7", "", operator_at());
  CHECK(has(no_b->flags_after, kNoBHolder));
  // Nothing changed.
  CHECK(f.center->get_case(yellow->id, admin())->assignee == "W1");
  CHECK(f.center->grids(admin()).front().owner == "W1");
  // The same checks as the change itself.
  CHECK(f.center->preview_posts("G0-0", "W7", "W7", operator_at()).error().code == ErrorCode::invalid_value);
  CHECK(f.center->preview_posts("G0-0", "", "", operator_at()).error().code == ErrorCode::invalid_value);
  CHECK(f.center->preview_posts("G0-0", "nobody", "", operator_at()).error().code == ErrorCode::invalid_value);
  CHECK(f.center->preview_posts("G0-0", "W9", "", operator_at("S")).error().code == ErrorCode::forbidden);
  CHECK(f.center->preview_posts("nowhere", "W7", "", operator_at()).error().code == ErrorCode::not_found);
  CHECK(f.center->preview_posts("G0-0", "W7", "", supervisor_at("S")).error().code == ErrorCode::forbidden);
  // Then the change moves exactly what the preview said.
  REQUIRE(f.center->reassign_grid_and_wait("G0-0", "W7", "W2", operator_at()).ok());
  CHECK(f.center->get_case(yellow->id, admin())->assignee == "W7");
  CHECK(f.center->get_case(red->id, admin())->assignee == "W7");
}
