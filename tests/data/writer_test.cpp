// One writer a database: the accounts and reports stores write through the ledger's writer
// (on SQLite and on PostgreSQL), and a commit the device refuses (a full disk, on SQLite)
// fails its group without losing anything acknowledged.
#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <latch>
#include <thread>

#include "backends.hpp"
#include "data/accounts_store.hpp"
#include "data/reports_store.hpp"
#include "data/sqlite_ledger.hpp"
#include "dispatch/center.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;
using data::SqliteLedger;

namespace {

Actor operator_actor() { return {1, "op", Role::operator_, {}, {}}; }

IntakeRequest at_grid(int row, int column, std::string title) {
  IntakeRequest r;
  r.lon = 118.305 + 0.01 * column;
  r.lat = 24.605 + 0.01 * row;
  r.category = "environment";
  r.title = std::move(title);
  return r;
}

struct City {
  testing::TempDir dir;
  std::string path = dir.file("city.db");
  City() { REQUIRE(testing::import_city(path, testing::small_city_options()).ok); }
};

template <class T>
T opened(Result<T> r) {
  REQUIRE(r.ok());
  return std::move(*r);
}

// The ledger with the accounts and reports stores writing through it, as the server wires them.
struct Stores {
  std::unique_ptr<SqliteLedger> ledger;
  std::unique_ptr<data::SqliteAccounts> accounts;
  std::unique_ptr<data::SqliteReports> reports;
  ManualClock clock;
  std::unique_ptr<Center> center;
  explicit Stores(const std::string& path, SqliteLedger::Options options = {}) {
    ledger = opened(SqliteLedger::open(path, options));
    accounts = opened(data::SqliteAccounts::open(path, ledger.get()));
    reports = opened(data::SqliteReports::open(path, ledger.get()));
    center = std::make_unique<Center>(*ledger, clock);
    center->start();
  }
  ~Stores() {
    center.reset();
    accounts.reset();
    reports.reset();
    ledger.reset();
  }
};

// The same on either backend: a ledger and a center running on it, and the accounts and
// reports stores writing through that ledger.
template <class Backend>
struct StoresOn {
  testing::RunningOn<Backend> run;
  std::unique_ptr<typename Backend::Accounts> accounts;
  std::unique_ptr<typename Backend::Reports> reports;
  explicit StoresOn(const std::string& place)
      : run(place),
        accounts(testing::open_store<typename Backend::Accounts>(place, *run.ledger)),
        reports(testing::open_store<typename Backend::Reports>(place, *run.ledger)) {}
};

template <class Accounts>
UserId add_user(Accounts& accounts, const std::string& name) {
  User u;
  u.username = name;
  u.role = Role::operator_;
  u.password_hash = "not-a-hash";
  auto added = accounts.add_user(u);
  REQUIRE(added.ok());
  return added->id;
}

}  // namespace

TEMPLATE_TEST_CASE("accounts and reports write through the ledger's writer and wait for it, never for a lock",
                   "[writer]", testing::OnSqlite, testing::OnPostgres) {
  testing::CityOn<TestType> city;
  StoresOn<TestType> s(city.place);
  auto& ledger = *s.run.ledger;
  const UserId user = add_user(*s.accounts, "op1");

  // A group held open by a work of its own, which has written (so on SQLite the group's
  // transaction holds the file's write lock) and waits until released.
  std::latch in_group(1);
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<Status> held_done;
  auto held = held_done.get_future();
  ledger.submit(
      [&, released](auto& db) -> Status {
        if (auto e =
                db.exec("INSERT INTO settings (key, value, updated_at, updated_by) VALUES ('held', '1', 0, 'test')"))
          return e;
        in_group.count_down();
        released.wait();
        return std::nullopt;
      },
      [&](Status st) { held_done.set_value(std::move(st)); });
  in_group.wait();  // the writer is inside that group's transaction now

  auto intake = std::async(std::launch::async,
                           [&] { return s.run.center->intake_and_wait(at_grid(0, 0, "a"), operator_actor()); });
  auto token = std::async(std::launch::async, [&] { return s.accounts->store_token({"h1", user, 1, 2}); });
  auto setting = std::async(std::launch::async, [&] { return s.reports->put_setting("k", "{}", 1, "admin"); });
  // A second connection writing itself would wait for the lock (SQLite: out its busy
  // timeout, then "database is locked"); through the writer all three are queued behind
  // the open group.
  while (ledger.stats().queued < 3) {
    REQUIRE(token.wait_for(std::chrono::milliseconds(1)) == std::future_status::timeout);
    REQUIRE(setting.wait_for(std::chrono::milliseconds(1)) == std::future_status::timeout);
  }
  release.set_value();
  CHECK_FALSE(held.get());
  REQUIRE(intake.get().ok());
  CHECK_FALSE(token.get());
  CHECK_FALSE(setting.get());
  CHECK(s.accounts->find_token("h1").has_value());
  CHECK(s.reports->setting("k").value() == std::optional<std::string>("{}"));
  CHECK(s.reports->setting("held").value() == std::optional<std::string>("1"));
  s.accounts->delete_token("h1");
  CHECK_FALSE(s.accounts->find_token("h1").has_value());
}

TEMPLATE_TEST_CASE("a write's own failure fails only that write, not the others of its group", "[writer]",
                   testing::OnSqlite, testing::OnPostgres) {
  testing::CityOn<TestType> city;
  StoresOn<TestType> s(city.place);
  ClientKey key;
  key.name = "hotline";
  key.key_hash = "k1";
  REQUIRE(s.reports->add_client_key(key).ok());
  // Many at once, so that they share groups with intakes.
  std::vector<std::future<Result<ClientKey>>> again;
  std::vector<std::future<Result<Case>>> cases;
  for (int i = 0; i < 8; ++i) {
    again.push_back(std::async(std::launch::async, [&, i] {
      ClientKey k = key;
      k.key_hash = "dup" + std::to_string(i);
      return s.reports->add_client_key(k);
    }));
    cases.push_back(std::async(std::launch::async, [&, i] {
      return s.run.center->intake_and_wait(at_grid(i % 2, i % 3, "c"), operator_actor());
    }));
  }
  for (auto& f : again) {
    auto r = f.get();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::conflict);
  }
  for (auto& f : cases) CHECK(f.get().ok());
  CHECK(s.reports->client_keys()->size() == 1);
  CHECK(TestType::scalar(city.place, "SELECT count(*) FROM cases") == 8);
  auto revoked = s.reports->revoke_client_key(12345, 1, "admin");
  REQUIRE(revoked);
  CHECK(revoked->code == ErrorCode::not_found);
}

TEST_CASE("a full disk fails the group with storage_unavailable, loses nothing acknowledged, and passes", "[writer]") {
  City city;
  std::atomic<int> refuse{SQLITE_OK};
  SqliteLedger::Options options;
  options.before_commit = [&] { return refuse.load(); };
  CaseId kept = 0, later = 0;
  {
    Stores s(city.path, options);
    const UserId user = add_user(*s.accounts, "op1");
    auto a = s.center->intake_and_wait(at_grid(0, 0, "acknowledged"), operator_actor());
    REQUIRE(a.ok());
    kept = a->id;
    REQUIRE_FALSE(s.accounts->store_token({"before", user, 1, 2}));

    for (int code : {SQLITE_FULL, SQLITE_IOERR_WRITE}) {
      refuse = code;
      auto failed = s.center->intake_and_wait(at_grid(0, 1, "refused"), operator_actor());
      REQUIRE_FALSE(failed.ok());
      CHECK(failed.error().code == ErrorCode::storage_unavailable);
      auto token = s.accounts->store_token({"during", user, 1, 2});
      REQUIRE(token);
      CHECK(token->code == ErrorCode::storage_unavailable);
      auto setting = s.reports->put_setting("k", "{}", 1, "admin");
      REQUIRE(setting);
      CHECK(setting->code == ErrorCode::storage_unavailable);
      Photo p;
      p.case_id = kept;
      p.content_type = "image/png";
      p.data = "png";
      auto photo = s.accounts->add_photo(p);
      REQUIRE_FALSE(photo.ok());
      CHECK(photo.error().code == ErrorCode::storage_unavailable);
    }
    CHECK(s.ledger->stats().unavailable_groups >= 8);

    refuse = SQLITE_OK;  // space is back: the next group simply stores
    auto b = s.center->intake_and_wait(at_grid(1, 2, "later"), operator_actor());
    REQUIRE(b.ok());
    later = b->id;
    CHECK_FALSE(s.accounts->store_token({"after", user, 1, 2}));
    CHECK_FALSE(s.reports->put_setting("k", "{\"x\":1}", 1, "admin"));
  }
  // After a restart: what was acknowledged is there, what was refused is not.
  auto ledger = opened(SqliteLedger::open(city.path));
  auto accounts = opened(data::SqliteAccounts::open(city.path, ledger.get()));
  auto state = ledger->load();
  std::vector<std::string> titles;
  for (const auto& c : state.open_cases) titles.push_back(c.title);
  CHECK(titles == std::vector<std::string>{"acknowledged", "later"});
  CHECK(ledger->find_case(kept).has_value());
  CHECK(ledger->find_case(later).has_value());
  CHECK(accounts->find_token("before").has_value());
  CHECK_FALSE(accounts->find_token("during").has_value());
  CHECK(accounts->find_token("after").has_value());
  CHECK(accounts->photos(kept, false).empty());
}

TEST_CASE("a command adding users besides a running writer does not break it", "[writer]") {
  City city;
  Stores s(city.path);
  // Direct writes on a connection of its own, as `gridkeeper user add` does.
  auto command = opened(data::SqliteAccounts::open(city.path));
  std::vector<std::future<Result<Case>>> cases;
  for (int i = 0; i < 50; ++i)
    cases.push_back(std::async(std::launch::async, [&, i] {
      return s.center->intake_and_wait(at_grid(i % 2, i % 3, "c"), operator_actor());
    }));
  for (int i = 0; i < 20; ++i) add_user(*command, "cli" + std::to_string(i));
  for (auto& f : cases) CHECK(f.get().ok());
  CHECK(s.accounts->find_user("cli19").has_value());
}
