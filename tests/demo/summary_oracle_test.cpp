// The oracle of the reports on a generated history: what Reporting adds up from the rows
// storage keeps per case is, figure by figure, what the replay of every case's events gives.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "../data/support.hpp"
#include "../dispatch/same_figures.hpp"
#include "data/reports_store.hpp"
#include "data/sqlite_ledger.hpp"
#include "demo/database.hpp"
#include "dispatch/reporting.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
constexpr Millis kHour = 3600 * 1000, kDay = 24 * kHour;
constexpr Millis kBuiltAt = 1'780'000'000'000;

Result<RulesChange> no_stored_rules(std::string_view) { return RulesChange{}; }
}  // namespace

TEST_CASE("the reports read from the rows kept per case what the replay of the histories gives", "[demo][oracle]") {
  testing::TempDir dir;
  const auto path = dir.file("history.db");
  demo::DemoOptions o;
  o.now = kBuiltAt;
  o.history_days = 3;
  o.cases_per_day = 1000;
  o.hash_password = [](std::string_view p) { return "test-hash:" + std::string(p); };
  auto built = demo::build_demo_database(path, o);
  REQUIRE(built);
  REQUIRE(built->cases > 2500);
  CHECK(built->refused == 0);

  auto ledger = data::SqliteLedger::open(path);
  REQUIRE(ledger);
  ManualClock clock(kBuiltAt + kHour);
  Center center(**ledger, clock);
  center.start();
  Actor admin;
  admin.role = Role::admin;
  admin.username = "admin";

  // Ratings after closure (events whose case is not written again), some rated twice.
  auto reports = data::SqliteReports::open(path, ledger->get());
  REQUIRE(reports);
  const Period period{kBuiltAt - 5 * kDay, kBuiltAt + kDay};
  std::mt19937 random(7);
  int rated = 0;
  {
    auto history = (*reports)->history({{}, {}, period.from, period.to});
    REQUIRE(history);
    for (const auto& h : *history) {
      if (h.c.state != CaseState::closed || random() % 3 != 0) continue;
      for (int times = 1 + static_cast<int>(random() % 2); times > 0; --times) {
        clock.advance(1000);
        REQUIRE(center.rate_and_wait(h.c.id, 1 + static_cast<int>(random() % 5), "回访", admin));
      }
      ++rated;
    }
  }
  REQUIRE(rated > 50);

  const Millis now = clock.now() + kHour;
  auto history = (*reports)->history({{}, {}, period.from, period.to});
  REQUIRE(history);
  std::size_t kinds = 0;
  for (auto type : {EventType::reopen, EventType::defer, EventType::resume, EventType::cancel, EventType::escalated,
                    EventType::handover, EventType::rated, EventType::return_case})
    kinds += std::any_of(history->begin(), history->end(), [&](const CaseHistory& h) {
      return std::any_of(h.events.begin(), h.events.end(), [&](const CaseEvent& e) { return e.type == type; });
    });
  CHECK(kinds == 8);  // every kind of event the figures read is in the history

  const Reporting reporting(center, **reports, &no_stored_rules);
  for (const std::string& scope : {std::string(), center.jurisdictions(admin).at(1).code}) {
    INFO("scope " << scope);
    const ReportRequest request{scope, period, Bucket::day};
    auto view = reporting.view(admin, request);
    REQUIRE(view);
    auto scoped = (*reports)->history(view->query);
    REQUIRE(scoped);
    REQUIRE_FALSE(scoped->empty());

    auto report = reporting.assessment(admin, request, now);
    REQUIRE(report);
    testing::check_same(report->assessment, assess(*scoped, view->org, report->rules, period, now));

    for (auto bucket : {Bucket::day, Bucket::week}) {
      auto t = reporting.trends(admin, {scope, period, bucket}, now);
      REQUIRE(t);
      testing::check_same(t->trends, trends(*scoped, period, bucket, now));
    }

    // The case table: newest first, each case's facts as the replay gives them.
    std::vector<CaseHistory> newest = *scoped;
    std::sort(newest.begin(), newest.end(), [](const CaseHistory& x, const CaseHistory& y) {
      return x.c.created_at != y.c.created_at ? x.c.created_at > y.c.created_at : x.c.id > y.c.id;
    });
    std::size_t i = 0;
    REQUIRE_FALSE(reporting.each_case_fact(admin, request, now, [&](const CaseFacts& f) {
      REQUIRE(i < newest.size());
      const auto expected = facts_of(newest[i++], now);
      CHECK(f.id == expected.id);
      CHECK(f.category == expected.category);
      CHECK(f.worker == expected.worker);
      CHECK(f.grid == expected.grid);
      CHECK(f.community == expected.community);
      CHECK(f.street == expected.street);
      CHECK(f.taken_in_at == expected.taken_in_at);
      CHECK(f.cancelled == expected.cancelled);
      CHECK(f.deferred == expected.deferred);
      CHECK(f.handled == expected.handled);
      CHECK(f.closed == expected.closed);
      CHECK(f.reworked == expected.reworked);
      CHECK(f.overdue == expected.overdue);
      CHECK(f.overdue_colour == expected.overdue_colour);
      CHECK(f.overdue_at == expected.overdue_at);
      CHECK(f.escalations == expected.escalations);
      CHECK(f.due == expected.due);
      CHECK(f.closed_on_time == expected.closed_on_time);
      CHECK(f.acceptance_due == expected.acceptance_due);
      CHECK(f.accepted_on_time == expected.accepted_on_time);
      CHECK(f.time_to_accept == expected.time_to_accept);
      CHECK(f.time_to_resolve == expected.time_to_resolve);
      CHECK(f.closed_at == expected.closed_at);
      CHECK(f.rating == expected.rating);
      return true;
    }));
    CHECK(i == newest.size());

    // A visit may stop the walk.
    std::size_t seen = 0;
    REQUIRE_FALSE(reporting.each_case_fact(admin, request, now, [&](const CaseFacts&) { return ++seen < 10; }));
    CHECK(seen == 10);
  }
  (*ledger)->close();
}
