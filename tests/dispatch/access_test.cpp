// The access policy (dispatch/access.hpp): every role x action x relation to the case, in
// every state, paused or not, escalated or not; the permissions that do not depend on a
// case; what each actor sees. The expectations are written out here, apart from the
// policy's own tables.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "dispatch/access.hpp"
#include "dispatch/center.hpp"
#include "dispatch/lifecycle.hpp"
#include "memory_ledger.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
// District D; street S (communities C1, C2), street S2 (community C3); grids G0-0 (C1),
// G1-0 (C2).
struct Tree final : Hierarchy {
  std::map<std::string, std::string> parent{{"G0-0", "C1"}, {"G1-0", "C2"}, {"C1", "S"}, {"C2", "S"},
                                            {"C3", "S2"},   {"S", "D"},     {"S2", "D"}};
  bool contains(const std::string& scope, const std::string& code) const override {
    for (std::string at = code; !at.empty();) {
      if (at == scope) return true;
      auto it = parent.find(at);
      at = it == parent.end() ? std::string{} : it->second;
    }
    return false;
  }
};

Actor actor(std::string name, Role role, std::string scope = {}, WorkerId worker = {}) {
  return Actor{1, std::move(name), role, std::move(scope), std::move(worker)};
}

// Who the actor is to a case in grid G0-0 (C1, street S) held by W1.
struct Relation {
  Actor who;
  bool sees;  // of a case held by W1
};
const std::vector<Relation>& relations() {
  static const std::vector<Relation> all = {
      {actor("admin", Role::admin), true},
      {actor("admin of S2", Role::admin, "S2"), false},
      {actor("system", Role::system), true},
      {actor("district operator", Role::operator_, "D"), true},
      {actor("street operator", Role::operator_, "S"), true},
      {actor("operator of the grid", Role::operator_, "G0-0"), true},
      {actor("other street's operator", Role::operator_, "S2"), false},
      {actor("community supervisor", Role::supervisor, "C1"), true},
      {actor("street supervisor", Role::supervisor, "S"), true},
      {actor("other community's supervisor", Role::supervisor, "C2"), false},
      {actor("the assignee", Role::worker, "", "W1"), true},
      {actor("another worker", Role::worker, "", "W2"), false},
      {actor("a worker account without a worker", Role::worker), false},
  };
  return all;
}

Case case_in_g00(CaseState state, bool paused, Tier tier, WorkerId assignee = "W1") {
  Case c;
  c.id = 42;
  c.version = 5;
  c.state = state;
  c.grid = "G0-0";
  c.community = "C1";
  c.street = "S";
  c.district = "D";
  c.assignee = std::move(assignee);
  c.tier = tier;
  if (paused) c.paused_at = 1000;
  return c;
}

// What a reader who sees the case may do to it, by role, from DESIGN.md's roles and
// lifecycle (the assignee relation is folded in: a worker sees only its own cases).
std::set<std::string> expected(Role role, const Case& c) {
  using S = CaseState;
  const bool working = c.state == S::dispatched || c.state == S::accepted;
  const bool paused = c.paused_at.has_value();
  std::set<std::string> out;
  auto add = [&](bool when, const char* name) {
    if (when) out.insert(name);
  };
  const bool desk = role == Role::operator_ || role == Role::admin;
  const bool staff = desk || role == Role::supervisor;
  if (desk) {
    add(c.state == S::reported, "register");
    add(c.state == S::reported || working, "reassign");
    add(c.state == S::reported || working, "cancel");
    add(c.state == S::resolved, "close");
    add(c.state == S::resolved, "reopen");
  }
  if (role == Role::supervisor) add(working && c.tier != Tier::worker, "reassign");
  if (staff) {
    add(working && !paused, "defer");
    add(working && paused, "resume");
  }
  if (role == Role::worker) {
    add(c.state == S::dispatched, "accept");
    add(c.state == S::accepted, "resolve");
    add(working, "return");
    add(working, "note");
    add(working && !paused, "request_deferral");
  }
  add(role != Role::supervisor && c.open(), "photo");
  add((desk || role == Role::system) && c.state == S::closed, "rate");
  return out;
}

std::set<std::string> names_of(const Allowed& a) {
  std::set<std::string> out;
  for (auto n : a.names()) out.emplace(n);
  return out;
}
}  // namespace

TEST_CASE("every role x action x relation x state: allowed_actions, may_act and check_act agree", "[access]") {
  const Tree tree;
  int combinations = 0;
  for (const auto& rel : relations())
    for (CaseState state : kCaseStates)
      for (bool paused : {false, true})
        for (Tier tier : {Tier::worker, Tier::community, Tier::district}) {
          const Case c = case_in_g00(state, paused, tier);
          INFO(rel.who.username << " on a case " << to_string(state) << (paused ? " (paused)" : "") << " at tier "
                                << to_string(tier));
          CHECK(sees(rel.who, c, tree) == rel.sees);
          const auto want = rel.sees ? expected(rel.who.role, c) : std::set<std::string>{};
          const auto allowed = allowed_actions(rel.who, c, tree);
          CHECK(names_of(allowed) == want);
          CHECK(may_photo(rel.who, c, tree) == (want.count("photo") > 0));
          CHECK(may_rate(rel.who, c, tree) == (want.count("rate") > 0));
          for (Action a : kActions) {
            const std::string name(to_string(a));
            INFO(name);
            const bool listed = want.count(name) > 0;
            CHECK(may_act(rel.who, c, a, tree) == listed);
            CHECK(allowed.has(a) == listed);
            // With a note, the right version: allowed exactly when listed.
            const auto with_note = check_act(rel.who, c, a, c.version, "说明", tree);
            CHECK(with_note.ok() == listed);
            if (!rel.sees) {
              REQUIRE_FALSE(with_note.ok());
              CHECK(with_note.error().code == ErrorCode::not_found);
            } else if (!listed) {
              REQUIRE_FALSE(with_note.ok());
              const auto code = with_note.error().code;
              CHECK((code == ErrorCode::forbidden || code == ErrorCode::illegal_transition ||
                     code == ErrorCode::conflict));
            } else {
              // A stale version is refused; a step that needs a note needs one.
              CHECK(check_act(rel.who, c, a, c.version - 1, "说明", tree).error().code == ErrorCode::stale_version);
              const auto bare = check_act(rel.who, c, a, c.version, "", tree);
              const bool needs_note =
                  a == Action::return_case || a == Action::request_deferral || a == Action::defer || a == Action::note;
              CHECK(bare.ok() == !needs_note);
              if (needs_note) {
                CHECK(bare.error().code == ErrorCode::invalid_value);
                CHECK(bare.error().field == "note");
              }
            }
            ++combinations;
          }
        }
  CHECK(combinations == 13 * 6 * 2 * 3 * 12);
}

TEST_CASE("the reasons for a refusal: not yours, not escalated, the clock", "[access]") {
  const Tree tree;
  const auto w2 = actor("w2", Role::worker, "", "W2");
  const auto sup = actor("sup", Role::supervisor, "C1");
  const auto op = actor("op", Role::operator_, "S");
  // A supervisor may not re-dispatch a case still at the worker tier.
  auto r = check_act(sup, case_in_g00(CaseState::dispatched, false, Tier::worker), Action::reassign, 5, "", tree);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::forbidden);
  CHECK(check_act(sup, case_in_g00(CaseState::dispatched, false, Tier::street), Action::reassign, 5, "", tree).ok());
  // Deferring a paused case, resuming a running one: conflicts.
  r = check_act(op, case_in_g00(CaseState::accepted, true, Tier::worker), Action::defer, 5, "why", tree);
  CHECK(r.error().code == ErrorCode::conflict);
  r = check_act(op, case_in_g00(CaseState::accepted, false, Tier::worker), Action::resume, 5, "", tree);
  CHECK(r.error().code == ErrorCode::conflict);
  // A worker's step on someone else's case: not found (it does not see it).
  r = check_act(w2, case_in_g00(CaseState::dispatched, false, Tier::worker), Action::accept, 5, "", tree);
  CHECK(r.error().code == ErrorCode::not_found);
  // A worker never cancels; an operator never accepts.
  const auto w1 = actor("w1", Role::worker, "", "W1");
  r = check_act(w1, case_in_g00(CaseState::dispatched, false, Tier::worker), Action::cancel, 5, "", tree);
  CHECK(r.error().code == ErrorCode::forbidden);
  r = check_act(op, case_in_g00(CaseState::dispatched, false, Tier::worker), Action::accept, 5, "", tree);
  CHECK(r.error().code == ErrorCode::forbidden);
  // Closing a case not yet resolved: illegal in that state.
  r = check_act(op, case_in_g00(CaseState::accepted, false, Tier::worker), Action::close, 5, "", tree);
  CHECK(r.error().code == ErrorCode::illegal_transition);
  // A reported case waits with the operator: no worker sees it.
  const auto reported = case_in_g00(CaseState::reported, false, Tier::worker, "");
  CHECK_FALSE(sees(w1, reported, tree));
  CHECK(names_of(allowed_actions(op, reported, tree)) ==
        std::set<std::string>{"register", "reassign", "cancel", "photo"});
}

TEST_CASE("every lifecycle row names roles, and a note is needed exactly where a reason is", "[access][lifecycle]") {
  for (const auto& rule : transition_table()) {
    INFO(to_string(rule.from) << " " << to_string(rule.action));
    const bool any_role = std::any_of(kRoles.begin(), kRoles.end(), [&](Role r) { return rule.roles.has(r); });
    CHECK(any_role);
    CHECK_FALSE(rule.roles.has(Role::system));
    const bool reason = rule.action == Action::return_case || rule.action == Action::request_deferral ||
                        rule.action == Action::defer || rule.action == Action::note;
    CHECK(rule.note_needed.empty() == !reason);
    // Only a worker's own steps are the assignee's; only re-dispatch by a supervisor waits
    // for an escalation.
    CHECK((rule.holder == Holder::assignee) == rule.roles.has(Role::worker));
    CHECK((rule.tier == TierRule::escalated) == (rule.action == Action::reassign && rule.roles.has(Role::supervisor)));
  }
}

TEST_CASE("permissions by role", "[access]") {
  using P = Permission;
  const std::map<Role, std::set<P>> want = {
      {Role::admin,
       {P::take_in, P::manage_posts, P::set_duty_status, P::switch_mode, P::manage_categories, P::manage_settings,
        P::manage_client_keys, P::move_clock, P::add_photos, P::rate_cases, P::read_audit, P::manage_leave,
        P::manage_users, P::view_users, P::manage_roster, P::view_basemap}},
      {Role::operator_,
       {P::take_in, P::manage_posts, P::set_duty_status, P::add_photos, P::rate_cases, P::view_basemap}},
      {Role::supervisor,
       {P::set_duty_status, P::switch_mode, P::manage_leave, P::view_users, P::manage_roster, P::view_basemap}},
      {Role::worker, {P::add_photos, P::view_basemap}},
  };
  for (Role role : kRoles)
    for (Permission p : kPermissions) {
      INFO(to_string(role) << " " << to_string(p));
      const bool allowed = want.at(role).count(p) > 0;
      const auto a = actor("someone", role, "S");
      CHECK(may(a, p) == allowed);
      const auto refusal = check(a, p);
      CHECK(refusal.has_value() == !allowed);
      if (refusal) {
        CHECK(refusal->code == ErrorCode::forbidden);
        CHECK_FALSE(refusal->message.empty());
        CHECK(refusal->message.find("{role}") == std::string::npos);
      }
    }
  // The system (escalation, imports, tools) holds them all.
  for (Permission p : kPermissions) CHECK(may(Actor{}, p));
}

TEST_CASE("the audit trail: admins; a scope narrows it to the subjects within it", "[access][audit]") {
  const Tree tree;
  const std::optional<std::string> none;
  // An admin without a scope sees every entry.
  for (const auto& place : {std::optional<std::string>("G0-0"), std::optional<std::string>("C3"), none})
    CHECK(sees_audit_entry(actor("admin", Role::admin), place, tree));
  // An admin of S: what lies in S, and what has no place.
  const auto admin_s = actor("admin of S", Role::admin, "S");
  CHECK(sees_audit_entry(admin_s, std::string("G0-0"), tree));
  CHECK(sees_audit_entry(admin_s, std::string("C2"), tree));
  CHECK(sees_audit_entry(admin_s, std::string("S"), tree));
  CHECK_FALSE(sees_audit_entry(admin_s, std::string("C3"), tree));
  CHECK_FALSE(sees_audit_entry(admin_s, std::string("D"), tree));  // above the scope
  CHECK(sees_audit_entry(admin_s, none, tree));
  // Nobody else, whatever its scope.
  for (Role role : {Role::operator_, Role::supervisor, Role::worker}) {
    CHECK_FALSE(sees_audit_entry(actor("x", role), none, tree));
    CHECK_FALSE(sees_audit_entry(actor("x", role, "S"), std::string("G0-0"), tree));
  }
  CHECK(sees_audit_entry(Actor{}, std::string("C3"), tree));  // the system
}

TEST_CASE("duty status: a worker its own, managers within scope", "[access]") {
  const Tree tree;
  const Worker w1{"W1", "一", "", "C1"}, w9{"W9", "九", "", "C3"};
  auto code = [&](const Actor& a, const Worker& w) {
    auto e = check_duty_status(a, w, tree);
    REQUIRE(e);
    return e->code;
  };
  CHECK_FALSE(check_duty_status(actor("w1", Role::worker, "", "W1"), w1, tree));
  CHECK(code(actor("w1", Role::worker, "", "W1"), w9) == ErrorCode::forbidden);
  CHECK_FALSE(check_duty_status(actor("sup", Role::supervisor, "C1"), w1, tree));
  CHECK(code(actor("sup", Role::supervisor, "C1"), w9) == ErrorCode::not_found);
  CHECK_FALSE(check_duty_status(actor("op", Role::operator_, "D"), w9, tree));
  CHECK(code(actor("op", Role::operator_, "S"), w9) == ErrorCode::not_found);
  CHECK_FALSE(check_duty_status(actor("admin", Role::admin), w9, tree));
}

TEST_CASE("the roster: admins anywhere in scope, supervisors within theirs", "[access]") {
  const Tree tree;
  CHECK_FALSE(check_roster(actor("admin", Role::admin, ""), "C3", tree));
  CHECK_FALSE(check_roster(actor("sup", Role::supervisor, "S"), "C1", tree));
  auto outside = check_roster(actor("sup", Role::supervisor, "C1"), "C3", tree);
  REQUIRE(outside);
  CHECK(outside->code == ErrorCode::forbidden);
  CHECK(outside->field == "community");
  for (Role r : {Role::operator_, Role::worker}) {
    auto e = check_roster(actor("x", r, ""), "C1", tree);
    REQUIRE(e);
    CHECK(e->code == ErrorCode::forbidden);
  }
}

TEST_CASE("what each actor sees of grids, workers, lists and reports", "[access]") {
  const Tree tree;
  const Grid g00{"G0-0", "网格1", "C1", 1500, "W1", "W2"};
  const Worker w3{"W3", "三", "", "C1"};
  const auto w1 = actor("w1", Role::worker, "", "W1"), w2 = actor("w2", Role::worker, "", "W2"),
             w3a = actor("w3", Role::worker, "", "W3");
  const auto op_s = actor("op", Role::operator_, "S"), op_s2 = actor("op2", Role::operator_, "S2");
  // Grids: a worker those it holds a post of (A or B); staff those of their scope.
  CHECK(sees(w1, g00, tree));
  CHECK(sees(w2, g00, tree));
  CHECK_FALSE(sees(w3a, g00, tree));
  CHECK(sees(op_s, g00, tree));
  CHECK_FALSE(sees(op_s2, g00, tree));
  // Workers: a worker itself; staff those of their scope.
  CHECK(sees(w3a, w3, tree));
  CHECK_FALSE(sees(w1, w3, tree));
  CHECK(sees(op_s, w3, tree));
  CHECK_FALSE(sees(op_s2, w3, tree));
  CHECK(sees_own_work_only(w1));
  CHECK_FALSE(sees_own_work_only(op_s));

  // Lists: a worker's own cases whatever it asks for; staff within their scope.
  CaseQuery q;
  q.assignee = "W3";
  CHECK(narrowed(q, w1, tree)->assignee == "W1");
  CHECK_FALSE(narrowed(q, actor("nobody", Role::worker), tree));
  CHECK(narrowed(CaseQuery{}, op_s, tree)->scope == "S");
  q = {};
  q.scope = "C1";
  CHECK(narrowed(q, op_s, tree)->scope == "C1");
  CHECK_FALSE(narrowed(q, op_s2, tree));
  CHECK(narrowed(q, actor("admin", Role::admin), tree)->scope == "C1");

  // Reports: a worker its own figures; staff a known scope inside their own.
  auto v = report_view(w1, "S2", true, tree);
  REQUIRE(v.ok());
  CHECK(v->assignee == "W1");
  CHECK(report_view(actor("nobody", Role::worker), "", false, tree).error().code == ErrorCode::forbidden);
  CHECK(report_view(op_s, "", false, tree)->scope == "S");
  CHECK(report_view(op_s, "C1", true, tree)->scope == "C1");
  CHECK(report_view(op_s, "S2", true, tree).error().code == ErrorCode::forbidden);
  CHECK(report_view(op_s, "X9", false, tree).error().code == ErrorCode::not_found);
  CHECK(report_view(actor("admin", Role::admin), "", false, tree)->scope.empty());
}

TEST_CASE("the tier an actor answers for, and who hears of a case taken away", "[access]") {
  CHECK(tier_of(actor("op", Role::operator_), std::nullopt) == Tier::district);
  CHECK(tier_of(actor("op", Role::operator_, "D"), Level::district) == Tier::district);
  CHECK(tier_of(actor("sup", Role::supervisor, "S"), Level::street) == Tier::street);
  CHECK(tier_of(actor("sup", Role::supervisor, "C1"), Level::community) == Tier::community);
  CHECK_FALSE(tier_of(actor("sup", Role::supervisor, "G0-0"), Level::grid));
  CHECK_FALSE(tier_of(actor("sup", Role::supervisor, "X"), std::nullopt));
  CHECK_FALSE(tier_of(actor("admin", Role::admin), std::nullopt));
  CHECK_FALSE(tier_of(actor("w1", Role::worker, "", "W1"), std::nullopt));

  CHECK(hears_of_loss(actor("w1", Role::worker, "", "W1"), "W1"));
  CHECK_FALSE(hears_of_loss(actor("w2", Role::worker, "", "W2"), "W1"));
  CHECK_FALSE(hears_of_loss(actor("nobody", Role::worker), ""));
  CHECK_FALSE(hears_of_loss(actor("op", Role::operator_, "", "W1"), "W1"));

  const auto client = open311_client("hotline", "S");
  CHECK(client.role == Role::operator_);
  CHECK(client.scope == "S");
  CHECK(client.channel == Channel::open311);
  CHECK(client.label().find("open311:hotline") != std::string::npos);
}

TEST_CASE("place: the worker a case would go to is the worker intake gives it", "[access][center]") {
  testing::MemoryLedger ledger;
  ledger.initial = testing::small_city();
  ManualClock clock;
  Center center(ledger, clock);
  center.start();
  const Actor system{};
  const geo::Point g01{118.315, 24.605};  // grid G0-1: owner W2, backup W3, community C1
  auto intake = [&] {
    IntakeRequest r;
    r.lon = g01.lon;
    r.lat = g01.lat;
    r.category = "environment";
    r.title = "占道经营";
    auto c = center.intake_and_wait(r, system);
    REQUIRE(c.ok());
    return *c;
  };
  auto same = [&](AssignmentRule rule) {
    auto p = center.place(g01);
    REQUIRE(p.ok());
    CHECK(p->where.grid == "G0-1");
    CHECK(p->assignment.rule == rule);
    const auto c = intake();
    CHECK(c.assignee == p->assignment.worker);
    return p->assignment.worker;
  };
  auto status = [&](const char* w, DutyStatus s) { REQUIRE(center.set_worker_status_and_wait(w, s, system).ok()); };

  CHECK(same(AssignmentRule::owner) == "W2");
  status("W2", DutyStatus::leave);
  CHECK(same(AssignmentRule::backup) == "W3");
  status("W3", DutyStatus::off_duty);
  // W1 and W7 remain on duty in C1, neither holding a case: the smaller id first, then
  // the one with fewer open cases.
  CHECK(same(AssignmentRule::least_loaded) == "W1");
  CHECK(same(AssignmentRule::least_loaded) == "W7");
  for (const char* w : {"W1", "W7"}) status(w, DutyStatus::off_duty);
  CHECK(same(AssignmentRule::unassigned).empty());
  // Emergency mode on street S lends C2's workers to C1.
  REQUIRE(center.set_mode_and_wait("S", true, system).ok());
  auto p = center.place(g01);
  REQUIRE(p.ok());
  CHECK(p->emergency);
  const auto pooled = same(AssignmentRule::emergency_pool);
  CHECK((pooled == "W4" || pooled == "W5" || pooled == "W6"));
  // And in emergency mode the owner on duty still comes first.
  status("W2", DutyStatus::on_duty);
  CHECK(same(AssignmentRule::owner) == "W2");
  ledger.drain();
}
