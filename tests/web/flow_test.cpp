#include <catch2/catch.hpp>

#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(2000, '\x42');

std::int64_t int_of(const json::value& v, const char* key) { return v.at(key).as_int64(); }
std::string text_of(const json::value& v, const char* key) {
  const auto& x = v.at(key);
  return x.is_string() ? std::string(x.as_string()) : std::string{};
}
std::string transition(const std::string& action, std::int64_t version, const std::string& extra = {}) {
  return R"({"action":")" + action + R"(","version":)" + std::to_string(version) + extra + "}";
}
}  // namespace

TEST_CASE("the full loop over HTTP: intake, accept, photo, resolve, close", "[web][flow]") {
  ServerFixture f;
  auto op = f.client("op");
  auto w1 = f.client("w1");
  REQUIRE_FALSE(op->token.empty());
  REQUIRE_FALSE(w1->token.empty());

  auto created = op->post("/api/v1/cases", case_body(0, 0, "orange"));
  REQUIRE(created.status == 201);
  const auto c = created.json();
  const auto id = int_of(c, "id");
  CHECK(created.headers["location"] == "/api/v1/cases/" + std::to_string(id));
  CHECK(text_of(c, "state") == "dispatched");
  CHECK(text_of(c, "urgency") == "orange");
  CHECK(text_of(c, "grid_id") == "G0-0");
  CHECK(text_of(c, "assignee_id") == "W1");
  CHECK(text_of(c, "tier") == "worker");
  CHECK(text_of(c, "community") == "C1");
  CHECK(int_of(c, "version") == 1);
  CHECK(text_of(c, "created_at") == "2026-01-01T00:00:00.000Z");
  CHECK(text_of(c, "accept_by") == "2026-01-01T02:00:00.000Z");
  CHECK(text_of(c, "resolve_by") == "2026-01-02T00:00:00.000Z");
  CHECK(c.at("warned").as_bool() == false);
  CHECK(c.at("overdue").as_bool() == false);
  CHECK(text_of(c.at("reporter"), "name") == "张三");
  CHECK(c.at("lon").as_double() == Approx(118.305));

  // The worker sees it among its cases and accepts it.
  auto mine = w1->get("/api/v1/cases?state=dispatched");
  REQUIRE(mine.status == 200);
  REQUIRE(mine.json().at("cases").as_array().size() == 1);
  auto accepted = w1->post("/api/v1/cases/" + std::to_string(id) + "/transitions", transition("accept", 1));
  REQUIRE(accepted.status == 200);
  CHECK(text_of(accepted.json(), "state") == "accepted");
  CHECK(int_of(accepted.json(), "version") == 2);

  // A photo of the work, stored with the case.
  auto photo = w1->request("POST", "/api/v1/cases/" + std::to_string(id) + "/photos", kPng, "image/png");
  REQUIRE(photo.status == 201);
  const auto url = text_of(photo.json(), "url");
  CHECK(int_of(photo.json(), "size") == static_cast<std::int64_t>(kPng.size()));
  auto fetched = w1->get(url);
  REQUIRE(fetched.status == 200);
  CHECK(fetched.headers["content-type"] == "image/png");
  CHECK(fetched.body == kPng);

  auto resolved =
      w1->post("/api/v1/cases/" + std::to_string(id) + "/transitions", transition("resolve", 2, R"(,"note":"已清理")"));
  REQUIRE(resolved.status == 200);
  CHECK(text_of(resolved.json(), "state") == "resolved");

  // A stale version and an illegal action are conflicts.
  auto stale = op->post("/api/v1/cases/" + std::to_string(id) + "/transitions", transition("close", 2));
  CHECK(stale.status == 409);
  CHECK(stale.error_code() == "stale_version");
  auto closed = op->post("/api/v1/cases/" + std::to_string(id) + "/transitions", transition("close", 3));
  REQUIRE(closed.status == 200);
  CHECK(text_of(closed.json(), "state") == "closed");
  auto again = op->post("/api/v1/cases/" + std::to_string(id) + "/transitions", transition("close", 4));
  CHECK(again.status == 409);
  CHECK(again.error_code() == "illegal_transition");

  // The history, each step with its actor.
  auto full = op->get("/api/v1/cases/" + std::to_string(id));
  REQUIRE(full.status == 200);
  const auto body = full.json();
  const auto& events = body.at("events").as_array();
  std::vector<std::string> types, actors;
  for (const auto& e : events) {
    types.push_back(text_of(e, "type"));
    actors.push_back(text_of(e, "actor"));
  }
  // The photo is an event of its own, by the worker who attached it.
  CHECK(types == std::vector<std::string>{"created", "register", "accept", "photo", "resolve", "close"});
  CHECK(actors[0].find(":op") != std::string::npos);
  CHECK(actors[2].find(":w1") != std::string::npos);
  CHECK(actors[3].find(":w1") != std::string::npos);
  CHECK(actors[5].find(":op") != std::string::npos);
  REQUIRE(body.at("photos").as_array().size() == 1);
  CHECK(text_of(body.at("photos").as_array()[0], "url") == url);

  // Logging out ends the token.
  CHECK(w1->post("/api/v1/auth/logout", "").status == 204);
  auto after = w1->get("/api/v1/cases");
  CHECK(after.status == 401);
  CHECK(after.error_code() == "unauthenticated");
}

TEST_CASE("routing, grids, workers, categories and the map", "[web][flow]") {
  ServerFixture f;
  auto op = f.client("op");
  auto route = op->get("/api/v1/route?lon=118.315&lat=24.615");
  REQUIRE(route.status == 200);
  CHECK(text_of(route.json(), "grid_id") == "G1-1");
  CHECK(text_of(route.json(), "community") == "C2");
  CHECK(text_of(route.json(), "street") == "S");
  CHECK(text_of(route.json(), "district") == "D");
  CHECK(text_of(route.json(), "owner_id") == "W5");
  auto nowhere = op->get("/api/v1/route?lon=100&lat=30");
  CHECK(nowhere.status == 404);
  CHECK(nowhere.error_code() == "not_in_any_grid");
  auto bad = op->get("/api/v1/route?lon=200&lat=30");
  CHECK(bad.status == 422);
  CHECK(bad.error_field() == "lon");

  auto grids = op->get("/api/v1/grids");
  REQUIRE(grids.status == 200);
  CHECK(grids.headers["content-type"] == "application/geo+json");
  const auto grids_json = grids.json();
  const auto& features = grids_json.at("features").as_array();
  REQUIRE(features.size() == 6);
  const auto& props = features[0].at("properties");
  CHECK(text_of(props, "id") == "G0-0");
  CHECK(text_of(props, "owner_id") == "W1");
  CHECK(int_of(props, "population") == 1500);
  CHECK(text_of(features[0].at("geometry"), "type") == "Polygon");
  auto some = op->get("/api/v1/grids?bbox=118.300,24.600,118.309,24.609");
  REQUIRE(some.status == 200);
  CHECK(some.json().at("features").as_array().size() < 6);
  CHECK(op->get("/api/v1/grids?bbox=1,2,3").status == 422);

  auto workers = op->get("/api/v1/workers");
  REQUIRE(workers.status == 200);
  CHECK(workers.json().at("workers").as_array().size() == 8);
  auto off = op->put("/api/v1/workers/W1/status", R"({"status":"leave"})");
  REQUIRE(off.status == 200);
  CHECK(text_of(off.json(), "status") == "leave");
  // With its owner on leave the grid's backup gets the case.
  auto c = op->post("/api/v1/cases", case_body(0, 0));
  REQUIRE(c.status == 201);
  CHECK(text_of(c.json(), "assignee_id") == "W2");

  auto owners = op->put("/api/v1/grids/G0-2/owners", R"({"owner_id":"W7","backup_id":"W1"})");
  REQUIRE(owners.status == 200);
  CHECK(text_of(owners.json(), "owner_id") == "W7");

  auto categories = op->get("/api/v1/categories");
  REQUIRE(categories.status == 200);
  CHECK(categories.json().at("categories").as_array().size() == 8);  // a new database's defaults
  auto admin = f.client("admin");
  auto put =
      admin->put("/api/v1/categories/noise", R"({"name":"噪音扰民","sla":{"red":{"accept_s":600,"resolve_s":3600}}})");
  REQUIRE(put.status == 200);
  CHECK(int_of(put.json().at("sla").at("red"), "accept_s") == 600);
  CHECK(int_of(put.json().at("sla").at("yellow"), "accept_s") == 24 * 3600);
  CHECK(op->put("/api/v1/categories/noise", R"({"name":"x"})").status == 403);

  auto map = op->get("/api/v1/overdue-map?level=community");
  REQUIRE(map.status == 200);
  const auto map_json = map.json();
  const auto& areas = map_json.at("features").as_array();
  REQUIRE(areas.size() == 2);
  CHECK(text_of(areas[0].at("properties"), "id") == "C1");
  CHECK(int_of(areas[0].at("properties"), "open") == 1);
  CHECK(text_of(areas[0].at("geometry"), "type") == "Polygon");
  CHECK(op->get("/api/v1/overdue-map?level=planet").status == 422);

  auto health = op->get("/healthz");
  CHECK(health.status == 200);
  CHECK(health.body.find("\"role\":\"active\"") != std::string::npos);  // a server on SQLite is always active
  auto metrics = op->get("/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.body.find("gridkeeper_http_requests_total{route=\"POST /api/v1/cases\",status=\"201\"} 1") !=
        std::string::npos);
  CHECK(metrics.body.find("gridkeeper_open_cases{urgency=\"yellow\"} 1") != std::string::npos);
  CHECK(metrics.body.find("gridkeeper_http_request_duration_seconds_bucket") != std::string::npos);
}

TEST_CASE("the browser UI's files are served from --ui, and nothing outside it", "[web][flow]") {
  TempDir ui;
  write_text(ui.file("index.html"), "<!doctype html><title>gridkeeper</title>");
  write_text(ui.file("app.js"), "console.log('hi')");
  auto options = test_options();
  options.api.ui_dir = ui.file("");
  ServerFixture f(options);
  HttpClient c(f.port);
  auto index = c.get("/");
  CHECK(index.status == 200);
  CHECK(index.headers["content-type"] == "text/html; charset=utf-8");
  CHECK(index.body.find("gridkeeper") != std::string::npos);
  auto js = c.get("/app.js");
  CHECK(js.status == 200);
  CHECK(js.headers["content-type"] == "text/javascript; charset=utf-8");
  for (const char* sneaky : {"/../fixture.hpp", "/%2e%2e/etc/passwd", "/.hidden", "/a%2fb", "/missing.css"}) {
    INFO(sneaky);
    auto a = c.get(sneaky);
    CHECK(a.status == 404);
    CHECK(a.error_code() == "not_found");
  }
  CHECK(c.get("/api/v1/nothing").status == 404);
}
