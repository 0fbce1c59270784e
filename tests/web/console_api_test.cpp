// The endpoints the browser UI leans on beyond the case loop: progress notes, the
// jurisdictions and their emergency mode, counts-only overdue maps, the server's time,
// and the test-only manual clock.
#include <catch2/catch.hpp>

#include "fixture.hpp"
#include "web/json_codec.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
std::string text_of(const json::value& v, const char* key) {
  const auto& x = v.at(key);
  return x.is_string() ? std::string(x.as_string()) : std::string{};
}
std::string transition(const std::string& action, std::int64_t version, const std::string& note = {}) {
  return R"({"action":")" + action + R"(","version":)" + std::to_string(version) +
         (note.empty() ? std::string() : R"(,"note":")" + note + "\"") + "}";
}
}  // namespace

TEST_CASE("a worker adds progress notes to its own open cases", "[web][ui]") {
  ServerFixture f;
  auto op = f.client("op");
  auto w1 = f.client("w1");
  auto w2 = f.client("w2");
  auto created = op->post("/api/v1/cases", case_body(0, 0));
  REQUIRE(created.status == 201);
  const auto id = std::to_string(created.json().at("id").as_int64());
  auto noted = w1->post("/api/v1/cases/" + id + "/transitions", transition("note", 1, "已到现场"));
  REQUIRE(noted.status == 200);
  CHECK(text_of(noted.json(), "state") == "dispatched");
  CHECK(noted.json().at("version").as_int64() == 2);
  CHECK(w1->post("/api/v1/cases/" + id + "/transitions", transition("note", 2)).status == 422);  // no text
  CHECK(w2->post("/api/v1/cases/" + id + "/transitions", transition("note", 2, "x")).status == 404);
  CHECK(op->post("/api/v1/cases/" + id + "/transitions", transition("note", 2, "x")).status == 403);
  auto full = op->get("/api/v1/cases/" + id);
  REQUIRE(full.status == 200);
  const auto body = full.json();
  const auto& events = body.at("events").as_array();
  REQUIRE(events.size() == 3);
  CHECK(text_of(events[2], "type") == "note");
  CHECK(text_of(events[2], "note") == "已到现场");
}

TEST_CASE("jurisdictions are listed in scope, and emergency mode is switched by supervisors", "[web][ui]") {
  ServerFixture f;
  auto op = f.client("op");
  auto list = op->get("/api/v1/jurisdictions");
  REQUIRE(list.status == 200);
  std::map<std::string, std::string> levels;
  const auto list_json = list.json();
  for (const auto& j : list_json.at("jurisdictions").as_array()) levels[text_of(j, "code")] = text_of(j, "level");
  CHECK(levels == std::map<std::string, std::string>{{"C1", "community"},
                                                     {"C2", "community"},
                                                     {"C3", "community"},
                                                     {"D", "district"},
                                                     {"S", "street"},
                                                     {"S2", "street"}});
  auto sup = f.client("sup_c1");
  auto own = sup->get("/api/v1/jurisdictions");
  REQUIRE(own.status == 200);
  CHECK(own.json().at("jurisdictions").as_array().size() == 3);  // C1 and the street and district above it

  // A community supervisor cannot switch its street; an admin can, and new cases feel it.
  CHECK(sup->put("/api/v1/jurisdictions/S/mode", R"({"mode":"emergency"})").status == 404);
  CHECK(op->put("/api/v1/jurisdictions/S/mode", R"({"mode":"emergency"})").status == 403);
  auto admin = f.client("admin");
  CHECK(admin->put("/api/v1/jurisdictions/S/mode", R"({"mode":"war"})").status == 422);
  CHECK(admin->put("/api/v1/jurisdictions/S/mode", R"({"mode":"emergency","x":1})").status == 400);
  CHECK(admin->put("/api/v1/jurisdictions/C1/mode", R"({"mode":"emergency"})").status == 422);
  auto on = admin->put("/api/v1/jurisdictions/S/mode", R"({"mode":"emergency"})");
  REQUIRE(on.status == 200);
  CHECK(on.json().at("mode").as_string() == "emergency");
  auto c = op->post("/api/v1/cases", case_body(0, 0, "yellow"));
  REQUIRE(c.status == 201);
  CHECK(text_of(c.json(), "urgency") == "orange");  // emergency raises new cases to at least orange
  const auto listed = op->get("/api/v1/jurisdictions").json();
  for (const auto& j : listed.at("jurisdictions").as_array())
    if (text_of(j, "code") == "S") CHECK(text_of(j, "mode") == "emergency");
  auto off = admin->put("/api/v1/jurisdictions/S/mode", R"({"mode":"normal"})");
  REQUIRE(off.status == 200);
  CHECK(off.json().at("mode").as_string() == "normal");
}

TEST_CASE("the overdue map without geometry, and the server's time on every answer", "[web][ui]") {
  ServerFixture f;
  auto op = f.client("op");
  REQUIRE(op->post("/api/v1/cases", case_body(0, 0, "red")).status == 201);
  auto counts = op->get("/api/v1/overdue-map?level=grid&geometry=false");
  REQUIRE(counts.status == 200);
  CHECK(counts.headers["x-server-time"] == std::to_string(f.clock.now()));
  const auto body = counts.json();
  const auto& features = body.at("features").as_array();
  REQUIRE(features.size() == 6);  // every grid in view, zeros included
  for (const auto& feature : features) CHECK(feature.at("geometry").is_null());
  CHECK(text_of(features[0].at("properties"), "name").size() > 0);
  CHECK(text_of(features[0].at("properties"), "community") == "C1");
  CHECK(features[0].at("properties").at("by_urgency").at("red").at("open").as_int64() == 1);
  CHECK(op->get("/api/v1/overdue-map?geometry=maybe").status == 422);
  auto shapes = op->get("/api/v1/overdue-map?level=street");
  REQUIRE(shapes.status == 200);
  const auto shapes_json = shapes.json();
  CHECK(shapes_json.at("features").as_array()[0].at("geometry").is_object());
}

TEST_CASE("the test clock: 404 unless enabled, admins only, and it makes cases overdue", "[web][ui]") {
  {
    ServerFixture off;
    auto admin = off.client("admin");
    auto a = admin->post("/api/v1/test/clock", R"({"advance_s":60})");
    CHECK(a.status == 404);
    CHECK(a.error_code() == "not_found");
  }
  ServerFixture f(test_options(), {}, /*test_clock=*/true);
  auto op = f.client("op");
  auto admin = f.client("admin");
  auto created = op->post("/api/v1/cases", case_body(0, 0, "red"));
  REQUIRE(created.status == 201);
  const auto id = std::to_string(created.json().at("id").as_int64());
  CHECK(op->post("/api/v1/test/clock", R"({"advance_s":60})").status == 403);
  CHECK(f.client("sup_c1")->post("/api/v1/test/clock", R"({"advance_s":60})").status == 403);
  CHECK(admin->post("/api/v1/test/clock", R"({"advance_s":0})").status == 422);
  CHECK(admin->post("/api/v1/test/clock", R"({"advance_s":"soon"})").status == 400);
  const auto before = f.clock.now();
  auto moved = admin->post("/api/v1/test/clock", R"({"advance_s":2400})");  // a red case must be accepted in 30 min
  REQUIRE(moved.status == 200);
  CHECK(f.clock.now() == before + 2400 * 1000);
  CHECK(text_of(moved.json(), "now") == web::iso8601(f.clock.now()));
  CHECK(moved.json().at("steps").as_int64() >= 2);  // warned, then overdue
  auto after = op->get("/api/v1/cases/" + id);
  REQUIRE(after.status == 200);
  CHECK(after.json().at("overdue").as_bool());
  CHECK(text_of(after.json(), "tier") == "community");
  // Lists come from storage, which the escalation reaches a moment later.
  std::size_t listed = 0;
  for (int i = 0; i < 100 && listed == 0; ++i) {
    auto overdue = op->get("/api/v1/cases?overdue=true");
    REQUIRE(overdue.status == 200);
    listed = overdue.json().at("cases").as_array().size();
    if (listed == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(listed == 1);
}

TEST_CASE("a worker hears of the change that takes its case away, and nothing after", "[web][ui][feed]") {
  ServerFixture f;
  auto op = f.client("op");
  FeedListener w1(f.port, f.login("w1")), w9(f.port, f.login("w9"));
  auto ready = [](const json::value& m) { return m.at("type").as_string() == "feed.ready"; };
  REQUIRE(w1.wait_for(ready));
  REQUIRE(w9.wait_for(ready));
  auto created = op->post("/api/v1/cases", case_body(0, 0));  // G0-0: W1
  REQUIRE(created.status == 201);
  const auto id = created.json().at("id").as_int64();
  auto moved = op->post("/api/v1/cases/" + std::to_string(id) + "/transitions",
                        R"({"action":"reassign","version":1,"assignee_id":"W2"})");
  REQUIRE(moved.status == 200);
  auto taken = w1.wait_for([&](const json::value& m) {
    return m.at("type").as_string() == "case.updated" && m.at("case").at("id").as_int64() == id;
  });
  REQUIRE(taken);
  CHECK(taken->at("case").at("assignee_id").as_string() == "W2");
  // Later changes are the new holder's only.
  auto again = op->post("/api/v1/cases/" + std::to_string(id) + "/transitions",
                        R"({"action":"cancel","version":2,"note":"重复上报"})");
  REQUIRE(again.status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::size_t about = 0;
  for (const auto& m : w1.messages())
    if (m.as_object().contains("case") && m.at("case").at("id").as_int64() == id) ++about;
  CHECK(about == 2);  // created, taken away; not the cancel
  for (const auto& m : w9.messages()) CHECK_FALSE(m.as_object().contains("case"));
}
