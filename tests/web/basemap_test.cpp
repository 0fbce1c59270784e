// GET /api/v1/map/basemap (the map's own roads and estates) for every role, tagged, and the
// grids' community names that the map's labels say.
#include <catch2/catch.hpp>

#include "fixture.hpp"
#include "web/ui_policy.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
const std::string kRoads =
    R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"main_road","name":"翔安大道"},)"
    R"("geometry":{"type":"LineString","coordinates":[[118.30,24.60],[118.32,24.61]]}}]})";
}  // namespace

TEST_CASE("GET /map/basemap: every role reads the configured layer, tagged; nobody without a login",
          "[web][maps][basemap]") {
  auto options = test_options();
  options.api.basemap_geojson = kRoads;
  ServerFixture f(options);
  std::string etag;
  for (const std::string user : {"admin", "op", "op_s2", "sup_c1", "sup_c2", "w1"}) {
    INFO(user);
    auto c = f.client(user);
    auto a = c->get("/api/v1/map/basemap");
    REQUIRE(a.status == 200);
    CHECK(a.body == kRoads);
    CHECK(a.headers["content-type"] == "application/geo+json");
    CHECK(a.headers["cache-control"] == "no-cache");
    if (etag.empty()) etag = a.headers["etag"];
    CHECK(a.headers["etag"] == etag);
    auto again = c->request("GET", "/api/v1/map/basemap", {}, "application/json", {{"If-None-Match", etag}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());
  }
  REQUIRE(etag.size() > 2);
  HttpClient anonymous(f.port);
  auto refused = anonymous.get("/api/v1/map/basemap");
  CHECK(refused.status == 401);
  CHECK(refused.body.find(kRoads) == std::string::npos);
  // Hostile requests change nothing: a long tag, a query, another method.
  auto op = f.client("op");
  CHECK(op->request("GET", "/api/v1/map/basemap", {}, "application/json", {{"If-None-Match", std::string(4000, '"')}})
            .status == 200);
  CHECK(op->get("/api/v1/map/basemap?x=%ff%fe").status != 500);
  CHECK(op->post("/api/v1/map/basemap", kRoads).status >= 400);
  CHECK(op->get("/api/v1/map/basemap").body == kRoads);
}

TEST_CASE("GET /map/basemap without a configured layer is an empty FeatureCollection", "[web][maps][basemap]") {
  ServerFixture f;
  auto a = f.client("w1")->get("/api/v1/map/basemap");
  REQUIRE(a.status == 200);
  const auto doc = a.json();
  CHECK(doc.at("type").as_string() == "FeatureCollection");
  CHECK(doc.at("features").as_array().empty());
}

TEST_CASE("GET /grids names each grid's community for its label", "[web][maps][basemap]") {
  ServerFixture f;
  for (const std::string user : {"op", "sup_c1", "w1"}) {
    INFO(user);
    auto grids = f.client(user)->get("/api/v1/grids").json();
    REQUIRE(!grids.at("features").as_array().empty());
    for (const auto& g : grids.at("features").as_array()) {
      const auto& p = g.at("properties");
      const auto community = f.center->jurisdiction(std::string(p.at("community").as_string()));
      REQUIRE(community);
      CHECK(p.at("community_name").as_string() == community->name);
    }
  }
}

TEST_CASE("the UI's policy lets the browser load the tiles of every configured basemap, and no other",
          "[web][maps][basemap]") {
  TempDir dir;
  write_text(dir.file("config.json"), R"json({"basemaps":[
      {"type":"wmts","url":"https://t{s}.tianditu.gov.cn/vec_w/wmts","layer":"vec","tk":"KEY"},
      {"type":"wmts","url":"https://t{s}.tianditu.gov.cn/cva_w/wmts","layer":"cva","tk":"KEY"},
      {"type":"xyz","url":"http://tiles.example.org:8080/{z}/{x}/{y}.png"},
      {"type":"xyz","url":"javascript:alert(1)"},
      {"type":"xyz"}, 7]})json");
  std::string warning;
  const auto policy = web::load_ui_policy(dir.file(""), &warning);
  CHECK(policy.tile_origin == "https://*.tianditu.gov.cn http://tiles.example.org:8080");
  CHECK(policy.content_security_policy.find("img-src 'self' data: blob: https://*.tianditu.gov.cn "
                                            "http://tiles.example.org:8080;") != std::string::npos);
  CHECK(warning.find("javascript:") != std::string::npos);
  CHECK(web::load_ui_policy(dir.file("none")).tile_origin.empty());
}
