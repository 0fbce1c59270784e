#include <catch2/catch.hpp>

#include <mutex>

#include "dispatch/center.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
using Fixture = testing::CenterFixture;
using testing::step;

Actor operator_at(std::string scope = {}) { return {1, "op", Role::operator_, std::move(scope), {}}; }
Actor worker(std::string id) { return {10, "w", Role::worker, {}, std::move(id)}; }
Actor supervisor_at(std::string scope) { return {2, "sup", Role::supervisor, std::move(scope), {}}; }

// The centre of tessellation cell (row, column) of the small city, as a resident reports it.
IntakeRequest at_grid(int row, int column, Urgency urgency = Urgency::yellow) {
  auto r = testing::at_grid(row, column, urgency);
  r.description = "小区门口垃圾无人清理";
  r.reporter = {"张三", "13900000000"};
  return r;
}
}  // namespace

TEST_CASE("intake routes, assigns the owner, sets deadlines, persists and publishes", "[center]") {
  Fixture f;
  const Millis t0 = f.clock.now();
  auto c = f.center->intake_and_wait(at_grid(0, 1, Urgency::orange), operator_at());
  REQUIRE(c.ok());
  CHECK(c->id == 1);
  CHECK(c->grid == "G0-1");
  CHECK(c->community == "C1");
  CHECK(c->street == "S");
  CHECK(c->district == "D");
  CHECK(c->assignee == "W2");
  CHECK(c->state == CaseState::dispatched);
  CHECK(c->tier == Tier::worker);
  CHECK(c->version == 1);
  CHECK(*c->accept_by == t0 + 2 * 3600 * 1000);
  CHECK(*c->resolve_by == t0 + 24 * 3600 * 1000);
  // Stored with its history before the acknowledgement.
  auto stored = f.ledger.find_case(c->id);
  REQUIRE(stored);
  CHECK(stored->assignee == "W2");
  auto events = f.ledger.case_events(c->id);
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == EventType::created);
  CHECK(events[1].type == EventType::register_case);
  CHECK(events[1].to_state == CaseState::dispatched);
  CHECK(events[1].reason.find("owner (A post) of grid G0-1") != std::string::npos);
  CHECK(events[1].actor == "user:1:op");
  f.ledger.drain();
  REQUIRE(f.notice_count() == 1);
  CHECK(f.notices[0].type == "case.created");
  CHECK(f.center->open_cases_of("W2") == 1);
}

TEST_CASE("intake converts GCJ-02 and BD-09 locations", "[center]") {
  Fixture f;
  for (auto crs : {geo::Crs::gcj02, geo::Crs::bd09}) {
    auto req = at_grid(1, 2);
    const geo::Point shifted =
        crs == geo::Crs::gcj02 ? geo::wgs84_to_gcj02({req.lon, req.lat}) : geo::wgs84_to_bd09({req.lon, req.lat});
    req.lon = shifted.lon;
    req.lat = shifted.lat;
    req.crs = crs;
    auto c = f.center->intake_and_wait(req, operator_at());
    REQUIRE(c.ok());
    CHECK(c->grid == "G1-2");
    CHECK(c->lon == Approx(118.325).margin(1e-7));
    CHECK(c->lat == Approx(24.615).margin(1e-7));
  }
}

TEST_CASE("intake refuses bad input with a clear error and stores nothing", "[center]") {
  Fixture f;
  auto bad = [&](IntakeRequest r, ErrorCode code, std::string field, Actor a = operator_at()) {
    auto c = f.center->intake_and_wait(r, a);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code == code);
    CHECK(c.error().field == field);
  };
  auto r = at_grid(0, 0);
  r.lat = 95;
  bad(r, ErrorCode::invalid_value, "lat");
  r = at_grid(0, 0);
  r.lon = std::nan("");
  bad(r, ErrorCode::invalid_value, "lon");
  r = at_grid(0, 0);
  r.lon = 100.0;  // far from every grid
  bad(r, ErrorCode::invalid_value, "lon");
  r = at_grid(0, 0);
  r.category = "weather";
  bad(r, ErrorCode::invalid_value, "category");
  r = at_grid(0, 0);
  r.title.clear();
  bad(r, ErrorCode::invalid_value, "title");
  r = at_grid(0, 0);
  r.description.assign(100'000, 'x');
  bad(r, ErrorCode::invalid_value, "description");
  bad(at_grid(0, 0), ErrorCode::forbidden, "", worker("W1"));
  bad(at_grid(0, 0), ErrorCode::forbidden, "", supervisor_at("D"));
  bad(at_grid(0, 0), ErrorCode::forbidden, "lon", operator_at("S2"));
  CHECK(f.center->open_case_count() == 0);
  CHECK(f.ledger.event_count() == 0);
}

TEST_CASE("the closed loop: accept, resolve, close, with versions and ownership checked", "[center]") {
  Fixture f;
  auto c = f.center->intake_and_wait(at_grid(0, 0), operator_at());
  REQUIRE(c.ok());
  const CaseId id = c->id;
  CHECK(c->assignee == "W1");

  // Another worker does not see it.
  auto other = f.center->transition_and_wait(id, step(Action::accept, 1), worker("W2"));
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().code == ErrorCode::not_found);
  // An operator may not accept; a stale version is refused.
  CHECK(f.center->transition_and_wait(id, step(Action::accept, 1), operator_at()).error().code == ErrorCode::forbidden);
  CHECK(f.center->transition_and_wait(id, step(Action::accept, 0), worker("W1")).error().code ==
        ErrorCode::stale_version);

  f.clock.advance(60'000);
  auto accepted = f.center->transition_and_wait(id, step(Action::accept, 1, "马上到"), worker("W1"));
  REQUIRE(accepted.ok());
  CHECK(accepted->state == CaseState::accepted);
  CHECK(accepted->version == 2);
  CHECK(*accepted->accepted_at == f.clock.now());
  CHECK(f.center->transition_and_wait(id, step(Action::close, 2), operator_at()).error().code ==
        ErrorCode::illegal_transition);
  auto resolved = f.center->transition_and_wait(id, step(Action::resolve, 2, "已清理"), worker("W1"));
  REQUIRE(resolved.ok());
  CHECK(resolved->state == CaseState::resolved);
  auto closed = f.center->transition_and_wait(id, step(Action::close, 3), operator_at());
  REQUIRE(closed.ok());
  CHECK(closed->state == CaseState::closed);
  CHECK(f.center->open_case_count() == 0);
  CHECK(f.center->open_cases_of("W1") == 0);
  // Closed is final; the case is still readable from storage.
  auto again = f.center->transition_and_wait(id, step(Action::reopen, 4), operator_at());
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::illegal_transition);
  auto read = f.center->get_case(id, operator_at());
  REQUIRE(read.ok());
  CHECK(read->state == CaseState::closed);
  const auto events = f.center->case_events(id);
  REQUIRE(events.size() == 5);
  CHECK(events[2].type == EventType::accept);
  CHECK(events[2].note == "马上到");
  CHECK(events[2].actor == "user:10:w");
  CHECK(events[4].type == EventType::close);
  CHECK(events[4].from_state == CaseState::resolved);
  CHECK(events[4].to_state == CaseState::closed);
}

TEST_CASE("rework, return with a reason, re-dispatch and cancel", "[center]") {
  Fixture f;
  auto c = f.center->intake_and_wait(at_grid(1, 0), operator_at());
  REQUIRE(c.ok());
  const CaseId id = c->id;
  REQUIRE(c->assignee == "W4");
  REQUIRE(f.center->transition_and_wait(id, step(Action::accept, 1), worker("W4")).ok());
  REQUIRE(f.center->transition_and_wait(id, step(Action::resolve, 2), worker("W4")).ok());
  f.clock.advance(3'600'000);
  auto reopened = f.center->transition_and_wait(id, step(Action::reopen, 3, "未清理干净"), operator_at());
  REQUIRE(reopened.ok());
  CHECK(reopened->state == CaseState::dispatched);
  CHECK(reopened->rework_count == 1);
  CHECK(*reopened->resolve_by == f.clock.now() + 5LL * 24 * 3600 * 1000);
  CHECK_FALSE(reopened->resolved_at);

  // Return needs a reason and goes back to the operator's queue.
  CHECK(f.center->transition_and_wait(id, step(Action::return_case, 4), worker("W4")).error().code ==
        ErrorCode::invalid_value);
  auto returned = f.center->transition_and_wait(id, step(Action::return_case, 4, "不属于本网格"), worker("W4"));
  REQUIRE(returned.ok());
  CHECK(returned->state == CaseState::reported);
  CHECK(returned->assignee.empty());
  CHECK(returned->return_reason == "不属于本网格");
  CHECK(f.center->open_cases_of("W4") == 0);

  // The operator re-dispatches to a named worker of the right community.
  TransitionRequest to_w7 = step(Action::reassign, 5);
  to_w7.assignee = "W7";
  auto redispatched = f.center->transition_and_wait(id, to_w7, operator_at());
  REQUIRE(redispatched.ok());
  CHECK(redispatched->state == CaseState::dispatched);
  CHECK(redispatched->assignee == "W7");
  TransitionRequest unknown = step(Action::reassign, 6);
  unknown.assignee = "W404";
  CHECK(f.center->transition_and_wait(id, unknown, operator_at()).error().code == ErrorCode::invalid_value);
  TransitionRequest outside = step(Action::reassign, 6);
  outside.assignee = "W9";
  CHECK(f.center->transition_and_wait(id, outside, operator_at("S")).error().code == ErrorCode::forbidden);

  auto cancelled = f.center->transition_and_wait(id, step(Action::cancel, 6, "重复上报"), operator_at());
  REQUIRE(cancelled.ok());
  CHECK(cancelled->state == CaseState::cancelled);
  CHECK(f.center->open_case_count() == 0);
}

TEST_CASE("duty status drives assignment through every fallback", "[center]") {
  Fixture f;
  const Actor admin{99, "admin", Role::admin, {}, {}};
  REQUIRE(f.center->intake_and_wait(at_grid(0, 2), operator_at())->assignee == "W3");  // W3 now has 1 case
  REQUIRE(f.center->set_worker_status_and_wait("W1", DutyStatus::leave, admin).ok());
  auto c = f.center->intake_and_wait(at_grid(0, 0), operator_at());
  REQUIRE(c.ok());
  CHECK(c->assignee == "W2");  // backup (B post) of G0-0
  REQUIRE(f.center->set_worker_status_and_wait("W2", DutyStatus::off_duty, worker("W2")).ok());
  c = f.center->intake_and_wait(at_grid(0, 0), operator_at());
  REQUIRE(c.ok());
  CHECK(c->assignee == "W7");  // least loaded on duty in C1: W7 has none, W3 one
  for (auto id : {"W3", "W7"}) REQUIRE(f.center->set_worker_status_and_wait(id, DutyStatus::leave, admin).ok());
  c = f.center->intake_and_wait(at_grid(0, 0), operator_at());
  REQUIRE(c.ok());
  CHECK(c->assignee.empty());  // the community's unassigned queue
  CHECK(c->state == CaseState::dispatched);
  CHECK(f.center->case_events(c->id).back().reason.find("unassigned queue of community C1") != std::string::npos);
  // The operator dispatches it by hand from the queue.
  TransitionRequest r;
  r.action = Action::reassign;
  r.version = 1;
  r.assignee = "W9";
  CHECK(f.center->transition_and_wait(c->id, r, operator_at()).ok());
}

TEST_CASE("workers may only set their own status; scope limits managers", "[center]") {
  Fixture f;
  CHECK(f.center->set_worker_status_and_wait("W2", DutyStatus::leave, worker("W1")).error().code ==
        ErrorCode::forbidden);
  CHECK(f.center->set_worker_status_and_wait("W1", DutyStatus::leave, operator_at("S2")).error().code ==
        ErrorCode::not_found);
  CHECK(f.center->set_worker_status_and_wait("W404", DutyStatus::leave, operator_at()).error().code ==
        ErrorCode::not_found);
}

TEST_CASE("reassigning a grid's owner keeps history and hands over its open cases", "[center]") {
  Fixture f;
  const Actor admin{99, "admin", Role::admin, {}, {}};
  auto first = f.center->intake_and_wait(at_grid(0, 0), operator_at());
  auto second = f.center->intake_and_wait(at_grid(0, 0), operator_at());
  auto elsewhere = f.center->intake_and_wait(at_grid(0, 1), operator_at());
  REQUIRE((first.ok() && second.ok() && elsewhere.ok()));
  REQUIRE(f.center->transition_and_wait(second->id, step(Action::accept, 1), worker("W1")).ok());
  f.clock.advance(1000);

  auto grid = f.center->reassign_grid_and_wait("G0-0", "W7", "W3", admin);
  REQUIRE(grid.ok());
  CHECK(grid->owner == "W7");
  CHECK(grid->backup == "W3");
  for (CaseId id : {first->id, second->id}) {
    auto c = f.center->get_case(id, admin);
    REQUIRE(c.ok());
    CHECK(c->assignee == "W7");
    CHECK(c->state == CaseState::dispatched);
    const auto events = f.center->case_events(id);
    CHECK(events.back().type == EventType::handover);
    CHECK(events.back().reason.find("grid G0-0 posts changed") != std::string::npos);
  }
  CHECK(f.center->get_case(elsewhere->id, admin)->assignee == "W2");
  CHECK(f.center->open_cases_of("W1") == 0);
  CHECK(f.center->open_cases_of("W7") == 2);

  const auto history = f.ledger.post_history("G0-0");
  // The initial terms are not in this in-memory ledger; the change closed W1 and W2's
  // terms and opened W7 (A post) and W3 (B post).
  REQUIRE(history.size() == 2);
  CHECK(history[0].worker == "W7");
  CHECK_FALSE(history[0].backup);
  CHECK(history[0].from == f.clock.now());
  CHECK(history[1].worker == "W3");
  CHECK(history[1].backup);

  CHECK(f.center->reassign_grid_and_wait("G0-0", "W7", "W7", admin).error().code == ErrorCode::invalid_value);
  CHECK(f.center->reassign_grid_and_wait("G9-9", "W7", "W3", admin).error().code == ErrorCode::not_found);
  CHECK(f.center->reassign_grid_and_wait("G0-0", "W404", "W3", admin).error().code == ErrorCode::invalid_value);
  CHECK(f.center->reassign_grid_and_wait("G0-0", "W1", "W2", worker("W1")).error().code == ErrorCode::forbidden);
}

TEST_CASE("a storage failure refuses the change and leaves memory as it was", "[center]") {
  Fixture f;
  f.ledger.fail_next = 1;
  auto c = f.center->intake_and_wait(at_grid(0, 0), operator_at());
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == ErrorCode::storage_failed);
  CHECK(f.center->open_case_count() == 0);
  CHECK(f.center->open_cases_of("W1") == 0);

  auto ok = f.center->intake_and_wait(at_grid(0, 0), operator_at());
  REQUIRE(ok.ok());
  f.ledger.fail_next = 1;
  auto accept = f.center->transition_and_wait(ok->id, step(Action::accept, 1), worker("W1"));
  REQUIRE_FALSE(accept.ok());
  auto now = f.center->get_case(ok->id, operator_at());
  REQUIRE(now.ok());
  CHECK(now->state == CaseState::dispatched);
  CHECK(now->version == 1);
  CHECK(f.center->transition_and_wait(ok->id, step(Action::accept, 1), worker("W1")).ok());
  f.ledger.drain();
  CHECK(f.notice_count() == 2);  // the failed changes were never published
}

TEST_CASE("scope: operators and supervisors see their subtree only", "[center]") {
  Fixture f;
  auto c = f.center->intake_and_wait(at_grid(0, 0), operator_at());
  REQUIRE(c.ok());
  CHECK(f.center->get_case(c->id, operator_at("C1")).ok());
  CHECK(f.center->get_case(c->id, operator_at("S")).ok());
  CHECK(f.center->get_case(c->id, supervisor_at("D")).ok());
  CHECK(f.center->get_case(c->id, operator_at("C2")).error().code == ErrorCode::not_found);
  CHECK(f.center->get_case(c->id, supervisor_at("S2")).error().code == ErrorCode::not_found);
  CHECK(f.center->get_case(c->id, worker("W1")).ok());
  CHECK(f.center->get_case(c->id, worker("W2")).error().code == ErrorCode::not_found);
  CHECK(f.center->find_cases({}, operator_at("C2")).empty());
  CHECK(f.center->find_cases({}, operator_at("C1")).size() == 1);
  CHECK(f.center->find_cases({}, worker("W1")).size() == 1);
  CHECK(f.center->find_cases({}, worker("W2")).empty());
  CaseQuery sneaky;
  sneaky.scope = "C1";
  CHECK(f.center->find_cases(sneaky, operator_at("C2")).empty());
  // A supervisor re-dispatches only escalated cases.
  TransitionRequest r = step(Action::reassign, 1);
  r.assignee = "W7";
  CHECK(f.center->transition_and_wait(c->id, r, supervisor_at("S")).error().code == ErrorCode::forbidden);
  CHECK(f.center->grids(worker("W1")).size() == 2);  // owner of G0-0, backup of G0-2
  CHECK(f.center->grids(operator_at("C2")).size() == 3);
  CHECK(f.center->workers(operator_at("C1")).size() == 4);
}

TEST_CASE("route answers grid, community, street, district and owner", "[center]") {
  Fixture f;
  auto r = f.center->route({118.325, 24.615});
  REQUIRE(r.ok());
  CHECK(r->grid == "G1-2");
  CHECK(r->community == "C2");
  CHECK(r->street == "S");
  CHECK(r->district == "D");
  CHECK(r->owner == "W6");
  CHECK(f.center->route({0, 0}).error().code == ErrorCode::not_in_any_grid);
  CHECK(f.center->route({500, 0}).error().code == ErrorCode::invalid_value);
}
