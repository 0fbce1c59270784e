// gridkeeper migrate: a district in service on SQLite (cases with their history, a user, a
// photo with bytes of every value, a setting) copied into an empty PostgreSQL database by
// the command, verified by count and checksum per table; the center starts from the copy
// as it did from the original; a target that already holds a district is refused.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "data/accounts_store.hpp"
#include "data/pg_ledger.hpp"
#include "data/schema.hpp"
#include "data/sqlite_ledger.hpp"
#include "tests/data/support.hpp"
#include "tests/dispatch/support.hpp"
#include "tests/pg/cluster.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {

// Runs the gridkeeper command with `args`; its exit status and output.
std::pair<int, std::string> run_command(const std::string& args, const testing::TempDir& dir) {
  const auto out = dir.file("out.txt");
  const int status = std::system((std::string(GRIDKEEPER_BIN) + " " + args + " >" + out + " 2>&1").c_str());
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
}

std::int64_t pg_count(const std::string& uri, const std::string& table) {
  auto db = data::pg::Connection::open(uri);
  REQUIRE(db);
  return *(*db)->scalar("SELECT count(*) FROM " + table);
}

std::int64_t sqlite_count(const std::string& path, const std::string& table) {
  auto db = data::open_for_writing(path);
  REQUIRE(db);
  return *(*db)->scalar("SELECT count(*) FROM " + table);
}

}  // namespace

TEST_CASE("migrate copies a district into PostgreSQL, verified, and the center starts from it", "[pg][migrate]") {
  testing::ImportedCity city;
  std::string photo_bytes;
  for (int i = 0; i < 256; ++i) photo_bytes += static_cast<char>(i);  // NUL, tabs, backslashes, every byte
  CaseId closed = 0;
  {
    testing::RunningCenter run(city.path);
    Actor op{1, "op", Role::operator_, {}, {}};
    for (int i = 0; i < 20; ++i) {
      auto request = testing::at_grid(i % 2, i % 3);
      request.title = "井盖缺失 \\ \"" + std::to_string(i) + "\"";
      request.description = "第一行\n第二行\t缩进 \\N";
      auto taken = run.center->intake_and_wait(request, op);
      if (!taken) FAIL(taken.error().message);
    }
    auto c = run.center->intake_and_wait(testing::at_grid(0, 0), op);
    REQUIRE(c);
    closed = c->id;
    TransitionRequest cancel;
    cancel.action = Action::cancel;
    cancel.version = c->version;
    cancel.note = "重复";
    REQUIRE(run.center->transition_and_wait(closed, cancel, op).ok());
    auto accounts = data::SqliteAccounts::open(city.path, run.ledger.get());
    REQUIRE(accounts);
    User u;
    u.username = "admin";
    u.role = Role::admin;
    u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
    REQUIRE((*accounts)->add_user(u));
    Photo p;
    p.case_id = closed;
    p.content_type = "image/png";
    p.data = photo_bytes;
    p.at = run.clock.now();
    p.actor = "user:1:admin";
    REQUIRE((*accounts)->add_photo(p));
  }
  const auto uri = testing::pg_cluster().fresh_database();
  auto [status, out] = run_command("migrate --from " + city.path + " --to " + uri, city.dir);
  INFO(out);
  REQUIRE(status == 0);
  CHECK(out.find("cases") != std::string::npos);
  CHECK(out.find("verified") != std::string::npos);
  for (const char* table : {"jurisdictions", "grids", "workers", "categories", "post_terms", "cases", "case_events",
                            "case_facts", "audit", "users", "photos", "generations", "generation_grids"}) {
    INFO(table);
    CHECK(pg_count(uri, table) == sqlite_count(city.path, table));
  }
  CHECK(pg_count(uri, "cases") == 21);
  {
    auto db = data::pg::Connection::open(uri);
    REQUIRE(db);
    auto q = (*db)->query("SELECT encode(data, 'hex'), size FROM photos");
    REQUIRE(q);
    REQUIRE(q->next());
    std::string hex;
    for (unsigned char c : photo_bytes) {
      char b[3];
      std::snprintf(b, sizeof b, "%02x", c);
      hex += b;
    }
    CHECK(q->text(0) == hex);
  }

  // The center starts from the copy as it did from the original.
  auto sqlite = data::SqliteLedger::open(city.path);
  REQUIRE(sqlite);
  auto pg = data::PgLedger::open(uri);
  REQUIRE(pg);
  const auto a = (*sqlite)->load();
  const auto b = (*pg)->load();
  CHECK(a.open_cases.size() == b.open_cases.size());
  CHECK(a.grids.size() == b.grids.size());
  CHECK(a.workers.size() == b.workers.size());
  CHECK(a.max_case_id == b.max_case_id);
  for (std::size_t i = 0; i < a.open_cases.size() && i < b.open_cases.size(); ++i) {
    CHECK(a.open_cases[i].title == b.open_cases[i].title);
    CHECK(a.open_cases[i].description == b.open_cases[i].description);
    CHECK(a.open_cases[i].lon == b.open_cases[i].lon);
    CHECK(a.open_cases[i].accept_by == b.open_cases[i].accept_by);
  }
  CHECK((*pg)->case_events(closed).size() == (*sqlite)->case_events(closed).size());
  // New rows take fresh ids after the copied ones.
  dispatch::ManualClock clock;
  {
    dispatch::Center center(**pg, clock);
    center.start();
    auto next = center.intake_and_wait(testing::at_grid(1, 1), Actor{1, "op", Role::operator_, {}, {}});
    REQUIRE(next);
    CHECK(next->id == 22);
  }
  pg->reset();

  SECTION("a target that already holds a district is refused, and keeps what it had") {
    auto [again, words] = run_command("migrate --from " + city.path + " --to " + uri, city.dir);
    CHECK(again == 1);
    CHECK(words.find("already holds") != std::string::npos);
    CHECK(pg_count(uri, "cases") == 22);
  }
  SECTION("bad arguments are usage errors") {
    CHECK(run_command("migrate --from " + city.path + " --to other.db", city.dir).first == 2);
    CHECK(run_command("migrate --from " + uri + " --to " + uri, city.dir).first == 2);
    CHECK(run_command("migrate --to " + uri, city.dir).first == 2);
  }
}
