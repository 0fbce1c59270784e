// The libpq layer (data/pg.hpp) against a throw-away cluster: SQLite's numbered parameters
// sent as PostgreSQL's, values of every kind there and back, transactions rolled back
// unless committed, and errors told apart: a statement refused, a connection lost.
#include <catch2/catch.hpp>

#include "data/pg.hpp"
#include "tests/pg/cluster.hpp"

using namespace gridkeeper;
using namespace gridkeeper::data::pg;

TEST_CASE("SQLite's numbered parameters become PostgreSQL's, outside quotes and comments", "[pg]") {
  CHECK(dollar_parameters("SELECT ?1, ?12 FROM t WHERE a = ?2") == "SELECT $1, $12 FROM t WHERE a = $2");
  CHECK(dollar_parameters("SELECT '?1', \"?2\", ?3 -- ?4\n, ?5 /* ?6 */") ==
        "SELECT '?1', \"?2\", $3 -- ?4\n, $5 /* ?6 */");
  CHECK(dollar_parameters("VALUES (?, ?)") == "VALUES ($1, $2)");
  CHECK(dollar_parameters("SELECT 'it''s ?1'") == "SELECT 'it''s ?1'");
  CHECK(is_uri("postgresql://u@127.0.0.1:5432/db"));
  CHECK(is_uri("postgres://u@h/db"));
  CHECK_FALSE(is_uri("city.db"));
  CHECK_FALSE(is_uri("/var/lib/gridkeeper/postgresql.db"));
}

TEST_CASE("values of every kind are stored and read back; statements are prepared once", "[pg]") {
  auto db = Connection::open(testing::pg_cluster().fresh_database());
  REQUIRE(db);
  auto& c = **db;
  REQUIRE_FALSE(c.exec("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, score DOUBLE PRECISION, flag BIGINT)"));
  const std::string insert = "INSERT INTO t (id, name, score, flag) VALUES (?1, ?2, ?3, ?4)";
  for (std::int64_t i = 1; i <= 50; ++i) {
    auto q = c.query(insert);
    REQUIRE(q);
    q->bind(1, i).bind(3, 0.5 * static_cast<double>(i)).bind(4, i % 2 == 0);
    if (i == 7) q->bind_null(2);
    else q->bind(2, "网格 " + std::to_string(i) + " 'quoted' \"and\" ?1");
    REQUIRE_FALSE(q->run());
    CHECK(q->affected() == 1);
  }
  CHECK(*c.scalar("SELECT count(*) FROM t") == 50);
  // The insert once for its 50 uses, the count, and this question.
  CHECK(*c.scalar("SELECT count(*) FROM pg_prepared_statements") == 3);

  auto q = c.query("SELECT id, name, score, flag, name IS NULL FROM t WHERE id = ?1 OR id = ?2 ORDER BY id");
  REQUIRE(q);
  q->bind(1, std::int64_t{7}).bind(2, std::optional<std::int64_t>(40));
  REQUIRE(q->next());
  CHECK(q->int64(0) == 7);
  CHECK(q->is_null(1));
  CHECK(q->text(1).empty());
  CHECK(q->real(2) == Approx(3.5));
  CHECK(q->int64(3) == 0);
  CHECK(q->int64(4) == 1);  // a boolean reads as 1
  REQUIRE(q->next());
  CHECK(q->text(1) == "网格 40 'quoted' \"and\" ?1");
  CHECK(q->optional_int64(3) == 1);
  CHECK_FALSE(q->next());
  CHECK_FALSE(q->status());

  // A big integer and an empty code.
  auto big = c.query("SELECT ?1::bigint, ?2::text IS NULL");
  REQUIRE(big);
  big->bind(1, std::int64_t{9'007'199'254'740'993}).bind_code(2, "");
  REQUIRE(big->next());
  CHECK(big->int64(0) == 9'007'199'254'740'993);
  CHECK(big->int64(1) == 1);
}

TEST_CASE("a transaction is rolled back unless committed", "[pg]") {
  auto db = Connection::open(testing::pg_cluster().fresh_database());
  REQUIRE(db);
  auto& c = **db;
  REQUIRE_FALSE(c.exec("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  {
    auto tx = Transaction::begin(c);
    REQUIRE(tx);
    REQUIRE_FALSE(c.exec("INSERT INTO t VALUES (1)"));
    CHECK(c.in_transaction());
  }
  CHECK_FALSE(c.in_transaction());
  CHECK(*c.scalar("SELECT count(*) FROM t") == 0);
  {
    auto tx = Transaction::begin(c);
    REQUIRE(tx);
    REQUIRE_FALSE(c.exec("INSERT INTO t VALUES (2)"));
    REQUIRE_FALSE(tx->commit());
  }
  CHECK(*c.scalar("SELECT count(*) FROM t") == 1);
  // A statement that fails inside dooms the transaction: its commit says so.
  auto tx = Transaction::begin(c);
  REQUIRE(tx);
  CHECK(c.exec("INSERT INTO t VALUES (2)"));  // a duplicate
  auto commit = tx->commit();
  REQUIRE(commit);
  CHECK(commit->code == dispatch::ErrorCode::storage_failed);
  CHECK(*c.scalar("SELECT count(*) FROM t") == 1);
}

TEST_CASE("a refused statement is storage_failed; a lost connection is storage_unavailable", "[pg]") {
  const auto uri = testing::pg_cluster().fresh_database();
  auto db = Connection::open(uri);
  REQUIRE(db);
  auto& c = **db;
  auto bad = c.query("SELECT * FROM no_such_table");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == dispatch::ErrorCode::storage_failed);
  CHECK(bad.error().message.find("no_such_table") != std::string::npos);
  REQUIRE_FALSE(c.exec("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  auto dup = c.query("INSERT INTO t VALUES (?1)");
  REQUIRE(dup);
  dup->bind(1, std::int64_t{1});
  REQUIRE_FALSE(dup->run());
  auto again = c.query("INSERT INTO t VALUES (?1)");
  again->bind(1, std::int64_t{1});
  auto e = again->run();
  REQUIRE(e);
  CHECK(e->code == dispatch::ErrorCode::storage_failed);
  CHECK_FALSE(c.broken());
  // Another session ends this one, as a failover or a restart of the server would.
  const auto pid = c.scalar("SELECT pg_backend_pid()");
  REQUIRE(pid);
  auto admin = Connection::open(uri);
  REQUIRE(admin);
  auto kill = (*admin)->query("SELECT pg_terminate_backend(?1::int)");
  REQUIRE(kill);
  kill->bind(1, *pid);
  REQUIRE(kill->next());
  auto lost = c.scalar("SELECT 1");
  REQUIRE_FALSE(lost);
  CHECK(lost.error().code == dispatch::ErrorCode::storage_unavailable);
  CHECK(c.broken());
  // No server there at all.
  auto none = Connection::open("postgresql://gridkeeper@127.0.0.1:1/postgres?connect_timeout=2");
  REQUIRE_FALSE(none);
  CHECK(none.error().code == dispatch::ErrorCode::storage_unavailable);
}
