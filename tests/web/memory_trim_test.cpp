// The memory reports free is handed back to the system once the reports stop for a moment,
// not after each one (which made each report fault all of it in again).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "app/memory_trim.hpp"
#include "fixture.hpp"
#include "tests/eventually.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
using namespace std::chrono_literals;

TEST_CASE("a burst of reports is followed by one hand-back of memory", "[web][memory]") {
  std::atomic<int> trims{0};
  app::MemoryTrimmer trimmer(std::chrono::hours(1), 50ms, [&] { ++trims; });
  for (int i = 0; i < 5; ++i) trimmer.soon();
  REQUIRE(eventually([&] { return trims.load() >= 1; }));
  CHECK(trims.load() == 1);  // the five asked together: one hand-back
  trimmer.soon();
  REQUIRE(eventually([&] { return trims.load() >= 2; }));
}

TEST_CASE("the server says when a report has been answered", "[web][memory]") {
  std::atomic<int> done{0};
  auto options = test_options();
  options.api.reports_done = [&] { ++done; };
  ServerFixture f(options);
  auto op = f.client("op");
  CHECK(op->get("/api/v1/stats/assessment?period=2026-Q1").status == 200);
  REQUIRE(eventually([&] { return done.load() >= 1; }));
  CHECK(op->get("/api/v1/stats/trends?period=2026-Q1").status == 200);
  REQUIRE(eventually([&] { return done.load() >= 2; }));
  CHECK(op->get("/api/v1/cases").status == 200);
  CHECK(done.load() == 2);  // not a report: not counted
  CHECK(op->get("/api/v1/stats/assessment?period=2026-Q1&format=csv&table=cases").status == 200);
  REQUIRE(eventually([&] { return done.load() >= 3; }));
}
