// Schema step 6: a database whose events keep their data in words only (as gridkeeper
// wrote them before typed events) is given the typed fields when it is opened, and the
// assessment's figures read from them are what they were.
#include <catch2/catch.hpp>

#include "../dispatch/same_figures.hpp"
#include "../dispatch/support.hpp"
#include "data/legacy_events.hpp"
#include "data/reports_store.hpp"
#include "data/schema.hpp"
#include "data/sqlite_ledger.hpp"
#include "dispatch/assessment.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
using testing::kDay;
using testing::kHour;
using testing::kMinute;
using testing::T0;
constexpr int kStepsBefore = 5;  // the schema steps before typed events

// Writes rows as the gridkeeper before step 6 did: events without typed columns.
struct OldDatabase {
  std::unique_ptr<data::Connection> db;

  explicit OldDatabase(const std::string& path) {
    auto opened = data::Connection::open(path, data::OpenMode::create);
    REQUIRE(opened.ok());
    db = std::move(*opened);
    for (int i = 0; i < kStepsBefore; ++i) REQUIRE(!db->exec(data::migrations()[static_cast<std::size_t>(i)].sql));
    REQUIRE(!db->exec("PRAGMA user_version = " + std::to_string(kStepsBefore)));
    REQUIRE(!db->exec(
        "INSERT INTO categories VALUES ('environment', '环境卫生', 86400, 432000, 7200, 86400, 1800, 14400, 0)"));
  }
  void add_case(CaseId id, const char* state, const char* urgency, const char* tier, const std::string& worker,
                const char* grid, Millis created, Millis accept_by, Millis resolve_by, bool deferred = false) {
    auto q = db->query(
        "INSERT INTO cases (id, state, urgency, category, title, lon, lat, grid, community, street, district, "
        "assignee, "
        "tier, version, created_at, updated_at, accept_by, resolve_by, deferred) "
        "VALUES (?1, ?2, ?3, 'environment', 't', 118.3, 24.6, ?4, 'C1', 'S', 'D', ?5, ?6, 1, ?7, ?7, ?8, ?9, ?10)");
    REQUIRE(q.ok());
    q->bind(1, id).bind(2, state).bind(3, urgency).bind(4, grid).bind_code(5, worker).bind(6, tier).bind(7, created);
    q->bind(8, accept_by).bind(9, resolve_by).bind(10, deferred);
    REQUIRE(!q->run());
  }
  void event(CaseId id, Millis at, const char* type, const char* from, const char* to, const std::string& worker,
             const std::string& reason = {}, const std::string& note = {}) {
    auto q = db->query(
        "INSERT INTO case_events (case_id, at, type, actor, from_state, to_state, assignee, note, reason) "
        "VALUES (?1, ?2, ?3, 'system', ?4, ?5, ?6, ?7, ?8)");
    REQUIRE(q.ok());
    q->bind(1, id).bind(2, at).bind(3, type).bind(4, from).bind(5, to).bind_code(6, worker).bind(7, note).bind(8,
                                                                                                               reason);
    REQUIRE(!q->run());
  }
  // created and register, as every intake wrote them.
  void intake(CaseId id, Millis at, const std::string& worker, const std::string& note = {}) {
    event(id, at, "created", "reported", "reported", {}, "taken in from operator", note);
    event(id, at, "register", "reported", "dispatched", worker, "owner (A post) of grid G0-0");
  }
};

// The histories of the assessment tests, as the engine wrote them in words, and a few
// more events whose words held data.
void write_old_histories(OldDatabase& old) {
  // 1: on time all the way, rated 5.
  old.add_case(1, "closed", "yellow", "worker", "W1", "G0-0", T0, T0 + kDay, T0 + 5 * kDay);
  old.intake(1, T0, "W1");
  old.event(1, T0 + kHour, "accept", "dispatched", "accepted", "W1");
  old.event(1, T0 + 10 * kHour, "resolve", "accepted", "resolved", "W1");
  old.event(1, T0 + 12 * kHour, "close", "resolved", "closed", "W1");
  old.event(1, T0 + 13 * kHour, "rated", "closed", "closed", "W1", "score 5");
  // 2: reworked once, closed on time, rated 3.
  const Millis t2 = T0 + kDay;
  old.add_case(2, "closed", "yellow", "worker", "W1", "G0-0", t2, t2 + kDay, t2 + 5 * kDay);
  old.intake(2, t2, "W1");
  old.event(2, t2 + 2 * kHour, "accept", "dispatched", "accepted", "W1");
  old.event(2, t2 + 20 * kHour, "resolve", "accepted", "resolved", "W1");
  old.event(2, t2 + 22 * kHour, "reopen", "resolved", "dispatched", "W1", "rework 1", "未清理干净");
  old.event(2, t2 + 23 * kHour, "accept", "dispatched", "accepted", "W1");
  old.event(2, t2 + 30 * kHour, "resolve", "accepted", "resolved", "W1");
  old.event(2, t2 + 31 * kHour, "close", "resolved", "closed", "W1");
  old.event(2, t2 + 32 * kHour, "rated", "closed", "closed", "W1", "score 3");
  // 3: warned, then not accepted in time; handled and closed late.
  const Millis t3 = T0 + 2 * kDay;
  old.add_case(3, "closed", "orange", "community", "W1", "G0-1", t3, t3 + 26 * kHour, t3 + 48 * kHour);
  old.intake(3, t3, "W1");
  old.event(3, t3 + 18 * kHour, "warned", "dispatched", "dispatched", "W1", "75 % of the acceptance time has passed");
  old.event(3, t3 + 24 * kHour, "escalated", "dispatched", "dispatched", "W1",
            "not accepted in time: yellow -> orange, worker -> community");
  old.event(3, t3 + 25 * kHour, "accept", "dispatched", "accepted", "W1");
  old.event(3, t3 + 40 * kHour, "resolve", "accepted", "resolved", "W1");
  old.event(3, t3 + 41 * kHour, "close", "resolved", "closed", "W1");
  // 4: deferred for two days; its rating counts nowhere.
  const Millis t4 = T0 + 3 * kDay;
  old.add_case(4, "closed", "orange", "worker", "W2", "G0-1", t4, t4 + 2 * kHour, t4 + kDay, true);
  old.intake(4, t4, "W2");
  old.event(4, t4 + kHour, "accept", "dispatched", "accepted", "W2");
  old.event(4, t4 + 2 * kHour, "defer", "accepted", "accepted", "W2", "waiting for parts", "waiting for parts");
  old.event(4, t4 + 50 * kHour, "resume", "accepted", "accepted", "W2", "paused for 2880 min");
  old.event(4, t4 + 60 * kHour, "resolve", "accepted", "resolved", "W2");
  old.event(4, t4 + 61 * kHour, "close", "resolved", "closed", "W2");
  old.event(4, t4 + 62 * kHour, "rated", "closed", "closed", "W2", "score 1");
  // 5: red, accepted at once, warned and not resolved in time, still open.
  const Millis t5 = T0 + 4 * kDay;
  old.add_case(5, "accepted", "red", "community", "W2", "G0-1", t5, t5 + 30 * kMinute, t5 + 8 * kHour + 10 * kMinute);
  old.intake(5, t5, "W2");
  old.event(5, t5 + 10 * kMinute, "accept", "dispatched", "accepted", "W2");
  old.event(5, t5 + 3 * kHour + 10 * kMinute, "warned", "accepted", "accepted", "W2",
            "75 % of the resolution time has passed");
  old.event(5, t5 + 4 * kHour + 10 * kMinute, "escalated", "accepted", "accepted", "W2",
            "not resolved in time: red -> red, worker -> community");
  // 6: cancelled.
  const Millis t6 = T0 + 5 * kDay;
  old.add_case(6, "cancelled", "yellow", "worker", "W4", "G1-0", t6, t6 + kDay, t6 + 5 * kDay);
  old.intake(6, t6, "W4");
  old.event(6, t6 + kHour, "cancel", "dispatched", "cancelled", "W4", "", "重复上报");
  // 7: red, escalated every 30 minutes before escalation stopped at the top, then
  // reminded; closed two days late. Its "score 9" was never a rating.
  const Millis t7 = T0 + 6 * kDay;
  old.add_case(7, "closed", "red", "district", "W1", "G0-0", t7, t7 + 2 * kHour, t7 + 6 * kHour);
  old.intake(7, t7, "W1");
  const char* ladder[] = {"worker -> community", "community -> street", "street -> district", "district -> district",
                          "district -> district"};
  for (int i = 0; i < 5; ++i)
    old.event(7, t7 + (i + 1) * 30 * kMinute, "escalated", "dispatched", "dispatched", "W1",
              std::string("not accepted in time: red -> red, ") + ladder[i]);
  old.event(7, t7 + 4 * kHour, "reminded", "dispatched", "dispatched", "W1", "still overdue at the top tier");
  old.event(7, t7 + 2 * kDay, "accept", "dispatched", "accepted", "W1");
  old.event(7, t7 + 2 * kDay + kHour, "resolve", "accepted", "resolved", "W1");
  old.event(7, t7 + 2 * kDay + 2 * kHour, "close", "resolved", "closed", "W1");
  old.event(7, t7 + 2 * kDay + 3 * kHour, "rated", "closed", "closed", "W1", "score 9");
  // 8: raised to orange by emergency mode, then handed over when the grid's posts changed.
  const Millis t8 = T0 + 10 * kDay;
  old.add_case(8, "dispatched", "orange", "worker", "W7", "G0-0", t8, t8 + kHour + 2 * kHour, t8 + kDay);
  old.intake(8, t8, "W1", "emergency mode: raised to orange");
  old.event(8, t8 + kHour, "handover", "dispatched", "dispatched", "W7",
            "grid G0-0 posts changed: owner (A post) of grid G0-0");
  REQUIRE(!old.db->exec("INSERT INTO audit (at, actor, kind, subject, detail) VALUES (" + std::to_string(t8 + kHour) +
                        ", 'user:9:admin', 'grid_posts', 'G0-0', 'owner W1 -> W7, backup W2 -> W3')"));
  // 9 (before the period): returned by its worker, then re-dispatched by name.
  const Millis t9 = T0 - kDay;
  old.add_case(9, "dispatched", "yellow", "worker", "W7", "G1-0", t9, t9 + 2 * kDay, t9 + 6 * kDay);
  old.intake(9, t9, "W4");
  old.event(9, t9 + kHour, "return", "dispatched", "reported", "", "不属于本网格", "不属于本网格");
  old.event(9, t9 + 2 * kHour, "reassign", "reported", "dispatched", "W7", "chosen by user:1:op");
}

const Period kQuarter{T0, T0 + 90 * kDay};
constexpr Millis kAsOf = T0 + 30 * kDay;
}  // namespace

TEST_CASE("opening a database of the previous schema types its events from their words", "[schema][events]") {
  testing::TempDir dir;
  const auto path = dir.file("old.db");
  {
    OldDatabase old(path);
    write_old_histories(old);
  }
  auto db = data::open_for_writing(path);
  INFO((db.ok() ? std::string() : db.error().message));
  REQUIRE(db.ok());
  CHECK(*(*db)->scalar("PRAGMA user_version") == data::latest_schema_version());
  // Still append-only.
  auto update = (*db)->exec("UPDATE case_events SET score = 5");
  REQUIRE(update);
  CHECK(update->message.find("append-only") != std::string::npos);
  db->reset();

  auto ledger = data::SqliteLedger::open(path);
  REQUIRE(ledger.ok());
  auto events = [&](CaseId id, EventType type) {
    std::vector<CaseEvent> out;
    for (auto& e : (*ledger)->case_events(id))
      if (e.type == type) out.push_back(e);
    return out;
  };
  const auto c3 = events(3, EventType::escalated);
  REQUIRE(c3.size() == 1);
  CHECK(c3[0].deadline == Deadline::accept);
  CHECK(c3[0].urgency_from == Urgency::yellow);
  CHECK(c3[0].urgency_to == Urgency::orange);
  CHECK(c3[0].tier_from == Tier::worker);
  CHECK(c3[0].tier_to == Tier::community);
  CHECK(c3[0].reason == "not accepted in time: yellow -> orange, worker -> community");  // the words stay
  CHECK(events(3, EventType::warned).at(0).deadline == Deadline::accept);
  const auto c5 = events(5, EventType::escalated).at(0);
  CHECK(c5.deadline == Deadline::resolve);
  CHECK((c5.urgency_from == Urgency::red && c5.urgency_to == Urgency::red));
  CHECK(events(5, EventType::warned).at(0).deadline == Deadline::resolve);
  const auto c7 = events(7, EventType::escalated);
  REQUIRE(c7.size() == 5);
  CHECK((c7[2].tier_from == Tier::street && c7[2].tier_to == Tier::district));
  CHECK((c7[4].tier_from == Tier::district && c7[4].tier_to == Tier::district));
  CHECK(events(7, EventType::reminded).at(0).deadline == Deadline::accept);
  CHECK(events(1, EventType::rated).at(0).score == 5);
  CHECK(events(2, EventType::rated).at(0).score == 3);
  CHECK_FALSE(events(7, EventType::rated).at(0).score);  // "score 9" never counted
  CHECK(events(2, EventType::reopen).at(0).rework == 1);
  CHECK(events(4, EventType::resume).at(0).paused_ms == 2 * kDay);
  const auto created = events(8, EventType::created).at(0);
  CHECK((created.urgency_from == Urgency::yellow && created.urgency_to == Urgency::orange));
  CHECK_FALSE(events(1, EventType::created).at(0).urgency_from);
  const auto handover = events(8, EventType::handover).at(0);
  CHECK(handover.assignee_from == "W1");
  CHECK(handover.assignee == "W7");
  REQUIRE(handover.posts);
  CHECK(*handover.posts == PostChange{"W1", "W7", "W2", "W3"});
  CHECK(events(9, EventType::return_case).at(0).assignee_from == "W4");
  CHECK(events(9, EventType::reassign).at(0).assignee_from.empty());  // it waited in the queue
  CHECK(events(9, EventType::register_case).at(0).assignee_from.empty());
  for (auto type : {EventType::accept, EventType::close, EventType::created})
    for (const auto& e : events(1, type)) {
      CHECK_FALSE(e.deadline);
      CHECK_FALSE(e.score);
      CHECK(e.assignee_from.empty());
      CHECK_FALSE(e.posts);
    }
  ledger->reset();

  // The figures, as the assessment computed them from the words before (by hand: see
  // tests/dispatch/assessment_test.cpp for cases 1-6).
  auto reports = data::SqliteReports::open(path);
  REQUIRE(reports.ok());
  auto history = (*reports)->history({{}, {}, kQuarter.from, kQuarter.to});
  REQUIRE(history.ok());
  REQUIRE(history->size() == 8);
  const auto a = assess(*history, Organisation{}, AssessmentRules{}, kQuarter, kAsOf);
  const auto& t = a.total;
  CHECK(t.cases == 7);
  CHECK(t.cancelled == 1);
  CHECK(t.deferred == 1);
  CHECK(t.assessed == 6);  // 1, 2, 3, 5, 7, 8
  CHECK(t.handled == 4);   // 1, 2, 3, 7
  CHECK(t.closed == 4);
  CHECK(t.due == 6);             // the closed ones, 5 (overdue) and 8 (its resolution deadline passed)
  CHECK(t.closed_on_time == 2);  // 1, 2
  CHECK(t.acceptance_due == 6);
  CHECK(t.accepted_on_time == 3);  // 1, 2, 5: case 3 and 7 missed acceptance, 8 is not accepted
  CHECK(t.reworked == 1);
  CHECK(t.overdue == 3);
  CHECK(t.overdue_by_colour == std::array<std::int64_t, 3>{1, 0, 2});  // 3 yellow; 5 and 7 red
  CHECK(t.escalations == 5);                                           // 3: 1, 5: 1, 7: its first three
  CHECK(t.rated == 2);
  CHECK(t.ratings == std::array<std::int64_t, 5>{0, 0, 1, 0, 1});
  CHECK(*t.satisfaction == Approx(4.0));
  CHECK(t.time_to_accept.count == 5);
  CHECK(*t.time_to_accept.mean_s == Approx((1 + 2 + 25 + 48) * 3600.0 / 5 + 600.0 / 5));
  CHECK(t.time_to_resolve.count == 4);
  CHECK(*t.time_to_resolve.mean_s == Approx((10 + 30 + 40 + 49) * 3600.0 / 4));
  for (const auto& h : *history)
    if (h.c.id == 7) {
      const auto f = facts_of(h, kAsOf);
      CHECK(f.overdue_colour == Urgency::red);
      CHECK(*f.overdue_at == T0 + 6 * kDay + 30 * kMinute);
      CHECK(f.escalations == 3);
      CHECK_FALSE(f.accepted_on_time);
      CHECK_FALSE(f.rating);
    }
  const auto trend = trends(*history, kQuarter, Bucket::day, kAsOf);
  std::int64_t escalations = 0, became_overdue = 0;
  for (const auto& p : trend.points) escalations += p.escalations, became_overdue += p.became_overdue;
  CHECK(escalations == 5);
  CHECK(became_overdue == 3);

  // Schema step 7 gave every case stored before it its summary row, from the same events:
  // the reports read from the rows what the replay computes, as of the last event and after.
  Millis last = 0;
  for (const auto& h : *history)
    for (const auto& e : h.events) last = std::max(last, e.at);
  for (Millis as_of : {last, last + 40 * kDay}) {
    INFO("as of " << as_of);
    testing::check_same(testing::records_assessment(**reports, Organisation{}, AssessmentRules{}, kQuarter, as_of),
                        assess(*history, Organisation{}, AssessmentRules{}, kQuarter, as_of));
    testing::check_same(testing::records_trends(**reports, kQuarter, Bucket::day, as_of),
                        trends(*history, kQuarter, Bucket::day, as_of));
  }
}

TEST_CASE("an event type this gridkeeper does not know stops the step with its name", "[schema][events]") {
  testing::TempDir dir;
  const auto path = dir.file("odd.db");
  {
    OldDatabase old(path);
    old.add_case(1, "dispatched", "yellow", "worker", "W1", "G0-0", T0, T0 + kDay, T0 + 5 * kDay);
    old.event(1, T0, "teleported", "reported", "dispatched", "W1");
  }
  auto db = data::open_for_writing(path);
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().message.find("schema step 6") != std::string::npos);
  CHECK(db.error().message.find("'teleported'") != std::string::npos);
  // Nothing of the step stayed: the database is as it was.
  auto again = data::Connection::open(path, data::OpenMode::read_only);
  REQUIRE(again.ok());
  CHECK(*(*again)->scalar("PRAGMA user_version") == kStepsBefore);
  CHECK(*(*again)->scalar("SELECT count(*) FROM pragma_table_info('case_events') WHERE name = 'score'") == 0);
}

TEST_CASE("the old words are read as the engine wrote them, and odd ones leave the fields unset", "[events]") {
  using data::legacy::read_typed_fields;
  auto typed = [](EventType type, CaseState from, std::string reason, std::string note = {}) {
    CaseEvent e;
    e.type = type;
    e.from_state = from;
    e.reason = std::move(reason);
    e.note = std::move(note);
    read_typed_fields(e);
    return e;
  };
  auto e = typed(EventType::escalated, CaseState::accepted, "not resolved in time: orange -> red, community -> street");
  CHECK(e.deadline == Deadline::resolve);
  CHECK((e.urgency_from == Urgency::orange && e.urgency_to == Urgency::red));
  CHECK((e.tier_from == Tier::community && e.tier_to == Tier::street));
  e = typed(EventType::escalated, CaseState::dispatched, "no arrow");
  CHECK(e.deadline == Deadline::accept);  // from the state the clock ran in
  CHECK_FALSE(e.urgency_from);
  CHECK_FALSE(e.tier_from);
  CHECK(typed(EventType::warned, CaseState::accepted, "").deadline == Deadline::resolve);
  CHECK(typed(EventType::rated, CaseState::closed, "score 4").score == 4);
  for (const char* odd : {"score 0", "score 6", "score 44", "score", "Score 4", "score 4 "})
    CHECK_FALSE(typed(EventType::rated, CaseState::closed, odd).score);
  CHECK(typed(EventType::resume, CaseState::accepted, "paused for 0 min").paused_ms == 0);
  CHECK_FALSE(typed(EventType::resume, CaseState::accepted, "paused for x min").paused_ms);
  CHECK(typed(EventType::reopen, CaseState::resolved, "rework 12").rework == 12);
  CHECK_FALSE(typed(EventType::reopen, CaseState::resolved, "rework").rework);
  CHECK_FALSE(typed(EventType::note, CaseState::accepted, "score 4").score);  // only a rating has a score
  CHECK_FALSE(typed(EventType::created, CaseState::reported, "", "emergency mode: raised to purple").urgency_to);

  CHECK(data::legacy::read_posts("owner W1 -> W7, backup  -> W3") == PostChange{"W1", "W7", "", "W3"});
  CHECK(data::legacy::read_posts("owner  -> W1, backup W2 -> ") == PostChange{"", "W1", "W2", ""});
  CHECK_FALSE(data::legacy::read_posts("mode emergency"));
  CHECK_FALSE(data::legacy::read_posts("owner W1 -> W7"));
  CHECK(data::legacy::handover_grid("grid 350213001001001 posts changed: x") == "350213001001001");
  CHECK_FALSE(data::legacy::handover_grid("grid  posts changed"));
  CHECK_FALSE(data::legacy::handover_grid("posts changed"));
}
