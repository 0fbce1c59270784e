#include "bench/city_measure.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>

#include "bench/city_http.hpp"
#include "bench/city_server.hpp"
#include "bench/soak_load.hpp"

namespace gridkeeper::bench {

namespace json = boost::json;
using Steady = std::chrono::steady_clock;
using dispatch::Millis;

namespace {

constexpr Millis kDay = 86'400'000;

std::string format(const char* fmt, auto... values) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, values...);
  return buf;
}

std::string size_text(std::size_t bytes) {
  const auto b = static_cast<double>(bytes);
  if (b >= 1e6) return format("%.2f MB", b / 1e6);
  if (b >= 1e3) return format("%.1f KB", b / 1e3);
  return format("%zu B", bytes);
}

// 2026-01-01T00:00:00Z
std::string iso(Millis t) {
  const std::time_t s = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

bool answered(const Fetched& f) { return f.status >= 200 && f.status < 400 && !f.gzip_broken; }

std::string describe(const Fetched& f) {
  if (f.status == 0) return "no answer (" + f.error + ")";
  std::string s = "status " + std::to_string(f.status);
  if (f.gzip_broken) s += ", gzip body does not decode";
  if (!f.error.empty()) s += " (" + f.error + ")";
  if (f.status >= 400) s += ": " + f.head.substr(0, 200);
  return s;
}

// One measured report: `runs` requests one after the other, the server's RSS watched.
struct Series {
  std::vector<double> ms;
  Fetched last;
  double rss_before = 0, rss_peak = 0, rss_after = 0, growth = 0;
  bool ok = true;
};

class Measurer {
 public:
  Measurer(const ServerProcess& server, Report& report) : server_(server), report_(report) {}

  Series run(const std::string& key, const std::string& target, const FetchOptions& options, int runs) {
    Series s;
    RssWatch watch(server_.pid());
    for (int r = 0; r < runs; ++r) {
      const Rss before = rss_of(server_.pid());
      watch.start();
      auto f = fetch(server_.port(), target, options);
      const double peak = watch.stop();
      const Rss after = rss_of(server_.pid());
      if (r == 0) s.rss_before = before.now_mb;
      s.rss_peak = std::max(s.rss_peak, peak);
      s.rss_after = after.now_mb;
      s.growth = std::max(s.growth, peak - before.now_mb);
      if (!answered(f)) {
        s.ok = false;
        report_.failure(key + " " + target + ": " + describe(f));
      }
      s.ms.push_back(f.total_ms);
      s.last = std::move(f);
    }
    return s;
  }

  // A report's time and size against its goal, and its memory against the 100 MB goal.
  void report(const std::string& key, const std::string& what, const Series& s, double goal_ms) {
    const double ms = median(s.ms);
    report_.add(
        key, what,
        format("%.0f ms (median of %zu), %s, status %d", ms, s.ms.size(), size_text(s.last.bytes).c_str(),
               s.last.status),
        format("< %.0f ms", goal_ms), s.ok ? std::optional<bool>(ms < goal_ms) : false,
        json::object{
            {"median_ms", ms}, {"bytes", s.last.bytes}, {"status", s.last.status}, {"runs", json::value_from(s.ms)}});
    rss(key + ".rss", "  server RSS during it", s);
  }

  // An answer's time and its size on the wire and decoded (and its ETag when `with_etag`).
  void wire(const std::string& key, const std::string& what, const Series& s, bool with_etag, std::string goal,
            std::optional<bool> met) {
    const double ms = median(s.ms);
    const auto& f = s.last;
    std::string value = format("%.0f ms, %s on the wire (%s), %s decoded", ms, size_text(f.bytes).c_str(),
                               f.content_encoding.empty() ? "not compressed" : f.content_encoding.c_str(),
                               size_text(f.decoded_bytes).c_str());
    json::object figures{{"median_ms", ms}, {"bytes", f.bytes}, {"decoded_bytes", f.decoded_bytes}};
    if (with_etag) {
      value += ", ETag " + (f.etag.empty() ? std::string("none") : f.etag);
      figures["etag"] = f.etag;
    } else {
      figures["content_encoding"] = f.content_encoding;
    }
    report_.add(key, what, std::move(value), std::move(goal), met, std::move(figures));
  }

  void rss(const std::string& key, const std::string& what, const Series& s) {
    report_.add(
        key, what,
        format("%.0f MB before, %.0f MB peak (+%.1f MB), %.0f MB after", s.rss_before, s.rss_peak, s.growth,
               s.rss_after),
        "< +100 MB", s.growth < 100,
        json::object{
            {"before_mb", s.rss_before}, {"peak_mb", s.rss_peak}, {"growth_mb", s.growth}, {"after_mb", s.rss_after}});
  }

 private:
  const ServerProcess& server_;
  Report& report_;
};

}  // namespace

void Report::add(std::string key, std::string what, std::string value, std::string goal, std::optional<bool> met,
                 json::object fields) {
  rows_.push_back({std::move(key), std::move(what), std::move(value), std::move(goal), met, std::move(fields)});
}

void Report::failure(const std::string& what) {
  for (auto& [f, n] : failures_)
    if (f == what) return void(++n);
  failures_.emplace_back(what, 1);
}

std::size_t Report::failures() const {
  std::size_t n = 0;
  for (const auto& f : failures_) n += f.second;
  return n;
}

json::object Report::json() const {
  json::object out, figures;
  for (const auto& r : rows_) {
    json::object o = r.fields;
    o["value"] = r.value;
    if (!r.goal.empty()) o["goal"] = r.goal;
    if (r.met) o["met"] = *r.met;
    figures[r.key] = std::move(o);
  }
  out["figures"] = std::move(figures);
  json::array failures;
  for (const auto& [f, n] : failures_) failures.emplace_back(json::object{{"failure", f}, {"times", n}});
  out["failures"] = std::move(failures);
  return out;
}

void Report::print(std::ostream& out) const {
  out << "\nbench_city: figures\n";
  char line[1024];
  std::snprintf(line, sizeof line, "  %-42s %-80s %-20s %s\n", "what", "measured", "goal", "");
  out << line;
  for (const auto& r : rows_) {
    if (r.what.empty()) {
      out << "  " << r.key << ": " << r.value << "\n";
      continue;
    }
    std::snprintf(line, sizeof line, "  %-42s %-80s %-20s %s\n", r.what.c_str(), r.value.c_str(), r.goal.c_str(),
                  !r.met   ? ""
                  : *r.met ? "met"
                           : "MISSED");
    out << line;
  }
  if (failures_.empty()) out << "no request failed\n";
  for (const auto& [f, n] : failures_)
    out << "FAILED" << (n > 1 ? " (" + std::to_string(n) + " times)" : std::string()) << ": " << f << "\n";
}

std::size_t measure_server(const std::string& binary, const std::string& db, const CityBuildOptions& build,
                           const MeasureOptions& options, const std::function<void(const std::string&)>& say,
                           Report& report) {
  // Start-up: from the spawn to /healthz answering 200.
  ServerProcess server;
  std::string error;
  const auto t0 = Steady::now();
  if (!server.start(binary, db, std::chrono::seconds(600), error)) {
    report.failure("start-up: " + error);
    return report.failures();
  }
  FetchOptions quick;
  quick.timeout = std::chrono::seconds(10);
  Fetched health;
  while (std::chrono::duration<double>(Steady::now() - t0).count() < 600) {
    health = fetch(server.port(), "/healthz", quick);
    if (health.status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const double startup_s = std::chrono::duration<double>(Steady::now() - t0).count();
  if (health.status != 200) {
    report.failure("/healthz: " + describe(health));
    server.stop();
    return report.failures();
  }
  std::int64_t open = -1;
  std::error_code ec;
  if (auto v = json::parse(health.head, ec); !ec && v.is_object())
    if (auto* n = v.as_object().if_contains("open_cases"); n && n->is_int64()) open = n->as_int64();
  const Rss started = rss_of(server.pid());
  report.add(
      "startup", "start-up to /healthz",
      format("%.2f s with %d days of history, %lld open cases; RSS %.0f MB", startup_s, build.days,
             static_cast<long long>(open), started.now_mb),
      "< 5 s", startup_s < 5,
      json::object{{"seconds", startup_s}, {"open_cases", open}, {"days", build.days}, {"rss_mb", started.now_mb}});
  say(format("started in %.2f s, %lld open cases", startup_s, static_cast<long long>(open)));

  // Users: four admins and four district supervisors.
  std::vector<std::string> tokens;
  for (int k = 0; k < 4; ++k) {
    for (const auto& name :
         {k == 0 ? std::string("admin") : "admin" + std::to_string(k), "supervisor" + std::to_string(k)}) {
      int status = 0;
      auto token = soak::Load::login(server.port(), name, options.password, &status);
      if (token.empty()) report.failure("login " + name + ": status " + std::to_string(status));
      else tokens.push_back(token);
    }
  }
  if (tokens.empty()) {
    server.stop();
    return report.failures();
  }
  FetchOptions admin;
  admin.token = tokens.front();
  Measurer m(server, report);

  // The maps' shapes (grids, and the unions of streets and communities) are built in the
  // background after start-up, at a low priority; a server runs for days, so the reports are
  // measured once they are ready, as a supervisor meets them. How long they take is a figure.
  say("waiting for the maps' shapes");
  {
    FetchOptions gz = admin;
    gz.headers.push_back({"Accept-Encoding", "gzip"});
    bool ok = true;
    for (const char* level : {"grid", "street", "community"})
      ok = answered(fetch(server.port(), std::string("/api/v1/overdue-map?counts=false&level=") + level, gz)) && ok;
    const double ready_s = std::chrono::duration<double>(Steady::now() - t0).count();
    report.add("maps.ready", "map shapes ready after start-up", format("%.2f s (grids, streets, communities)", ready_s),
               "", std::nullopt, json::object{{"seconds", ready_s}});
    if (!ok) report.failure("the maps' shapes were not served");
  }

  // The reports: the quarter, and the year when the history is longer.
  const Millis end = build.end;
  const int quarter_days = std::min(build.days, options.quarter_days), year_days = std::min(build.days, 365);
  const std::string quarter = "from=" + iso(end - quarter_days * kDay) + "&to=" + iso(end);
  const std::string year = "from=" + iso(end - year_days * kDay) + "&to=" + iso(end);
  struct Period {
    std::string key, name, query;
    double goal_ms;
  };
  std::vector<Period> periods{{"quarter", format("last %d days", quarter_days), quarter, 300}};
  if (build.days > 91) periods.push_back({"year", format("last %d days", year_days), year, 1000});
  for (const auto& p : periods) {
    say("measuring the assessment and trends of the " + p.name);
    auto a = m.run("assessment." + p.key, "/api/v1/stats/assessment?" + p.query, admin, options.runs);
    m.report("assessment." + p.key, "assessment, " + p.name, a, p.goal_ms);
    auto t = m.run("trends." + p.key, "/api/v1/stats/trends?bucket=day&" + p.query, admin, options.runs);
    m.report("trends." + p.key, "trends by day, " + p.name, t, p.goal_ms);
  }

  // The case CSV of the quarter: streamed, its bytes counted.
  say("measuring the case CSV of the " + periods.front().name);
  auto csv = m.run("csv.quarter", "/api/v1/stats/assessment?format=csv&table=cases&" + quarter, admin, 1);
  report.add(
      "csv.quarter", "case CSV, " + periods.front().name,
      format("%.2f s, %s, status %d", csv.last.total_ms / 1000, size_text(csv.last.bytes).c_str(), csv.last.status),
      "< 2 s", csv.ok ? std::optional<bool>(csv.last.total_ms < 2000) : false,
      json::object{{"seconds", csv.last.total_ms / 1000}, {"bytes", csv.last.bytes}, {"status", csv.last.status}});
  m.rss("csv.quarter.rss", "  server RSS during it", csv);

  // Concurrency: `options.concurrent` assessments of the quarter at once, from the users in turn.
  say(format("measuring %d concurrent assessments", options.concurrent));
  {
    std::vector<Fetched> answers(static_cast<std::size_t>(options.concurrent));
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    RssWatch watch(server.pid());
    const Rss before = rss_of(server.pid());
    watch.start();
    std::vector<std::thread> threads;
    for (int i = 0; i < options.concurrent; ++i)
      threads.emplace_back([&, i] {
        FetchOptions o;
        o.token = tokens[static_cast<std::size_t>(i) % tokens.size()];
        ++ready;
        while (!go) std::this_thread::yield();
        answers[static_cast<std::size_t>(i)] = fetch(server.port(), "/api/v1/stats/assessment?" + quarter, o);
      });
    while (ready < options.concurrent) std::this_thread::yield();
    const auto start = Steady::now();
    go = true;
    for (auto& t : threads) t.join();
    const double wall = std::chrono::duration<double>(Steady::now() - start).count();
    const double peak = watch.stop();
    int ok = 0, limited = 0, busy = 0, other = 0;
    double slowest = 0;
    for (const auto& f : answers) {
      slowest = std::max(slowest, f.total_ms);
      if (f.status == 200 && answered(f)) ++ok;
      else if (f.status == 429) ++limited;
      else if (f.status == 503) ++busy;
      else ++other, report.failure("concurrent assessment: " + describe(f));
    }
    report.add("concurrent", format("%d assessments at once (%zu users)", options.concurrent, tokens.size()),
               format("%d x 200, %d x 429, %d x 503, %d failed; %.2f s in all; RSS %.0f -> peak %.0f MB (+%.1f)", ok,
                      limited, busy, other, wall, before.now_mb, peak, peak - before.now_mb),
               "bounded: < +100 MB", peak - before.now_mb < 100,
               json::object{{"ok", ok},
                            {"too_many_requests", limited},
                            {"busy", busy},
                            {"failed", other},
                            {"seconds", wall},
                            {"slowest_ms", slowest},
                            {"rss_before_mb", before.now_mb},
                            {"rss_peak_mb", peak}});
  }

  // The overdue map of every grid: without geometry raw and gzip, then with geometry and
  // again with its ETag.
  say("measuring the overdue map");
  const std::string bare = "/api/v1/overdue-map?level=grid&geometry=false";
  auto raw = m.run("overdue_map", bare, admin, options.runs);
  m.report("overdue_map", "overdue map, grids, no geometry", raw, 50);
  FetchOptions gz = admin;
  gz.headers.push_back({"Accept-Encoding", "gzip"});
  auto packed = m.run("overdue_map.gzip", bare, gz, options.runs);
  const double packed_ms = median(packed.ms);
  const bool small = packed.last.bytes < 200'000;
  m.wire("overdue_map.gzip", "  the same, Accept-Encoding: gzip", packed, false, "< 50 ms, < 200 KB",
         packed.ok ? std::optional<bool>(packed_ms < 50 && small) : false);
  auto shaped = m.run("overdue_map.geometry", "/api/v1/overdue-map?level=grid", gz, options.runs);
  m.wire("overdue_map.geometry", "overdue map, grids, with geometry (gzip)", shaped, true, "", std::nullopt);
  // The shapes alone (counts=false): what a map keeps and revalidates by its tag.
  const std::string shapes_target = "/api/v1/overdue-map?level=grid&counts=false";
  auto shapes = m.run("overdue_map.shapes", shapes_target, gz, options.runs);
  m.wire("overdue_map.shapes", "overdue map, grid shapes alone (gzip)", shapes, true, "ETag",
         !shapes.last.etag.empty());
  FetchOptions again = gz;
  if (!shapes.last.etag.empty()) again.headers.push_back({"If-None-Match", shapes.last.etag});
  auto repeat = m.run("overdue_map.etag", shapes_target, again, 1);
  report.add(
      "overdue_map.etag", "  again with If-None-Match of the ETag",
      format("status %d, %s, %.0f ms", repeat.last.status, size_text(repeat.last.bytes).c_str(), repeat.last.total_ms),
      "304", repeat.last.status == 304,
      json::object{{"status", repeat.last.status}, {"bytes", repeat.last.bytes}, {"ms", repeat.last.total_ms}});

  const Rss last = rss_of(server.pid());
  report.add("server.rss", "server RSS at the end",
             format("%.0f MB now, %.0f MB at its peak (VmHWM)", last.now_mb, last.peak_mb), "", std::nullopt,
             json::object{{"rss_mb", last.now_mb}, {"hwm_mb", last.peak_mb}});
  const int status = server.stop();
  if (server.killed()) report.failure("the server did not stop within 30 s of SIGTERM and was killed");
  else if (status != 0) report.failure("the server exited with " + std::to_string(status));
  return report.failures();
}

}  // namespace gridkeeper::bench
