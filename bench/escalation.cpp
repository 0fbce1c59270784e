// bench_escalation: the escalation engine with many open cases — memory per open case in
// the center, start-up (loading and scheduling them), and the cost of ticks: one with
// nothing due, and ticks acting on a batch of due warnings and deadlines.
//
//   bench_escalation [--cases 1000000] [--batch 10000] [--seed S] [--days D]
//
// With --days, the open cases are then left alone for D days, the clock moving an hour at
// a time: escalation stops at the top (red, district) and reminds once a day, so the
// events per case stay bounded (about 7 to reach the top, then one a day).
//
// The organisation is a generated city of 550 grids imported into a temporary SQLite
// database and read back through the real ledger; the open cases are made in memory, with
// creation times spread over the last five days, and handed to the center through a
// ledger that stores nothing, so that the figures are the engine's alone.
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>

#include "data/import.hpp"
#include "data/sqlite_ledger.hpp"
#include "demo/synthetic_city.hpp"
#include "dispatch/center.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {

using Steady = std::chrono::steady_clock;
double seconds_since(Steady::time_point t0) { return std::chrono::duration<double>(Steady::now() - t0).count(); }

double resident_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

// Hands the center its starting state and acknowledges every write at once, storing nothing.
class NullLedger final : public Ledger {
 public:
  explicit NullLedger(LedgerState state) : state_(std::move(state)) {}
  LedgerState load() override { return std::move(state_); }
  void write(Change change, std::function<void(Status)> done) override {
    ++writes;
    events += change.events.size();
    done(std::nullopt);
  }
  std::optional<Case> find_case(CaseId) override { return std::nullopt; }
  std::vector<CaseEvent> case_events(CaseId) override { return {}; }
  std::vector<Case> find_cases(const CaseQuery&) override { return {}; }
  std::vector<PostTerm> post_history(const std::string&) override { return {}; }
  std::size_t writes = 0;
  std::size_t events = 0;

 private:
  LedgerState state_;
};

}  // namespace

int main(int argc, char** argv) {
  std::size_t cases = 1'000'000, batch = 10'000;
  std::uint64_t seed = 1;
  int days = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--cases") cases = std::stoull(v);
    else if (a == "--batch") batch = std::max<std::size_t>(1, std::stoull(v));
    else if (a == "--seed") seed = std::stoull(v);
    else if (a == "--days") days = std::max(0, std::stoi(v));
    else {
      std::cerr << "usage: bench_escalation [--cases N] [--batch N] [--seed S] [--days D]\n";
      return 2;
    }
  }
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("bench-escalation-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string db = (dir / "city.db").string();

  demo::SyntheticCityOptions city_options;
  city_options.columns = 25;
  city_options.rows = 22;
  city_options.seed = seed;
  const auto city = demo::synthetic_city(city_options);
  const Millis now = 1'767'225'600'000 + 30LL * 86'400'000;  // 2026-01-31
  if (auto imported = data::import_organisation(db, city.areas, city.workers, now); !imported.ok) {
    for (const auto& p : imported.problems) std::cerr << "bench_escalation: " << p << "\n";
    return 1;
  }
  LedgerState state;
  {
    auto ledger = data::SqliteLedger::open(db);
    if (!ledger) {
      std::cerr << "bench_escalation: " << ledger.error().message << "\n";
      return 1;
    }
    state = (*ledger)->load();
  }
  fs::remove_all(dir);

  malloc_trim(0);
  const double rss_before = resident_mib();
  // Open cases as intake leaves them: dispatched to the grid's owner, both clocks running.
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<Millis> age(0, 5LL * 86'400'000);
  const auto& category = state.categories.front();
  state.open_cases.reserve(cases);
  for (std::size_t i = 0; i < cases; ++i) {
    const auto& g = state.grids[i % state.grids.size()];
    Case c;
    c.id = static_cast<CaseId>(i + 1);
    c.state = CaseState::dispatched;
    c.urgency = kUrgencies[i % 3];
    c.category = category.id;
    c.title = "占道经营";
    c.description = "沿街商铺占用人行道摆放货物，影响通行";
    c.address = "翔安南路 " + std::to_string(i % 1000) + " 号";
    c.source = "hotline";
    c.reporter = {"市民", "13900000000"};
    c.grid = g.code;
    c.community = g.community;
    c.assignee = g.owner;
    c.created_at = c.updated_at = now - age(rng);
    start_clocks(c, category, c.created_at);
    state.open_cases.push_back(std::move(c));
  }
  state.max_case_id = static_cast<CaseId>(cases);

  ManualClock clock(now - 5LL * 86'400'000);  // before anything falls due
  NullLedger ledger(std::move(state));
  auto t0 = Steady::now();
  Center center(ledger, clock);
  center.start();
  const double start_s = seconds_since(t0);
  malloc_trim(0);
  const double rss_after = resident_mib();
  std::printf("bench_escalation: %zu open cases on %zu grids\n", center.open_case_count(),
              center.grids(Actor{}).size());
  std::printf("start-up (load into memory, schedule every due moment): %.2f s\n", start_s);
  // Measured from before the cases were made to after start-up, once the loaded state is freed.
  std::printf(
      "memory: %.1f MiB for the open cases and their due moments, %.0f bytes per open case (sizeof(Case) %zu)\n",
      rss_after - rss_before, (rss_after - rss_before) * (1 << 20) / static_cast<double>(cases), sizeof(Case));

  // A tick with nothing due: what the engine costs between due moments.
  constexpr int kIdle = 100'000;
  t0 = Steady::now();
  std::size_t idle_steps = 0;
  for (int i = 0; i < kIdle; ++i) idle_steps += center.tick(batch);
  const double idle_s = seconds_since(t0);
  std::printf("tick with nothing due: %.3f us (%zu steps)\n", idle_s / kIdle * 1e6, idle_steps);

  // Move the clock to the moment at which `batch` moments are due, and tick once; repeat.
  std::printf("\n%10s %12s %12s %14s %12s\n", "tick", "steps", "ms", "us per step", "due left");
  double total_s = 0;
  std::size_t total_steps = 0;
  for (int round = 1; round <= 5; ++round) {
    auto next = center.next_due_at();
    if (!next) break;
    const Millis lo = std::max(clock.now(), *next), hi = lo + 86'400'000;
    // The due moments are spread evenly; a batch of them spans about this long.
    const Millis span = std::max<Millis>(
        1, static_cast<Millis>(5.0 * 86'400'000 * 4 * static_cast<double>(batch) / static_cast<double>(cases)));
    clock.set(std::min(hi, lo + span));
    t0 = Steady::now();
    const auto steps = center.tick(batch);
    const double s = seconds_since(t0);
    total_s += s;
    total_steps += steps;
    std::printf("%10d %12zu %12.2f %14.2f %12s\n", round, steps, s * 1e3, steps ? s / steps * 1e6 : 0.0,
                steps == batch ? "yes" : "no");
  }
  std::printf(
      "\nmean: %.2f us per escalation step (warning or deadline: colour, tier, new deadlines, event, "
      "rescheduling), %zu ledger writes\n",
      total_steps ? total_s / static_cast<double>(total_steps) * 1e6 : 0.0, ledger.writes);
  if (days > 0) {
    // Nobody acts: every case climbs to the top and is then only reminded, once a day.
    const std::size_t events_before = ledger.events;
    const Millis start = clock.now();
    t0 = Steady::now();
    std::size_t steps = 0;
    for (Millis at = start; at < start + days * 86'400'000LL;) {
      at += 3'600'000;
      clock.set(at);
      steps += center.tick_until_idle(batch);
    }
    const double s = seconds_since(t0);
    std::printf(
        "\nleft alone for %d days: %zu events, %.1f per open case (at most 7 to reach the top, then one a "
        "day), %.2f s, %.2f us per step\n",
        days, ledger.events - events_before,
        static_cast<double>(ledger.events - events_before) / static_cast<double>(cases), s,
        steps ? s / static_cast<double>(steps) * 1e6 : 0.0);
  }
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  std::printf("peak resident memory %.0f MiB\n", static_cast<double>(u.ru_maxrss) / 1024);
  return 0;
}
