// The assessment, trends, settings and rating endpoints over loopback, on a small history
// walked through the API itself.
#include <catch2/catch.hpp>

#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
const std::string kBom = "\xEF\xBB\xBF";

std::string transition(const std::string& action, std::int64_t version, const std::string& note = {}) {
  return R"({"action":")" + action + R"(","version":)" + std::to_string(version) +
         (note.empty() ? "" : R"(,"note":")" + note + "\"") + "}";
}

const json::value& row(const json::value& report, const char* table, const std::string& id) {
  for (const auto& r : report.at(table).as_array())
    if (r.at("id").as_string() == id) return r;
  FAIL("no row " << id << " in " << table);
  return report;
}

double rate(const json::value& row, const char* name) { return row.at(name).to_number<double>(); }

// The history: in C1 (W1) one case closed on time and rated, one reworked, one deferred,
// one that missed its acceptance deadline; in C2 (W4) one cancelled.
struct History {
  ServerFixture& f;
  std::unique_ptr<HttpClient> op, w1, sup;
  std::vector<std::int64_t> ids;

  explicit History(ServerFixture& fixture)
      : f(fixture), op(f.client("op")), w1(f.client("w1")), sup(f.client("sup_c1")) {}

  std::int64_t take_in(int row, int column) {
    auto a = op->post("/api/v1/cases", case_body(row, column));
    REQUIRE(a.status == 201);
    ids.push_back(a.json().at("id").as_int64());
    return ids.back();
  }
  void act(HttpClient& who, std::int64_t id, const std::string& action, std::int64_t version,
           const std::string& note = {}) {
    auto a = who.post("/api/v1/cases/" + std::to_string(id) + "/transitions", transition(action, version, note));
    INFO(action << " " << a.body);
    REQUIRE(a.status == 200);
  }
  void build() {
    const auto a = take_in(0, 0);  // G0-0, W1
    f.clock.advance(kHour);
    act(*w1, a, "accept", 1);
    f.clock.advance(kHour);
    act(*w1, a, "resolve", 2);
    act(*op, a, "close", 3);

    const auto b = take_in(0, 0);
    act(*w1, b, "accept", 1);
    act(*w1, b, "resolve", 2);
    act(*op, b, "reopen", 3, "not clean");
    act(*w1, b, "accept", 4);
    act(*w1, b, "resolve", 5);
    act(*op, b, "close", 6);

    const auto c = take_in(0, 0);
    act(*sup, c, "defer", 1, "等待业主");

    take_in(0, 0);  // d: never accepted

    const auto e = take_in(1, 0);  // G1-0, C2, W4: a duplicate
    act(*op, e, "cancel", 1);

    // A day on: d is overdue.
    f.clock.advance(25 * kHour);
    while (f.center->tick() > 0) {
    }
    // A later write is stored after the escalations: once it is acknowledged, so are they.
    REQUIRE(f.center->set_worker_status_and_wait("W7", dispatch::DutyStatus::on_duty, dispatch::Actor{}).ok());
  }
};
}  // namespace

TEST_CASE("assessment figures over HTTP, by role and scope", "[web][assessment]") {
  ServerFixture f;
  History h(f);
  h.build();
  auto op = f.client("op");

  // By default an area is scored from five assessed cases on: W1 has three, C1 four.
  auto unscored = op->get("/api/v1/stats/assessment?period=2026-Q1").json();
  CHECK(unscored.at("rules").at("min_cases").as_int64() == 5);
  CHECK(row(unscored, "workers", "W1").at("score").is_null());
  CHECK(row(unscored, "workers", "W1").at("stars").is_null());
  CHECK(row(unscored, "communities", "C1").at("rank").is_null());
  // The hand-computed figures below are scored from one case on.
  REQUIRE(f.client("admin")->put("/api/v1/settings/assessment", R"({"min_cases":1})").status == 200);

  auto a = op->get("/api/v1/stats/assessment?period=2026-Q1");
  REQUIRE(a.status == 200);
  const auto report = a.json();
  CHECK(report.at("period").at("from").as_string() == "2025-12-31T16:00:00.000Z");
  CHECK(report.at("period").at("to").as_string() == "2026-03-31T16:00:00.000Z");
  CHECK(report.at("rules").at("weights").at("on_time_closure_rate").to_number<double>() == 30);

  const auto& w1 = row(report, "workers", "W1");
  CHECK(w1.at("name").as_string() == "工作者1");
  CHECK(w1.at("community").as_string() == "C1");
  CHECK(w1.at("cases").as_int64() == 4);
  CHECK(w1.at("deferred").as_int64() == 1);
  CHECK(w1.at("assessed").as_int64() == 3);
  CHECK(w1.at("closed").as_int64() == 2);
  CHECK(rate(w1, "closure_rate") == Approx(2.0 / 3));
  CHECK(rate(w1, "on_time_closure_rate") == Approx(2.0 / 3));  // a, b on time; d overdue
  CHECK(rate(w1, "on_time_acceptance_rate") == Approx(2.0 / 3));
  CHECK(rate(w1, "rework_rate") == Approx(0.5));
  CHECK(rate(w1, "deferral_rate") == Approx(0.25));
  CHECK(w1.at("overdue").at("total").as_int64() == 1);
  CHECK(w1.at("overdue").at("yellow").as_int64() == 1);
  CHECK(w1.at("time_to_accept").at("count").as_int64() == 2);
  CHECK(w1.at("time_to_accept").at("mean_s").to_number<double>() == Approx(1800));  // (1 h + 0) / 2
  CHECK(w1.at("satisfaction").at("rated").as_int64() == 0);
  CHECK(w1.at("score").is_number());

  const auto& c1 = row(report, "communities", "C1");
  CHECK(c1.at("street").as_string() == "S");
  CHECK(c1.at("cases").as_int64() == 4);
  CHECK(c1.at("rank").as_int64() == 1);
  const auto& c2 = row(report, "communities", "C2");
  CHECK(c2.at("cancelled").as_int64() == 1);
  CHECK(c2.at("cases").as_int64() == 0);
  CHECK(c2.at("rank").is_null());
  CHECK(row(report, "streets", "S").at("cases").as_int64() == 4);
  CHECK(row(report, "grids", "G0-0").at("cases").as_int64() == 4);
  CHECK(report.at("total").at("cancelled").as_int64() == 1);

  // A rating on a closed case enters the satisfaction figures.
  const auto first = std::to_string(h.ids[0]);
  auto rated = op->post("/api/v1/cases/" + first + "/rating", R"({"score":4,"note":"居民满意"})");
  REQUIRE(rated.status == 201);
  CHECK(rated.json().at("score").as_int64() == 4);
  CHECK(rated.json().at("note").as_string() == "居民满意");
  REQUIRE(op->post("/api/v1/cases/" + first + "/rating", R"({"score":5})").status == 201);  // replaces
  auto after = op->get("/api/v1/stats/assessment?period=2026-Q1").json();
  CHECK(row(after, "workers", "W1").at("satisfaction").at("rated").as_int64() == 1);
  CHECK(row(after, "workers", "W1").at("satisfaction").at("mean").to_number<double>() == Approx(5.0));
  // The rating is an event of the case's history.
  auto story = op->get("/api/v1/cases/" + first).json();
  int ratings = 0;
  for (const auto& e : story.at("events").as_array()) ratings += e.at("type").as_string() == "rated";
  CHECK(ratings == 2);

  SECTION("a supervisor sees its community; a narrower scope narrows; a wider one is refused") {
    auto sup = f.client("sup_c1");
    auto mine = sup->get("/api/v1/stats/assessment?period=2026-Q1");
    REQUIRE(mine.status == 200);
    const auto v = mine.json();
    CHECK(v.at("scope").as_string() == "C1");
    CHECK(v.at("communities").as_array().size() == 1);
    CHECK(v.at("streets").as_array().empty());
    CHECK(v.at("grids").as_array().size() == 3);
    CHECK(v.at("total").at("cases").as_int64() == 4);
    CHECK(mine.body.find("G1-0") == std::string::npos);
    CHECK(sup->get("/api/v1/stats/assessment?period=2026-Q1&scope=G0-0").json().at("grids").as_array().size() == 1);
    auto wider = sup->get("/api/v1/stats/assessment?period=2026-Q1&scope=S");
    CHECK(wider.status == 403);
    CHECK(wider.error_field() == "scope");
    CHECK(sup->get("/api/v1/stats/assessment?scope=C2").status == 403);
    CHECK(sup->get("/api/v1/stats/assessment?scope=NOWHERE").status == 404);
    auto op_s2 = f.client("op_s2");
    auto other = op_s2->get("/api/v1/stats/assessment?period=2026-Q1").json();
    CHECK(other.at("total").at("cases").as_int64() == 0);
    CHECK(other.at("workers").as_array().size() == 1);  // W9
  }
  SECTION("a worker sees its own figures only") {
    auto w1c = f.client("w1");
    auto mine = w1c->get("/api/v1/stats/assessment?period=2026-Q1&scope=D");
    REQUIRE(mine.status == 200);
    const auto v = mine.json();
    REQUIRE(v.at("workers").as_array().size() == 1);
    CHECK(v.at("workers").as_array()[0].at("id").as_string() == "W1");
    CHECK(v.at("communities").as_array().empty());
    CHECK(v.at("grids").as_array().empty());
    CHECK(v.at("total").at("cases").as_int64() == 4);
    auto w2 = f.client("w2");
    CHECK(w2->get("/api/v1/stats/assessment?period=2026-Q1").json().at("total").at("cases").as_int64() == 0);
  }
  SECTION("the settings weight the score; only an admin changes them") {
    auto admin = f.client("admin");
    auto rules = admin->get("/api/v1/settings/assessment");
    REQUIRE(rules.status == 200);
    CHECK(rules.json().at("star_thresholds").as_array().size() == 4);
    CHECK(op->put("/api/v1/settings/assessment", R"({"min_cases":2})").status == 403);
    auto put = admin->put("/api/v1/settings/assessment",
                          R"({"weights":{"closure_rate":1,"on_time_closure_rate":0,"on_time_acceptance_rate":0,)"
                          R"("rework":0,"deferral":0,"satisfaction":0},"bottom_min_communities":2})");
    REQUIRE(put.status == 200);
    CHECK(put.json().at("weights").at("closure_rate").to_number<double>() == 1);
    CHECK(put.json().at("min_cases").as_int64() == 1);  // kept
    auto scored = op->get("/api/v1/stats/assessment?period=2026-Q1").json();
    CHECK(row(scored, "workers", "W1").at("score").to_number<double>() == Approx(66.67));
    CHECK(row(scored, "workers", "W1").at("stars").as_int64() == 2);
    CHECK(admin->get("/api/v1/settings/assessment").json().at("bottom_min_communities").as_int64() == 2);
    for (const char* bad : {R"({"weights":{"closure_rate":-1}})", R"({"weights":{"speed":1}})",
                            R"({"star_thresholds":[90,80,70,60]})", R"({"star_thresholds":[1,2]})",
                            R"({"min_cases":-3})", R"({"bottom_min_communities":1})", R"({"colour":"red"})",
                            R"({"weights":{"closure_rate":0,"on_time_closure_rate":0,"on_time_acceptance_rate":0,)"
                            R"("rework":0,"deferral":0,"satisfaction":0}})",
                            R"({"weights":{"closure_rate":"a lot"}})", "[1]", "not json"}) {
      INFO(bad);
      auto r = admin->put("/api/v1/settings/assessment", bad);
      CHECK((r.status == 400 || r.status == 422));
      CHECK_FALSE(r.error_code().empty());
    }
    // The refused changes left the settings as they were.
    CHECK(admin->get("/api/v1/settings/assessment").json().at("weights").at("closure_rate").to_number<double>() == 1);
  }
}

TEST_CASE("assessment parameters and ratings refuse bad input with clear errors", "[web][assessment]") {
  ServerFixture f;
  History h(f);
  h.build();
  auto op = f.client("op");
  struct Bad {
    std::string query;
    int status;
    std::string field;
  };
  for (const auto& b : std::vector<Bad>{{"from=yesterday", 400, "from"},
                                        {"from=2026-02-30", 400, "from"},
                                        {"to=2026-01-01T25:00:00Z", 400, "to"},
                                        {"from=2026-03-01&to=2026-01-01", 422, "to"},
                                        {"from=2026-01-01&to=2026-01-01T00:00:00%2B08:00", 422, "to"},
                                        {"from=2024-01-01&to=2026-01-01", 422, "to"},
                                        {"period=2026-Q5", 400, "period"},
                                        {"period=2026&from=2026-01-01", 400, "period"},
                                        {"format=xml", 422, "format"},
                                        {"format=csv&table=everything", 422, "table"},
                                        {"scope=" + std::string(100, 'x'), 422, "scope"},
                                        {"scope=%FF%FE", 400, ""}}) {  // not UTF-8: refused where decoded
    INFO(b.query);
    auto a = op->get("/api/v1/stats/assessment?" + b.query);
    CHECK(a.status == b.status);
    CHECK(a.error_field() == b.field);
  }
  CHECK(op->get("/api/v1/stats/trends?bucket=hour").status == 422);
  CHECK(op->get("/api/v1/stats/trends?from=2026-01-01&to=2027-06-01").status == 422);

  // Ratings: closed cases only, 1 to 5, operators and admins only.
  const auto closed = "/api/v1/cases/" + std::to_string(h.ids[0]) + "/rating";
  const auto open = "/api/v1/cases/" + std::to_string(h.ids[3]) + "/rating";
  CHECK(op->post(open, R"({"score":3})").status == 409);
  CHECK(op->post(closed, R"({"score":0})").status == 422);
  CHECK(op->post(closed, R"({"score":6})").status == 422);
  CHECK(op->post(closed, R"({"score":4.5})").status == 400);
  CHECK(op->post(closed, R"({"note":"无评分"})").status == 400);
  CHECK(op->post(closed, R"({"score":4,"stars":5})").status == 400);
  CHECK(op->post(closed, R"({"score":4,"note":")" + std::string(5000, 'n') + "\"}").status == 422);
  CHECK(op->post("/api/v1/cases/999999/rating", R"({"score":4})").status == 404);
  CHECK(op->post("/api/v1/cases/abc/rating", R"({"score":4})").status == 404);
  CHECK(f.client("w1")->post(closed, R"({"score":4})").status == 403);
  CHECK(f.client("sup_c1")->post(closed, R"({"score":4})").status == 403);
  CHECK(f.client("op_s2")->post(closed, R"({"score":4})").status == 404);
  HttpClient anonymous(f.port);
  CHECK(anonymous.post(closed, R"({"score":4})").status == 401);
  CHECK(anonymous.get("/api/v1/stats/assessment").status == 401);
  CHECK(anonymous.get("/api/v1/stats/trends").status == 401);
}

TEST_CASE("assessment tables and the case list as CSV for spreadsheets", "[web][assessment][csv]") {
  ServerFixture f;
  History h(f);
  h.build();
  auto op = f.client("op");

  auto csv = op->get("/api/v1/stats/assessment?from=2026-01-01&to=2026-03-31&format=csv&table=communities");
  REQUIRE(csv.status == 200);
  CHECK(csv.headers["content-type"] == "text/csv; charset=utf-8");
  CHECK(csv.headers["content-disposition"] ==
        "attachment; filename=\"assessment-communities-2026-01-01-2026-03-31.csv\"");
  REQUIRE(csv.body.rfind(kBom, 0) == 0);
  const auto header = csv.body.substr(kBom.size(), csv.body.find("\r\n") - kBom.size());
  CHECK(header.rfind("id,name,street,cases,cancelled,deferred,assessed,", 0) == 0);
  CHECK(header.find(",score,stars,rank,ranked,bottom_warning") != std::string::npos);
  CHECK(csv.body.find("\r\nC1,一社区,S,4,0,1,3,") != std::string::npos);
  CHECK(csv.body.find("\n", csv.body.size() - 1) == csv.body.size() - 1);
  CHECK(csv.body.substr(csv.body.size() - 2) == "\r\n");

  for (const char* table : {"workers", "grids", "streets", "cases"}) {
    auto t = op->get(std::string("/api/v1/stats/assessment?period=2026-Q1&format=csv&table=") + table);
    INFO(table);
    REQUIRE(t.status == 200);
    CHECK(t.body.rfind(kBom + "id,", 0) == 0);
  }
  auto cases = op->get("/api/v1/stats/assessment?period=2026-Q1&format=csv&table=cases");
  CHECK(cases.body.find(",environment,W1,G0-0,C1,S,") != std::string::npos);
  CHECK(cases.body.find("2026-01-01T08:00:00+08:00") != std::string::npos);  // local times

  auto trends = op->get("/api/v1/stats/trends?from=2026-01-01&to=2026-01-02&format=csv");
  REQUIRE(trends.status == 200);
  CHECK(trends.body.rfind(kBom + "start,end,taken_in,environment,closed,", 0) == 0);
  CHECK(trends.headers["content-disposition"].find("trends-daily-2026-01-01-2026-01-02.csv") != std::string::npos);

  // The case list, without reporters; text that could run as a formula is defused.
  auto risky = op->post("/api/v1/cases", case_body(0, 1, "yellow", "=HYPERLINK(\\\"http://x\\\"),\\\"引号\\\""));
  REQUIRE(risky.status == 201);
  auto list = op->get("/api/v1/cases?format=csv&limit=10");
  REQUIRE(list.status == 200);
  CHECK(list.headers["content-type"] == "text/csv; charset=utf-8");
  CHECK(list.body.rfind(kBom + "id,state,urgency,category,title,", 0) == 0);
  CHECK(list.body.find(R"(,"'=HYPERLINK(""http://x""),""引号""",)") != std::string::npos);
  CHECK(list.body.find("13900000000") == std::string::npos);
  CHECK(list.body.find("张三") == std::string::npos);
  CHECK(op->get("/api/v1/cases?format=pdf").status == 422);
}

TEST_CASE("trends for charts: cases by category per day and the overdue trend", "[web][assessment]") {
  ServerFixture f;
  History h(f);
  h.build();
  auto op = f.client("op");
  auto t = op->get("/api/v1/stats/trends?from=2026-01-01&to=2026-01-07&bucket=day");
  REQUIRE(t.status == 200);
  const auto v = t.json();
  CHECK(v.at("bucket").as_string() == "day");
  REQUIRE(v.at("categories").as_array().size() == 1);
  CHECK(v.at("categories").as_array()[0].at("name").as_string() == "环境卫生");
  const auto& points = v.at("points").as_array();
  REQUIRE(points.size() == 7);
  CHECK(points[0].at("date").as_string() == "2026-01-01");
  CHECK(points[0].at("start").as_string() == "2025-12-31T16:00:00.000Z");
  CHECK(points[0].at("taken_in").as_int64() == 4);  // the cancelled case is left out
  CHECK(points[0].at("by_category").at("environment").as_int64() == 4);
  CHECK(points[0].at("closed").as_int64() == 2);
  CHECK(points[1].at("became_overdue").as_int64() == 1);  // d, at 2026-01-02 10:00 in Shanghai
  CHECK(points[1].at("became_overdue_by_colour").at("yellow").as_int64() == 1);
  CHECK(points[1].at("overdue_open").as_int64() == 1);
  CHECK(points[6].at("overdue_open").is_null());  // later than now
  auto weekly = op->get("/api/v1/stats/trends?from=2026-01-01&to=2026-01-31&bucket=week").json();
  CHECK(weekly.at("points").as_array()[0].at("date").as_string() == "2025-12-29");  // a Monday
}
