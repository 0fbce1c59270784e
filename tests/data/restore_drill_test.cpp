// The restore drill: an online backup taken while the server takes in and works on cases
// over HTTP, restored by starting a server on the copy. Every case acknowledged before the
// backup began is there with its whole history, and the copy passes integrity_check.
#include <catch2/catch.hpp>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "../web/fixture.hpp"
#include "data/backup.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {

const std::string kPassword = "drill-password";

// The real server with SQLite storage on the database at `path`, on an ephemeral port.
struct Serving {
  std::unique_ptr<data::SqliteLedger> ledger;
  std::unique_ptr<data::SqliteAccounts> accounts;
  std::unique_ptr<data::SqliteReports> reports;
  dispatch::SystemClock clock;
  std::unique_ptr<dispatch::Center> center;
  std::unique_ptr<web::Server> server;
  std::thread thread;
  unsigned short port = 0;

  explicit Serving(const std::string& path) {
    ledger = ServerFixture::open_or_throw(data::SqliteLedger::open(path));
    accounts = ServerFixture::open_or_throw(data::SqliteAccounts::open(path));
    reports = ServerFixture::open_or_throw(data::SqliteReports::open(path));
    auto options = test_options();
    options.api.reports = reports.get();
    center = std::make_unique<dispatch::Center>(*ledger, clock);
    center->start();
    server = std::make_unique<web::Server>(*center, *accounts, clock, options);
    server->start();
    port = server->port();
    thread = std::thread([this] { server->run(); });
  }
  ~Serving() { stop(); }
  void stop() {
    if (!thread.joinable()) return;
    server->stop();
    thread.join();
    ledger->close();
  }
  std::string login(const std::string& user) {
    HttpClient c(port);
    auto a = c.post("/api/v1/auth/login", R"({"username":")" + user + R"(","password":")" + kPassword + R"("})");
    return a.status == 200 ? std::string(a.json().at("token").as_string()) : std::string();
  }
};

std::string transition(const char* action, std::int64_t version) {
  return R"({"action":")" + std::string(action) + R"(","version":)" + std::to_string(version) + "}";
}

// What a load thread saw of a case: its version in the last answer that came before the
// backup began, and whether an answer about it came after (its history may then be longer
// in the original than in the copy).
struct Seen {
  std::int64_t version = 0;
  bool answered_after = false;
};

}  // namespace

TEST_CASE("restore drill: a backup taken under load restores every acknowledged case with its history",
          "[backup][drill]") {
  TempDir dir;
  const auto db = dir.file("city.db"), copy = dir.file("backup.db"), restored_db = dir.file("restored.db");
  demo::SyntheticCityOptions city_options;  // 6 x 4 grids
  const auto city = demo::synthetic_city(city_options);
  REQUIRE(data::import_organisation(db, city.areas, city.workers, kImportTime).ok);
  std::map<std::string, std::string> worker_user;  // worker id -> username
  {
    auto accounts = ServerFixture::open_or_throw(data::SqliteAccounts::open(db));
    const auto hash = web::hash_password(kPassword, fast_hashing());
    std::vector<dispatch::User> users(1);
    users[0].username = "op", users[0].role = dispatch::Role::operator_, users[0].scope = city_options.district;
    users[0].password_hash = hash;
    for (const auto& w : city.workers) {
      dispatch::User u;
      u.username = "w-" + w.worker.id, u.role = dispatch::Role::worker, u.worker_id = w.worker.id;
      u.password_hash = hash;
      worker_user[w.worker.id] = u.username;
      users.push_back(std::move(u));
    }
    REQUIRE(accounts->add_users(std::move(users)).ok());
  }

  auto original = std::make_unique<Serving>(db);
  const auto op_token = original->login("op");
  REQUIRE(!op_token.empty());
  std::map<std::string, std::string> worker_token;
  for (const auto& [id, user] : worker_user) worker_token[id] = original->login(user);

  // Load: each thread takes cases in and works every other one on (accept, then resolve).
  std::atomic<bool> backup_started{false}, backup_done{false}, stop{false};
  std::atomic<int> acknowledged{0}, during_backup{0}, finished{0};
  std::mutex seen_mutex;
  std::map<std::int64_t, Seen> seen;  // only cases whose intake was acknowledged before the backup
  auto note = [&](std::int64_t id, std::int64_t version, bool intake) {
    const bool after = backup_started.load();  // read after the answer came: conservative
    if (after && !backup_done.load()) ++during_backup;
    std::lock_guard lock(seen_mutex);
    if (intake && !after) seen[id].version = version;
    auto it = seen.find(id);
    if (it == seen.end()) return;
    if (after) it->second.answered_after = true;
    else it->second.version = version;
  };
  auto load = [&](int k) {
    HttpClient op(original->port), worker(original->port);
    op.token = op_token;
    for (int n = 0; n < 5000 && !stop; ++n) {
      const double lon = 118.21 + 0.18 * ((n * 7 + k * 13) % 97) / 97.0,
                   lat = 24.56 + 0.18 * ((n * 11 + k) % 89) / 89.0;
      auto a = op.post("/api/v1/cases", R"({"lon":)" + std::to_string(lon) + R"(,"lat":)" + std::to_string(lat) +
                                            R"(,"category":"environment","urgency":"orange","title":"演练 )" +
                                            std::to_string(k) + "-" + std::to_string(n) + R"(","description":")" +
                                            std::string(300, 'x') + R"("})");
      if (a.status != 201) continue;
      ++acknowledged;
      const auto id = a.json().at("id").as_int64();
      auto version = a.json().at("version").as_int64();
      note(id, version, true);
      const auto assignee = a.json().at("assignee_id");
      if (n % 2 || !assignee.is_string()) continue;
      worker.token = worker_token[std::string(assignee.as_string())];
      for (const char* action : {"accept", "resolve"}) {
        auto t = worker.post("/api/v1/cases/" + std::to_string(id) + "/transitions", transition(action, version));
        if (t.status != 200) break;
        version = t.json().at("version").as_int64();
        note(id, version, false);
      }
    }
    ++finished;
  };
  std::vector<std::thread> threads;
  for (int k = 0; k < 3; ++k) threads.emplace_back(load, k);
  auto stop_load = [&] {
    stop = true;
    for (auto& t : threads) t.join();
    threads.clear();
  };
  // Until a few hundred cases are in (bounded: each thread stops after 5,000 intakes).
  while (acknowledged < 400 && finished < 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(acknowledged >= 400);

  backup_started = true;
  data::BackupOptions small_steps;
  small_steps.pages_per_step = 2;  // many steps, with the writer going on between them
  small_steps.pause = std::chrono::milliseconds(2);
  auto report = data::backup_database(db, copy, small_steps);
  backup_done = true;
  stop_load();
  REQUIRE(report.ok());
  CHECK(report->steps > 10);
  CHECK(during_backup > 0);  // the server kept answering while the copy was taken
  INFO("acknowledged " << acknowledged << ", during the backup " << during_backup << ", backup steps "
                       << report->steps);

  // The original's histories, as they stand after the load.
  std::map<std::int64_t, json::value> history;
  {
    HttpClient op(original->port);
    op.token = op_token;
    for (const auto& [id, s] : seen) {
      auto a = op.get("/api/v1/cases/" + std::to_string(id));
      REQUIRE(a.status == 200);
      history[id] = a.json();
    }
  }
  original->stop();
  original.reset();

  {
    auto c = data::Connection::open(copy, data::OpenMode::read_only);
    REQUIRE(c.ok());
    auto check = data::integrity_check(**c);
    REQUIRE(check.ok());
    CHECK(*check == "ok");
  }

  // Restore: the copy put in place and served.
  std::filesystem::copy_file(copy, restored_db);
  Serving restored(restored_db);
  HttpClient op(restored.port);
  op.token = restored.login("op");
  REQUIRE(!op.token.empty());
  REQUIRE(seen.size() >= 400);
  int exact = 0, with_later_answers = 0, mismatches = 0;
  for (const auto& [id, s] : seen) {
    auto a = op.get("/api/v1/cases/" + std::to_string(id));
    if (a.status != 200) {
      FAIL_CHECK("case " << id << " acknowledged before the backup is missing from the copy: " << a.status);
      continue;
    }
    const auto got = a.json().as_object();
    const auto& want = history[id].as_object();
    const auto& got_events = got.at("events").as_array();
    const auto& want_events = want.at("events").as_array();
    bool ok = got.at("version").as_int64() >= s.version && got_events.size() >= 2 &&
              got_events.size() <= want_events.size() &&
              std::equal(got_events.begin(), got_events.end(), want_events.begin());
    if (!s.answered_after) {
      // Nothing happened to it after the backup began: the copy holds all of it.
      ok = ok && got.at("version") == want.at("version") && got.at("state") == want.at("state") &&
           got_events.size() == want_events.size();
      ++exact;
    } else {
      ++with_later_answers;
    }
    if (!ok) {
      ++mismatches;
      UNSCOPED_INFO("case " << id << ": acknowledged version " << s.version << ", copy " << json::serialize(got)
                            << ", original " << json::serialize(want));
    }
  }
  CHECK(mismatches == 0);
  CHECK(exact > 0);
  INFO(exact << " cases whole, " << with_later_answers << " answered also after the backup began");

  // The restored server goes on: a new case gets a new id.
  auto fresh = op.post("/api/v1/cases",
                       R"({"lon":118.3,"lat":24.65,"category":"environment","urgency":"red","title":"恢复后"})");
  REQUIRE(fresh.status == 201);
  CHECK(fresh.json().at("id").as_int64() > seen.rbegin()->first);
}
