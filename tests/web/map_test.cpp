// The maps at scale: shapes tagged and revalidated (ETag, 304), compact counts kept by the
// center, and the live feed's area counts, scoped by jurisdiction.
#include <catch2/catch.hpp>

#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
Answer get_if_none_match(HttpClient& c, const std::string& target, const std::string& etag) {
  return c.request("GET", target, {}, "application/json", {{"If-None-Match", etag}});
}
std::set<std::string> area_ids(const json::value& m) {
  std::set<std::string> out;
  for (const auto& a : m.at("areas").as_array()) out.insert(std::string(a.at("id").as_string()));
  return out;
}
std::int64_t case_id_of(const json::value& m) {
  if (!m.is_object() || !m.as_object().contains("case")) return 0;
  return m.at("case").at("id").as_int64();
}
}  // namespace

TEST_CASE("GET /grids carries an ETag, answers 304 while nothing changed and a new tag once posts change",
          "[web][maps]") {
  ServerFixture f;
  auto op = f.client("op");
  auto first = op->get("/api/v1/grids");
  REQUIRE(first.status == 200);
  const auto etag = first.headers["etag"];
  REQUIRE(etag.size() > 2);
  CHECK(first.headers["cache-control"] == "no-cache");
  CHECK(first.json().at("features").as_array().size() == 6);
  auto again = get_if_none_match(*op, "/api/v1/grids", etag);
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(again.headers["etag"] == etag);
  CHECK(get_if_none_match(*op, "/api/v1/grids", "\"other\", W/" + etag).status == 304);
  CHECK(get_if_none_match(*op, "/api/v1/grids", "\"other\"").status == 200);
  // Another view, another box: other tags.
  auto sup = f.client("sup_c1");
  auto theirs = get_if_none_match(*sup, "/api/v1/grids", etag);
  REQUIRE(theirs.status == 200);
  CHECK(theirs.headers["etag"] != etag);
  auto boxed = get_if_none_match(*op, "/api/v1/grids?bbox=118.30,24.60,118.31,24.61", etag);
  REQUIRE(boxed.status == 200);
  CHECK(boxed.headers["etag"] != etag);
  // A grid's posts change: the old tag no longer matches.
  REQUIRE(f.client("admin")->put("/api/v1/grids/G0-1/owners", R"({"owner_id":"W3","backup_id":"W1"})").status == 200);
  auto changed = get_if_none_match(*op, "/api/v1/grids", etag);
  REQUIRE(changed.status == 200);
  CHECK(changed.headers["etag"] != etag);
  CHECK(changed.body.find("\"W3\"") != std::string::npos);
  // Hostile tags and boxes.
  CHECK(get_if_none_match(*op, "/api/v1/grids", std::string(4000, '"')).status == 200);
  CHECK(op->get("/api/v1/grids?bbox=1,2,3").status == 422);
  CHECK(op->get("/api/v1/grids?bbox=nan,0,1,1").status == 422);
}

TEST_CASE("the overdue map's shapes alone are tagged; its counts alone are compact", "[web][maps]") {
  ServerFixture f;
  auto op = f.client("op");
  for (const auto* level : {"grid", "community", "street"}) {
    const std::string target = std::string("/api/v1/overdue-map?counts=false&level=") + level;
    auto shapes = op->get(target);
    REQUIRE(shapes.status == 200);
    CHECK(shapes.headers["cache-control"] == "no-cache");
    const auto etag = shapes.headers["etag"];
    REQUIRE(etag.size() > 2);
    const auto body = shapes.json();
    const auto& features = body.at("features").as_array();
    REQUIRE_FALSE(features.empty());
    for (const auto& feature : features) {
      CHECK(feature.at("geometry").is_object());
      CHECK_FALSE(feature.at("properties").as_object().contains("open"));
      CHECK(feature.at("properties").at("level").as_string() == level);
    }
    auto again = get_if_none_match(*op, target, etag);
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    // Cases come and go; the shapes keep their tag.
    REQUIRE(op->post("/api/v1/cases", case_body(0, 0, "red")).status == 201);
    CHECK(get_if_none_match(*op, target, etag).status == 304);
    // Another reader's view is another tag (of the streets, both see the same one: S).
    CHECK(get_if_none_match(*f.client("sup_c1"), target, etag).status == (std::string(level) == "street" ? 304 : 200));
  }
  // Counts alone: every area in view, each colour with all three counts.
  auto counts = op->get("/api/v1/overdue-map?level=grid&geometry=false");
  REQUIRE(counts.status == 200);
  CHECK(counts.headers.count("etag") == 0);
  const auto body = counts.json();
  const auto& features = body.at("features").as_array();
  REQUIRE(features.size() == 6);  // every grid in view, zeros included
  const auto& p = features[0].at("properties");
  CHECK(p.at("id").as_string() == "G0-0");
  CHECK(p.at("open").as_int64() == 3);
  CHECK(p.at("warned").as_int64() == 0);
  CHECK(p.at("overdue").as_int64() == 0);
  CHECK(p.at("worst").as_string() == "red");
  CHECK(p.at("by_urgency").as_object().size() == 3);
  CHECK(p.at("by_urgency").at("red").as_object() == (json::object{{"open", 3}, {"warned", 0}, {"overdue", 0}}));
  CHECK(p.at("by_urgency").at("yellow").as_object() == (json::object{{"open", 0}, {"warned", 0}, {"overdue", 0}}));
  const auto& empty = features[1].at("properties");
  CHECK(empty.at("open").as_int64() == 0);
  CHECK(empty.at("worst").is_null());
  CHECK(features[0].at("geometry").is_null());
  // With shapes and counts: every area in view, zeros included.
  auto full = op->get("/api/v1/overdue-map?level=grid");
  REQUIRE(full.status == 200);
  CHECK(full.json().at("features").as_array().size() == 6);
  // Hostile parameters.
  for (const auto* bad : {"?counts=maybe", "?counts=", "?geometry=false&counts=false", "?level=district", "?level=GRID",
                          "?level=grid%20", "?counts=true&counts=0&geometry=0"})
    CHECK(op->get(std::string("/api/v1/overdue-map") + bad).status == 422);
  CHECK(op->get("/api/v1/overdue-map?level=grid%00").status == 400);  // a control character in the query
  CHECK(get_if_none_match(*op, "/api/v1/overdue-map?level=grid", "*").status == 200);  // counts are never 304
}

TEST_CASE("feed messages carry the counts of the touched areas each reader may see", "[web][maps][feed]") {
  ServerFixture f(month_long_logins());
  std::map<std::string, std::unique_ptr<FeedListener>> feeds;
  for (const std::string u : {"op", "sup_c1", "sup_c2", "w1", "op_s2"}) {
    feeds[u] = std::make_unique<FeedListener>(f.port, f.login(u));
    REQUIRE(feeds[u]->connected());
    REQUIRE(feeds[u]->wait_for([](const json::value& m) { return type_of(m) == "feed.ready"; }));
  }
  auto op = f.client("op");
  auto a = op->post("/api/v1/cases", case_body(0, 0, "orange"));  // G0-0: C1, S, W1
  auto b = op->post("/api/v1/cases", case_body(1, 0, "red"));     // G1-0: C2, S
  REQUIRE(a.status == 201);
  REQUIRE(b.status == 201);
  const auto id_a = a.json().at("id").as_int64(), id_b = b.json().at("id").as_int64();
  auto of = [](std::int64_t id) { return [id](const json::value& m) { return case_id_of(m) == id; }; };

  auto to_op = feeds["op"]->wait_for(of(id_b));
  REQUIRE(to_op);
  CHECK(area_ids(*to_op) == std::set<std::string>{"G1-0", "C2", "S"});
  for (const auto& area : to_op->at("areas").as_array())
    if (area.at("id").as_string() == "S") {
      CHECK(area.at("level").as_string() == "street");
      CHECK(area.at("open").as_int64() == 2);  // both cases: the counts as they stand after the change
      CHECK(area.at("worst").as_string() == "red");
      CHECK(area.at("by_urgency").at("orange").at("open").as_int64() == 1);
    }
  auto to_sup = feeds["sup_c1"]->wait_for(of(id_a));
  REQUIRE(to_sup);
  CHECK(area_ids(*to_sup) == std::set<std::string>{"G0-0", "C1"});  // never the street: it holds C2's cases
  auto to_sup2 = feeds["sup_c2"]->wait_for(of(id_b));
  REQUIRE(to_sup2);
  CHECK(area_ids(*to_sup2) == std::set<std::string>{"G1-0", "C2"});
  auto to_worker = feeds["w1"]->wait_for(of(id_a));
  REQUIRE(to_worker);
  CHECK(to_worker->at("areas").as_array().empty());  // a worker's view is its own cases

  // Closing the case: the areas it leaves are sent with zeros.
  auto w1 = f.client("w1");
  REQUIRE(
      w1->post("/api/v1/cases/" + std::to_string(id_a) + "/transitions", R"({"action":"accept","version":1})").status ==
      200);
  REQUIRE(
      op->post("/api/v1/cases/" + std::to_string(id_a) + "/transitions", R"({"action":"cancel","version":2})").status ==
      200);
  auto cancelled = feeds["sup_c1"]->wait_for([&](const json::value& m) {
    return case_id_of(m) == id_a && m.at("case").at("state").as_string() == "cancelled";
  });
  REQUIRE(cancelled);
  for (const auto& area : cancelled->at("areas").as_array()) {
    CHECK(area.at("open").as_int64() == 0);
    CHECK(area.at("worst").is_null());
    for (const auto* u : {"yellow", "orange", "red"}) CHECK(area.at("by_urgency").at(u).at("open").as_int64() == 0);
  }
  // Nobody outside the jurisdiction heard of any of it, nor of its areas.
  REQUIRE(feeds["op"]->wait_for([&](const json::value& m) {
    return case_id_of(m) == id_a && m.at("case").at("state").as_string() == "cancelled";
  }));
  for (const auto& m : feeds["sup_c2"]->messages()) {
    CHECK(case_id_of(m) != id_a);
    if (m.as_object().contains("areas")) CHECK_FALSE(area_ids(m).count("C1"));
  }
  for (const auto& m : feeds["sup_c1"]->messages()) {
    CHECK(case_id_of(m) != id_b);
    if (m.as_object().contains("areas")) CHECK_FALSE(area_ids(m).count("S"));
  }
  for (const auto& m : feeds["op_s2"]->messages()) CHECK(type_of(m) == "feed.ready");
  // The feed's last counts are the map's.
  auto map = f.client("sup_c2")->get("/api/v1/overdue-map?level=community&geometry=false");
  REQUIRE(map.status == 200);
  const auto map_json = map.json();
  REQUIRE(map_json.at("features").as_array().size() == 1);
  CHECK(map_json.at("features").as_array()[0].at("properties").at("open").as_int64() == 1);
}
