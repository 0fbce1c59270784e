#include "web/metrics.hpp"

#include <cstdio>

namespace gridkeeper::web {

Metrics::Metrics(std::vector<std::string> routes) : routes_(std::move(routes)) {
  routes_.push_back("other");
  counters_ = std::make_unique<RouteCounters[]>(routes_.size());
}

std::size_t Metrics::route_index(std::string_view route) const {
  for (std::size_t i = 0; i + 1 < routes_.size(); ++i)
    if (routes_[i] == route) return i;
  return routes_.size() - 1;
}

void Metrics::record(std::size_t route, int status, double seconds) {
  auto& c = counters_[route < routes_.size() ? route : routes_.size() - 1];
  std::size_t s = kStatuses.size() - 1;
  for (std::size_t i = 0; i + 1 < kStatuses.size(); ++i)
    if (kStatuses[i] == status) s = i;
  c.by_status[s].fetch_add(1, std::memory_order_relaxed);
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  if (b < kBuckets.size()) c.buckets[b].fetch_add(1, std::memory_order_relaxed);
  c.count.fetch_add(1, std::memory_order_relaxed);
  c.sum_us.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::render() const {
  std::string out;
  char line[256];
  out += "# HELP gridkeeper_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE gridkeeper_http_requests_total counter\n";
  for (std::size_t r = 0; r < routes_.size(); ++r)
    for (std::size_t s = 0; s < kStatuses.size(); ++s) {
      const auto n = counters_[r].by_status[s].load(std::memory_order_relaxed);
      if (!n) continue;
      const std::string status = kStatuses[s] ? std::to_string(kStatuses[s]) : "other";
      std::snprintf(line, sizeof line, "gridkeeper_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                    routes_[r].c_str(), status.c_str(), static_cast<unsigned long long>(n));
      out += line;
    }
  out += "# HELP gridkeeper_http_request_duration_seconds Time from a complete request to its response.\n";
  out += "# TYPE gridkeeper_http_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    const auto& c = counters_[r];
    const auto count = c.count.load(std::memory_order_relaxed);
    if (!count) continue;
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += c.buckets[b].load(std::memory_order_relaxed);
      std::snprintf(line, sizeof line, "gridkeeper_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                    routes_[r].c_str(), kBuckets[b], static_cast<unsigned long long>(cumulative));
      out += line;
    }
    std::snprintf(line, sizeof line,
                  "gridkeeper_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
                  "gridkeeper_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
                  "gridkeeper_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                  routes_[r].c_str(), static_cast<unsigned long long>(count), routes_[r].c_str(),
                  static_cast<double>(c.sum_us.load(std::memory_order_relaxed)) / 1e6, routes_[r].c_str(),
                  static_cast<unsigned long long>(count));
    out += line;
  }
  auto gauge = [&](const char* name, const char* help, const char* type, long long v) {
    std::snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n%s %lld\n", name, help, name, type, name, v);
    out += line;
  };
  gauge("gridkeeper_open_connections", "Open client connections (HTTP and WebSocket).", "gauge", connections.load());
  gauge("gridkeeper_open_websockets", "Open live-feed WebSockets.", "gauge", websockets.load());
  gauge("gridkeeper_connections_refused_total", "Connections refused with 503 over the connection cap.", "counter",
        static_cast<long long>(connections_refused.load()));
  gauge("gridkeeper_websockets_dropped_total", "Live-feed clients dropped because they could not keep up.", "counter",
        static_cast<long long>(websockets_dropped.load()));
  gauge("gridkeeper_client_timeouts_total", "Idle or slow clients dropped by a read or write timeout.", "counter",
        static_cast<long long>(timeouts.load()));
  gauge("gridkeeper_streams", "Streamed answers (chunked) being produced.", "gauge", streams.load());
  gauge("gridkeeper_stream_stalls_total", "Times a streamed answer's producer waited for a slow client.", "counter",
        static_cast<long long>(stream_stalls.load()));
  gauge("gridkeeper_streams_abandoned_total",
        "Streamed answers given up before their end (client gone or too slow, server stopping).", "counter",
        static_cast<long long>(streams_abandoned.load()));
  return out;
}

}  // namespace gridkeeper::web
