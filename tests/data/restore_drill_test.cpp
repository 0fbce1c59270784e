// The restore drill: a backup taken while the server takes in and works on cases over
// HTTP, restored by starting a server on the copy. Every case acknowledged before the
// backup began is there with its whole history, and the restored server takes in more.
// On SQLite the backup is `gridkeeper backup`'s online copy; on PostgreSQL, pg_dump and
// pg_restore into a fresh database (tests/data/restore_drill.hpp).
#include <atomic>
#include <boost/json.hpp>
#include <iostream>
#include <map>
#include <mutex>

#include "restore_drill.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
using namespace gridkeeper::testing::drill;
namespace json = boost::json;

namespace {

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

TEMPLATE_TEST_CASE("restore drill: a backup taken under load restores every acknowledged case with its history",
                   "[backup][drill]", OnSqlite, OnPostgres) {
  REQUIRE(sodium_init() >= 0);
  TestType storage;
  const auto& db = storage.original;
  demo::SyntheticCityOptions city_options;  // 6 x 4 grids
  const auto city = demo::synthetic_city(city_options);
  REQUIRE(data::import_organisation(db, city.areas, city.workers, kImportTime).ok);
  std::map<std::string, std::string> worker_user;  // worker id -> username
  {
    auto accounts = ServerFixture::open_or_throw(TestType::Accounts::open(db));
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

  auto original = std::make_unique<Serving<TestType>>(db);
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
  auto stop_load = [&] {
    stop = true;
    for (auto& t : threads) t.join();
    threads.clear();
  };
  struct Stopping {  // the load stopped also when a requirement fails
    std::function<void()> stop;
    ~Stopping() { stop(); }
  } stopping{stop_load};
  for (int k = 0; k < 3; ++k) threads.emplace_back(load, k);
  // Until a few hundred cases are in (bounded: each thread stops after 5,000 intakes).
  while (acknowledged < 400 && finished < 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(acknowledged >= 400);

  backup_started = true;
  // The PostgreSQL dump is held, past its snapshot, until the server has answered meanwhile
  // (or the load has run out).
  const auto told = storage.backup([&] { return during_backup >= 20 || finished == 3; });
  backup_done = true;
  stop_load();
  CHECK(during_backup > 0);  // the server kept answering while the copy was taken
  INFO("acknowledged " << acknowledged << ", during the backup " << during_backup << ", " << told);

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

  // Restore: the copy put in place and served.
  Serving<TestType> restored(storage.restore());
  const auto restored_max_id = restored.ledger->load().max_case_id;
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
    // Each version the clients saw added at least one event: all of them are in the copy,
    // the same as in the original's history.
    bool ok = got.at("version").as_int64() >= s.version && got_events.size() >= 2 &&
              static_cast<std::int64_t>(got_events.size()) >= s.version && got_events.size() <= want_events.size() &&
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
  std::cout << "restore drill on " << TestType::name << ": " << seen.size()
            << " cases acknowledged before the backup began, " << exact + with_later_answers << " of them restored ("
            << exact << " whole, " << with_later_answers << " answered also after it began); " << acknowledged
            << " acknowledged in all, " << during_backup << " answers during the backup; the copy's cases up to id "
            << restored_max_id << "; " << told << std::endl;
  CHECK(mismatches == 0);
  CHECK(exact > 0);

  // The restored server goes on: a new case gets an id after the restored ones.
  CHECK(restored_max_id >= seen.rbegin()->first);
  auto fresh = op.post("/api/v1/cases",
                       R"({"lon":118.3,"lat":24.65,"category":"environment","urgency":"red","title":"恢复后"})");
  REQUIRE(fresh.status == 201);
  CHECK(fresh.json().at("id").as_int64() > restored_max_id);
}
