// bench_reports: the assessment and trend reports of a city-wide period, read from the
// summary rows kept per case (the scan of the rows and the tallies), and what they add to
// the process's memory.
//
//   bench_reports [--columns 90] [--rows 89] [--cases 1100000] [--days 365] [--dir DIR]
//
// A synthetic city (90 x 89 = 8,010 grids) gets `--cases` closed, resolved, escalated,
// rated, cancelled and open cases spread evenly over `--days` days, written through the
// ledger in large changes (so their rows are kept as the server keeps them). Then the
// assessment and the trends of the last quarter (91 days) and of the whole span are taken
// through Reporting as an admin sees them, each three times; the best time is printed with
// the peak resident memory's growth.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bench/scratch_city.hpp"
#include "data/reports_store.hpp"
#include "data/sqlite_ledger.hpp"
#include "dispatch/center.hpp"
#include "dispatch/reporting.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
using Steady = std::chrono::steady_clock;
constexpr Millis kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
constexpr Millis kEnd = 1'790'000'000'000;

double seconds_since(Steady::time_point t0) { return std::chrono::duration<double>(Steady::now() - t0).count(); }

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

Result<RulesChange> defaults(std::string_view) { return RulesChange{}; }

CaseEvent event(CaseId id, Millis at, EventType type, CaseState from, CaseState to, const WorkerId& worker) {
  CaseEvent e;
  e.case_id = id;
  e.at = at;
  e.type = type;
  e.actor = "bench";
  e.from_state = from;
  e.to_state = to;
  e.assignee = worker;
  return e;
}
}  // namespace

int main(int argc, char** argv) {
  int columns = 90, rows = 89, days = 365;
  long cases = 1'100'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--columns") columns = std::stoi(argv[i + 1]);
    else if (a == "--rows") rows = std::stoi(argv[i + 1]);
    else if (a == "--cases") cases = std::stol(argv[i + 1]);
    else if (a == "--days") days = std::stoi(argv[i + 1]);
    else {
      std::cerr << "usage: bench_reports [--columns N] [--rows N] [--cases N] [--days N]\n";
      return 2;
    }
  }
  bench::ScratchCity city("reports", columns, rows, kEnd - (days + 1) * kDay);
  if (!city.imported.ok) {
    std::cerr << "bench_reports: the city's import failed\n";
    return 1;
  }
  auto ledger = data::SqliteLedger::open(city.db);
  if (!ledger) {
    std::cerr << "bench_reports: " << ledger.error().message << "\n";
    return 1;
  }
  ManualClock clock(kEnd);
  Center center(**ledger, clock);
  center.start();
  Actor admin;
  admin.role = Role::admin;
  admin.username = "admin";
  const auto grids = center.grids(admin);
  std::map<std::string, std::string> parent;
  for (const auto& j : center.jurisdictions(admin)) parent[j.code] = j.parent;
  const auto categories = center.categories();

  // The history, written in changes of 2,000 cases.
  const auto t0 = Steady::now();
  std::mt19937_64 random(1);
  const Millis from = kEnd - days * kDay;
  std::size_t events = 0;
  for (long first = 0; first < cases;) {
    Change change;
    for (long k = 0; k < 2000 && first < cases; ++k, ++first) {
      const auto& g = grids[random() % grids.size()];
      Case c;
      c.id = first + 1;
      c.created_at = from + static_cast<Millis>((static_cast<double>(first) / static_cast<double>(cases)) *
                                                static_cast<double>(days * kDay));
      c.updated_at = c.created_at;
      c.category = categories[random() % categories.size()].id;
      c.title = "bench";
      c.grid = g.code;
      c.community = g.community;
      c.street = parent[c.community];
      c.district = parent[c.street];
      c.assignee = g.owner;
      c.accept_by = c.created_at + 2 * kHour;
      c.resolve_by = c.created_at + 3 * kDay;
      const auto id = c.id;
      const auto& w = c.assignee;
      Millis t = c.created_at;
      change.events.push_back(event(id, t, EventType::created, CaseState::reported, CaseState::reported, w));
      change.events.push_back(event(id, t, EventType::register_case, CaseState::reported, CaseState::dispatched, w));
      const auto fate = random() % 100;
      if (fate < 3) {
        change.events.push_back(
            event(id, t + kHour, EventType::cancel, CaseState::dispatched, CaseState::cancelled, w));
        c.state = CaseState::cancelled;
      } else if (c.created_at > kEnd - 5 * kDay && fate < 50) {
        c.state = CaseState::dispatched;  // open
      } else {
        if (fate < 20) {
          auto e = event(id, t + 2 * kHour, EventType::escalated, CaseState::dispatched, CaseState::dispatched, w);
          e.deadline = Deadline::accept;
          e.urgency_from = Urgency::yellow;
          e.urgency_to = Urgency::orange;
          change.events.push_back(e);
        }
        t += static_cast<Millis>(random() % (3 * kHour));
        change.events.push_back(event(id, t, EventType::accept, CaseState::dispatched, CaseState::accepted, w));
        t += static_cast<Millis>(random() % (4 * kDay));
        change.events.push_back(event(id, t, EventType::resolve, CaseState::accepted, CaseState::resolved, w));
        t += static_cast<Millis>(random() % kDay);
        change.events.push_back(event(id, t, EventType::close, CaseState::resolved, CaseState::closed, w));
        c.state = CaseState::closed;
        c.closed_at = t;
        if (fate % 10 == 0) {
          auto e = event(id, t + kHour, EventType::rated, CaseState::closed, CaseState::closed, w);
          e.score = 1 + static_cast<int>(random() % 5);
          change.events.push_back(e);
        }
      }
      change.cases.push_back(std::move(c));
    }
    events += change.events.size();
    std::promise<Status> stored;
    (*ledger)->write(std::move(change), [&](Status s) { stored.set_value(std::move(s)); });
    if (auto e = stored.get_future().get()) {
      std::cerr << "bench_reports: " << e->message << "\n";
      return 1;
    }
  }
  std::printf("city: %zu grids; history: %ld cases, %zu events over %d days, written in %.1f s\n", grids.size(), cases,
              events, days, seconds_since(t0));

  auto reports = data::SqliteReports::open(city.db, ledger->get());
  if (!reports) {
    std::cerr << "bench_reports: " << reports.error().message << "\n";
    return 1;
  }
  const Reporting reporting(center, **reports, &defaults);
  const long rss_before = peak_rss_kb();
  // Wall time, and the CPU time of this thread, which runs the reports: their own work
  // whatever else the machine does.
  auto cpu_now = [] {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
  };
  struct Best {
    double wall = 1e9, cpu = 1e9;
  };
  auto timed = [&](Best& best, const auto& work) {
    const auto t1 = Steady::now();
    const double c1 = cpu_now();
    const bool ok = work();
    best.wall = std::min(best.wall, seconds_since(t1));
    best.cpu = std::min(best.cpu, cpu_now() - c1);
    return ok;
  };
  for (const auto& [name, span] :
       {std::pair<const char*, Millis>{"day", kDay}, {"quarter", 91 * kDay}, {"year", days * kDay}}) {
    const ReportRequest request{{}, {kEnd - span, kEnd}, Bucket::day};
    Best scan, assessment, trends;
    std::int64_t counted = 0;
    for (int run = 0; run < 3; ++run) {
      timed(scan, [&] {
        return !(*reports)->each_record({{}, {}, request.period.from, request.period.to},
                                        [&](const CaseRecord&) { return true; });
      });
      const bool ok = timed(assessment, [&] {
        auto a = reporting.assessment(admin, request, kEnd);
        if (a) counted = a->assessment.total.cases + a->assessment.total.cancelled;
        return a.ok();
      });
      if (!ok || !timed(trends, [&] { return reporting.trends(admin, request, kEnd).ok(); })) {
        std::cerr << "bench_reports: a report failed\n";
        return 1;
      }
    }
    std::printf(
        "%s: %lld cases; best of 3, wall ms (CPU ms of the thread): rows alone %.0f (%.0f), assessment %.0f (%.0f), "
        "trends %.0f (%.0f); peak RSS +%.1f MB\n",
        name, static_cast<long long>(counted), scan.wall * 1000, scan.cpu * 1000, assessment.wall * 1000,
        assessment.cpu * 1000, trends.wall * 1000, trends.cpu * 1000,
        static_cast<double>(peak_rss_kb() - rss_before) / 1024.0);
  }
  (*ledger)->close();
  return 0;
}
