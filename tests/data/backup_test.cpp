#include <catch2/catch.hpp>

#include <filesystem>
#include <latch>
#include <thread>

#include "data/backup.hpp"
#include "data/schema.hpp"
#include "data/sqlite_ledger.hpp"
#include "dispatch/center.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

TEST_CASE("an online backup while cases are written is complete and passes integrity_check", "[backup]") {
  testing::ImportedCity city;
  testing::RunningCenter run(city.path);
  const auto& dir = city.dir;
  const auto& path = city.path;
  auto& center = *run.center;
  const Actor op{1, "op", Role::operator_, {}, {}};
  auto request = [&](int i) {
    IntakeRequest r;
    r.lon = 118.305 + 0.01 * (i % 3);
    r.lat = 24.605 + 0.01 * (i % 2);
    r.category = "environment";
    r.title = "占道经营 " + std::to_string(i);
    r.description = std::string(400, 'x');  // some bulk, so the copy takes many steps
    return r;
  };
  auto intake = [&](int i) { return center.intake_and_wait(request(i), op); };
  {
    std::latch stored(2000);
    std::atomic<int> failed{0};
    for (int i = 0; i < 2000; ++i)
      center.intake(request(i), op, [&](Result<Case> r) {
        if (!r) ++failed;
        stored.count_down();
      });
    stored.wait();
    REQUIRE(failed == 0);
  }

  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i)
      if (intake(i).ok()) ++written;
  });
  data::BackupOptions options;
  options.pages_per_step = 8;
  options.pause = std::chrono::milliseconds(1);
  const auto out = dir.file("copy.db");
  auto report = data::backup_database(path, out, options);
  const int during = written.load();
  stop = true;
  writer.join();
  REQUIRE(report.ok());
  CHECK(report->steps > 10);
  CHECK(report->bytes > 0);
  CHECK(during > 0);  // the server kept writing while the copy was taken

  CHECK(!std::filesystem::exists(out + "-wal"));  // the copy is one file
  auto copy = data::Connection::open(out, data::OpenMode::read_only);
  REQUIRE(copy.ok());
  auto check = data::integrity_check(**copy);
  REQUIRE(check.ok());
  CHECK(*check == "ok");
  const auto cases = *(*copy)->scalar("SELECT count(*) FROM cases");
  CHECK(cases >= 2000);
  CHECK(cases <= 2000 + written.load());
  // One snapshot: every case in the copy has both of its intake events.
  CHECK(*(*copy)->scalar("SELECT count(*) FROM case_events") == 2 * cases);
  CHECK(*(*copy)->scalar("SELECT count(*) FROM grids") == 6);
  CHECK(*(*copy)->scalar("PRAGMA user_version") == data::latest_schema_version());

  SECTION("a backup replaces an older one at the same name") {
    auto again = data::backup_database(path, out, options);
    REQUIRE(again.ok());
    auto reopened = data::Connection::open(out, data::OpenMode::read_only);
    REQUIRE(reopened.ok());
    CHECK(*(*reopened)->scalar("SELECT count(*) FROM cases") == 2000 + written.load());
  }
  SECTION("a missing database is an error, and nothing is left behind") {
    auto missing = data::backup_database(dir.file("absent.db"), dir.file("x.db"));
    CHECK(!missing.ok());
    CHECK(!std::filesystem::exists(dir.file("x.db")));
  }
}
