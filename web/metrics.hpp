#pragma once
// Prometheus counters of the server: requests by route and status, a latency histogram
// per route, open connections and WebSockets. Route labels are fixed at start so that
// counting is a few relaxed atomic increments, without locks.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gridkeeper::web {

class Metrics {
 public:
  explicit Metrics(std::vector<std::string> routes);

  std::size_t route_index(std::string_view route) const;  // the last route ("other") when unknown
  void record(std::size_t route, int status, double seconds);

  std::atomic<std::int64_t> connections{0};
  std::atomic<std::int64_t> websockets{0};
  std::atomic<std::uint64_t> connections_refused{0};  // over the connection cap
  std::atomic<std::uint64_t> websockets_dropped{0};   // could not keep up with the feed
  std::atomic<std::uint64_t> timeouts{0};             // idle or slow clients dropped
  std::atomic<std::int64_t> streams{0};               // streamed answers being produced
  std::atomic<std::uint64_t> stream_stalls{0};        // times a producer waited for a slow client
  std::atomic<std::uint64_t> streams_abandoned{0};    // streams given up (client gone, too slow, stopping)

  // Prometheus text exposition of everything above.
  std::string render() const;

 private:
  static constexpr std::array<int, 15> kStatuses{200, 201, 204, 400, 401, 403, 404, 409,
                                                 413, 422, 429, 500, 503, 101, 0};
  static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05,   0.1,   0.25,   0.5,   1,    5};
  struct RouteCounters {
    std::array<std::atomic<std::uint64_t>, kStatuses.size()> by_status{};
    std::array<std::atomic<std::uint64_t>, kBuckets.size()> buckets{};  // non-cumulative
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_us{0};
  };
  std::vector<std::string> routes_;
  std::unique_ptr<RouteCounters[]> counters_;
};

}  // namespace gridkeeper::web
