#pragma once
// The restore drill's two storages (tests/data/restore_drill_test.cpp): how a database is
// made, served, backed up while the server works, and restored.
//  - SQLite: the online backup (`gridkeeper backup`) in small steps, the copy checked with
//    integrity_check and put in place as a file.
//  - PostgreSQL: pg_dump in its custom format, restored with pg_restore into a fresh empty
//    database of the same cluster; its schema version and append-only triggers checked.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "../web/fixture.hpp"
#include "data/backup.hpp"
#include "data/pg.hpp"
#include "data/pg_ledger.hpp"
#include "data/schema.hpp"
#include "tests/pg/cluster.hpp"

namespace gridkeeper::testing::drill {

inline const std::string kPassword = "drill-password";

// The real server with `Storage`'s ledger, accounts and reports on the database at
// `place`, on an ephemeral port.
template <class Storage>
struct Serving {
  std::unique_ptr<typename Storage::Ledger> ledger;
  std::unique_ptr<typename Storage::Accounts> accounts;
  std::unique_ptr<typename Storage::Reports> reports;
  dispatch::SystemClock clock;
  std::unique_ptr<dispatch::Center> center;
  std::unique_ptr<web::Server> server;
  std::thread thread;
  unsigned short port = 0;

  explicit Serving(const std::string& place) {
    ledger = ServerFixture::open_or_throw(Storage::Ledger::open(place));
    accounts = ServerFixture::open_or_throw(Storage::Accounts::open(place));
    reports = ServerFixture::open_or_throw(Storage::Reports::open(place));
    auto options = test_options();
    options.api.reports = reports.get();
    center = std::make_unique<dispatch::Center>(*ledger, clock);
    center->start();
    server = std::make_unique<web::Server>(*center, *accounts, clock, options);
    server->start();
    port = server->port();
    thread = std::thread([this] { server->run(); });
  }
  ~Serving() { stop(); }
  void stop() {
    if (!thread.joinable()) return;
    server->stop();
    thread.join();
    ledger->close();
  }
  std::string login(const std::string& user) {
    HttpClient c(port);
    auto a = c.post("/api/v1/auth/login", R"({"username":")" + user + R"(","password":")" + kPassword + R"("})");
    return a.status == 200 ? std::string(a.json().at("token").as_string()) : std::string();
  }
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Waits until `done()`, at most `timeout`; whether it came.
inline bool wait_until(const std::function<bool()>& done, std::chrono::seconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

struct OnSqlite {
  using Ledger = data::SqliteLedger;
  using Accounts = data::SqliteAccounts;
  using Reports = data::SqliteReports;
  static constexpr const char* name = "SQLite";

  TempDir dir;
  const std::string original = dir.file("city.db"), copy = dir.file("backup.db");

  // The online backup in many small steps, the writer going on between them; the load
  // needs no holding back (`answered_meanwhile` is not asked). What to tell of it.
  std::string backup(const std::function<bool()>& /*answered_meanwhile*/) {
    data::BackupOptions small_steps;
    small_steps.pages_per_step = 2;
    small_steps.pause = std::chrono::milliseconds(2);
    auto report = data::backup_database(original, copy, small_steps);
    REQUIRE(report.ok());
    CHECK(report->steps > 10);
    return "backup steps " + std::to_string(report->steps);
  }

  // The copy passes integrity_check and is put in place: the restored database's place.
  std::string restore() {
    {
      auto c = data::Connection::open(copy, data::OpenMode::read_only);
      REQUIRE(c.ok());
      auto check = data::integrity_check(**c);
      REQUIRE(check.ok());
      CHECK(*check == "ok");
    }
    const auto restored = dir.file("restored.db");
    std::filesystem::copy_file(copy, restored);
    return restored;
  }
};

struct OnPostgres {
  using Ledger = data::PgLedger;
  using Accounts = data::PgAccounts;
  using Reports = data::PgReports;
  static constexpr const char* name = "PostgreSQL";

  TempDir dir;
  const std::string original = pg_cluster().fresh_database(), dump = dir.file("district.dump"),
                    log = dir.file("tools.log");

  static std::unique_ptr<data::pg::Connection> connect(const std::string& uri) {
    return ServerFixture::open_or_throw(data::pg::Connection::open(uri));
  }
  static std::int64_t scalar(data::pg::Connection& db, const std::string& sql) {
    auto v = db.scalar(sql);
    if (!v) FAIL(sql << ": " << v.error().message);
    return *v;
  }
  static std::int64_t append_only_triggers(data::pg::Connection& db) {
    return scalar(db,
                  "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgfoid = "
                  "'gridkeeper_append_only'::regproc AND tgrelid IN ('case_events'::regclass, 'audit'::regclass)");
  }

  // pg_dump -Fc of the served database. It takes its snapshot first, then a lock on each
  // table: a transaction here holds the schema version table (which the server does not
  // touch while serving) until the server has answered meanwhile, so the dump is known to
  // be under way, past its snapshot, while the server works. What to tell of it.
  std::string backup(const std::function<bool()>& answered_meanwhile) {
    auto holder = connect(original), watcher = connect(original);
    REQUIRE(!holder->exec("BEGIN"));
    REQUIRE(!holder->exec("LOCK TABLE gridkeeper_schema IN ACCESS EXCLUSIVE MODE"));
    int status = -1;
    std::thread dumping([&] {
      status = run_program({PgCluster::bin("pg_dump"), "-Fc", "-f", dump, "-d", original}, log);
    });
    const auto dump_waits = [&] {
      return scalar(*watcher,
                    "SELECT count(*) FROM pg_locks WHERE relation = 'gridkeeper_schema'::regclass AND NOT granted") > 0;
    };
    const bool waited = wait_until(dump_waits, std::chrono::seconds(60));
    const bool answered = waited && wait_until(answered_meanwhile, std::chrono::seconds(60));
    CHECK(!holder->exec("COMMIT"));
    dumping.join();
    CHECK(waited);
    CHECK(answered);
    INFO(slurp(log));
    REQUIRE(status == 0);
    return "dump of " + std::to_string(std::filesystem::file_size(dump)) + " bytes";
  }

  // pg_restore into a fresh empty database of the same cluster: the schema is there at the
  // latest version, with its append-only triggers. The restored database's URI.
  std::string restore() {
    const auto restored = pg_cluster().fresh_database();
    const int status = run_program({PgCluster::bin("pg_restore"), "--exit-on-error", "-d", restored, dump}, log);
    INFO(slurp(log));
    REQUIRE(status == 0);
    auto db = connect(restored), was = connect(original);
    CHECK(scalar(*db, "SELECT count(*) FROM gridkeeper_schema") == 1);
    CHECK(scalar(*db, "SELECT max(version) FROM gridkeeper_schema") == data::latest_schema_version());
    CHECK(append_only_triggers(*db) == 2);
    CHECK(append_only_triggers(*db) == append_only_triggers(*was));
    CHECK(scalar(*db, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal") ==
          scalar(*was, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"));
    // And they work: the history cannot be changed.
    auto changed = db->exec("UPDATE case_events SET note = note WHERE seq = (SELECT min(seq) FROM case_events)");
    REQUIRE(changed);
    CHECK(changed->message.find("append-only") != std::string::npos);
    return restored;
  }
};

}  // namespace gridkeeper::testing::drill
