#include <catch2/catch.hpp>

#include <future>
#include <latch>
#include <thread>

#include "../dispatch/support.hpp"
#include "backends.hpp"
#include "data/schema.hpp"
#include "data/sqlite_ledger.hpp"
#include "dispatch/center.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {

const std::string kCommunity = "350213001001";
const std::string kStreet = "350213001";
const std::string kDistrict = "350213";

Actor operator_actor() { return {1, "op", Role::operator_, {}, {}}; }
Actor worker_actor(std::string id) { return {10, "w", Role::worker, {}, std::move(id)}; }

// The centre of cell (row, column) of the small city, with every field of a report.
IntakeRequest at_grid(int row, int column, std::string title = "垃圾堆放") {
  auto r = testing::at_grid(row, column);
  r.title = std::move(title);
  r.description = "小区门口垃圾无人清理, \"急\"";
  r.address = "新店镇 1 号";
  r.reporter = {"张三", "13900000000"};
  return r;
}

using testing::step;

// Every field, so a field the ledger forgets to store shows up here.
void check_same(const Case& a, const Case& b) {
  CHECK(a.id == b.id);
  CHECK(a.state == b.state);
  CHECK(a.urgency == b.urgency);
  CHECK(a.category == b.category);
  CHECK(a.title == b.title);
  CHECK(a.description == b.description);
  CHECK(a.address == b.address);
  CHECK(a.source == b.source);
  CHECK(a.reporter.name == b.reporter.name);
  CHECK(a.reporter.phone == b.reporter.phone);
  CHECK(a.lon == b.lon);
  CHECK(a.lat == b.lat);
  CHECK(a.grid == b.grid);
  CHECK(a.community == b.community);
  CHECK(a.street == b.street);
  CHECK(a.district == b.district);
  CHECK(a.assignee == b.assignee);
  CHECK(a.tier == b.tier);
  CHECK(a.version == b.version);
  CHECK(a.created_at == b.created_at);
  CHECK(a.updated_at == b.updated_at);
  CHECK(a.accept_by == b.accept_by);
  CHECK(a.resolve_by == b.resolve_by);
  CHECK(a.accept_warn_at == b.accept_warn_at);
  CHECK(a.resolve_warn_at == b.resolve_warn_at);
  CHECK(a.accepted_at == b.accepted_at);
  CHECK(a.resolved_at == b.resolved_at);
  CHECK(a.closed_at == b.closed_at);
  CHECK(a.warned == b.warned);
  CHECK(a.overdue == b.overdue);
  CHECK(a.rework_count == b.rework_count);
  CHECK(a.return_reason == b.return_reason);
  CHECK(a.deferred == b.deferred);
  CHECK(a.paused_at == b.paused_at);
}

std::vector<CaseId> ids(const std::vector<Case>& cases) {
  std::vector<CaseId> out;
  for (const auto& c : cases) out.push_back(c.id);
  return out;
}

}  // namespace

TEMPLATE_TEST_CASE("cases and their events survive a restart; load returns the open cases", "[ledger]",
                   testing::OnSqlite, testing::OnPostgres) {
  testing::CityOn<TestType> city;
  Case closed, open;
  {
    testing::RunningOn<TestType> run(city.place);
    auto c = run.center->intake_and_wait(at_grid(0, 1), operator_actor());
    REQUIRE(c.ok());
    CHECK(c->grid == "G0-1");
    CHECK(c->community == kCommunity);
    CHECK(c->street == kStreet);
    CHECK(c->district == kDistrict);
    CHECK(c->assignee == "W000002");  // the owner of G0-1
    run.clock.advance(60'000);
    c = run.center->transition_and_wait(c->id, step(Action::accept, c->version, "在路上"), worker_actor(c->assignee));
    REQUIRE(c.ok());
    run.clock.advance(3'600'000);
    c = run.center->transition_and_wait(c->id, step(Action::resolve, c->version, "已清理"), worker_actor(c->assignee));
    REQUIRE(c.ok());
    run.clock.advance(600'000);
    c = run.center->transition_and_wait(c->id, step(Action::close, c->version, "核查通过"), operator_actor());
    REQUIRE(c.ok());
    closed = *c;
    auto o = run.center->intake_and_wait(at_grid(1, 2, "井盖缺失"), operator_actor());
    REQUIRE(o.ok());
    open = *o;
  }
  testing::RunningOn<TestType> again(city.place);
  auto stored = again.ledger->find_case(closed.id);
  REQUIRE(stored);
  check_same(*stored, closed);
  CHECK(stored->state == CaseState::closed);

  const auto events = again.ledger->case_events(closed.id);
  REQUIRE(events.size() == 5);
  const std::vector<EventType> types{EventType::created, EventType::register_case, EventType::accept,
                                     EventType::resolve, EventType::close};
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i].type == types[i]);
    CHECK(events[i].case_id == closed.id);
    if (i) CHECK(events[i].seq > events[i - 1].seq);
  }
  CHECK(events[2].note == "在路上");
  CHECK(events[2].from_state == CaseState::dispatched);
  CHECK(events[2].to_state == CaseState::accepted);
  CHECK(events[2].assignee == "W000002");
  CHECK(events[0].actor == operator_actor().label());

  const auto state = again.ledger->load();
  REQUIRE(state.open_cases.size() == 1);
  check_same(state.open_cases[0], open);
  CHECK(state.max_case_id == open.id);
  CHECK(state.grids.size() == 6);
  CHECK(state.grid_shapes.size() == 6);
  CHECK(state.workers.size() == 8);  // 6 owners and 1.3 per grid in all
  CHECK(state.categories.size() == 8);
  CHECK(state.jurisdictions.size() == 3);
  // The restarted center carries on: ids continue, the open case is in memory.
  CHECK(again.center->open_case_count() == 1);
  auto next = again.center->intake_and_wait(at_grid(0, 0), operator_actor());
  REQUIRE(next.ok());
  CHECK(next->id == open.id + 1);
  CHECK(!again.ledger->find_case(9999));
}

TEMPLATE_TEST_CASE("find_cases: scope by any level, filters, newest first, pages", "[ledger]", testing::OnSqlite,
                   testing::OnPostgres) {
  testing::CityOn<TestType> city;
  testing::RunningOn<TestType> run(city.place);
  std::vector<Case> made;
  for (int i = 0; i < 12; ++i) {
    auto c = run.center->intake_and_wait(at_grid(i % 2, i % 3), operator_actor());
    REQUIRE(c.ok());
    made.push_back(*c);
  }
  auto first = made[0];
  auto accepted =
      run.center->transition_and_wait(first.id, step(Action::accept, first.version), worker_actor(first.assignee));
  REQUIRE(accepted.ok());

  CaseQuery q;
  q.limit = 100;
  auto all = run.ledger->find_cases(q);
  REQUIRE(all.size() == 12);
  CHECK(std::is_sorted(all.begin(), all.end(), [](const Case& a, const Case& b) { return a.id > b.id; }));

  for (const auto& scope : {kCommunity, kStreet, kDistrict}) {
    q.scope = scope;
    CHECK(run.ledger->find_cases(q).size() == 12);
  }
  q.scope = "G1-1";  // i % 2 == 1 and i % 3 == 1: i = 1 and 7
  CHECK(ids(run.ledger->find_cases(q)) == std::vector<CaseId>{made[7].id, made[1].id});
  q.scope = "nowhere";
  CHECK(run.ledger->find_cases(q).empty());

  CaseQuery by_state;
  by_state.state = CaseState::accepted;
  CHECK(ids(run.ledger->find_cases(by_state)) == std::vector<CaseId>{first.id});
  CaseQuery by_grid;
  by_grid.grid = "G0-0";
  CHECK(run.ledger->find_cases(by_grid).size() == 2);
  CaseQuery by_assignee;
  by_assignee.assignee = first.assignee;
  CHECK(run.ledger->find_cases(by_assignee).size() == 2);
  CaseQuery open;
  open.open = true;
  open.limit = 100;
  CHECK(run.ledger->find_cases(open).size() == 12);
  open.open = false;
  CHECK(run.ledger->find_cases(open).empty());
  CaseQuery urgent;
  urgent.urgency = Urgency::red;
  CHECK(run.ledger->find_cases(urgent).empty());
  CaseQuery overdue;
  overdue.overdue = false;
  overdue.limit = 100;
  CHECK(run.ledger->find_cases(overdue).size() == 12);

  // Pages of 5: newest first, `after` the last id of the page before.
  CaseQuery page;
  page.limit = 5;
  std::vector<CaseId> seen;
  while (true) {
    auto got = run.ledger->find_cases(page);
    for (const auto& c : got) seen.push_back(c.id);
    if (got.size() < 5) break;
    page.after = got.back().id;
  }
  CHECK(seen == ids(all));
}

TEMPLATE_TEST_CASE("grid posts, their history and duty status are stored", "[ledger]", testing::OnSqlite,
                   testing::OnPostgres) {
  testing::CityOn<TestType> city;
  {
    testing::RunningOn<TestType> run(city.place);
    const auto history = run.ledger->post_history("G0-0");
    REQUIRE(history.size() == 2);  // A and B posts from the import
    auto g = run.center->reassign_grid_and_wait("G0-0", "W000007", "W000008", operator_actor());
    REQUIRE(g.ok());
    auto w = run.center->set_worker_status_and_wait("W000003", DutyStatus::leave, operator_actor());
    REQUIRE(w.ok());
  }
  testing::RunningOn<TestType> again(city.place);
  const auto history = again.ledger->post_history("G0-0");
  REQUIRE(history.size() == 4);
  int open_terms = 0;
  for (const auto& t : history) {
    if (t.to) continue;
    ++open_terms;
    CHECK(t.worker == (t.backup ? "W000008" : "W000007"));
  }
  CHECK(open_terms == 2);
  const auto state = again.ledger->load();
  for (const auto& g : state.grids)
    if (g.code == "G0-0") CHECK((g.owner == "W000007" && g.backup == "W000008"));
  for (const auto& w : state.workers)
    if (w.id == "W000003") CHECK(w.status == DutyStatus::leave);
}

TEMPLATE_TEST_CASE("a paused case, emergency mode, category deadlines and the audit trail are stored", "[ledger]",
                   testing::OnSqlite, testing::OnPostgres) {
  testing::CityOn<TestType> city;
  Case paused;
  const Actor admin{3, "admin", Role::admin, {}, {}};
  const Actor supervisor{2, "sup", Role::supervisor, kStreet, {}};
  {
    testing::RunningOn<TestType> run(city.place);
    auto c = run.center->intake_and_wait(at_grid(0, 0), operator_actor());
    REQUIRE(c.ok());
    run.clock.advance(60'000);
    c = run.center->transition_and_wait(c->id, step(Action::defer, c->version, "等待业主回来"), operator_actor());
    REQUIRE(c.ok());
    REQUIRE(c->paused_at);
    paused = *c;
    REQUIRE(run.center->set_mode_and_wait(kStreet, true, supervisor).ok());
    auto category = run.center->categories().front();
    category.sla[0] = {3600, 7200};
    category.working_time = true;
    REQUIRE(run.center->update_category_and_wait(category, admin).ok());
  }
  testing::RunningOn<TestType> again(city.place);
  auto stored = again.ledger->find_case(paused.id);
  REQUIRE(stored);
  check_same(*stored, paused);
  CHECK(stored->deferred);
  const auto state = again.ledger->load();
  REQUIRE(state.open_cases.size() == 1);
  CHECK(state.open_cases[0].paused_at == paused.paused_at);
  bool street_in_emergency = false;
  for (const auto& j : state.jurisdictions)
    if (j.code == kStreet) street_in_emergency = j.emergency;
  CHECK(street_in_emergency);
  bool changed = false;
  for (const auto& c : state.categories)
    if (c.sla[0] == Deadlines{3600, 7200}) changed = c.working_time;
  CHECK(changed);

  CHECK(TestType::scalar(city.place,
                         "SELECT count(*) FROM audit WHERE kind = 'mode' AND subject = '" + kStreet + "'") == 1);
  CHECK(TestType::scalar(city.place, "SELECT count(*) FROM audit WHERE kind = 'category'") == 1);
  auto update = TestType::exec(city.place, "UPDATE audit SET detail = 'x'");
  REQUIRE(update);
  CHECK(update->message.find("append-only") != std::string::npos);
  CHECK(TestType::exec(city.place, "DELETE FROM audit"));
}

TEMPLATE_TEST_CASE("a bad change fails alone; the others of its group are stored", "[ledger]", testing::OnSqlite,
                   testing::OnPostgres) {
  testing::CityOn<TestType> city;
  auto opened = TestType::open(city.place);
  auto& ledger = *opened;
  auto good_case = [](CaseId id) {
    Change ch;
    Case c;
    c.id = id;
    c.category = "environment";
    c.title = "case " + std::to_string(id);
    c.grid = "G0-0";
    ch.cases.push_back(c);
    CaseEvent e;
    e.case_id = id;
    e.type = EventType::created;
    e.actor = "system";
    ch.events.push_back(e);
    return ch;
  };
  // Hold the writer in an acknowledgement so the next writes queue up as one group.
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<Status> first;
  ledger.write(good_case(1), [&, released](Status s) {
    first.set_value(s);
    released.wait();
  });
  std::vector<std::promise<Status>> results(21);
  for (int i = 0; i < 21; ++i) {
    Change ch = good_case(100 + i);
    if (i == 10) ch.cases[0].category = "no_such_category";  // refused by a foreign key
    ledger.write(std::move(ch), [&results, i](Status s) { results[static_cast<std::size_t>(i)].set_value(s); });
  }
  release.set_value();
  CHECK(!first.get_future().get());
  for (int i = 0; i < 21; ++i) {
    auto s = results[static_cast<std::size_t>(i)].get_future().get();
    if (i == 10) {
      REQUIRE(s);
      CHECK(s->code == ErrorCode::storage_failed);
    } else {
      CHECK(!s);
    }
  }
  const auto stats = ledger.stats();
  CHECK(stats.retried_groups == 1);
  CHECK(stats.failed == 1);
  CHECK(stats.changes == 21);
  CHECK(ledger.find_case(109));
  CHECK(!ledger.find_case(110));
  CHECK(ledger.find_case(111));
  CHECK(ledger.case_events(110).empty());

  // A change to a grid that does not exist fails too.
  Change unknown_grid;
  unknown_grid.grids.push_back({"G9-9", "", "", 0, "W000001", ""});
  std::promise<Status> p;
  ledger.write(unknown_grid, [&](Status s) { p.set_value(s); });
  CHECK(p.get_future().get());

  // After close, writes fail, answered on the ledger's thread like any other.
  ledger.close();
  std::promise<std::pair<Status, std::thread::id>> late;
  ledger.write(good_case(500), [&](Status s) { late.set_value({s, std::this_thread::get_id()}); });
  auto [status, thread] = late.get_future().get();
  CHECK(status);
  CHECK(thread != std::this_thread::get_id());
  CHECK(!ledger.find_case(500));
}

TEMPLATE_TEST_CASE("group commit: concurrent intakes from many threads are all acknowledged and stored", "[ledger]",
                   testing::OnSqlite, testing::OnPostgres) {
  testing::CityOn<TestType> city;
  constexpr int kThreads = 8, kPerThread = 400;
  std::vector<CaseId> acknowledged;
  std::mutex mutex;
  std::uint64_t groups = 0;
  {
    testing::RunningOn<TestType> run(city.place);
    std::atomic<int> failures{0};
    std::latch done(kThreads * kPerThread);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i)
          run.center->intake(at_grid(i % 2, (i + t) % 3), operator_actor(), [&](Result<Case> r) {
            if (r) {
              std::lock_guard lock(mutex);
              acknowledged.push_back(r->id);
            } else {
              ++failures;
            }
            done.count_down();
          });
      });
    for (auto& t : threads) t.join();
    done.wait();
    CHECK(failures == 0);
    const auto stats = run.ledger->stats();
    groups = stats.groups;
    CHECK(stats.changes == kThreads * kPerThread);
    CHECK(stats.largest_group > 1);
  }
  REQUIRE(acknowledged.size() == kThreads * kPerThread);
  CHECK(groups < acknowledged.size());  // many changes per transaction
  CHECK(TestType::scalar(city.place, "SELECT count(*) FROM cases") == kThreads * kPerThread);
  CHECK(TestType::scalar(city.place, "SELECT count(*) FROM case_events") == 2 * kThreads * kPerThread);
  std::sort(acknowledged.begin(), acknowledged.end());
  CHECK(std::adjacent_find(acknowledged.begin(), acknowledged.end()) == acknowledged.end());
  CHECK(acknowledged.front() == 1);
  CHECK(acknowledged.back() == kThreads * kPerThread);
}

TEMPLATE_TEST_CASE("reads run while the writer writes", "[ledger]", testing::OnSqlite, testing::OnPostgres) {
  testing::CityOn<TestType> city;
  testing::RunningOn<TestType> run(city.place);
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r)
    readers.emplace_back([&] {
      CaseQuery q;
      q.scope = kCommunity;
      q.limit = 20;
      while (!stop) {
        auto got = run.ledger->find_cases(q);
        CHECK(got.size() <= 20);
        ++reads;
      }
    });
  for (int i = 0; i < 100; ++i) REQUIRE(run.center->intake_and_wait(at_grid(i % 2, i % 3), operator_actor()).ok());
  stop = true;
  for (auto& t : readers) t.join();
  CHECK(reads > 0);
  CaseQuery all;
  all.limit = 1000;
  CHECK(run.ledger->find_cases(all).size() == 100);
}

TEMPLATE_TEST_CASE("the center lists open cases from memory and the history from storage, merged newest first",
                   "[ledger]", testing::OnSqlite, testing::OnPostgres) {
  testing::CityOn<TestType> city;
  testing::RunningOn<TestType> run(city.place);
  std::vector<Case> made;
  for (int i = 0; i < 12; ++i) {
    auto c = run.center->intake_and_wait(at_grid(i % 2, i % 3), operator_actor());
    REQUIRE(c.ok());
    made.push_back(*c);
  }
  // Close every third case, cancel one, accept another: open and closed cases interleave.
  for (int i : {0, 3, 6, 9}) {
    Case c = made[i];
    for (auto [action, actor] : {std::pair{Action::accept, worker_actor(c.assignee)},
                                 {Action::resolve, worker_actor(c.assignee)},
                                 {Action::close, operator_actor()}}) {
      auto next = run.center->transition_and_wait(c.id, step(action, c.version), actor);
      REQUIRE(next.ok());
      c = *next;
    }
  }
  REQUIRE(run.center->transition_and_wait(made[4].id, step(Action::cancel, made[4].version, "重复"), operator_actor())
              .ok());
  REQUIRE(
      run.center->transition_and_wait(made[5].id, step(Action::accept, made[5].version), worker_actor(made[5].assignee))
          .ok());
  REQUIRE(run.center->open_case_count() == 7);

  // Everything is durable by now, so storage alone answers every query too: the oracle.
  std::vector<CaseQuery> queries(1);
  for (const auto& scope : {kCommunity, kStreet, kDistrict, std::string("G1-1")}) queries.emplace_back().scope = scope;
  queries.emplace_back().grid = "G0-0";
  queries.emplace_back().assignee = made[0].assignee;
  for (auto s : kCaseStates) queries.emplace_back().state = s;
  queries.emplace_back().open = true;
  queries.emplace_back().open = false;
  queries.emplace_back().urgency = Urgency::yellow;
  queries.emplace_back().overdue = false;
  {
    auto& q = queries.emplace_back();
    q.open = false;
    q.state = CaseState::accepted;  // contradictory: nothing
  }
  for (auto q : queries) {
    for (int limit : {3, 100}) {
      q.limit = limit;
      q.after.reset();
      INFO("scope " << q.scope << " grid " << q.grid << " assignee " << q.assignee << " limit " << limit);
      // Page through both ways: the same ids, newest first.
      std::vector<CaseId> center_ids, ledger_ids;
      for (int pages = 0; pages < 20; ++pages) {
        auto got = run.center->find_cases(q, Actor{});
        auto expected = run.ledger->find_cases(q);
        CHECK(ids(got) == ids(expected));
        for (const auto& c : got) center_ids.push_back(c.id);
        for (const auto& c : expected) ledger_ids.push_back(c.id);
        if (got.size() < static_cast<std::size_t>(limit)) break;
        q.after = got.back().id;
      }
      CHECK(center_ids == ledger_ids);
      CHECK(std::is_sorted(center_ids.begin(), center_ids.end(), std::greater<>()));
    }
  }
  CaseQuery all;
  all.limit = 100;
  CHECK(run.center->find_cases(all, Actor{}).size() == 12);
  // A worker sees its own cases, open or closed, and no one else's.
  const auto mine = run.center->find_cases(all, worker_actor(made[0].assignee));
  REQUIRE(!mine.empty());
  for (const auto& c : mine) CHECK(c.assignee == made[0].assignee);
}

TEMPLATE_TEST_CASE("escalations due while the server was down are made at start-up, once, with their true times",
                   "[ledger][escalation]", testing::OnSqlite, testing::OnPostgres) {
  testing::CityOn<TestType> city;
  constexpr Millis kMinute = 60'000, kHour = 60 * kMinute;
  Millis t0 = 0;
  CaseId yellow = 0, red = 0;
  {
    testing::RunningOn<TestType> run(city.place);
    t0 = run.clock.now();
    auto y = run.center->intake_and_wait(at_grid(0, 0), operator_actor());
    auto r_req = at_grid(1, 1);
    r_req.urgency = Urgency::red;
    run.clock.advance(10 * kMinute);
    auto r = run.center->intake_and_wait(r_req, operator_actor());
    REQUIRE((y.ok() && r.ok()));
    yellow = y->id;
    red = r->id;
  }  // stopped: the ledger closes with everything stored

  auto restart_at = [&](Millis now) {
    auto run = std::make_unique<testing::RunningOn<TestType>>(city.place);
    run->clock.set(now);
    std::size_t steps = 0, n = 0;
    while ((n = run->center->tick()) > 0) steps += n;
    return std::pair{std::move(run), steps};
  };
  {
    auto [run, steps] = restart_at(t0 + 25 * kHour);
    CHECK(steps > 0);
    const auto y = run->center->get_case(yellow, operator_actor());
    REQUIRE(y.ok());
    CHECK(y->urgency == Urgency::orange);
    CHECK(y->tier == Tier::community);
    CHECK(y->overdue);
  }  // the escalations are stored before the ledger closes
  {
    testing::RunningOn<TestType> again(city.place);
    again.clock.set(t0 + 25 * kHour);
    CHECK(again.center->tick() == 0);  // once: nothing is escalated twice
    std::vector<Millis> yellow_times, red_times;
    for (const auto& e : again.ledger->case_events(yellow))
      if (e.type == EventType::escalated) yellow_times.push_back(e.at);
    for (const auto& e : again.ledger->case_events(red))
      if (e.type == EventType::escalated) red_times.push_back(e.at);
    CHECK(yellow_times == std::vector<Millis>{t0 + 24 * kHour});
    // Red: due 30 min after intake, then each 30 min red period at its true time, up to the
    // top tier; there escalation stops and the day down leaves one reminder.
    REQUIRE(red_times.size() == 3);
    for (std::size_t i = 0; i < red_times.size(); ++i)
      CHECK(red_times[i] == t0 + 10 * kMinute + static_cast<Millis>(i + 1) * 30 * kMinute);
    const auto r = again.ledger->find_case(red);
    REQUIRE(r);
    CHECK(r->tier == Tier::district);
    CHECK(r->reminded_at == t0 + 10 * kMinute + 2 * kHour);  // the district's 30 min ran out then
    Millis last = 0;
    for (const auto& e : again.ledger->case_events(red)) {
      CHECK(e.at >= last);
      last = e.at;
    }
  }
  auto reminders = [&](CaseId id) {
    testing::RunningOn<TestType> run(city.place);
    std::vector<Millis> out;
    for (const auto& e : run.ledger->case_events(id))
      if (e.type == EventType::reminded) out.push_back(e.at);
    return out;
  };
  const Millis first = t0 + 10 * kMinute + 2 * kHour;
  CHECK(reminders(red) == std::vector<Millis>{first});
  {
    // Down for three more days: one reminder, at the last moment one fell due, stored.
    auto [run, steps] = restart_at(t0 + 25 * kHour + 3 * 24 * kHour);
    CHECK(steps > 0);
  }
  CHECK(reminders(red) == std::vector<Millis>{first, first + 3 * 24 * kHour});
  // The yellow case climbed to the top meanwhile (district at 26.5 h, its 30 min out at 27 h):
  // one reminder too, at the last of its due moments.
  CHECK(reminders(yellow) == std::vector<Millis>{t0 + 27 * kHour + 2 * 24 * kHour});
  {
    auto [run, steps] = restart_at(t0 + 25 * kHour + 3 * 24 * kHour);
    CHECK(steps == 0);
  }
}
