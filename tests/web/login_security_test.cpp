// Logins under attack: concurrent guesses, guesses meant to lock a user out, floods that
// would take the threads of everybody's reads. Clients connect from several loopback
// addresses (127.0.0.x) to stand for several machines.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;

namespace {

// Holds every password check at `pass` while closed, so that a test can look at the server
// while logins are in flight; opened at the end of the test whatever happens.
struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  bool closed = false;
  std::atomic<int> checks{0};

  void pass() {
    ++checks;
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return !closed; });
  }
  void close() {
    std::lock_guard lock(mutex);
    closed = true;
  }
  void open() {
    {
      std::lock_guard lock(mutex);
      closed = false;
    }
    cv.notify_all();
  }
};
struct OpenOnExit {
  Gate& gate;
  ~OpenOnExit() { gate.open(); }
};
// Opens the gate and joins the threads when a test ends, also when it ends early.
struct JoinOnExit {
  Gate& gate;
  std::vector<std::thread>& threads;
  ~JoinOnExit() {
    gate.open();
    for (auto& t : threads)
      if (t.joinable()) t.join();
  }
};

std::string login_body(const std::string& user, const std::string& password) {
  return R"({"username":")" + user + R"(","password":")" + password + R"("})";
}

Answer login_from(unsigned short port, const std::string& address, const std::string& user,
                  const std::string& password) {
  HttpClient c(port, 10s, address);
  return c.post("/api/v1/auth/login", login_body(user, password));
}

int retry_after(const Answer& a) {
  auto it = a.headers.find("retry-after");
  return it == a.headers.end() ? -1 : std::stoi(it->second);
}

// Waits (bounded) until `done` holds.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

struct Tally {
  std::mutex mutex;
  std::vector<Answer> answers;
  void add(Answer a) {
    std::lock_guard lock(mutex);
    answers.push_back(std::move(a));
  }
  int count(int status) {
    std::lock_guard lock(mutex);
    return static_cast<int>(
        std::count_if(answers.begin(), answers.end(), [&](const Answer& a) { return a.status == status; }));
  }
};

}  // namespace

TEST_CASE("a burst of concurrent guesses has only the free attempts checked", "[web][security]") {
  Gate gate;
  auto options = test_options();
  options.api.auth.before_verify = [&gate] { gate.pass(); };
  ServerFixture f(options);
  OpenOnExit opener{gate};
  const int free = options.api.auth.free_failures_per_pair;
  gate.close();  // the password checks that get through wait here until the burst is over

  Tally tally;
  Answer right;
  std::vector<std::thread> threads;
  JoinOnExit joiner{gate, threads};
  auto guess = [&] { tally.add(login_from(f.port, "127.0.0.1", "admin", "wrong-guess")); };
  for (int i = 0; i < 50; ++i) threads.emplace_back(guess);
  // Without an atomic check-and-count all 50 would pass the check and wait for their turn.
  REQUIRE(wait_until([&] { return tally.count(429) == 50 - free; }));
  // The right password in the middle of the burst is not checked either.
  std::thread in_the_middle([&] { right = login_from(f.port, "127.0.0.1", "admin", "admin-secret"); });
  in_the_middle.join();
  for (int i = 0; i < 50; ++i) threads.emplace_back(guess);
  REQUIRE(wait_until([&] { return tally.count(429) == 100 - free; }));
  gate.open();
  for (auto& t : threads) t.join();

  CHECK(right.status == 429);
  CHECK(right.error_code() == "too_many_requests");
  CHECK(retry_after(right) >= 1);
  CHECK(gate.checks.load() == free);  // only the free attempts were ever verified
  CHECK(tally.count(401) == free);
  CHECK(tally.count(429) == 100 - free);
  for (const auto& a : tally.answers)
    if (a.status == 429) CHECK(retry_after(a) >= 1);
  // Once the wait has passed, the real password works again.
  f.clock.advance(retry_after(right) * 1000LL);
  CHECK(login_from(f.port, "127.0.0.1", "admin", "admin-secret").status == 200);
}

TEST_CASE("guesses from elsewhere do not lock the real user out", "[web][security]") {
  auto options = test_options();
  ServerFixture f(options);
  const auto& policy = options.api.auth;
  const int user_cap_s = static_cast<int>(policy.max_user_delay_ms / 1000);
  REQUIRE(user_cap_s <= 60);
  // Every wait the server asks for is within the policy.
  auto within_policy = [&](const Answer& a) {
    REQUIRE(a.status == 429);
    CHECK(retry_after(a) >= 1);
    CHECK(retry_after(a) * 1000LL <= policy.max_delay_ms);
    return retry_after(a);
  };

  // The real admin works from 127.0.0.2: a known-good address from now on.
  REQUIRE(login_from(f.port, "127.0.0.2", "admin", "admin-secret").status == 200);

  // Guesses for admin from four other addresses, more than 16 in all. An address that has
  // not failed itself waits at most the username's delay.
  int guesses = 0;
  for (int host = 4; host < 8; ++host)
    for (int i = 0; i < policy.free_failures_per_pair;) {
      auto a = login_from(f.port, "127.0.0." + std::to_string(host), "admin", "guess");
      if (a.status == 401) {
        ++guesses, ++i;
        continue;
      }
      REQUIRE(guesses < 100);
      const int wait = within_policy(a);
      CHECK(wait <= user_cap_s);
      f.clock.advance(wait * 1000LL);
    }
  REQUIRE(guesses > 16);
  // The real admin, from its known-good address, logs in at once.
  CHECK(login_from(f.port, "127.0.0.2", "admin", "admin-secret").status == 200);

  // An attacker at 127.0.0.3 keeps guessing: the wait it is given grows, past the minute
  // that holds a username.
  std::vector<int> waits;
  for (;;) {
    auto a = login_from(f.port, "127.0.0.3", "admin", "guess-" + std::to_string(guesses));
    if (a.status == 401) {
      REQUIRE(++guesses < 100);
      continue;
    }
    const int wait = within_policy(a);
    if (!waits.empty()) CHECK(wait >= waits.back());
    waits.push_back(wait);
    // A correct password from the attacker's address is held as well.
    CHECK(login_from(f.port, "127.0.0.3", "admin", "admin-secret").status == 429);
    if (wait > 2 * user_cap_s) break;
    f.clock.advance(wait * 1000LL);
    REQUIRE(waits.size() < 40);
  }
  CHECK(waits.front() < waits.back());
  // The real admin still logs in at once from its known-good address...
  CHECK(login_from(f.port, "127.0.0.2", "admin", "admin-secret").status == 200);
  // ...and from an address it never used waits at most the username's delay.
  auto held = login_from(f.port, "127.0.0.9", "admin", "admin-secret");
  CHECK(within_policy(held) <= user_cap_s);
  f.clock.advance(retry_after(held) * 1000LL);
  CHECK(login_from(f.port, "127.0.0.9", "admin", "admin-secret").status == 200);
  CHECK(login_from(f.port, "127.0.0.9", "admin", "admin-secret").status == 200);  // known-good now
  // The attacker still waits its own, longer, time.
  auto attacker = login_from(f.port, "127.0.0.3", "admin", "guess");
  CHECK(within_policy(attacker) > user_cap_s);
  // Other users are not held up by admin's failures.
  CHECK(login_from(f.port, "127.0.0.5", "op", "op-secret").status == 200);
}

TEST_CASE("one address guessing many usernames is held by the per-address limit", "[web][security]") {
  auto options = test_options();
  ServerFixture f(options);
  const int free = options.api.auth.free_failures_per_address;
  for (int i = 0; i < free; ++i)
    CHECK(login_from(f.port, "127.0.0.20", "nobody" + std::to_string(i), "guess").status == 401);
  auto held = login_from(f.port, "127.0.0.20", "sup_c1", "sup_c1-secret");
  CHECK(held.status == 429);
  CHECK(retry_after(held) == 1);
  CHECK(login_from(f.port, "127.0.0.21", "sup_c1", "sup_c1-secret").status == 200);
}

TEST_CASE("a flood of logins gets 429 beyond its own small queue and never delays reads or intakes",
          "[web][security]") {
  Gate gate;
  auto options = test_options();
  options.api.hashing_threads = 1;
  options.api.hashing_queue = 4;
  options.api.auth.before_verify = [&gate] { gate.pass(); };
  ServerFixture f(options);
  OpenOnExit opener{gate};
  auto op = f.client("op");
  REQUIRE_FALSE(op->token.empty());
  const int checked_before = gate.checks.load();
  gate.close();  // from now on every password check hangs: the hashing queue fills

  // 40 logins, each from its own (username, address), so the login throttle lets all through.
  constexpr int kFlood = 40;
  const int queued = static_cast<int>(options.api.hashing_queue);
  Tally tally;
  std::vector<std::thread> flood;
  JoinOnExit joiner{gate, flood};
  for (int i = 0; i < kFlood; ++i)
    flood.emplace_back([&, i] {
      tally.add(login_from(f.port, "127.0.1." + std::to_string(i + 1), "nobody" + std::to_string(i), "guess"));
    });
  REQUIRE(wait_until([&] { return tally.count(429) == kFlood - queued; }));
  for (const auto& a : tally.answers) {
    CHECK(a.error_code() == "too_many_requests");
    CHECK(retry_after(a) == 1);
  }

  // While the hashing queue is still full, reads and intakes are served.
  HttpClient metrics(f.port);
  CHECK(metrics.get("/metrics").body.find("gridkeeper_hashing_jobs " + std::to_string(queued)) != std::string::npos);
  for (int i = 0; i < 5; ++i) {
    auto list = op->get("/api/v1/cases");
    CHECK(list.status == 200);
    auto created = op->post("/api/v1/cases", case_body(0, i % 3));
    CHECK(created.status == 201);
  }
  CHECK(gate.checks.load() == checked_before + 1);  // the one hashing thread is still held
  CHECK(tally.count(0) == 0);
  CHECK(static_cast<int>(tally.answers.size()) == kFlood - queued);

  gate.open();
  for (auto& t : flood) t.join();
  CHECK(tally.count(401) == queued);
  CHECK(f.login("w1") != "");
}
