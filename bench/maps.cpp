// bench_maps: the maps of a city at scale, over HTTP: time and size (raw and compressed)
// of the overdue map's counts, its shapes alone (and their 304), and the grids.
//
//   bench_maps [--grids 100x80] [--cases 50000] [--runs 5]
//
// Builds a temporary database with a generated city (8,000 grids by default), takes in
// the cases through the center on a manual clock, moves the clock on by a day and lets
// escalation run (so the counts hold warned and overdue cases of every colour), then
// starts the real server and reads each map `runs` times as an operator of the district.
// Goal: the counts of 8,000 grids in < 50 ms and < 200 KB compressed.

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/scratch_city.hpp"
#include "bench/soak_load.hpp"
#include "data/accounts_store.hpp"
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

std::size_t compressed_size(const std::string& body) {
  uLongf size = compressBound(static_cast<uLong>(body.size()));
  std::vector<Bytef> out(size);
  if (compress2(out.data(), &size, reinterpret_cast<const Bytef*>(body.data()), static_cast<uLong>(body.size()),
                Z_DEFAULT_COMPRESSION) != Z_OK)
    return 0;
  return size;
}

struct Fetched {
  int status = 0;
  std::string body, etag;
  double ms = 0;
};

Fetched fetch(beast::tcp_stream& s, const std::string& target, const std::string& token,
              const std::string& if_none_match = {}) {
  http::request<http::string_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "bench");
  req.set(http::field::authorization, "Bearer " + token);
  if (!if_none_match.empty()) req.set(http::field::if_none_match, if_none_match);
  const auto start = Clock::now();
  http::write(s, req);
  beast::flat_buffer b;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256u << 20);
  http::read(s, b, parser);
  Fetched f;
  f.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  f.status = parser.get().result_int();
  f.body = parser.get().body();
  f.etag = std::string(parser.get()[http::field::etag]);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  int columns = 100, rows = 80, cases = 50'000, runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--grids") {
      columns = std::stoi(v.substr(0, v.find('x')));
      rows = std::stoi(v.substr(v.find('x') + 1));
    } else if (a == "--cases") {
      cases = std::stoi(v);
    } else if (a == "--runs") {
      runs = std::max(1, std::stoi(v));
    } else {
      std::cerr << "usage: bench_maps [--grids CxR] [--cases N] [--runs N]\n";
      return 2;
    }
  }
  dispatch::ManualClock clock;
  const bench::ScratchCity scratch("bench-maps", columns, rows, clock.now());
  if (!scratch.imported.ok) {
    std::cerr << "bench_maps: import failed: " << scratch.imported.problems.front() << "\n";
    return 1;
  }
  auto ledger = data::SqliteLedger::open(scratch.db);
  auto accounts = data::SqliteAccounts::open(scratch.db, ledger ? ledger->get() : nullptr);
  if (!ledger || !accounts) {
    std::cerr << "bench_maps: cannot open " << scratch.db << "\n";
    return 1;
  }
  dispatch::User op;
  op.username = "bench";
  op.role = dispatch::Role::operator_;
  op.password_hash = web::hash_password("bench-password");
  (*accounts)->add_user(op);

  dispatch::Center center(**ledger, clock);
  center.start();
  // The cases: random points, colours and categories, taken in a thousand at a time.
  std::mt19937_64 rng(16);
  const auto area = scratch.options.area;
  std::uniform_real_distribution<double> lon(area.min_lon + 1e-4, area.max_lon - 1e-4),
      lat(area.min_lat + 1e-4, area.max_lat - 1e-4);
  const dispatch::Actor system{};
  const auto intake_start = Clock::now();
  std::atomic<int> done{0}, failed{0};
  for (int i = 0; i < cases; ++i) {
    dispatch::IntakeRequest r;
    r.lon = lon(rng);
    r.lat = lat(rng);
    r.category = "environment";
    r.urgency = dispatch::kUrgencies[static_cast<std::size_t>(i % 3)];
    r.title = "bench case";
    center.intake(r, system, [&](dispatch::Result<dispatch::Case> c) {
      if (!c) ++failed;
      ++done;
    });
    if (i % 1000 == 999)
      while (done.load() < i - 2000) std::this_thread::yield();
  }
  while (done.load() < cases) std::this_thread::yield();
  // Some late: a day on, escalation warns and escalates what fell due.
  clock.advance(26LL * 3600 * 1000);
  const auto steps = center.tick_until_idle();
  std::printf("bench_maps: %zu grids, %d cases taken in (%d refused) in %.1f s, %zu escalation steps, %zu open\n",
              center.grid_index()->size(), cases, failed.load(),
              std::chrono::duration<double>(Clock::now() - intake_start).count(), steps, center.open_case_count());

  web::ServerOptions options;
  options.port = 0;
  options.handle_signals = false;
  std::optional<web::Server> server;
  server.emplace(center, **accounts, clock, options);
  server->start();
  std::thread serving([&] { server->run(); });
  net::io_context ioc;
  beast::tcp_stream s(ioc);
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server->port()));
  int status = 0;
  const std::string token = soak::Load::login(server->port(), "bench", "bench-password", &status);
  if (token.empty()) {
    std::cerr << "bench_maps: login failed: status " << status << "\n";
    return 1;
  }

  std::printf("%-52s %9s %9s %12s %12s\n", "GET", "first ms", "median ms", "bytes", "compressed");
  for (const std::string target :
       {"/api/v1/overdue-map?level=grid&geometry=false", "/api/v1/overdue-map?level=community&geometry=false",
        "/api/v1/overdue-map?level=street&geometry=false", "/api/v1/overdue-map?level=grid&counts=false",
        "/api/v1/overdue-map?level=community&counts=false", "/api/v1/overdue-map?level=street&counts=false",
        "/api/v1/overdue-map?level=grid", "/api/v1/grids"}) {
    std::vector<double> ms;
    Fetched first, last;
    for (int r = 0; r < runs; ++r) {
      last = fetch(s, target, token);
      if (r == 0) first = last;
      ms.push_back(last.ms);
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%-52s %9.1f %9.1f %12zu %12zu%s\n", target.c_str(), first.ms, ms[ms.size() / 2], last.body.size(),
                compressed_size(last.body), last.status == 200 ? "" : "  (not 200)");
    if (!last.etag.empty()) {
      const auto again = fetch(s, target, token, last.etag);
      std::printf("%-52s %9s %9.1f %12zu %12s  (If-None-Match: %d)\n", "  revalidated", "", again.ms, again.body.size(),
                  "", again.status);
    }
  }
  server->stop();
  serving.join();
  return 0;
}
