#pragma once
// The backends the storage tests run on, for TEMPLATE_TEST_CASE: SQLite, and PostgreSQL on
// the throw-away test cluster (tests/pg/cluster.hpp), each holding the small test city
// (on PostgreSQL, copied there as `gridkeeper migrate` copies a district).
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "data/pg_ledger.hpp"
#include "data/pg_migrate.hpp"
#include "data/pg_schema.hpp"
#include "data/schema.hpp"
#include "data/sqlite_ledger.hpp"
#include "dispatch/center.hpp"
#include "support.hpp"
#include "tests/pg/cluster.hpp"

namespace gridkeeper::testing {

struct OnSqlite {
  using Ledger = data::SqliteLedger;
  static std::string city(ImportedCity& imported) { return imported.path; }
  static std::unique_ptr<Ledger> open(const std::string& place) {
    auto ledger = Ledger::open(place);
    if (!ledger) FAIL(ledger.error().message);
    return std::move(*ledger);
  }
  static std::int64_t scalar(const std::string& place, const std::string& sql) {
    auto db = data::open_for_writing(place);
    REQUIRE(db);
    auto v = (*db)->scalar(sql);
    if (!v) FAIL(v.error().message);
    return *v;
  }
  static dispatch::Status exec(const std::string& place, const std::string& sql) {
    auto db = data::open_for_writing(place);
    REQUIRE(db);
    return (*db)->exec(sql);
  }
};

struct OnPostgres {
  using Ledger = data::PgLedger;
  static std::string city(ImportedCity& imported) {
    const auto uri = pg_cluster().fresh_database();
    auto copied = data::migrate_to_postgres(imported.path, uri);
    if (!copied) FAIL(copied.error().message);
    return uri;
  }
  static std::unique_ptr<Ledger> open(const std::string& place) {
    auto ledger = Ledger::open(place);
    if (!ledger) FAIL(ledger.error().message);
    return std::move(*ledger);
  }
  static std::int64_t scalar(const std::string& place, const std::string& sql) {
    auto db = data::pg::Connection::open(place);
    REQUIRE(db);
    auto v = (*db)->scalar(sql);
    if (!v) FAIL(v.error().message);
    return *v;
  }
  static dispatch::Status exec(const std::string& place, const std::string& sql) {
    auto db = data::pg::Connection::open(place);
    REQUIRE(db);
    return (*db)->exec(sql);
  }
};

// The small city on a backend: `place` is what its ledger opens.
template <class Backend>
struct CityOn {
  ImportedCity imported;
  std::string place = Backend::city(imported);
};

// The backend's ledger of `place` open, and a center running on it on a manual clock.
template <class Backend>
struct RunningOn {
  std::unique_ptr<typename Backend::Ledger> ledger;
  dispatch::ManualClock clock;
  std::unique_ptr<dispatch::Center> center;
  explicit RunningOn(const std::string& place) : ledger(Backend::open(place)) {
    center = std::make_unique<dispatch::Center>(*ledger, clock);
    center->start();
  }
  ~RunningOn() {
    center.reset();
    ledger.reset();
  }
};

}  // namespace gridkeeper::testing
