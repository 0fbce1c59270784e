#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>

#include "../data/support.hpp"
#include "data/schema.hpp"
#include "demo/city.hpp"
#include "demo/database.hpp"
#include "geo/coverage.hpp"
#include "geo/geos.hpp"

using namespace gridkeeper;

namespace {

// One generation for the checks that only read it.
const demo::DemoCity& city() {
  static const auto generated = [] {
    auto c = demo::demo_city();
    if (!c) throw std::runtime_error(c.error().message);
    return std::move(*c);
  }();
  return generated;
}

std::map<std::string, const geo::Area*> by_code(const demo::DemoCity& c) {
  std::map<std::string, const geo::Area*> out;
  for (const auto& a : c.areas) out[a.code] = &a;
  return out;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

double area_km2(const geo::MultiPolygon& shape) {
  const auto box = geo::bbox_of(shape);
  const geo::geos::LocalFrame frame((box.min_lon + box.max_lon) / 2, (box.min_lat + box.max_lat) / 2);
  return geo::geos::area(geo::geos::to_geos_metres(shape, frame).get()) / 1e6;
}

constexpr dispatch::Millis kBuiltAt = 1'780'000'000'000;  // 2026-05-28T20:26:40Z

demo::DemoOptions quick_options() {
  demo::DemoOptions o;
  o.now = kBuiltAt;
  // A stand-in for Argon2id: the same every time, so two builds can be compared byte for byte.
  o.hash_password = [](std::string_view p) { return "test-hash:" + std::string(p); };
  return o;
}

// Every table, row by row in key order, as text.
std::string dump(const std::string& path) {
  auto db = data::open_for_reading(path);
  REQUIRE(db.ok());
  std::string out;
  for (const char* table : {"jurisdictions", "workers", "grids", "post_terms", "categories", "cases", "case_events",
                            "audit", "users", "tokens", "photos"}) {
    auto columns = (*db)->query(std::string("SELECT count(*) FROM pragma_table_info('") + table + "')");
    REQUIRE(columns.ok());
    REQUIRE(columns->next());
    const auto n = static_cast<int>(columns->int64(0));
    columns->run();
    auto rows = (*db)->query(std::string("SELECT * FROM ") + table + " ORDER BY 1");
    REQUIRE(rows.ok());
    out += std::string("== ") + table + "\n";
    while (rows->next()) {
      for (int c = 0; c < n; ++c) out += (rows->is_null(c) ? std::string("NULL") : rows->text(c)) + "|";
      out += "\n";
    }
    REQUIRE_FALSE(rows->status().has_value());
  }
  return out;
}

// One demo database for the checks that only read it, built in a directory that lives as
// long as the test program.
const std::string& built_demo(demo::DemoSummary* summary = nullptr) {
  static testing::TempDir dir;
  static demo::DemoSummary built_summary;
  static const std::string path = [] {
    auto built = demo::build_demo_database(dir.file("demo.db"), quick_options());
    if (!built) throw std::runtime_error(built.error().message);
    built_summary = *built;
    return dir.file("demo.db");
  }();
  if (summary) *summary = built_summary;
  return path;
}

std::int64_t count(data::Connection& db, const std::string& sql) {
  auto v = db.scalar(sql);
  REQUIRE(v.ok());
  return *v;
}

}  // namespace

TEST_CASE("the demo city has the reference district's streets, communities, grids and workers", "[demo]") {
  const auto& c = city();
  CHECK(c.district == "350213");
  CHECK(c.streets == 7);
  CHECK(c.towns == 2);
  CHECK(c.communities == 98);
  CHECK(c.villages == 30);
  CHECK(c.grids >= 530);
  CHECK(c.grids <= 570);
  CHECK(c.workers.size() == 733);

  std::map<geo::Level, std::size_t> levels;
  std::int64_t people = 0;
  std::set<std::string> codes;
  const auto areas = by_code(c);
  for (const auto& a : c.areas) {
    REQUIRE(a.level);
    ++levels[*a.level];
    CHECK(codes.insert(a.code).second);
    CHECK(a.code.rfind("350213", 0) == 0);
    CHECK_FALSE(a.shape.empty());
    switch (*a.level) {
      case geo::Level::district:
        CHECK(a.name == "翔安区");
        CHECK(a.parent.empty());
        break;
      case geo::Level::street:
        CHECK(a.code.size() == 9);
        CHECK((ends_with(a.name, "街道") || ends_with(a.name, "镇")));
        break;
      case geo::Level::community:
        CHECK(a.code.size() == 12);
        CHECK((ends_with(a.name, "社区") || ends_with(a.name, "村")));
        // Statistical codes: 001–199 for communities, 200–399 for villages.
        CHECK(ends_with(a.name, "村") == (a.code.substr(9) >= "200"));
        break;
      case geo::Level::grid:
        CHECK(a.code.size() == 15);
        CHECK(a.name.rfind("第", 0) == 0);
        CHECK(ends_with(a.name, "网格"));
        REQUIRE(a.population);
        CHECK(*a.population >= 1000);
        CHECK(*a.population <= 2000);
        people += *a.population;
        break;
    }
    if (a.level != geo::Level::district) {
      REQUIRE(areas.count(a.parent));
      CHECK(static_cast<int>(*areas.at(a.parent)->level) == static_cast<int>(*a.level) - 1);
    }
  }
  CHECK(levels[geo::Level::street] == 9);
  CHECK(levels[geo::Level::community] == 128);
  CHECK(levels[geo::Level::grid] == c.grids);
  CHECK(people == c.population);
  CHECK(people >= 600'000);
  CHECK(people <= 620'000);
  for (const char* name :
       {"新店街道", "马巷街道", "大嶝街道", "凤翔街道", "香山街道", "金海街道", "民安街道", "新圩镇", "内厝镇"}) {
    bool found = false;
    for (const auto& a : c.areas) found |= a.level == geo::Level::street && a.name == name;
    CHECK(found);
  }
}

TEST_CASE("the demo city's grids pass check-grids: no gaps, no overlaps, all inside their community", "[demo]") {
  const auto text = demo::demo_grids_geojson(city());
  const auto file = geo::read_geojson(text);  // strict, as check-grids and import read it
  REQUIRE(file.problems.empty());
  REQUIRE(file.areas.size() == city().areas.size());
  const auto report = geo::check_coverage(file);
  INFO(geo::format_report(report, "demo"));
  CHECK(report.error_count() == 0);
  CHECK(report.warning_count() == 0);
  CHECK(report.grids == city().grids);
  CHECK(report.districts == 1);

  // The district is the real outline: about the 420 km² of 翔安区 as the source draws it.
  const double km2 = area_km2(city().areas.front().shape);
  CHECK(km2 > 400);
  CHECK(km2 < 470);
}

TEST_CASE("the demo city is denser in the urban west than in the northern villages", "[demo]") {
  const auto areas = by_code(city());
  std::map<std::string, std::pair<double, int>> per_street;  // km² and grids
  for (const auto& a : city().areas)
    if (a.level == geo::Level::grid) {
      auto& s = per_street[areas.at(a.parent)->parent];
      s.first += area_km2(a.shape);
      ++s.second;
    }
  auto mean = [&](const std::string& street) { return per_street[street].first / per_street[street].second; };
  // 凤翔 and 新店 (west, urban) against 新圩镇 (north, villages).
  CHECK(mean("350213004") * 4 < mean("350213100"));
  CHECK(mean("350213001") * 4 < mean("350213100"));
}

TEST_CASE("every demo grid has an owner and a backup, and every worker is placed", "[demo]") {
  const auto& c = city();
  const auto areas = by_code(c);
  std::map<std::string, std::string> owner, backup;
  std::set<std::string> ids;
  std::size_t second_workers = 0;  // workers whose only post is the B post of one grid
  for (const auto& w : c.workers) {
    CHECK(ids.insert(w.worker.id).second);
    CHECK_FALSE(w.worker.name.empty());
    CHECK(w.worker.phone.size() == 11);
    REQUIRE(areas.count(w.worker.community));
    CHECK(areas.at(w.worker.community)->level == geo::Level::community);
    for (const auto& g : w.owner_of) {
      REQUIRE(areas.count(g));
      CHECK(areas.at(g)->parent == w.worker.community);  // a worker owns grids of its own community
      CHECK(owner.emplace(g, w.worker.id).second);
    }
    for (const auto& g : w.backup_of) {
      REQUIRE(areas.count(g));
      CHECK(areas.at(g)->parent == w.worker.community);
      CHECK(backup.emplace(g, w.worker.id).second);
    }
    second_workers += w.owner_of.empty() && w.backup_of.size() == 1;
  }
  for (const auto& a : c.areas) {
    if (a.level != geo::Level::grid) continue;
    REQUIRE(owner.count(a.code));
    REQUIRE(backup.count(a.code));
    CHECK(owner[a.code] != backup[a.code]);
  }
  CHECK(second_workers >= 50);  // some grids have two full-time workers

  // The files import as they are.
  testing::TempDir dir;
  auto imported = data::import_organisation(dir.file("city.db"), c.areas, c.workers, testing::kImportTime);
  INFO((imported.problems.empty() ? std::string() : imported.problems.front()));
  CHECK(imported.ok);
  CHECK(imported.summary.grids_without_owner == 0);
  CHECK(imported.summary.workers_added == 733);
}

TEST_CASE("the demo city is the same for the same seed and quick to make", "[demo]") {
  const auto started = std::chrono::steady_clock::now();
  auto again = demo::demo_city();
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  REQUIRE(again.ok());
  CHECK(took < 30);
  CHECK(demo::demo_grids_geojson(*again) == demo::demo_grids_geojson(city()));
  CHECK(demo::demo_workers_csv(*again) == demo::demo_workers_csv(city()));

  demo::DemoCityOptions other;
  other.seed = 7;
  auto different = demo::demo_city(other);
  REQUIRE(different.ok());
  CHECK(demo::demo_grids_geojson(*different) != demo::demo_grids_geojson(city()));
  CHECK(different->communities == 98);
  CHECK(different->villages == 30);
}

TEST_CASE("the demo database holds the city, logins for every role and a living history", "[demo]") {
  demo::DemoSummary s;
  const auto path = built_demo(&s);
  CHECK(s.refused == 0);
  INFO(s.first_refusal);
  CHECK(s.grids == city().grids);
  CHECK(s.workers == 733);
  CHECK(s.users == 733 + 6);
  CHECK(s.cases > 800);
  CHECK(s.total_seconds < 30);
  // Only the database and its places are left: the temporary build file and the WAL are gone.
  std::set<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path()))
    files.insert(e.path().string());
  CHECK(files == std::set<std::string>{path, demo::demo_addresses_path(path), demo::demo_places_path(path)});
  CHECK(s.addresses >= 20'000);

  auto opened = data::open_for_reading(path);
  REQUIRE(opened.ok());
  auto& db = **opened;
  CHECK(count(db, "SELECT count(*) FROM grids WHERE owner IS NULL OR backup IS NULL OR owner = backup") == 0);
  CHECK(count(db, "SELECT count(*) FROM jurisdictions WHERE level = 'street'") == 9);
  CHECK(count(db, "SELECT count(*) FROM jurisdictions WHERE level = 'community'") == 128);
  for (const char* role : {"admin", "operator", "supervisor", "worker"})
    CHECK(count(db, std::string("SELECT count(*) FROM users WHERE role = '") + role + "'") >= 1);
  CHECK(count(db, "SELECT count(DISTINCT scope) FROM users WHERE role = 'supervisor'") ==
        3);  // district, street, community
  CHECK(count(db, "SELECT count(*) FROM users u JOIN workers w ON w.id = u.worker_id WHERE u.role = 'worker'") == 733);
  CHECK(count(db, "SELECT count(*) FROM categories") >= 12);

  // Cases in every state and colour; warned, overdue and escalated ones among the open.
  for (auto state : dispatch::kCaseStates)
    CHECK(count(db, "SELECT count(*) FROM cases WHERE state = '" + std::string(dispatch::to_string(state)) + "'") > 0);
  for (auto u : dispatch::kUrgencies)
    CHECK(count(db, "SELECT count(*) FROM cases WHERE state NOT IN ('closed', 'cancelled') AND urgency = '" +
                        std::string(dispatch::to_string(u)) + "'") > 0);
  const std::string open = " AND state NOT IN ('closed', 'cancelled')";
  CHECK(count(db, "SELECT count(*) FROM cases WHERE warned" + open) > 0);
  CHECK(count(db, "SELECT count(*) FROM cases WHERE overdue" + open) > 0);
  CHECK(count(db, "SELECT count(*) FROM cases WHERE tier <> 'worker'" + open) > 0);
  CHECK(count(db, "SELECT count(*) FROM cases WHERE tier = 'district'") > 0);
  CHECK(count(db, "SELECT count(*) FROM cases WHERE rework_count > 0") > 0);
  CHECK(count(db, "SELECT count(*) FROM cases WHERE deferred") > 0);
  for (const char* type : {"created", "register", "accept", "resolve", "close", "reopen", "return", "cancel", "warned",
                           "escalated", "request_deferral", "defer", "resume"})
    CHECK(count(db, std::string("SELECT count(*) FROM case_events WHERE type = '") + type + "'") > 0);
  CHECK(count(db, "SELECT count(*) FROM audit WHERE kind = 'mode'") == 2);  // a typhoon warning, on and off
  // The history ends at the moment of the build: nothing later, cases until shortly before.
  CHECK(count(db, "SELECT max(at) FROM case_events") <= kBuiltAt);
  CHECK(count(db, "SELECT max(created_at) FROM cases") > kBuiltAt - 3600'000);
  CHECK(count(db, "SELECT min(created_at) FROM cases") >= kBuiltAt - 3 * 86'400'000LL);
  // Open cases keep deadlines relative to then: some still ahead.
  CHECK(count(db, "SELECT count(*) FROM cases WHERE accept_by > " + std::to_string(kBuiltAt) + open) > 0);

  auto logins = demo::demo_logins(path);
  REQUIRE(logins.ok());
  CHECK(logins->worker_logins == 733);
  std::set<std::string> names;
  for (const auto& l : logins->logins) names.insert(l.username);
  for (const char* name : {"admin", "operator", "street-operator", "district-supervisor", "street-supervisor",
                           "community-supervisor", "w0001"})
    CHECK(names.count(name));

  // The demo is built only where there is no database.
  auto again = demo::build_demo_database(path, quick_options());
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == dispatch::ErrorCode::conflict);
}

TEST_CASE("two demo builds with the same seed and time give the same database", "[demo]") {
  testing::TempDir dir;
  REQUIRE(demo::build_demo_database(dir.file("again.db"), quick_options()).ok());
  const auto a = dump(built_demo()), b = dump(dir.file("again.db"));
  CHECK(a.size() > 1'000'000);
  CHECK(a == b);
}

TEST_CASE("a demo build that cannot write leaves nothing behind", "[demo]") {
  testing::TempDir dir;
  auto built = demo::build_demo_database(dir.file("no/such/dir/demo.db"), quick_options());
  REQUIRE_FALSE(built.ok());
  CHECK_FALSE(built.error().message.empty());
  CHECK_FALSE(std::filesystem::exists(dir.file("no")));
}
