#pragma once
// The backends the storage tests run on, for TEMPLATE_TEST_CASE: SQLite, and PostgreSQL on
// the throw-away test cluster (tests/pg/cluster.hpp), each holding the small test city
// (on PostgreSQL, copied there as `gridkeeper migrate` copies a district), with the stores
// beside the ledger (accounts, reports, addresses, generations) on each.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "data/accounts_store.hpp"
#include "data/addresses_store.hpp"
#include "data/generations_store.hpp"
#include "data/pg_ledger.hpp"
#include "data/pg_migrate.hpp"
#include "data/pg_schema.hpp"
#include "data/reports_store.hpp"
#include "data/schema.hpp"
#include "data/sqlite_ledger.hpp"
#include "dispatch/center.hpp"
#include "support.hpp"
#include "tests/pg/cluster.hpp"

namespace gridkeeper::testing {

struct OnSqlite {
  using Ledger = data::SqliteLedger;
  using Accounts = data::SqliteAccounts;
  using Reports = data::SqliteReports;
  using Addresses = data::SqliteAddresses;
  using Generations = data::SqliteGenerations;
  static constexpr bool is_postgres = false;
  // A place holding no database yet (the stores create the schema): a file in `dir`.
  static std::string empty(TempDir& dir) { return dir.file("empty.db"); }
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
  using Accounts = data::PgAccounts;
  using Reports = data::PgReports;
  using Addresses = data::PgAddresses;
  using Generations = data::PgGenerations;
  static constexpr bool is_postgres = true;
  // A new database of the test cluster, without any table.
  static std::string empty(TempDir&) { return pg_cluster().fresh_database(); }
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

// A store opened, or the test failed with the reason.
template <class Store>
std::unique_ptr<Store> opened_or_fail(dispatch::Result<std::unique_ptr<Store>> r) {
  if (!r) FAIL(r.error().message);
  return std::move(*r);
}

// A store of a backend (Backend::Accounts, ...) open on `place` with a connection of its
// own for its writes, or writing through `ledger` (of the same database) as the server wires it.
template <class Store>
std::unique_ptr<Store> open_store(const std::string& place) {
  return opened_or_fail(Store::open(place));
}
template <class Store, class Ledger>
std::unique_ptr<Store> open_store(const std::string& place, Ledger& ledger) {
  return opened_or_fail(Store::open(place, &ledger));
}

// A database with nothing in it yet on a backend: `place` is what a store opens.
template <class Backend>
struct EmptyOn {
  TempDir dir;
  std::string place = Backend::empty(dir);
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
