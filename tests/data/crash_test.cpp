// Kills a writing process with SIGKILL at varying moments; every case it acknowledged
// must be in the database afterwards, and the database must be intact.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>

#include "backends.hpp"
#include "data/backup.hpp"
#include "data/schema.hpp"
#include "support.hpp"

extern char** environ;

using namespace gridkeeper;

namespace {

struct Child {
  pid_t pid = -1;
  int out = -1;  // read end of the child's stdout
};

Child start_child(const std::string& db) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::string program = GRIDKEEPER_CRASH_CHILD;
  std::vector<char*> argv{program.data(), const_cast<char*>(db.c_str()), nullptr};
  Child child;
  const int rc = ::posix_spawn(&child.pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  REQUIRE(rc == 0);
  child.out = fds[0];
  return child;
}

// Reads whole lines of ids from `fd` into `ids`; false at end of file.
bool read_ids(int fd, std::string& pending, std::vector<long long>& ids) {
  char buf[65536];
  const auto n = ::read(fd, buf, sizeof buf);
  if (n <= 0) return false;
  pending.append(buf, static_cast<std::size_t>(n));
  std::size_t start = 0;
  for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
    ids.push_back(std::stoll(pending.substr(start, nl - start)));
    start = nl + 1;
  }
  pending.erase(0, start);
  return true;
}

// Reads the child's acknowledged ids until `run_ms` after the first one (at most 30 s);
// false when none came.
bool stream_for(Child& child, int run_ms, std::string& pending, std::vector<long long>& ids) {
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + std::chrono::seconds(30);
  bool streaming = false;
  while (clock::now() < deadline) {
    pollfd p{child.out, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    if (::poll(&p, 1, static_cast<int>(std::max<long long>(1, left))) <= 0) continue;
    if (!read_ids(child.out, pending, ids)) break;  // the child ended by itself
    if (!streaming && !ids.empty()) {
      streaming = true;
      deadline = clock::now() + std::chrono::milliseconds(run_ms);
    }
  }
  return streaming;
}

}  // namespace

TEST_CASE("crash: every acknowledged case survives SIGKILL and the database stays intact", "[crash]") {
  testing::TempDir dir;
  const auto db = dir.file("city.db");
  REQUIRE(testing::import_city(db, testing::small_city_options()).ok);

  std::mt19937 rng(std::random_device{}());
  std::set<long long> acknowledged;
  for (int round = 0; round < 5; ++round) {
    // A different moment every round: 50-400 ms after the first acknowledgement.
    const int run_ms = 50 + 70 * round + std::uniform_int_distribution<int>(0, 50)(rng);
    Child child = start_child(db);
    std::string pending;
    std::vector<long long> ids;
    const bool streaming = stream_for(child, run_ms, pending, ids);
    REQUIRE(::kill(child.pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(child.pid, &status, 0) == child.pid);
    CHECK(WIFSIGNALED(status));
    // What it wrote before it died was acknowledged too.
    while (read_ids(child.out, pending, ids)) {
    }
    ::close(child.out);
    INFO("round " << round << ": killed after " << run_ms << " ms, " << ids.size() << " acknowledged");
    REQUIRE(streaming);
    CHECK(ids.size() > 0);
    acknowledged.insert(ids.begin(), ids.end());

    // Recovery happens on open; then every acknowledged case must be there.
    auto reopened = data::open_for_writing(db);
    REQUIRE(reopened.ok());
    auto check = data::integrity_check(**reopened);
    REQUIRE(check.ok());
    CHECK(*check == "ok");
    std::set<long long> stored;
    {
      auto q = (*reopened)->query("SELECT id FROM cases");
      REQUIRE(q.ok());
      while (q->next()) stored.insert(q->int64(0));
      REQUIRE(!q->status());
    }
    std::size_t missing = 0;
    for (auto id : acknowledged) missing += !stored.count(id);
    CHECK(missing == 0);
    // Each stored case has its two intake events: a case and its events are one commit.
    CHECK(*(*reopened)->scalar("SELECT count(*) FROM case_events") == 2 * static_cast<std::int64_t>(stored.size()));
    CHECK(*(*reopened)->scalar("PRAGMA foreign_key_check") == 0);
  }
  CHECK(acknowledged.size() > 100);
}

// On PostgreSQL the same for the process that writes, and for the database server itself:
// stopped as a crash would stop it (no checkpoint), it recovers every acknowledged case
// from its write-ahead log (commits are acknowledged once synchronous_commit made them
// durable).
TEST_CASE("crash on PostgreSQL: acknowledged cases survive SIGKILL of the writer and a crash of the server",
          "[crash][pg]") {
  testing::CityOn<testing::OnPostgres> city;
  std::mt19937 rng(std::random_device{}());
  std::set<long long> acknowledged;
  for (int round = 0; round < 4; ++round) {
    const bool server_crash = round % 2 == 1;
    const int run_ms = 100 + 60 * round + std::uniform_int_distribution<int>(0, 50)(rng);
    Child child = start_child(city.place);
    std::string pending;
    std::vector<long long> ids;
    const bool streaming = stream_for(child, run_ms, pending, ids);
    // The server first, while the writer still writes; then the writer.
    if (server_crash) testing::pg_cluster().crash_and_restart();
    REQUIRE(::kill(child.pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(child.pid, &status, 0) == child.pid);
    while (read_ids(child.out, pending, ids)) {
    }
    ::close(child.out);
    INFO("round " << round << (server_crash ? " (server crash)" : "") << ": after " << run_ms << " ms, " << ids.size()
                  << " acknowledged");
    REQUIRE(streaming);
    acknowledged.insert(ids.begin(), ids.end());
    auto db = data::pg::Connection::open(city.place);
    if (!db) FAIL(db.error().message);
    std::set<long long> stored;
    {
      auto q = (*db)->query("SELECT id FROM cases");
      REQUIRE(q);
      while (q->next()) stored.insert(q->int64(0));
      REQUIRE_FALSE(q->status());
    }
    std::size_t missing = 0;
    for (auto id : acknowledged) missing += !stored.count(id);
    CHECK(missing == 0);
    CHECK(*(*db)->scalar("SELECT count(*) FROM case_events") == 2 * static_cast<std::int64_t>(stored.size()));
    CHECK(*(*db)->scalar("SELECT count(*) FROM case_facts") == static_cast<std::int64_t>(stored.size()));
  }
  CHECK(acknowledged.size() > 100);
}
