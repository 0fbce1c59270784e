#pragma once
// A real server on an ephemeral loopback port over a temporary SQLite database holding
// the small test city, with users of every role, and helpers to log in and take in cases.
#include <sodium.h>

#include <memory>
#include <string>
#include <thread>

#include "../data/support.hpp"
#include "../dispatch/support.hpp"
#include "client.hpp"
#include "data/accounts_store.hpp"
#include "data/generations_store.hpp"
#include "data/reports_store.hpp"
#include "data/sqlite_ledger.hpp"
#include "dispatch/center.hpp"
#include "web/auth.hpp"
#include "web/server.hpp"

namespace gridkeeper::testing {

inline web::AuthOptions fast_hashing() {
  web::AuthOptions a;
  a.ops_limit = crypto_pwhash_OPSLIMIT_MIN;
  a.mem_limit = crypto_pwhash_MEMLIMIT_MIN;
  return a;
}

inline web::ServerOptions test_options() {
  web::ServerOptions o;
  o.port = 0;
  o.threads = 2;
  o.handle_signals = false;
  o.api.auth = fast_hashing();
  o.api.blocking_threads = 2;
  return o;
}

// test_options with logins that last a month, for tests whose clock moves on by days while
// their clients stay logged in (a live feed ends with its token).
inline web::ServerOptions month_long_logins() {
  auto o = test_options();
  o.api.auth.token_ttl_ms = 30LL * 24 * 3600 * 1000;
  return o;
}

// A slow disk: each write is acknowledged only after `commit`, each list read takes `read`.
struct Slowness {
  std::chrono::milliseconds commit{0}, read{0};
};

class DelayedLedger final : public dispatch::Ledger {
 public:
  DelayedLedger(dispatch::Ledger& inner, Slowness slowness) : inner_(inner), slowness_(slowness) {}
  dispatch::LedgerState load() override { return inner_.load(); }
  void write(dispatch::Change change, std::function<void(dispatch::Status)> done) override {
    inner_.write(std::move(change), [this, done = std::move(done)](dispatch::Status s) {
      std::this_thread::sleep_for(slowness_.commit);
      done(std::move(s));
    });
  }
  std::optional<dispatch::Case> find_case(dispatch::CaseId id) override { return inner_.find_case(id); }
  std::vector<dispatch::CaseEvent> case_events(dispatch::CaseId id) override { return inner_.case_events(id); }
  std::vector<dispatch::Case> find_cases(const dispatch::CaseQuery& q) override {
    std::this_thread::sleep_for(slowness_.read);
    return inner_.find_cases(q);
  }
  std::vector<dispatch::PostTerm> post_history(const std::string& g) override { return inner_.post_history(g); }

 private:
  dispatch::Ledger& inner_;
  Slowness slowness_;
};

// The small city of the dispatch tests (district D; street S with communities C1 and C2
// of three grids each; street S2 with community C3 and no grids; workers W1..W7 and W9),
// imported into the database at `path` as a grid file and a workers file would be.
inline void import_small_city(const std::string& path) {
  const auto city = small_city();
  std::vector<geo::Area> areas;
  for (const auto& j : city.jurisdictions) {
    geo::Area a;
    a.index = areas.size();
    a.code = j.code;
    a.name = j.name;
    a.level = static_cast<geo::Level>(j.level);
    a.parent = j.parent;
    areas.push_back(std::move(a));
  }
  for (std::size_t i = 0; i < city.grids.size(); ++i) {
    geo::Area a;
    a.index = areas.size();
    a.code = city.grids[i].code;
    a.name = city.grids[i].name;
    a.level = geo::Level::grid;
    a.parent = city.grids[i].community;
    a.population = city.grids[i].population;
    a.shape = city.grid_shapes[i].shape;
    areas.push_back(std::move(a));
  }
  std::vector<data::WorkerRow> workers;
  for (const auto& w : city.workers) {
    data::WorkerRow row;
    row.line = workers.size() + 2;
    row.worker = w;
    for (const auto& g : city.grids) {
      if (g.owner == w.id) row.owner_of.push_back(g.code);
      if (g.backup == w.id) row.backup_of.push_back(g.code);
    }
    workers.push_back(std::move(row));
  }
  auto outcome = data::import_organisation(path, areas, workers, kImportTime);
  if (!outcome.ok) throw std::runtime_error("cannot import the small city: " + outcome.problems.front());
}

struct ServerFixture {
  TempDir dir;
  std::unique_ptr<data::SqliteLedger> ledger;
  std::unique_ptr<data::SqliteAccounts> accounts;
  std::unique_ptr<data::SqliteReports> reports;
  std::unique_ptr<data::SqliteGenerations> generations;
  std::unique_ptr<DelayedLedger> slow_ledger;
  dispatch::ManualClock clock;  // 2026-01-01T00:00:00Z until a test moves it
  std::unique_ptr<dispatch::Center> center;
  std::unique_ptr<web::Server> server;
  std::thread thread;
  unsigned short port = 0;

  // test_clock: the server offers POST /api/v1/test/clock on the fixture's manual clock.
  // ledger_options: the storage writer's (tests set its before_commit hook).
  explicit ServerFixture(web::ServerOptions options = test_options(), Slowness slowness = {}, bool test_clock = false,
                         dispatch::Center::Options center_options = {},
                         data::SqliteLedger::Options ledger_options = {}) {
    const auto db = dir.file("city.db");
    import_small_city(db);
    ledger = open_or_throw(data::SqliteLedger::open(db, ledger_options));
    // As the server wires them: every write goes through the ledger's one writer.
    accounts = open_or_throw(data::SqliteAccounts::open(db, ledger.get()));
    reports = open_or_throw(data::SqliteReports::open(db, ledger.get()));
    if (!options.api.reports) options.api.reports = reports.get();
    generations = open_or_throw(data::SqliteGenerations::open(db, ledger.get()));
    if (!options.api.generations) options.api.generations = generations.get();
    if (slowness.commit.count() > 0 || slowness.read.count() > 0)
      slow_ledger = std::make_unique<DelayedLedger>(*ledger, slowness);
    center = std::make_unique<dispatch::Center>(slow_ledger ? static_cast<dispatch::Ledger&>(*slow_ledger) : *ledger,
                                                clock, std::move(center_options));
    center->start();
    // Users of every role: admin; operators of the district, of street S and of street S2;
    // a supervisor of community C1; workers W1 (grid G0-0 in C1) and W9 (street S2).
    add_user("admin", dispatch::Role::admin, "", "");
    add_user("op", dispatch::Role::operator_, "D", "");
    add_user("op_s", dispatch::Role::operator_, "S", "");
    add_user("op_s2", dispatch::Role::operator_, "S2", "");
    add_user("sup_c1", dispatch::Role::supervisor, "C1", "");
    add_user("sup_c2", dispatch::Role::supervisor, "C2", "");
    add_user("w1", dispatch::Role::worker, "", "W1");
    add_user("w2", dispatch::Role::worker, "", "W2");
    add_user("w9", dispatch::Role::worker, "", "W9");
    if (test_clock) options.api.manual_clock = &clock;
    server = std::make_unique<web::Server>(*center, *accounts, clock, options);
    server->start();
    port = server->port();
    thread = std::thread([this] { server->run(); });
  }

  ~ServerFixture() { stop(); }

  void stop() {
    if (!thread.joinable()) return;
    server->stop();
    thread.join();
  }

  void add_user(const std::string& name, dispatch::Role role, const std::string& scope, const std::string& worker) {
    dispatch::User u;
    u.username = name;
    u.role = role;
    u.scope = scope;
    u.worker_id = worker;
    u.password_hash = web::hash_password(name + "-secret", fast_hashing());
    if (!accounts->add_user(u)) throw std::runtime_error("cannot add user " + name);
  }

  template <class T>
  static T open_or_throw(dispatch::Result<T> r) {
    if (!r) throw std::runtime_error(r.error().message);
    return std::move(*r);
  }

  // A keep-alive client logged in as `name` (password: name + "-secret").
  std::unique_ptr<HttpClient> client(const std::string& name = {}) {
    auto c = std::make_unique<HttpClient>(port);
    if (!name.empty()) c->token = login(name);
    return c;
  }

  std::string login(const std::string& name) {
    HttpClient c(port);
    auto a = c.post("/api/v1/auth/login", R"({"username":")" + name + R"(","password":")" + name + R"(-secret"})");
    if (a.status != 200) return {};
    return std::string(a.json().at("token").as_string());
  }
};

// The body of a case in tessellation cell (row, column) of the small city.
inline std::string case_body(int row, int column, const std::string& urgency = "yellow",
                             const std::string& title = "垃圾堆放") {
  return R"({"lon":)" + std::to_string(118.305 + 0.01 * column) + R"(,"lat":)" + std::to_string(24.605 + 0.01 * row) +
         R"(,"category":"environment","urgency":")" + urgency + R"(","title":")" + title +
         R"(","description":"小区门口垃圾无人清理","address":"新店路1号","source":"hotline",)"
         R"("reporter":{"name":"张三","phone":"13900000000"}})";
}

}  // namespace gridkeeper::testing
