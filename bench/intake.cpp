// bench_intake: durable intakes per second through the command center (routing, assignment,
// commit with synchronous=FULL) on a generated city, and the acknowledgement latency.
//
//   bench_intake [--columns 142] [--rows 141] [--producers 1,2,8] [--seconds 5]
//                [--in-flight 64] [--max-group 512] [--dir DIR] [--seed S]
//                [--postgres postgresql://USER@HOST:PORT/DBNAME]
//
// With --postgres the same runs follow on PostgreSQL (synchronous_commit on), the city
// copied into that database (which must be empty) as `gridkeeper migrate` copies one:
// both backends side by side in one run. scripts/bench-postgres.sh starts a throw-away
// cluster for it.
//
// Each producer calls the asynchronous Center::intake with at most --in-flight requests
// outstanding, at uniformly random points of the city; latency runs from the call to the
// acknowledgement, which comes once the case's transaction is durable. The database lives
// in a fresh temporary directory (or --dir) and is removed afterwards.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "data/import.hpp"
#include "data/pg_ledger.hpp"
#include "data/pg_migrate.hpp"
#include "data/sqlite_ledger.hpp"
#include "demo/synthetic_city.hpp"
#include "dispatch/center.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {

using Steady = std::chrono::steady_clock;

double seconds_since(Steady::time_point t0) { return std::chrono::duration<double>(Steady::now() - t0).count(); }

struct Args {
  int columns = 142, rows = 141;
  std::vector<int> producers{1, 2, 8};
  double seconds = 5;
  int in_flight = 64;
  std::size_t max_group = 512;
  std::string dir;
  std::uint64_t seed = 1;
  std::string postgres;
};

// CPU time of every thread of the process: producers, center, writer, acknowledgements,
// checkpoints. Per case, it says how many cores a given rate needs, whatever else runs.
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "bench_intake: " << k << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--columns") a.columns = std::stoi(value());
    else if (k == "--rows") a.rows = std::stoi(value());
    else if (k == "--seconds") a.seconds = std::stod(value());
    else if (k == "--in-flight") a.in_flight = std::stoi(value());
    else if (k == "--max-group") a.max_group = static_cast<std::size_t>(std::stoul(value()));
    else if (k == "--dir") a.dir = value();
    else if (k == "--seed") a.seed = std::stoull(value());
    else if (k == "--postgres") a.postgres = value();
    else if (k == "--producers") {
      a.producers.clear();
      std::stringstream s(value());
      for (std::string part; std::getline(s, part, ',');) a.producers.push_back(std::stoi(part));
    } else {
      std::cerr << "bench_intake: unknown option " << k << "\n";
      std::exit(2);
    }
  }
  return a;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// One producer: keeps `limit` intakes outstanding until the deadline, then waits for all.
struct Producer {
  std::mutex mutex;
  std::condition_variable room;
  int in_flight = 0;
  std::size_t failed = 0;
  std::vector<double> latency_ms;  // appended by the acknowledgements
};

// Pages written and the writer's CPU per change, where the ledger counts them (SQLite).
template <class Stats>
std::pair<double, double> writer_costs(const Stats& before, const Stats& after, double stored) {
  if constexpr (requires { after.pages_written; })
    return {stored > 0 ? static_cast<double>(after.pages_written - before.pages_written) / stored : 0.0,
            stored > 0 ? (after.writer_cpu_s - before.writer_cpu_s) / stored * 1e6 : 0.0};
  else return {0.0, 0.0};
}

// The runs of every producer count on one ledger, a line each.
template <class Ledger>
void run_all(const Args& args, Ledger& ledger, Center& center, const geo::BBox& extent) {
  std::printf("%9s %10s %10s %9s %9s %9s %10s %8s %10s %14s %12s\n", "producers", "cases", "cases/s", "p50 ms",
              "p99 ms", "max ms", "commits/s", "per txn", "pages/case", "writer us/case", "cpu us/case");
  const Actor op{1, "bench", Role::operator_, {}, {}};
  for (const int n : args.producers) {
    std::vector<std::unique_ptr<Producer>> producers;
    for (int p = 0; p < n; ++p) producers.push_back(std::make_unique<Producer>());
    const auto before = ledger.stats();
    const double cpu_before = process_cpu_seconds();
    const auto start = Steady::now();
    const auto deadline = start + std::chrono::duration<double>(args.seconds);
    std::vector<std::thread> threads;
    for (int p = 0; p < n; ++p)
      threads.emplace_back([&, p] {
        Producer& me = *producers[static_cast<std::size_t>(p)];
        std::mt19937_64 rng(args.seed * 1000 + static_cast<std::uint64_t>(p) + 1);
        // Stay clear of the outline, where a point could fall outside every grid.
        std::uniform_real_distribution<double> lon(extent.min_lon + 1e-4, extent.max_lon - 1e-4),
            lat(extent.min_lat + 1e-4, extent.max_lat - 1e-4);
        static const char* kCategories[] = {"environment", "illegal_construction", "dispute", "safety_hazard",
                                            "public_service"};
        std::uint64_t k = 0;
        while (Steady::now() < deadline) {
          {
            std::unique_lock lock(me.mutex);
            me.room.wait(lock, [&] { return me.in_flight < args.in_flight; });
            ++me.in_flight;
          }
          IntakeRequest r;
          r.lon = lon(rng);
          r.lat = lat(rng);
          r.category = kCategories[k % 5];
          r.urgency = kUrgencies[k % 3];
          r.title = "占道经营";
          r.description = "沿街商铺占用人行道摆放货物，影响通行";
          r.address = "翔安南路 " + std::to_string(k % 1000) + " 号";
          r.reporter = {"市民", "13900000000"};
          ++k;
          const auto sent = Steady::now();
          center.intake(r, op, [&me, sent](Result<Case> c) {
            const double ms = std::chrono::duration<double, std::milli>(Steady::now() - sent).count();
            std::lock_guard lock(me.mutex);
            if (c) me.latency_ms.push_back(ms);
            else ++me.failed;
            --me.in_flight;
            me.room.notify_one();
          });
        }
        std::unique_lock lock(me.mutex);
        me.room.wait(lock, [&] { return me.in_flight == 0; });
      });
    for (auto& t : threads) t.join();
    const double elapsed = seconds_since(start);
    const double cpu = process_cpu_seconds() - cpu_before;
    const auto after = ledger.stats();
    std::vector<double> latencies;
    std::size_t failed = 0;
    for (auto& p : producers) {
      latencies.insert(latencies.end(), p->latency_ms.begin(), p->latency_ms.end());
      failed += p->failed;
    }
    const auto count = latencies.size();
    const double max_ms = count ? *std::max_element(latencies.begin(), latencies.end()) : 0;
    const double p50 = percentile(latencies, 0.50), p99 = percentile(latencies, 0.99);
    const auto commits = after.groups - before.groups;
    const auto stored = static_cast<double>(after.changes - before.changes);
    const auto [pages, writer_us] = writer_costs(before, after, stored);
    std::printf("%9d %10zu %10.0f %9.2f %9.2f %9.1f %10.0f %8.1f %10.2f %14.1f %12.1f\n", n, count,
                static_cast<double>(count) / elapsed, p50, p99, max_ms, static_cast<double>(commits) / elapsed,
                commits ? stored / static_cast<double>(commits) : 0.0, pages, writer_us,
                count ? cpu / static_cast<double>(count) * 1e6 : 0.0);
    if (failed) std::printf("          %zu intakes failed\n", failed);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  namespace fs = std::filesystem;
  const fs::path dir = args.dir.empty() ? fs::temp_directory_path() / ("bench-intake-" + std::to_string(::getpid()))
                                        : fs::path(args.dir);
  fs::create_directories(dir);
  const std::string db = (dir / "city.db").string();

  demo::SyntheticCityOptions city_options;
  city_options.area = {118.00, 24.40, 118.40, 24.75};  // about 40 km x 39 km
  city_options.columns = args.columns;
  city_options.rows = args.rows;
  city_options.seed = args.seed;
  auto t0 = Steady::now();
  const auto city = demo::synthetic_city(city_options);
  const double generate_s = seconds_since(t0);
  t0 = Steady::now();
  const auto imported = data::import_organisation(db, city.areas, city.workers, 1'767'225'600'000);
  if (!imported.ok) {
    for (const auto& p : imported.problems) std::cerr << "bench_intake: " << p << "\n";
    return 1;
  }
  const double import_s = seconds_since(t0);
  std::printf("city: %zu grids, %zu communities, %zu streets, %zu workers (generated %.2f s, imported %.2f s)\n",
              static_cast<std::size_t>(args.columns * args.rows), city.communities, city.streets, city.workers.size(),
              generate_s, import_s);

  data::SqliteLedger::Options ledger_options;
  ledger_options.max_group = args.max_group;
  auto ledger = data::SqliteLedger::open(db, ledger_options);
  if (!ledger) {
    std::cerr << "bench_intake: " << ledger.error().message << "\n";
    return 1;
  }
  SystemClock clock;
  Center::Options center_options;
  auto center = std::make_unique<Center>(**ledger, clock, center_options);
  t0 = Steady::now();
  center->start();
  std::printf("start-up (load + grid index): %.2f s\n", seconds_since(t0));
  std::printf("in flight per producer: %d, group cap: %zu, run: %.1f s each\n\nSQLite (synchronous=FULL):\n",
              args.in_flight, args.max_group, args.seconds);
  run_all(args, **ledger, *center, city_options.area);
  const auto stats = (*ledger)->stats();
  center.reset();
  ledger->reset();
  std::error_code ec;
  std::printf(
      "\nstored %llu changes in %llu transactions (largest %zu); checkpoints: %llu in the background, %llu by the "
      "writer (%.0f ms in all); database %.1f MiB\n",
      static_cast<unsigned long long>(stats.changes), static_cast<unsigned long long>(stats.groups),
      stats.largest_group, static_cast<unsigned long long>(stats.checkpoints),
      static_cast<unsigned long long>(stats.writer_checkpoints), stats.writer_checkpoint_s * 1000,
      static_cast<double>(fs::file_size(db, ec)) / (1 << 20));

  if (!args.postgres.empty()) {
    // The same city, copied as gridkeeper migrate copies one; the cases of the SQLite runs
    // come along, as a district's history would.
    t0 = Steady::now();
    auto copied = data::migrate_to_postgres(db, args.postgres);
    if (!copied) {
      std::cerr << "bench_intake: " << copied.error().message << "\n";
      return 1;
    }
    std::printf("\nPostgreSQL (synchronous_commit on; the city and these cases copied in %.2f s):\n",
                seconds_since(t0));
    data::PgLedger::Options pg_options;
    pg_options.max_group = args.max_group;
    auto pg = data::PgLedger::open(args.postgres, pg_options);
    if (!pg) {
      std::cerr << "bench_intake: " << pg.error().message << "\n";
      return 1;
    }
    auto pg_center = std::make_unique<Center>(**pg, clock, center_options);
    t0 = Steady::now();
    pg_center->start();
    std::printf("start-up (load + grid index): %.2f s\n", seconds_since(t0));
    run_all(args, **pg, *pg_center, city_options.area);
    const auto s = (*pg)->stats();
    pg_center.reset();
    pg->reset();
    std::printf("\nstored %llu changes in %llu transactions (largest %zu)\n",
                static_cast<unsigned long long>(s.changes), static_cast<unsigned long long>(s.groups), s.largest_group);
  }
  if (args.dir.empty()) fs::remove_all(dir, ec);
  return 0;
}
