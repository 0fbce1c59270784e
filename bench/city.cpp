// bench_city: issue 16's city at scale, and the figures of its goals.
//
//   bench_city [--grids 8000] [--days 91] [--per-day 3000] [--open 50000] [--seed 1]
//              [--db PATH] [--runs 3] [--concurrent 16] [--quarter-days 91] [--json]
//
// Builds a synthetic city of about --grids grids (1,500 residents each) and --days days of
// --per-day cases through the command center on a manual clock (bench/city_build.hpp), about
// --open of them left open, ending now. With --db the database is kept at PATH and reused
// by a later run with the same options (they are kept beside it in PATH.bench-city);
// without, it lives in a temporary directory removed at exit. Then it starts `gridkeeper
// serve` on it as a child process and measures, each beside its goal: start-up to /healthz
// and the server's RSS then; the assessment and trends (whole city, as admin) of the last
// quarter (the last --quarter-days days) and, with a longer history, of the last year
// (median of --runs); the case CSV of the quarter; the server's RSS before, at its peak
// during and after each report; --concurrent assessments at once from several users; the
// overdue map of every grid without geometry (raw and gzip) and with it (then again with
// If-None-Match of its ETag). One table at the end (--json: one JSON object instead).
// Exits 1 when any request failed (no answer, or an error status other than the 429/503 of
// the concurrency test) or the server did not stop cleanly; a missed goal is printed, not a
// failure.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/city_build.hpp"
#include "bench/city_http.hpp"
#include "bench/city_measure.hpp"
#include "bench/city_server.hpp"
#include "bench/soak_load.hpp"
#include "data/accounts_store.hpp"
#include "web/auth.hpp"

using namespace gridkeeper;
using namespace gridkeeper::bench;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

using Steady = std::chrono::steady_clock;
constexpr dispatch::Millis kDay = 86'400'000;
const std::string kPassword = "bench-city-2026";

struct Args {
  CityBuildOptions build;
  std::string db;
  MeasureOptions measure;
  bool json = false;
};

[[noreturn]] void usage() {
  std::cerr << "usage: bench_city [--grids N] [--days D] [--per-day C] [--open K] [--seed S] [--db PATH]\n"
               "                  [--runs N] [--concurrent N] [--quarter-days D] [--json]\n";
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--json") {
      a.json = true;
      continue;
    }
    if (i + 1 >= argc) usage();
    const std::string v = argv[++i];
    try {
      if (k == "--grids") a.build.grids = std::stoi(v);
      else if (k == "--days") a.build.days = std::stoi(v);
      else if (k == "--per-day") a.build.per_day = std::stoi(v);
      else if (k == "--open") a.build.open = std::stoi(v);
      else if (k == "--seed") a.build.seed = std::stoull(v);
      else if (k == "--db") a.db = v;
      else if (k == "--runs") a.measure.runs = std::stoi(v);
      else if (k == "--concurrent") a.measure.concurrent = std::stoi(v);
      else if (k == "--quarter-days") a.measure.quarter_days = std::stoi(v);
      else usage();
    } catch (const std::exception&) {
      usage();
    }
  }
  const auto& b = a.build;
  if (b.grids < 4 || b.grids > 400'000 || b.days < 1 || b.days > 400 || b.per_day < 1 || b.per_day > 100'000 ||
      b.open < 0 || a.measure.runs < 1 || a.measure.runs > 100 || a.measure.concurrent < 1 ||
      a.measure.concurrent > 256 || a.measure.quarter_days < 1 || a.measure.quarter_days > 400)
    usage();
  return a;
}

// What a kept database was built with: the options that shape it.
std::string signature(const CityBuildOptions& b) {
  std::ostringstream s;
  s << "bench_city grids=" << b.grids << " days=" << b.days << " per-day=" << b.per_day << " open=" << b.open
    << " seed=" << b.seed;
  return s.str();
}

// 2026-01-01T00:00:00Z
std::string iso(dispatch::Millis t) {
  const std::time_t s = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The accounts of the measurements: admins and district supervisors.
bool add_users(const std::string& db, std::string& error) {
  auto accounts = data::SqliteAccounts::open(db);
  if (!accounts) {
    error = accounts.error().message;
    return false;
  }
  const auto hash = web::hash_password(kPassword);
  std::vector<dispatch::User> users;
  for (int k = 0; k < 4; ++k) {
    dispatch::User admin;
    admin.username = k == 0 ? "admin" : "admin" + std::to_string(k);
    admin.role = dispatch::Role::admin;
    admin.password_hash = hash;
    users.push_back(admin);
    dispatch::User supervisor;
    supervisor.username = "supervisor" + std::to_string(k);
    supervisor.role = dispatch::Role::supervisor;
    supervisor.scope = "350213";  // the synthetic city's district
    supervisor.password_hash = hash;
    users.push_back(supervisor);
  }
  if (auto added = (*accounts)->add_users(std::move(users)); !added) {
    error = added.error().message;
    return false;
  }
  return true;
}

// A temporary directory of our own, removed with the object.
struct TempDir {
  fs::path path;
  TempDir() : path(fs::temp_directory_path() / ("gridkeeper-bench-city-" + std::to_string(::getpid()))) {
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

int main(int argc, char** argv) {
  Args args = parse(argc, argv);
  auto say = [&](const std::string& line) {
    (args.json ? std::cerr : std::cout) << "bench_city: " << line << std::endl;
  };
  std::unique_ptr<TempDir> temp;
  std::string db = args.db;
  if (db.empty()) {
    temp = std::make_unique<TempDir>();
    db = (temp->path / "city.db").string();
  }
  const std::string side = db + ".bench-city";
  Report report;
  if (fs::exists(db)) {
    std::ifstream in(side);
    std::string line, end_line;
    std::getline(in, line);
    std::getline(in, end_line);
    if (line != signature(args.build) || end_line.rfind("end=", 0) != 0) {
      std::cerr << "bench_city: " << db << " exists but was not built by bench_city with these options ("
                << (line.empty() ? "no " + side : line) << "); remove it or choose another --db\n";
      return 2;
    }
    args.build.end = std::stoll(end_line.substr(4));
    say("using " + db + " (" + line + ", history ends " + iso(args.build.end) + ")");
    report.note("build", "reused " + db, json::object{{"reused", true}});
  } else {
    const auto now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    args.build.end = now / 60'000 * 60'000;
    say("building " + signature(args.build) + " in " + db);
    const auto built = build_city(db, args.build, say);
    if (!built.ok) {
      std::cerr << "bench_city: build failed: " << built.error << "\n";
      return 1;
    }
    std::string error;
    if (!add_users(db, error)) {
      std::cerr << "bench_city: cannot add users: " << error << "\n";
      return 1;
    }
    std::ofstream out(side);
    out << signature(args.build) << "\nend=" << args.build.end << "\n";
    char line[320];
    std::snprintf(line, sizeof line,
                  "%zu grids, %zu workers; %zu cases, %zu actions, %zu escalation steps, %zu open; %.0f s (%.0f "
                  "cases/s), %zu refused%s%s",
                  built.grids, built.workers, built.cases, built.actions, built.escalation_steps, built.open,
                  built.import_s + built.history_s, static_cast<double>(built.cases) / std::max(1e-9, built.history_s),
                  built.refused, built.refused ? ": " : "", built.first_refusal.c_str());
    say(std::string("built: ") + line);
    report.note("build", line,
                json::object{{"reused", false},
                             {"grids", built.grids},
                             {"workers", built.workers},
                             {"cases", built.cases},
                             {"actions", built.actions},
                             {"escalation_steps", built.escalation_steps},
                             {"open", built.open},
                             {"refused", built.refused},
                             {"seconds", built.import_s + built.history_s},
                             {"cases_per_s", static_cast<double>(built.cases) / std::max(1e-9, built.history_s)}});
  }
  args.measure.password = kPassword;
  const auto failures = measure_server(GRIDKEEPER_BIN, db, args.build, args.measure, say, report);
  if (args.json) std::cout << json::serialize(report.json()) << "\n";
  else report.print(std::cout);
  return failures ? 1 : 0;
}
