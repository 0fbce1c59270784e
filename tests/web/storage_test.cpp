// The server while its storage is busy or its disk is full: logins never wait for a lock,
// no answer carries the database's own words, and a refused commit is a 503 the server
// recovers from by itself.
#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;

namespace {

dispatch::IntakeRequest intake_at(int row, int column) {
  dispatch::IntakeRequest r;
  r.lon = 118.305 + 0.01 * column;
  r.lat = 24.605 + 0.01 * row;
  r.category = "environment";
  r.title = "积水";
  return r;
}

dispatch::Actor operator_actor() { return {1, "op", dispatch::Role::operator_, "D", {}}; }

bool leaks_storage_words(const std::string& body) {
  std::string lower = body;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return lower.find("database is locked") != std::string::npos || lower.find("sqlite") != std::string::npos ||
         lower.find("disk i/o") != std::string::npos || lower.find("database or disk is full") != std::string::npos;
}

std::string login_body(const std::string& name) {
  return R"({"username":")" + name + R"(","password":")" + name + R"(-secret"})";
}

}  // namespace

TEST_CASE("60 logins while the storage writer is kept busy all succeed; no answer names the database",
          "[storage][server]") {
  // A slow disk: every commit takes a few milliseconds, and intakes keep the writer busy.
  data::SqliteLedger::Options slow;
  slow.before_commit = [] {
    std::this_thread::sleep_for(std::chrono::milliseconds(4));
    return SQLITE_OK;
  };
  ServerFixture f(test_options(), {}, false, {}, slow);
  constexpr int kLogins = 60, kClients = 12;
  for (int i = 0; i < kLogins; ++i) f.add_user("user" + std::to_string(i), dispatch::Role::operator_, "D", "");

  std::atomic<bool> stop{false};
  std::atomic<int> intakes{0};
  std::vector<std::thread> load;
  for (int p = 0; p < 4; ++p)
    load.emplace_back([&, p] {
      while (!stop) {
        if (f.center->intake_and_wait(intake_at(p % 2, p % 3), operator_actor()).ok()) ++intakes;
      }
    });
  // Logins start once the writer is busy.
  while (intakes.load() < 20) std::this_thread::yield();
  const auto groups_before = f.ledger->stats().groups;

  std::vector<Answer> answers(kLogins);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c)
    clients.emplace_back([&, c] {
      HttpClient client(f.port);
      for (int i = c; i < kLogins; i += kClients) {
        const std::string name = "user" + std::to_string(i);
        answers[static_cast<std::size_t>(i)] = client.post("/api/v1/auth/login", login_body(name));
      }
    });
  for (auto& t : clients) t.join();
  const auto groups_during = f.ledger->stats().groups - groups_before;
  stop = true;
  for (auto& t : load) t.join();

  int ok = 0;
  for (const auto& a : answers) {
    CHECK(a.status == 200);
    CHECK(a.status < 500);
    CHECK_FALSE(leaks_storage_words(a.body));
    ok += a.status == 200;
  }
  CHECK(ok == kLogins);
  CHECK(groups_during > 0);  // the writer was storing while the logins ran
  // Every token was stored: each one works.
  for (int i = 0; i < kLogins; i += 7) {
    HttpClient c(f.port);
    c.token = std::string(answers[static_cast<std::size_t>(i)].json().at("token").as_string());
    CHECK(c.get("/api/v1/auth/me").status == 200);
  }
}

TEST_CASE("a full disk answers 503 storage_unavailable in words a person understands, then recovers",
          "[storage][server]") {
  auto refuse = std::make_shared<std::atomic<int>>(SQLITE_OK);
  data::SqliteLedger::Options options;
  options.before_commit = [refuse] { return refuse->load(); };
  ServerFixture f(test_options(), {}, false, {}, options);
  auto op = f.client("op");
  auto admin = f.client("admin");
  REQUIRE(op->token.size() > 0);
  auto first = op->post("/api/v1/cases", case_body(0, 0));
  REQUIRE(first.status == 201);

  *refuse = SQLITE_FULL;
  std::vector<Answer> refused;
  refused.push_back(op->post("/api/v1/cases", case_body(0, 1)));
  refused.push_back(HttpClient(f.port).post("/api/v1/auth/login", login_body("op")));
  refused.push_back(admin->post("/api/v1/open311-keys", R"({"name":"hotline"})"));
  for (const auto& a : refused) {
    CHECK(a.status == 503);
    CHECK(a.error_code() == "storage_unavailable");
    CHECK_FALSE(leaks_storage_words(a.body));
    CHECK(a.body.find("disk") != std::string::npos);  // the message says why
  }

  *refuse = SQLITE_OK;  // space is back
  CHECK(op->post("/api/v1/cases", case_body(1, 2)).status == 201);
  CHECK(HttpClient(f.port).post("/api/v1/auth/login", login_body("op")).status == 200);
  CHECK(admin->post("/api/v1/open311-keys", R"({"name":"hotline"})").status == 201);
}
