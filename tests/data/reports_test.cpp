#include <algorithm>
#include <catch2/catch.hpp>

#include "../dispatch/support.hpp"
#include "backends.hpp"
#include "data/reports_store.hpp"
#include "dispatch/center.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
using testing::kHour;
using testing::step;
const std::string kCommunity = "350213001001";

IntakeRequest at_grid(int row, int column, std::string category = "environment") {
  auto r = testing::at_grid(row, column);
  r.category = std::move(category);
  return r;
}
}  // namespace

TEMPLATE_TEST_CASE("reports read a period's cases with their events, settings and Open311 keys", "[reports]",
                   testing::OnSqlite, testing::OnPostgres) {
  testing::CityOn<TestType> city;
  testing::RunningOn<TestType> run(city.place);
  const auto& place = city.place;
  auto& clock = run.clock;
  auto& center = *run.center;
  const Actor op{1, "op", Role::operator_, {}, {}};
  const Millis t0 = clock.now();

  auto a = center.intake_and_wait(at_grid(0, 0), op);  // G0-0
  REQUIRE(a.ok());
  REQUIRE(
      center.transition_and_wait(a->id, step(Action::accept, 1), Actor{10, "w", Role::worker, {}, a->assignee}).ok());
  clock.advance(kHour);
  auto b = center.intake_and_wait(at_grid(1, 2, "safety_hazard"), op);  // G1-2
  REQUIRE(b.ok());
  REQUIRE(center.transition_and_wait(b->id, step(Action::cancel, 1), op).ok());
  clock.advance(kHour);
  auto c = center.intake_and_wait(at_grid(0, 1), op);  // G0-1
  REQUIRE(c.ok());

  auto reports = testing::open_store<typename TestType::Reports>(place);
  auto& r = *reports;

  SECTION("history: the period's cases, each with its events in order") {
    auto all = r.history({{}, {}, t0, t0 + 3 * kHour});
    if (!all) FAIL(all.error().message);
    REQUIRE(all->size() == 3);
    CHECK((*all)[0].c.id == a->id);
    std::vector<EventType> types;
    for (const auto& e : (*all)[0].events) types.push_back(e.type);
    CHECK(types == std::vector<EventType>{EventType::created, EventType::register_case, EventType::accept});
    CHECK((*all)[1].events.back().type == EventType::cancel);

    auto later = r.history({{}, {}, t0 + kHour, t0 + 3 * kHour});
    REQUIRE(later->size() == 2);
    CHECK(later->front().c.id == b->id);
    CHECK(r.history({"G0-1", {}, t0, t0 + 3 * kHour})->size() == 1);
    CHECK(r.history({kCommunity, {}, t0, t0 + 3 * kHour})->size() == 3);
    CHECK(r.history({{}, a->assignee, t0, t0 + 3 * kHour})->size() == 1);
    CHECK(r.history({"NOWHERE", {}, t0, t0 + 3 * kHour})->empty());
    HistoryQuery small{{}, {}, t0, t0 + 3 * kHour, 2};
    auto refused = r.history(small);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::too_large);
  }
  SECTION("records: each case's summary row, newest first, filtered as history is") {
    auto ids = [&](const HistoryQuery& q) {
      std::vector<CaseId> out;
      const auto failed = r.each_record(q, [&](const CaseRecord& rec) {
        out.push_back(rec.id);
        return true;
      });
      if (failed) FAIL(failed->message);
      return out;
    };
    CHECK(ids({{}, {}, t0, t0 + 3 * kHour}) == std::vector<CaseId>{c->id, b->id, a->id});
    CHECK(ids({{}, {}, t0 + kHour, t0 + 3 * kHour}) == std::vector<CaseId>{c->id, b->id});
    CHECK(ids({"G0-1", {}, t0, t0 + 3 * kHour}) == std::vector<CaseId>{c->id});
    CHECK(ids({kCommunity, {}, t0, t0 + 3 * kHour}).size() == 3);
    CHECK(ids({{}, a->assignee, t0, t0 + 3 * kHour}) == std::vector<CaseId>{a->id});
    CHECK(ids({"NOWHERE", {}, t0, t0 + 3 * kHour}).empty());
    // history's limit is not the stream's.
    CHECK(ids({{}, {}, t0, t0 + 3 * kHour, 1}).size() == 3);
    std::size_t visited = 0;
    REQUIRE_FALSE(r.each_record({{}, {}, t0, t0 + 3 * kHour}, [&](const CaseRecord&) { return ++visited < 2; }));
    CHECK(visited == 2);

    // Each row is its case's columns and the fold of its stored events.
    auto all = r.history({{}, {}, t0, t0 + 3 * kHour});
    REQUIRE(all.ok());
    REQUIRE_FALSE(r.each_record({{}, {}, t0, t0 + 3 * kHour}, [&](const CaseRecord& rec) {
      const auto h = std::find_if(all->begin(), all->end(), [&](const CaseHistory& x) { return x.c.id == rec.id; });
      REQUIRE(h != all->end());
      const auto expected = record_of(*h, clock.now());
      CHECK(rec.category == expected.category);
      CHECK(rec.assignee == expected.assignee);
      CHECK(rec.grid == expected.grid);
      CHECK(rec.community == expected.community);
      CHECK(rec.street == expected.street);
      CHECK(rec.district == expected.district);
      CHECK(rec.created_at == expected.created_at);
      CHECK(rec.state == expected.state);
      CHECK(rec.accept_by == expected.accept_by);
      CHECK(rec.resolve_by == expected.resolve_by);
      CHECK(rec.track.flags() == expected.track.flags());
      CHECK(rec.track.dispatched_at == expected.track.dispatched_at);
      CHECK(rec.track.first_accept_at == expected.track.first_accept_at);
      CHECK(rec.track.closed_at == expected.track.closed_at);
      return true;
    }));
  }
  SECTION("records: events stored without their case (a rating of a closed case) reach the row") {
    auto d = center.intake_and_wait(at_grid(0, 0), op);
    REQUIRE(d.ok());
    const Actor w{10, "w", Role::worker, {}, d->assignee};
    REQUIRE(center.transition_and_wait(d->id, step(Action::accept, 1), w).ok());
    REQUIRE(center.transition_and_wait(d->id, step(Action::resolve, 2, "done"), w).ok());
    REQUIRE(center.transition_and_wait(d->id, step(Action::close, 3), op).ok());
    clock.advance(kHour);
    REQUIRE(center.rate_and_wait(d->id, 2, "", op).ok());
    REQUIRE(center.rate_and_wait(d->id, 5, "", op).ok());
    std::optional<CaseRecord> row;
    REQUIRE_FALSE(r.each_record({{}, {}, d->created_at, d->created_at + 1}, [&](const CaseRecord& rec) {
      if (rec.id == d->id) row = rec;
      return true;
    }));
    REQUIRE(row);
    CHECK(row->state == CaseState::closed);
    CHECK(row->track.closed);
    CHECK(row->track.handled);
    CHECK(row->track.rating == 5);  // the latest
  }
  SECTION("requests: filters, newest first, pages") {
    RequestQuery q;
    q.from = t0;
    q.to = t0 + 3 * kHour;
    auto all = r.requests(q);
    if (!all) FAIL(all.error().message);
    REQUIRE(all->size() == 3);
    CHECK(all->front().id == c->id);
    q.open = false;
    CHECK(r.requests(q)->size() == 1);
    q.open = true;
    CHECK(r.requests(q)->size() == 2);
    q.open.reset();
    q.categories = {"safety_hazard"};
    CHECK(r.requests(q)->front().id == b->id);
    q.categories = {"safety_hazard", "environment"};
    CHECK(r.requests(q)->size() == 3);
    q.categories.clear();
    q.bbox = std::array<double, 4>{118.30, 24.60, 118.31, 24.61};
    CHECK(r.requests(q)->size() == 1);
    q.bbox.reset();
    q.limit = 2;
    q.offset = 2;
    REQUIRE(r.requests(q)->size() == 1);
    CHECK(r.requests(q)->front().id == a->id);
    RequestQuery ids;
    ids.ids = {a->id, c->id, 999};
    CHECK(r.requests(ids)->size() == 2);
  }
  SECTION("settings are kept with an audit entry") {
    CHECK_FALSE(*r.setting("assessment"));
    REQUIRE_FALSE(r.put_setting("assessment", R"({"min_cases":2})", t0, "user:1:admin"));
    REQUIRE_FALSE(r.put_setting("assessment", R"({"min_cases":3})", t0, "user:1:admin"));
    CHECK(**r.setting("assessment") == R"({"min_cases":3})");
    CHECK(TestType::scalar(place, "SELECT count(*) FROM audit WHERE kind = 'setting'") == 2);
  }
  SECTION("Open311 keys: found by hash, names unique among active keys, revoked for good") {
    ClientKey k{0, "hotline", "350213001", "hash-1", t0, "user:1:admin"};
    auto added = r.add_client_key(k);
    REQUIRE(added.ok());
    CHECK(added->id > 0);
    k.key_hash = "hash-2";
    CHECK(r.add_client_key(k).error().code == ErrorCode::conflict);
    auto found = r.find_client_key("hash-1");
    REQUIRE(found.ok());
    REQUIRE(*found);
    CHECK((*found)->scope == "350213001");
    CHECK_FALSE(*r.find_client_key("hash-2"));
    REQUIRE_FALSE(r.revoke_client_key(added->id, t0, "user:1:admin"));
    CHECK(r.revoke_client_key(added->id, t0, "user:1:admin")->code == ErrorCode::not_found);
    CHECK_FALSE(*r.find_client_key("hash-1"));
    CHECK(r.client_keys()->empty());
    CHECK(r.add_client_key(k).ok());  // the name is free again
    CHECK(TestType::scalar(place, "SELECT count(*) FROM audit WHERE kind = 'open311_key'") == 3);
  }
}
