// The audit trail's read (ReportsStore::each_audit): filters, order, paging by cursor;
// and the before and after that settings and Open311 keys write. On SQLite and PostgreSQL.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "../dispatch/support.hpp"
#include "backends.hpp"
#include "data/reports_store.hpp"
#include "dispatch/center.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
using testing::kHour;
const std::string kStreet = "350213001";

std::vector<AuditRecord> read(Reports& r, const AuditQuery& q, std::size_t most = 1000) {
  std::vector<AuditRecord> out;
  const auto failed = r.each_audit(q, [&](const AuditRecord& rec) {
    out.push_back(rec);
    return out.size() < most;
  });
  if (failed) FAIL(failed->message);
  return out;
}

std::vector<std::string> kinds(const std::vector<AuditRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.entry.kind);
  return out;
}

boost::json::value parsed(const std::string& text) { return boost::json::parse(text); }
}  // namespace

TEMPLATE_TEST_CASE("the audit trail reads newest first, filtered, a page at a time", "[reports][audit]",
                   testing::OnSqlite, testing::OnPostgres) {
  testing::CityOn<TestType> city;
  testing::RunningOn<TestType> run(city.place);
  auto& clock = run.clock;
  auto& center = *run.center;
  const Actor admin{1, "admin", Role::admin, {}, {}};
  const Actor supervisor{2, "sup", Role::supervisor, kStreet, {}};
  auto reports = testing::open_store<typename TestType::Reports>(city.place);
  auto& r = *reports;

  const Millis t0 = clock.now();
  REQUIRE(center.set_mode_and_wait(kStreet, true, supervisor).ok());  // t0
  clock.advance(kHour);
  auto category = center.categories().front();
  category.sla[0].resolve_s += 3600;
  REQUIRE(center.update_category_and_wait(category, admin).ok());  // t0 + 1 h
  clock.advance(kHour);
  REQUIRE_FALSE(r.put_setting("assessment", R"({"min_cases":2})", clock.now(), admin.label()));  // t0 + 2 h
  clock.advance(kHour);
  REQUIRE_FALSE(r.put_setting("assessment", R"({"min_cases":3})", clock.now(), admin.label()));  // t0 + 3 h
  clock.advance(kHour);
  auto key = r.add_client_key({0, "hotline", kStreet, "hash-1", clock.now(), admin.label()});  // t0 + 4 h
  REQUIRE(key.ok());
  clock.advance(kHour);
  REQUIRE_FALSE(r.revoke_client_key(key->id, clock.now(), admin.label()));  // t0 + 5 h

  AuditQuery all;
  all.from = t0;
  const auto everything = read(r, all);
  REQUIRE(kinds(everything) ==
          std::vector<std::string>{"open311_key", "open311_key", "setting", "setting", "category", "mode"});

  SECTION("newest first by time, then seq, even when the clock went back") {
    for (std::size_t i = 1; i < everything.size(); ++i) CHECK(everything[i - 1].entry.at > everything[i].entry.at);
    clock.advance(-10 * kHour);  // an entry stamped before all the others, written last
    REQUIRE_FALSE(r.put_setting("other", "1", clock.now(), admin.label()));
    AuditQuery q;
    const auto again = read(r, q);
    REQUIRE(again.size() >= everything.size() + 1);
    CHECK(again.back().entry.subject == "other");
    CHECK(again.back().seq > everything.front().seq);
  }
  SECTION("filters: actor and target are parts, kind exact, dates a half-open range") {
    AuditQuery q = all;
    q.actor = "sup";
    CHECK(kinds(read(r, q)) == std::vector<std::string>{"mode"});
    q.actor = "user:1:";
    CHECK(read(r, q).size() == 5);
    q.actor = "SUP";  // case matters
    CHECK(read(r, q).empty());
    q = all;
    q.target = "hot";
    CHECK(kinds(read(r, q)) == std::vector<std::string>{"open311_key", "open311_key"});
    q.target = kStreet.substr(2, 4);
    CHECK(kinds(read(r, q)) == std::vector<std::string>{"mode"});
    q = all;
    q.kind = "setting";
    CHECK(read(r, q).size() == 2);
    q.kind = "user";
    CHECK(read(r, q).empty());
    q = all;
    q.from = t0 + kHour;
    q.to = t0 + 3 * kHour;
    CHECK(kinds(read(r, q)) == std::vector<std::string>{"setting", "category"});
    q.actor = "%";  // no pattern: a percent sign is a percent sign
    CHECK(read(r, q).empty());
  }
  SECTION("paging: after a seq come the entries older than it, and nothing is missed or repeated") {
    std::vector<std::int64_t> seen;
    AuditQuery q = all;
    for (int pages = 0; pages < 10; ++pages) {
      auto page = read(r, q, 2);
      if (page.empty()) break;
      for (const auto& rec : page) seen.push_back(rec.seq);
      q.after = page.back().seq;
    }
    std::vector<std::int64_t> expected;
    for (const auto& rec : everything) expected.push_back(rec.seq);
    CHECK(seen == expected);
    q.after = 999'999;  // no such entry
    CHECK(read(r, q).empty());
  }
  SECTION("settings keep the value before and after") {
    AuditQuery q = all;
    q.kind = "setting";
    const auto settings = read(r, q);
    REQUIRE(settings.size() == 2);
    CHECK(settings[1].entry.before.empty());  // the first: nothing before
    CHECK(parsed(settings[1].entry.after) == parsed(R"({"min_cases":2})"));
    CHECK(parsed(settings[0].entry.before) == parsed(R"({"min_cases":2})"));
    CHECK(parsed(settings[0].entry.after) == parsed(R"({"min_cases":3})"));
    CHECK(settings[0].entry.subject == "assessment");
    CHECK(settings[0].entry.actor == "user:1:admin");
  }
  SECTION("Open311 keys: created with name and scope, revoked, never the hash") {
    AuditQuery q = all;
    q.kind = "open311_key";
    const auto keys = read(r, q);
    REQUIRE(keys.size() == 2);
    const auto& created = keys[1].entry;
    CHECK(created.before.empty());
    const auto made = parsed(created.after).as_object();
    CHECK(made.at("name") == "hotline");
    CHECK(made.at("scope") == kStreet.c_str());
    CHECK(made.at("revoked") == false);
    const auto& revoked = keys[0].entry;
    CHECK(parsed(revoked.before).as_object().at("revoked") == false);
    CHECK(parsed(revoked.after).as_object().at("revoked") == true);
    CHECK(created.after.find("hash") == std::string::npos);
  }
  SECTION("modes and categories keep theirs") {
    const auto& mode = everything.back().entry;
    CHECK(parsed(mode.before) == parsed(R"({"mode":"normal"})"));
    CHECK(parsed(mode.after) == parsed(R"({"mode":"emergency"})"));
    const auto& cat = everything[4].entry;
    CHECK(parsed(cat.before) != parsed(cat.after));
  }
  SECTION("a visit that stops ends the read") {
    int calls = 0;
    REQUIRE_FALSE(r.each_audit(all, [&](const AuditRecord&) { return ++calls < 3; }));
    CHECK(calls == 3);
  }
}
