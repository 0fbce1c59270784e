// 催办 (POST /api/v1/cases/{id}/urge) and the overdue list (GET /api/v1/overdue-cases) over
// HTTP: who may, in which scope, with what body; the worker told over the live feed; the
// list's order, paging and scope; the overdue map's steps.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "csv_rows.hpp"
#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
dispatch::Case intake_at(ServerFixture& f, double lon, double lat, dispatch::Urgency u = dispatch::Urgency::yellow) {
  dispatch::IntakeRequest r;
  r.lon = lon;
  r.lat = lat;
  r.category = "environment";
  r.urgency = u;
  r.title = "堆放杂物";
  auto c = f.center->intake_and_wait(r, dispatch::Actor{});
  REQUIRE(c.ok());
  return *c;
}

std::int64_t version_of(ServerFixture& f, dispatch::CaseId id) {
  return f.center->get_case(id, dispatch::Actor{})->version;
}
}  // namespace

TEST_CASE("urge: each role and scope, over HTTP", "[web][urge]") {
  ServerFixture f;
  const auto c = intake_at(f, 118.305, 24.605);  // G0-0, community C1, worker W1
  // Who sees it may urge it only as a supervisor or admin; who does not see it gets 404.
  const std::map<std::string, int> want = {{"admin", 200}, {"sup_c1", 200}, {"sup_c2", 404}, {"op", 403}, {"op_s", 403},
                                           {"op_s2", 404}, {"w1", 403},     {"w2", 404},     {"w9", 404}};
  for (const auto& [user, status] : want) {
    INFO(user);
    auto client = f.client(user);
    REQUIRE_FALSE(client->token.empty());
    const auto before = version_of(f, c.id);
    auto a = client->post("/api/v1/cases/" + std::to_string(c.id) + "/urge", R"({"note":"请尽快处理"})");
    CHECK(a.status == status);
    if (status == 200) {
      CHECK(a.json().at("state").as_string() == "dispatched");
      CHECK(version_of(f, c.id) == before + 1);
    } else {
      CHECK(a.error_code() == (status == 403 ? "forbidden" : "not_found"));
      CHECK(version_of(f, c.id) == before);
    }
  }
  HttpClient anonymous(f.port);
  CHECK(anonymous.post("/api/v1/cases/" + std::to_string(c.id) + "/urge", R"({"note":"x"})").status == 401);
  auto admin = f.client("admin");
  CHECK(admin->post("/api/v1/cases/999999/urge", R"({"note":"x"})").status == 404);
  CHECK(admin->post("/api/v1/cases/abc/urge", R"({"note":"x"})").status == 404);
  // The history holds both urges as typed events.
  auto got = admin->get("/api/v1/cases/" + std::to_string(c.id));
  REQUIRE(got.status == 200);
  int urges = 0;
  const auto got_body1 = got.json();  // kept alive for the loop
  for (const auto& e : got_body1.at("events").as_array()) urges += e.at("type").as_string() == "urge";
  CHECK(urges == 2);
}

TEST_CASE("urge: an urged case is counted in the assessment's figures, once however often urged", "[web][urge]") {
  ServerFixture f;
  const auto urged = intake_at(f, 118.305, 24.605);  // G0-0, C1, W1
  intake_at(f, 118.305, 24.605);                     // the same grid, never urged
  auto sup = f.client("sup_c1");
  for (const char* note : {R"({"note":"请尽快处理"})", R"({"note":"再催"})"})
    REQUIRE(sup->post("/api/v1/cases/" + std::to_string(urged.id) + "/urge", note).status == 200);
  auto admin = f.client("admin");
  auto a = admin->get("/api/v1/stats/assessment?period=2026-Q1");
  REQUIRE(a.status == 200);
  const auto report = a.json();
  auto row = [&](const char* table, const std::string& code) -> const json::value& {
    for (const auto& r : report.at(table).as_array())
      if (r.at("id").as_string() == code) return r;
    FAIL("no row " << code << " in " << table);
    return report;
  };
  CHECK(report.at("total").at("urged").as_int64() == 1);
  CHECK(row("grids", "G0-0").at("urged").as_int64() == 1);
  CHECK(row("grids", "G0-0").at("cases").as_int64() == 2);
  CHECK(row("workers", "W1").at("urged").as_int64() == 1);
  CHECK(row("communities", "C2").at("urged").as_int64() == 0);
  // The case table says which case it was.
  auto csv = admin->get("/api/v1/stats/assessment?period=2026-Q1&table=cases&format=csv");
  REQUIRE(csv.status == 200);
  const auto lines = csv_rows(csv.body);
  REQUIRE(lines.size() == 3);  // the header and two cases
  const auto& head = lines[0];
  const auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(head.begin(), head.end(), name) - head.begin());
  };
  const std::size_t urged_at = column("urged");
  REQUIRE(urged_at < head.size());
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const bool is_urged = lines[i][0] == std::to_string(urged.id);
    INFO(lines[i][0] << ": " << lines[i][urged_at]);
    CHECK(lines[i][urged_at] == (is_urged ? "true" : "false"));
  }
}

TEST_CASE("urge: malformed, hostile and oversized bodies are refused and change nothing", "[web][urge][hostile]") {
  ServerFixture f;
  const auto c = intake_at(f, 118.305, 24.605);
  auto sup = f.client("sup_c1");
  const auto path = "/api/v1/cases/" + std::to_string(c.id) + "/urge";
  const auto before = version_of(f, c.id);
  struct Bad {
    std::string what, body;
    int status;
    std::string code, field;
  };
  const std::vector<Bad> bad = {
      {"not JSON", "{note:", 400, "bad_request", ""},
      {"an array", "[]", 400, "bad_request", ""},
      {"no note", "{}", 400, "bad_request", "note"},
      {"a number", R"({"note":5})", 400, "bad_request", "note"},
      {"an unknown field", R"({"note":"x","version":3})", 400, "bad_request", "version"},
      {"empty", R"({"note":""})", 422, "invalid_value", "note"},
      {"a control character", R"({"note":"a\u0001b"})", 422, "invalid_value", "note"},
      {"NUL", R"({"note":"a\u0000b"})", 422, "invalid_value", "note"},
      {"a bidi override", R"({"note":"a\u202Eb"})", 422, "invalid_value", "note"},
      {"too long", R"({"note":")" + std::string(20000, 'x') + R"("})", 422, "invalid_value", "note"},
  };
  for (const auto& b : bad) {
    INFO(b.what);
    auto a = sup->post(path, b.body);
    CHECK(a.status == b.status);
    CHECK(a.error_code() == b.code);
    if (!b.field.empty()) CHECK(a.error_field() == b.field);
  }
  auto huge = sup->post(path, R"({"note":")" + std::string(3 << 20, 'x') + R"("})");
  CHECK(huge.status == 413);
  CHECK(version_of(f, c.id) == before);
}

TEST_CASE("urge: the worker's live feed hears of it at once, with the note", "[web][urge][feed]") {
  ServerFixture f;
  const auto c = intake_at(f, 118.305, 24.605);
  FeedListener w1(f.port, f.login("w1"));
  FeedListener w2(f.port, f.login("w2"));
  REQUIRE(w1.wait_for([](const json::value& m) { return type_of(m) == "feed.ready"; }));
  REQUIRE(w2.wait_for([](const json::value& m) { return type_of(m) == "feed.ready"; }));
  auto sup = f.client("sup_c1");
  REQUIRE(sup->post("/api/v1/cases/" + std::to_string(c.id) + "/urge", R"({"note":"今天必须处理"})").status == 200);
  auto m = w1.wait_for([](const json::value& m) { return type_of(m) == "case.urged"; });
  REQUIRE(m);
  CHECK(m->at("note").as_string() == "今天必须处理");
  CHECK(m->at("case").at("id").as_int64() == c.id);
  // Another worker hears nothing of it: a case it does not see. A later change tells it
  // nothing either; wait for the admin's own feed to know the message went out.
  FeedListener admin(f.port, f.login("admin"));
  REQUIRE(admin.wait_for([](const json::value& m) { return type_of(m) == "feed.ready"; }));
  REQUIRE(sup->post("/api/v1/cases/" + std::to_string(c.id) + "/urge", R"({"note":"再催"})").status == 200);
  REQUIRE(admin.wait_for([](const json::value& m) { return type_of(m) == "case.urged"; }));
  REQUIRE(w1.wait_for(
      [](const json::value& m) { return type_of(m) == "case.urged" && m.at("note").as_string() == "再催"; }));
  for (const auto& msg : w2.messages()) CHECK(type_of(msg) != "case.urged");
}

TEST_CASE("the overdue list: scoped, longest overdue first, paged", "[web][overdue]") {
  ServerFixture f(month_long_logins());
  // Three cases in C1 and one in C2, overdue at different moments; one in C1 never overdue.
  const auto a = intake_at(f, 118.305, 24.605, dispatch::Urgency::red);  // C1: misses acceptance at 30 min
  f.clock.advance(20 * 60'000);
  const auto b = intake_at(f, 118.315, 24.605, dispatch::Urgency::red);     // C1, 20 min later
  const auto d = intake_at(f, 118.305, 24.615, dispatch::Urgency::orange);  // G1-0, community C2
  f.clock.advance(3 * 3600'000);
  while (f.center->tick() > 0) {
  }
  const auto fresh = intake_at(f, 118.305, 24.605, dispatch::Urgency::yellow);
  auto admin = f.client("admin");
  auto all = admin->get("/api/v1/overdue-cases");
  REQUIRE(all.status == 200);
  const auto all_body = all.json();  // kept alive while its items are read
  const auto& items = all_body.at("items").as_array();
  CHECK(all.json().at("total").as_int64() == 3);
  REQUIRE(items.size() == 3);
  // a missed its deadline first (at 30 min), then b (at 50 min), then d (at 2 h 20 min).
  CHECK(items[0].at("id").as_int64() == a.id);
  CHECK(items[1].at("id").as_int64() == b.id);
  CHECK(items[2].at("id").as_int64() == d.id);
  CHECK(items[0].at("overdue_colour").as_string() == "red");
  CHECK(items[2].at("overdue_colour").as_string() == "orange");
  CHECK(items[0].at("overdue_ms").as_int64() > items[1].at("overdue_ms").as_int64());
  for (const auto& i : items) CHECK(i.at("id").as_int64() != fresh.id);
  // Paged.
  auto page = admin->get("/api/v1/overdue-cases?limit=1&offset=1");
  REQUIRE(page.status == 200);
  REQUIRE(page.json().at("items").as_array().size() == 1);
  CHECK(page.json().at("items").as_array()[0].at("id").as_int64() == b.id);
  CHECK(page.json().at("total").as_int64() == 3);
  CHECK(admin->get("/api/v1/overdue-cases?offset=3").json().at("items").as_array().empty());
  // Scoped: a supervisor sees its own community's; a narrower scope narrows it.
  const auto community_of = [&](dispatch::CaseId id) { return f.center->get_case(id, dispatch::Actor{})->community; };
  auto sup = f.client("sup_c1");
  auto mine = sup->get("/api/v1/overdue-cases");
  REQUIRE(mine.status == 200);
  const auto mine_body2 = mine.json();  // kept alive for the loop
  for (const auto& i : mine_body2.at("items").as_array()) CHECK(community_of(i.at("id").as_int64()) == "C1");
  CHECK(mine.json().at("total").as_int64() == 2);
  REQUIRE(community_of(d.id) == "C2");
  CHECK(admin->get("/api/v1/overdue-cases?scope=C2").json().at("total").as_int64() == 1);
  CHECK(f.client("sup_c2")->get("/api/v1/overdue-cases?scope=C1").json().at("total").as_int64() == 0);
  // Who may not, and bad parameters.
  CHECK(f.client("w1")->get("/api/v1/overdue-cases").status == 403);
  CHECK(HttpClient(f.port).get("/api/v1/overdue-cases").status == 401);
  for (const auto* q : {"limit=0", "limit=501", "limit=x", "offset=-1", "offset=x", "scope="}) {
    INFO(q);
    auto r = admin->get(std::string("/api/v1/overdue-cases?") + q);
    CHECK(r.status == 422);
    CHECK(r.error_code() == "invalid_value");
  }
}

TEST_CASE("the overdue map serves its steps and each area's step", "[web][overdue][steps]") {
  ServerFixture f(month_long_logins());
  intake_at(f, 118.305, 24.605, dispatch::Urgency::red);
  for (int i = 0; i < 9; ++i) intake_at(f, 118.315, 24.605, dispatch::Urgency::yellow);
  f.clock.advance(3600'000);
  while (f.center->tick() > 0) {
  }
  auto admin = f.client("admin");
  for (const auto* q : {"level=grid&geometry=false", "level=street&geometry=false", "level=community"}) {
    INFO(q);
    auto m = admin->get(std::string("/api/v1/overdue-map?") + q);
    REQUIRE(m.status == 200);
    const auto m_body = m.json();  // kept alive while its steps are read
    const auto& steps = m_body.at("steps").as_array();
    REQUIRE(steps.size() >= 3);
    CHECK(steps[0].at("step").as_int64() == 0);
    const auto m_body3 = m.json();  // kept alive for the loop
    for (const auto& feature : m_body3.at("features").as_array()) {
      const auto& p = feature.at("properties").as_object();
      REQUIRE(p.contains("overdue_step"));
      if (p.at("overdue").as_int64() == 0) CHECK(p.at("overdue_step").as_int64() == 0);
    }
  }
  // One overdue case among ten in the street: a pale step, not the darkest.
  auto street = admin->get("/api/v1/overdue-map?level=street&geometry=false");
  const auto street_body4 = street.json();  // kept alive for the loop
  for (const auto& feature : street_body4.at("features").as_array()) {
    const auto& p = feature.at("properties").as_object();
    if (p.at("id").as_string() != "S") continue;
    CHECK(p.at("overdue").as_int64() == 1);
    CHECK(p.at("open").as_int64() == 10);
    CHECK(p.at("overdue_step").as_int64() == 2);  // 10 %
    CHECK(p.at("worst").as_string() == "red");
  }
}
