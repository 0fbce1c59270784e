#pragma once
// The load of bench_soak: one client thread of coroutines driving the server over
// loopback with a mix of intakes, transitions, photos, logins, report reads and live-feed
// clients. Counts and latencies are kept per route in windows that the caller reads
// and clears (all on the client's one thread).
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace gridkeeper::soak {

enum Route : int {
  intake,
  accept,
  resolve,
  close,
  cancel,
  photo,
  login,
  logout,
  assessment,
  trends,
  assessment_csv,
  cases_csv,
  feed,
  kRoutes
};
const char* route_name(int route);

struct RouteCounts {
  std::uint64_t requests = 0, ok = 0, limited = 0, client_errors = 0, server_errors = 0, transport = 0;
  std::vector<std::uint32_t> latencies_us;
  void add(const RouteCounts& other);
};

struct Counts {
  std::array<RouteCounts, kRoutes> routes;
  std::uint64_t feed_messages = 0, feed_dropped = 0;
  void record(int route, int status, std::uint32_t us);
  void add(const Counts& other);
};

struct Point {
  double lon, lat;
};

struct LoadOptions {
  unsigned short port = 0;
  double rate = 2000;  // intakes a second (target)
  int intake_connections = 48;
  int followup_connections = 96;
  int feeds = 8;  // live-feed clients connected at once, each leaving and coming back
  double logins_per_second = 4;
  double photo_share = 0.25;  // of the cases worked through by logged-in workers
  int reporters = 2;          // report readers, each its own user, one read at a time
  std::vector<Point> points;  // intake locations, used in turn
  std::string operator_token;
  std::map<std::string, std::string> worker_tokens;         // worker id -> token
  std::vector<std::string> feed_tokens;                     // users of the live-feed clients
  std::vector<std::string> report_tokens;                   // users of the report readers
  std::vector<std::string> report_scopes;                   // communities the reports are asked for
  std::vector<std::pair<std::string, std::string>> logins;  // (username, password) in turn
};

class Load {
 public:
  explicit Load(LoadOptions options);
  ~Load();
  Load(const Load&) = delete;
  Load& operator=(const Load&) = delete;

  // Logs in (username, password); the token or empty. Blocking; before run().
  static std::string login(unsigned short port, const std::string& username, const std::string& password,
                           int* status = nullptr);

  // Runs the load for `seconds`, calling `every` each `period` seconds with the window's
  // counts (then cleared). Returns the totals.
  Counts run(double seconds, double period,
             const std::function<void(double elapsed, const Counts&, std::size_t backlog)>& every);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gridkeeper::soak
