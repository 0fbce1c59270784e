// The active server's lease: one of several holds it; when its connection dies (as with a
// process killed), it hears so and a standby takes the lease within a few heartbeats.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>

#include "data/pg_lease.hpp"
#include "data/pg_ledger.hpp"
#include "tests/pg/cluster.hpp"

using namespace gridkeeper;
using namespace std::chrono_literals;
using data::PgLease;

TEST_CASE("one server holds the lease; a standby takes it over when the holder's connection dies", "[pg][lease]") {
  const auto uri = testing::pg_cluster().fresh_database();
  PgLease::Options options;
  options.heartbeat = 100ms;
  std::atomic<int> a_changes{0}, b_changes{0};
  auto a = std::make_unique<PgLease>(uri, options, [&](PgLease::Role) { ++a_changes; });
  REQUIRE(a->wait_active(10s));
  PgLease b(uri, options, [&](PgLease::Role) { ++b_changes; });
  // Several heartbeats on, the standby still stands by.
  CHECK_FALSE(b.wait_active(500ms));
  CHECK(b.role() == PgLease::Role::standby);
  CHECK(a->role() == PgLease::Role::active);

  SECTION("the holder's connection is cut: it loses the lease, the standby takes it") {
    auto admin = data::pg::Connection::open(uri);
    REQUIRE(admin);
    const auto started = std::chrono::steady_clock::now();
    REQUIRE_FALSE((*admin)->exec(
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = " +
        std::to_string(options.key)));
    REQUIRE(b.wait_active(10s));
    const auto took = std::chrono::steady_clock::now() - started;
    INFO("taken over in " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
    CHECK(took < 10s);
    // The old holder heard it lost the lease; it may take it back only once free.
    for (int i = 0; i < 100 && a->role() == PgLease::Role::active; ++i) std::this_thread::sleep_for(20ms);
    CHECK(a->role() == PgLease::Role::standby);
    CHECK(a_changes >= 2);
    CHECK(b.role() == PgLease::Role::active);
  }
  SECTION("the holder stops: the lease is free at once") {
    const auto started = std::chrono::steady_clock::now();
    a.reset();
    REQUIRE(b.wait_active(10s));
    CHECK(std::chrono::steady_clock::now() - started < 10s);
    CHECK(b_changes == 1);
  }
}

TEST_CASE("without a database the lease stands by and says why", "[pg][lease]") {
  PgLease::Options options;
  options.heartbeat = 50ms;
  PgLease lease("postgresql://gridkeeper@127.0.0.1:1/none?connect_timeout=1", options, {});
  CHECK_FALSE(lease.wait_active(300ms));
  CHECK(lease.role() == PgLease::Role::standby);
  CHECK_FALSE(lease.last_error().empty());
}

TEST_CASE("a writer under an earlier term of the lease stores nothing once another server took it", "[pg][lease]") {
  const auto uri = testing::pg_cluster().fresh_database();
  PgLease::Options options;
  options.heartbeat = 100ms;
  auto first = std::make_unique<PgLease>(uri, options, nullptr);
  REQUIRE(first->wait_active(10s));
  const auto term = first->term();
  CHECK(term >= 1);
  data::PgLedger::Options fenced;
  fenced.fence = term;
  auto ledger = data::PgLedger::open(uri, fenced);
  REQUIRE(ledger);
  auto put = [&](const std::string& key) {
    return data::write_and_wait<data::pg::Connection>(**ledger, [key](data::pg::Connection& db) -> dispatch::Status {
      auto q = db.query("INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?1, 'v', 0, 'test')");
      if (!q) return q.error();
      q->bind(1, key);
      return q->run();
    });
  };
  CHECK_FALSE(put("before"));

  // The lease goes to another server, while this writer still runs (as a server that has
  // not noticed yet): it stores nothing more.
  PgLease second(uri, options, nullptr);
  first.reset();
  REQUIRE(second.wait_active(10s));
  CHECK(second.term() == term + 1);
  auto refused = put("after");
  REQUIRE(refused);
  CHECK(refused->code == dispatch::ErrorCode::storage_unavailable);
  auto db = data::pg::Connection::open(uri);
  REQUIRE(db);
  CHECK(*(*db)->scalar("SELECT count(*) FROM settings WHERE key = 'before'") == 1);
  CHECK(*(*db)->scalar("SELECT count(*) FROM settings WHERE key = 'after'") == 0);
}
