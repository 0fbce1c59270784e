// bench_soak: the real server under a long mixed load, watched for memory growth and 5xx.
//
//   bench_soak [--minutes 10] [--rate 2000] [--grids 24x24] [--server-threads 0]
//              [--intake-connections 48] [--followup-connections 96] [--workers 48]
//              [--feeds 8] [--logins 4] [--photo-share 0.25] [--reporters 2]
//
// Builds a temporary database with a generated city and its users, starts `gridkeeper
// serve` on it as a child process (so that its memory is its own: RSS is read from /proc)
// and drives it over loopback from one client thread: intakes at --rate a second; every
// case is then worked on, either cancelled by the operator or, when its worker is one of
// the --workers logged in, accepted (a share with a photo), resolved and closed, so that
// the open cases stay few; logins and logouts of several users; live-feed clients that
// connect and leave; report reads (assessment, trends, the cases of the assessment as CSV,
// the case list as CSV) over the last two minutes of a community, one at a time per user.
// Every 30 s: requests a second and p99 per route, the server's RSS (sampled four times a
// second: the window's floor and peak). At the end it fails (exit 1) when the RSS floor
// grew by more than 10 % after the first two minutes (half the run
// when it is shorter than four), or when any 5xx or broken connection was seen; 429s of
// the documented limits are counted, not failures. Client and server share the cores.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "bench/scratch_city.hpp"
#include "bench/soak_load.hpp"
#include "data/accounts_store.hpp"
#include "web/auth.hpp"

extern char** environ;
using namespace gridkeeper;

namespace {

struct Options {
  double minutes = 10;
  int columns = 24, rows = 24;
  unsigned server_threads = 0;
  int workers = 48;
  soak::LoadOptions load;
};

// Resident memory of a process in MB: all of it and its anonymous part.
std::pair<double, double> rss_mb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  double rss = 0, anon = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) rss = std::atof(line.c_str() + 6) / 1024;
    if (line.rfind("RssAnon:", 0) == 0) anon = std::atof(line.c_str() + 8) / 1024;
  }
  return {rss, anon};
}

double p99_ms(std::vector<std::uint32_t>& v) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(0.99 * (v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k] / 1000.0;
}

void print_counts(soak::Counts counts, double seconds) {
  std::printf("  %-20s %9s %9s %9s %7s %7s %5s %5s\n", "route", "req/s", "p99 ms", "2xx", "429", "4xx", "5xx",
              "broken");
  for (int r = 0; r < soak::kRoutes; ++r) {
    auto& c = counts.routes[r];
    if (c.requests == 0) continue;
    std::printf("  %-20s %9.1f %9.2f %9llu %7llu %7llu %5llu %5llu\n", soak::route_name(r), c.requests / seconds,
                p99_ms(c.latencies_us), static_cast<unsigned long long>(c.ok),
                static_cast<unsigned long long>(c.limited), static_cast<unsigned long long>(c.client_errors),
                static_cast<unsigned long long>(c.server_errors), static_cast<unsigned long long>(c.transport));
  }
  std::printf("  live feed: %.0f messages/s, %llu clients dropped by the server\n", counts.feed_messages / seconds,
              static_cast<unsigned long long>(counts.feed_dropped));
}

[[noreturn]] void usage() {
  std::cerr
      << "usage: bench_soak [--minutes N] [--rate R] [--grids CxR] [--server-threads N] [--intake-connections N]\n"
         "                  [--followup-connections N] [--workers N] [--feeds N] [--logins PER_S]\n"
         "                  [--photo-share F] [--reporters N]\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (a == "--minutes") o.minutes = std::stod(value());
    else if (a == "--rate") o.load.rate = std::stod(value());
    else if (a == "--server-threads") o.server_threads = static_cast<unsigned>(std::stoi(value()));
    else if (a == "--intake-connections") o.load.intake_connections = std::stoi(value());
    else if (a == "--followup-connections") o.load.followup_connections = std::stoi(value());
    else if (a == "--workers") o.workers = std::stoi(value());
    else if (a == "--feeds") o.load.feeds = std::stoi(value());
    else if (a == "--logins") o.load.logins_per_second = std::stod(value());
    else if (a == "--photo-share") o.load.photo_share = std::stod(value());
    else if (a == "--reporters") o.load.reporters = std::stoi(value());
    else if (a == "--grids") {
      const auto g = value();
      const auto x = g.find('x');
      if (x == std::string::npos) usage();
      o.columns = std::stoi(g.substr(0, x));
      o.rows = std::stoi(g.substr(x + 1));
    } else usage();
  }
  if (o.minutes <= 0 || o.load.rate <= 0 || o.load.intake_connections < 1) usage();

  // The city and its users, all with one password hash (hashing is slow on purpose).
  const bench::ScratchCity scratch("bench-soak", o.columns, o.rows, 1'767'225'600'000);
  const auto& db = scratch.db;
  const auto& city = scratch.city;
  const auto& imported = scratch.imported;
  if (!imported.ok) {
    std::cerr << "bench_soak: import failed: " << imported.problems.front() << "\n";
    return 1;
  }
  const std::string password = "soak-password-2026";
  std::string district;
  std::vector<std::string> communities;
  for (const auto& a : city.areas) {
    if (a.level == geo::Level::district) district = a.code;
    if (a.level == geo::Level::community) communities.push_back(a.code);
  }
  std::vector<std::string> worker_ids;  // owners of the first grids, in grid order
  for (const auto& w : city.workers)
    if (!w.owner_of.empty() && static_cast<int>(worker_ids.size()) < o.workers) worker_ids.push_back(w.worker.id);
  {
    auto accounts = data::SqliteAccounts::open(db);
    if (!accounts) {
      std::cerr << "bench_soak: " << accounts.error().message << "\n";
      return 1;
    }
    const auto hash = web::hash_password(password);
    std::vector<dispatch::User> users;
    auto add = [&](std::string name, dispatch::Role role, std::string scope, std::string worker = {}) {
      dispatch::User u;
      u.username = std::move(name), u.role = role, u.scope = std::move(scope), u.worker_id = std::move(worker);
      u.password_hash = hash;
      users.push_back(std::move(u));
    };
    add("operator", dispatch::Role::operator_, district);
    for (int k = 0; k < 6; ++k) add("clerk" + std::to_string(k), dispatch::Role::operator_, district);
    for (int k = 0; k < std::max(1, o.load.reporters); ++k)
      add("analyst" + std::to_string(k), dispatch::Role::supervisor, district);
    for (int k = 0; k < 4; ++k)
      add("watch" + std::to_string(k), dispatch::Role::supervisor, communities[k % communities.size()]);
    for (const auto& w : worker_ids) add("w-" + w, dispatch::Role::worker, {}, w);
    if (auto added = (*accounts)->add_users(std::move(users)); !added) {
      std::cerr << "bench_soak: cannot add users: " << added.error().message << "\n";
      return 1;
    }
  }

  // The server as a child process; its first line names the port.
  int out[2];
  if (::pipe(out) != 0) return 1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::vector<std::string> args{GRIDKEEPER_BIN, "serve", "--db", db, "--listen", "127.0.0.1:0"};
  if (o.server_threads) args.insert(args.end(), {"--threads", std::to_string(o.server_threads)});
  std::vector<char*> argv_child;
  for (auto& s : args) argv_child.push_back(s.data());
  argv_child.push_back(nullptr);
  pid_t server = 0;
  if (posix_spawn(&server, GRIDKEEPER_BIN, &actions, nullptr, argv_child.data(), environ) != 0) {
    std::cerr << "bench_soak: cannot start " << GRIDKEEPER_BIN << "\n";
    return 1;
  }
  ::close(out[1]);
  FILE* child_out = ::fdopen(out[0], "r");
  unsigned short port = 0;
  char line[1024];
  while (!port && std::fgets(line, sizeof line, child_out)) {
    std::fputs(line, stdout);
    if (const char* at = std::strstr(line, "http://127.0.0.1:")) port = static_cast<unsigned short>(std::atoi(at + 17));
  }
  auto stop_server = [&]() -> int {
    ::kill(server, SIGTERM);
    int status = 0;
    ::waitpid(server, &status, 0);
    while (std::fgets(line, sizeof line, child_out)) std::fputs(line, stdout);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  };
  if (!port) {
    std::cerr << "bench_soak: the server did not start\n";
    stop_server();
    return 1;
  }

  // Tokens: the operator, the workers (a few at a time: logins are hashed on a small queue),
  // the report and feed users; the clerks log in and out during the run.
  auto& L = o.load;
  L.port = port;
  L.operator_token = soak::Load::login(port, "operator", password);
  for (std::size_t k = 0; k < worker_ids.size(); ++k) {
    const auto token = soak::Load::login(port, "w-" + worker_ids[k], password);
    if (!token.empty()) L.worker_tokens[worker_ids[k]] = token;
  }
  for (int k = 0; k < std::max(1, L.reporters); ++k)
    L.report_tokens.push_back(soak::Load::login(port, "analyst" + std::to_string(k), password));
  for (int k = 0; k < 4; ++k) L.feed_tokens.push_back(soak::Load::login(port, "watch" + std::to_string(k), password));
  for (int k = 0; k < 6; ++k) L.logins.emplace_back("clerk" + std::to_string(k), password);
  L.report_scopes = communities;
  if (L.operator_token.empty() || L.report_tokens.front().empty() || L.feed_tokens.front().empty()) {
    std::cerr << "bench_soak: logins failed\n";
    stop_server();
    return 1;
  }
  std::mt19937_64 rng(7);
  const auto area = scratch.options.area;
  std::uniform_real_distribution<double> lon(area.min_lon + 0.001, area.max_lon - 0.001),
      lat(area.min_lat + 0.001, area.max_lat - 0.001);
  for (int i = 0; i < 65'536; ++i) L.points.push_back({lon(rng), lat(rng)});

  const double seconds = o.minutes * 60;
  const double settle = seconds >= 240 ? 120 : seconds / 2;  // RSS is compared from here on
  std::printf("bench_soak: %zu grids, %zu workers logged in, target %.0f intakes/s, %.1f min; server pid %d\n",
              static_cast<std::size_t>(o.columns * o.rows), L.worker_tokens.size(), L.rate, o.minutes,
              static_cast<int>(server));
  std::fflush(stdout);
  // RSS is sampled four times a second; each 30 s window keeps its floor and its peak.
  // Growth is judged on the floors: what the server keeps, not the transient peak of a
  // report being written when a sample happens to fall.
  std::mutex rss_mutex;
  double window_floor = 0, window_peak = 0;
  std::atomic<bool> sampling{true};
  std::thread sampler([&] {
    while (sampling) {
      const double rss = rss_mb(server).first;
      {
        std::lock_guard lock(rss_mutex);
        window_floor = window_floor == 0 ? rss : std::min(window_floor, rss);
        window_peak = std::max(window_peak, rss);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  });
  double baseline = 0, peak = 0, last = 0;
  soak::Load load(L);
  auto total = load.run(seconds, 30, [&](double elapsed, const soak::Counts& window, std::size_t backlog) {
    double floor = 0, top = 0;
    {
      std::lock_guard lock(rss_mutex);
      floor = window_floor, top = window_peak;
      window_floor = window_peak = 0;
    }
    const auto anon = rss_mb(server).second;
    last = floor;
    if (elapsed >= settle - 1 && baseline == 0) baseline = floor;
    if (baseline > 0) peak = std::max(peak, top);
    std::printf(
        "[%6.0f s] server RSS floor %.1f MB, peak %.1f MB (anonymous now %.1f MB)%s, cases waiting for their "
        "next step %zu\n",
        elapsed, floor, top, anon, baseline > 0 && baseline == floor ? " <- baseline" : "", backlog);
    print_counts(window, 30);
    std::fflush(stdout);
  });
  sampling = false;
  sampler.join();
  const auto rss_end = rss_mb(server).first;
  const int exit_code = stop_server();

  std::printf("\nbench_soak: whole run (%.1f min)\n", o.minutes);
  print_counts(total, seconds);
  std::uint64_t server_errors = 0, broken = 0;
  for (const auto& r : total.routes) server_errors += r.server_errors, broken += r.transport;
  const double growth = baseline > 0 ? (last - baseline) / baseline * 100 : 0;
  std::printf(
      "server RSS floor: %.1f MB at %.0f s, %.1f MB at the end (%+.1f %%), peak after %.0f s %.1f MB; after the load "
      "%.1f MB; exit %d\n",
      baseline, settle, last, growth, settle, peak, rss_end, exit_code);
  bool failed = false;
  if (growth > 10) {
    std::printf("FAIL: the server's RSS floor grew by %.1f %% after %.0f s (limit 10 %%)\n", growth, settle),
        failed = true;
  }
  if (server_errors > 0)
    std::printf("FAIL: %llu answers were 5xx\n", static_cast<unsigned long long>(server_errors)), failed = true;
  if (broken > 0)
    std::printf("FAIL: %llu requests got no answer (connection broken)\n", static_cast<unsigned long long>(broken)),
        failed = true;
  if (exit_code != 0) std::printf("FAIL: the server exited with %d\n", exit_code), failed = true;
  if (!failed) std::printf("PASS: no 5xx, no broken connection, RSS within 10 %% of its value at %.0f s\n", settle);
  return failed ? 1 : 0;
}
