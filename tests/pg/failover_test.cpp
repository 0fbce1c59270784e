// Active and standby: two real `gridkeeper serve` processes on one PostgreSQL database.
// The one holding the lease serves; the other answers /healthz with its role and the API
// with 503 standby. The active one is killed (SIGKILL) while clients take in cases: the
// standby takes over, and every case acknowledged before the kill is there. A server whose
// lease connection is cut stops serving (exit 3) and the other takes over.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "../web/fixture.hpp"
#include "data/accounts_store.hpp"
#include "data/pg.hpp"
#include "tests/pg/cluster.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `gridkeeper serve` on the database at `uri`, on a free loopback port; its output in a file.
struct ServeProcess {
  pid_t pid = -1;
  std::string log;
  int status = -1;  // once waited for

  ServeProcess(const std::string& uri, const std::string& log_path) : log(log_path) {
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      std::freopen(log.c_str(), "w", stdout);
      ::dup2(::fileno(stdout), 2);
      ::execl(GRIDKEEPER_BIN, GRIDKEEPER_BIN, "serve", "--db", uri.c_str(), "--listen", "127.0.0.1:0", "--threads", "2",
              static_cast<char*>(nullptr));
      std::_Exit(127);
    }
  }
  ~ServeProcess() {
    if (pid > 0 && status < 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
    }
  }
  // The port once the output has a line matching `pattern` (…http://127.0.0.1:PORT…).
  unsigned short wait_for_port(const std::string& pattern, std::chrono::seconds timeout = 60s) {
    const std::regex re(pattern + R"(.*http://127\.0\.0\.1:(\d+))");
    const auto until = Clock::now() + timeout;
    while (Clock::now() < until) {
      std::smatch m;
      const auto text = slurp(log);
      if (std::regex_search(text, m, re)) return static_cast<unsigned short>(std::stoi(m[1]));
      if (exited()) break;
      std::this_thread::sleep_for(20ms);
    }
    FAIL("no '" << pattern << "' from the server:\n" << slurp(log));
    return 0;
  }
  bool exited() {
    if (status >= 0) return true;
    int s = 0;
    if (::waitpid(pid, &s, WNOHANG) == pid) status = s;
    return status >= 0;
  }
  int wait_exit(std::chrono::seconds timeout = 30s) {
    const auto until = Clock::now() + timeout;
    while (!exited() && Clock::now() < until) std::this_thread::sleep_for(20ms);
    REQUIRE(exited());
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  void kill(int signal) { ::kill(pid, signal); }
};

std::string role_of(unsigned short port) {
  HttpClient c(port, 2s);
  auto a = c.get("/healthz");
  if (a.status != 200) return {};
  const auto* role = a.json().as_object().if_contains("role");
  return role ? std::string(role->as_string()) : std::string();
}

// Waits until the server on `port` says it is active; how long it took.
std::chrono::milliseconds wait_active(unsigned short port, std::chrono::seconds timeout = 30s) {
  const auto start = Clock::now();
  while (Clock::now() - start < timeout) {
    if (role_of(port) == "active") return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    std::this_thread::sleep_for(10ms);
  }
  FAIL("the standby did not take over within " << timeout.count() << " s");
  return {};
}

std::string login(unsigned short port) {
  HttpClient c(port);
  auto a = c.post("/api/v1/auth/login", R"({"username":"op","password":"op-secret-failover"})");
  REQUIRE(a.status == 200);
  return std::string(a.json().at("token").as_string());
}

// A district on a fresh database of the test cluster, with an operator.
std::string district() {
  const auto uri = pg_cluster().fresh_database();
  REQUIRE(import_city(uri, small_city_options()).ok);
  auto accounts = data::PgAccounts::open(uri);
  REQUIRE(accounts);
  dispatch::User op;
  op.username = "op";
  op.role = dispatch::Role::operator_;
  op.password_hash = web::hash_password("op-secret-failover");
  REQUIRE((*accounts)->add_user(op));
  return uri;
}

// Two servers started one after the other on a new district: the first active, the second
// standing by.
struct TwoServers {
  std::string uri = district();
  TempDir dir;
  ServeProcess first{uri, dir.file("first.log")};
  unsigned short first_port = first.wait_for_port("serving");
  ServeProcess second{uri, dir.file("second.log")};
  unsigned short second_port = second.wait_for_port("standing by");
};

}  // namespace

TEST_CASE("failover: the standby takes over when the active server is killed under intake, losing no acknowledged case",
          "[pg][failover]") {
  REQUIRE(sodium_init() >= 0);
  TwoServers servers;
  auto& [uri, dir, first, first_port, second, second_port] = servers;

  // Roles: one active, one standing by; the standby serves no API.
  CHECK(role_of(first_port) == "active");
  CHECK(role_of(second_port) == "standby");
  {
    HttpClient c(second_port);
    auto a = c.post("/api/v1/auth/login", R"({"username":"op","password":"op-secret-failover"})");
    CHECK(a.status == 503);
    CHECK(a.error_code() == "standby");
    CHECK(a.headers.count("retry-after") == 1);
    CHECK(c.get("/api/v1/cases").status == 503);
  }

  // Clients take in cases on the active server; it is killed once some are acknowledged.
  const auto token = login(first_port);
  std::mutex mutex;
  std::vector<std::int64_t> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t)
    clients.emplace_back([&, t] {
      HttpClient c(first_port, 5s);
      c.token = token;
      for (int i = 0; !stop && i < 5000; ++i) {
        auto a = c.post("/api/v1/cases", case_body(i % 2, (i + t) % 3));
        if (a.status == 0) return;  // the server is gone
        if (a.status != 201) continue;
        std::lock_guard lock(mutex);
        acknowledged.push_back(a.json().at("id").as_int64());
      }
    });
  const auto until = Clock::now() + 30s;
  while (Clock::now() < until) {
    {
      std::lock_guard lock(mutex);
      if (acknowledged.size() >= 300) break;
    }
    std::this_thread::sleep_for(5ms);
  }
  first.kill(SIGKILL);
  const auto killed_at = Clock::now();
  first.wait_exit();
  const auto took = wait_active(second_port);
  stop = true;
  for (auto& c : clients) c.join();
  const auto since_kill = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed_at);
  std::cout << "failover: " << acknowledged.size() << " cases acknowledged before the kill; the standby took over in "
            << took.count() << " ms (" << since_kill.count() << " ms after the kill, clients joined)" << std::endl;
  REQUIRE(acknowledged.size() >= 300);
  CHECK(took < 10s);

  // Every acknowledged case is served by the new active server, which takes in more.
  HttpClient c(second_port);
  c.token = login(second_port);
  std::size_t found = 0;
  for (auto id : acknowledged) found += c.get("/api/v1/cases/" + std::to_string(id)).status == 200;
  CHECK(found == acknowledged.size());
  auto more = c.post("/api/v1/cases", case_body(1, 1));
  CHECK(more.status == 201);
  const auto ids = std::set<std::int64_t>(acknowledged.begin(), acknowledged.end());
  CHECK(ids.count(more.json().at("id").as_int64()) == 0);  // ids go on after the acknowledged ones
  second.kill(SIGTERM);
  CHECK(second.wait_exit() == 0);
}

TEST_CASE("failover: a server that loses its lease stops serving, and the standby takes over", "[pg][failover]") {
  REQUIRE(sodium_init() >= 0);
  TwoServers servers;
  auto& [uri, dir, first, first_port, second, second_port] = servers;
  REQUIRE(role_of(first_port) == "active");

  // The lease's connection cut on the database's side (as a network partition would).
  auto admin = data::pg::Connection::open(uri);
  REQUIRE(admin);
  auto cut =
      (*admin)->scalar("SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted");
  REQUIRE(cut);
  CHECK(*cut == 1);
  CHECK(first.wait_exit() == 3);
  CHECK(slurp(first.log).find("the lease on the database was lost") != std::string::npos);
  wait_active(second_port);
  CHECK(role_of(second_port) == "active");
  second.kill(SIGTERM);
  CHECK(second.wait_exit() == 0);
}
