// bench_http: requests per second and p50/p99 latency of the server over loopback.
//
//   bench_http [--seconds 5] [--connections 64] [--client-threads 1] [--server-threads 0]
//              [--grids 24x24] [--only route|cases] [--serve-for S] [--postgres URI]
//
// Builds a temporary database with a generated city (576 grids by default, about the
// reference district), starts the real server on an ephemeral port with SQLite storage,
// logs in an operator and drives keep-alive connections, each with one request in
// flight, for GET /api/v1/route (random points) and POST /api/v1/cases (random points,
// every case committed before its 201). With --postgres (an empty database; e.g.
// scripts/with-postgres.sh bench_http --postgres @PG@) the same runs follow on PostgreSQL,
// the city copied there. Goals: GET /route >= 50,000/s; POST /cases >=
// 10,000/s with p99 < 50 ms. Client and server share the machine's cores.

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/scratch_city.hpp"
#include "bench/soak_load.hpp"
#include "data/accounts_store.hpp"
#include "data/pg_lease.hpp"
#include "data/pg_ledger.hpp"
#include "data/pg_migrate.hpp"
#include "data/sqlite_ledger.hpp"
#include "dispatch/center.hpp"
#include "web/auth.hpp"
#include "web/server.hpp"

using namespace gridkeeper;
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  double seconds = 5;
  int connections = 64;
  unsigned client_threads = 1;
  unsigned server_threads = 0;
  int columns = 24, rows = 24;
  std::string only;
  double serve_for = 0;  // only serve, for an outside load generator
  std::string postgres;  // a PostgreSQL URI: the same runs there after SQLite
};

// One keep-alive connection: sends its next request when the answer to the last is in.
// Answers are read with a minimal parser (status line, Content-Length) so that the load
// generator costs as little as possible of the cores it shares with the server.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& ioc, const std::vector<std::string>& requests, std::size_t first,
             const std::atomic<bool>& stop)
      : socket_(ioc), requests_(requests), next_(first), stop_(stop) {
    buffer_.resize(1 << 16);
  }

  void start(tcp::endpoint endpoint) {
    socket_.async_connect(endpoint, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->failed(ec);
      self->socket_.set_option(tcp::no_delay(true));
      self->send();
    });
  }

  std::vector<std::uint32_t> latencies_us;
  std::uint64_t ok = 0, errors = 0;

 private:
  void send() {
    if (stop_.load(std::memory_order_relaxed)) return;
    const auto& request = requests_[next_++ % requests_.size()];
    sent_at_ = Clock::now();
    have_ = 0;
    net::async_write(socket_, net::buffer(request), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->failed(ec);
      self->receive();
    });
  }

  void receive() {
    if (have_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
    socket_.async_read_some(
        net::buffer(buffer_.data() + have_, buffer_.size() - have_),
        [self = shared_from_this()](beast::error_code ec, std::size_t n) {
          if (ec) return self->failed(ec);
          self->have_ += n;
          if (!self->complete()) return self->receive();
          const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - self->sent_at_).count();
          self->latencies_us.push_back(static_cast<std::uint32_t>(us));
          (self->status_ == 200 || self->status_ == 201) ? ++self->ok : ++self->errors;
          self->send();
        });
  }

  // Whether a whole answer is in the buffer (one at a time: nothing is pipelined).
  bool complete() {
    const std::string_view text(buffer_.data(), have_);
    const auto end = text.find("\r\n\r\n");
    if (end == std::string_view::npos) return false;
    status_ = text.size() > 12 ? std::atoi(text.data() + 9) : 0;
    std::size_t length = 0;
    for (auto at = text.find("\r\n"); at < end; at = text.find("\r\n", at + 2)) {
      const auto line = text.substr(at + 2, 15);
      if (line.size() == 15 && beast::iequals(line, "content-length:")) {
        length = static_cast<std::size_t>(std::atoll(text.data() + at + 17));
        break;
      }
    }
    return have_ >= end + 4 + length;
  }

  void failed(beast::error_code ec) {
    if (!stop_.load()) std::cerr << "bench_http: connection failed: " << ec.message() << "\n";
    ++errors;
  }

  tcp::socket socket_;
  std::vector<char> buffer_;
  std::size_t have_ = 0;
  int status_ = 0;
  const std::vector<std::string>& requests_;
  std::size_t next_;
  const std::atomic<bool>& stop_;
  Clock::time_point sent_at_;
};

struct Figures {
  double rps = 0, p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::uint64_t ok = 0, errors = 0;
};

Figures drive(unsigned short port, const std::vector<std::string>& requests, const Options& o) {
  net::io_context ioc;
  std::atomic<bool> stop{false};
  std::vector<std::shared_ptr<Connection>> connections;
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  for (int i = 0; i < o.connections; ++i) {
    connections.push_back(std::make_shared<Connection>(ioc, requests, static_cast<std::size_t>(i) * 7919, stop));
    connections.back()->start(endpoint);
  }
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < o.client_threads; ++i) threads.emplace_back([&] { ioc.run(); });
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  stop = true;
  for (auto& t : threads) t.join();  // each connection stops after its answer in flight
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();

  Figures f;
  std::vector<std::uint32_t> all;
  for (const auto& c : connections) {
    all.insert(all.end(), c->latencies_us.begin(), c->latencies_us.end());
    f.ok += c->ok;
    f.errors += c->errors;
  }
  std::sort(all.begin(), all.end());
  auto at = [&](double q) { return all.empty() ? 0.0 : all[static_cast<std::size_t>(q * (all.size() - 1))] / 1000.0; };
  f.rps = static_cast<double>(all.size()) / elapsed;
  f.p50_ms = at(0.50);
  f.p99_ms = at(0.99);
  f.max_ms = at(1.0);
  return f;
}

std::string request_text(const std::string& method, const std::string& target, const std::string& token,
                         const std::string& body = {}) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer " + token + "\r\n";
  if (!body.empty()) r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

void print(const char* what, const Figures& f, const Options& o, double goal_rps, double goal_p99_ms) {
  std::printf(
      "%-22s %9.0f req/s   p50 %6.2f ms   p99 %6.2f ms   max %7.2f ms   %llu ok, %llu errors   (%d connections)", what,
      f.rps, f.p50_ms, f.p99_ms, f.max_ms, static_cast<unsigned long long>(f.ok),
      static_cast<unsigned long long>(f.errors), o.connections);
  const bool met = f.rps >= goal_rps && (goal_p99_ms <= 0 || f.p99_ms < goal_p99_ms) && f.errors == 0;
  std::printf("   goal >= %.0f/s%s: %s\n", goal_rps,
              goal_p99_ms > 0 ? (", p99 < " + std::to_string(static_cast<int>(goal_p99_ms)) + " ms").c_str() : "",
              met ? "met" : "NOT met");
}

}  // namespace

template <class Db>
int bench_on(const std::string& db, const char* backend, const Options& o, const bench::ScratchCity& scratch,
             const dispatch::SystemClock& clock) {
  using Ledger = std::conditional_t<std::is_same_v<Db, data::Connection>, data::SqliteLedger, data::PgLedger>;
  typename Ledger::Options ledger_options;
  std::optional<data::PgLease> lease;  // on PostgreSQL, as `serve` runs: holding the lease, writes fenced by its term
  if constexpr (std::is_same_v<Ledger, data::PgLedger>) {
    lease.emplace(db, data::PgLease::Options{}, nullptr);
    if (!lease->wait_active(std::chrono::seconds(10))) {
      std::cerr << "bench_http: cannot take the lease: " << lease->last_error() << "\n";
      return 1;
    }
    ledger_options.fence = lease->term();
  }
  auto ledger = Ledger::open(db, ledger_options);
  auto accounts = data::AccountsStore<Db>::open(db, ledger ? ledger->get() : nullptr);
  if (!ledger || !accounts) {
    std::cerr << "bench_http: cannot open the " << backend << " database\n";
    return 1;
  }
  dispatch::User op;
  op.username = "bench";
  op.role = dispatch::Role::operator_;
  op.password_hash = web::hash_password("bench-password");
  (*accounts)->add_user(op);  // refused when there already (the copy of the city holds it)

  dispatch::Center center(**ledger, clock);
  center.start();
  web::ServerOptions options;
  options.port = 0;
  options.threads = o.server_threads;
  options.handle_signals = false;
  std::optional<web::Server> server;
  server.emplace(center, **accounts, clock, options);
  server->start();
  std::thread serving([&] { server->run(); });
  const auto port = server->port();

  // Log in once over HTTP, as a client would.
  int status = 0;
  const std::string token = soak::Load::login(port, "bench", "bench-password", &status);
  if (token.empty()) {
    std::cerr << "bench_http: login failed: status " << status << "\n";
    return 1;
  }

  if (o.serve_for > 0) {
    // For wrk and the like: the port and a token, then serve until the time is up.
    std::printf("port %u token %s\n", port, token.c_str());
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::duration<double>(o.serve_for));
    server->stop();
    serving.join();
    return 0;
  }

  // Random points over the city, as requests prepared in advance.
  std::mt19937_64 rng(7);
  const auto area = scratch.options.area;
  std::uniform_real_distribution<double> lon(area.min_lon + 0.001, area.max_lon - 0.001),
      lat(area.min_lat + 0.001, area.max_lat - 0.001);
  const char* urgencies[] = {"yellow", "orange", "red"};
  std::vector<std::string> routes, intakes;
  for (int i = 0; i < 4096; ++i) {
    char point[64];
    std::snprintf(point, sizeof point, "lon=%.6f&lat=%.6f", lon(rng), lat(rng));
    routes.push_back(request_text("GET", std::string("/api/v1/route?") + point, token));
    char body[256];
    std::snprintf(body, sizeof body,
                  R"({"lon":%.6f,"lat":%.6f,"category":"environment","urgency":"%s","title":"bench case %d"})",
                  lon(rng), lat(rng), urgencies[i % 3], i);
    intakes.push_back(request_text("POST", "/api/v1/cases", token, body));
  }

  std::printf(
      "bench_http on %s: %zu grids, server threads %u, client threads %u, %d keep-alive connections, %.1f s each\n",
      backend, center.grid_index()->size(), options.threads ? options.threads : std::thread::hardware_concurrency(),
      o.client_threads, o.connections, o.seconds);
  if (o.only.empty() || o.only == "route") print("GET /api/v1/route", drive(port, routes, o), o, 50'000, 0);
  if (o.only.empty() || o.only == "cases") {
    const auto before = (*ledger)->stats();
    const auto f = drive(port, intakes, o);
    print("POST /api/v1/cases", f, o, 10'000, 50);
    const auto after = (*ledger)->stats();
    const auto groups = after.groups - before.groups, changes = after.changes - before.changes;
    std::printf("%-22s %llu commits of %.1f cases on average (largest %zu)\n", "  storage",
                static_cast<unsigned long long>(groups), groups ? static_cast<double>(changes) / groups : 0.0,
                after.largest_group);
  }
  server->stop();
  serving.join();
  server.reset();
  return 0;
}

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "bench_http: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--seconds") o.seconds = std::stod(value());
    else if (a == "--connections") o.connections = std::stoi(value());
    else if (a == "--client-threads") o.client_threads = static_cast<unsigned>(std::stoi(value()));
    else if (a == "--server-threads") o.server_threads = static_cast<unsigned>(std::stoi(value()));
    else if (a == "--only") o.only = value();
    else if (a == "--serve-for") o.serve_for = std::stod(value());
    else if (a == "--postgres") o.postgres = value();
    else if (a == "--grids") {
      const auto g = value();
      const auto x = g.find('x');
      o.columns = std::stoi(g.substr(0, x));
      o.rows = std::stoi(g.substr(x + 1));
    } else {
      std::cerr << "usage: bench_http [--seconds S] [--connections N] [--client-threads N] [--server-threads N] "
                   "[--grids CxR] [--only route|cases] [--serve-for S] [--postgres URI]\n";
      return 2;
    }
  }

  dispatch::SystemClock clock;
  const bench::ScratchCity scratch("bench-http", o.columns, o.rows, clock.now());
  const auto& db = scratch.db;
  const auto& imported = scratch.imported;
  if (!imported.ok) {
    std::cerr << "bench_http: import failed: " << imported.problems.front() << "\n";
    return 1;
  }
  if (int failed = bench_on<data::Connection>(db, "SQLite", o, scratch, clock)) return failed;
  if (o.postgres.empty()) return 0;
  // The same city, copied as `gridkeeper migrate` copies a district, on PostgreSQL.
  if (auto copied = data::migrate_to_postgres(db, o.postgres); !copied) {
    std::cerr << "bench_http: cannot copy the city to PostgreSQL: " << copied.error().message << "\n";
    return 1;
  }
  return bench_on<data::pg::Connection>(o.postgres, "PostgreSQL", o, scratch, clock);
}
