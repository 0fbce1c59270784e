#include <catch2/catch.hpp>

#include <string>

#include "geo/geojson.hpp"
#include "geojson_text.hpp"

using namespace gridkeeper::geo;

namespace {
using gridkeeper::testing::collection;
using gridkeeper::testing::feature;
const std::string kSquare =
    R"({"type":"Polygon","coordinates":[[[118.1,24.5],[118.2,24.5],[118.2,24.6],[118.1,24.6],[118.1,24.5]]]})";
const std::string kGridProps = R"({"code":"G1","name":"一网格","level":"grid","parent":"C1","population":1500})";

bool has_problem(const ReadResult& r, std::size_t index, const std::string& fragment) {
  for (const auto& p : r.problems)
    if (p.feature_index == index && p.reason.find(fragment) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST_CASE("reads polygons and multipolygons with their properties", "[geojson]") {
  const auto multi =
      R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]],[[2.1,2.1],[2.2,2.1],[2.2,2.2],[2.1,2.1]]]]})";
  auto r = read_geojson(collection(
      {feature(kGridProps, kSquare), feature(R"({"code":350213,"name":"翔安区","level":"district"})", multi)}));
  REQUIRE(r.problems.empty());
  REQUIRE(r.areas.size() == 2);
  CHECK(r.areas[0].code == "G1");
  CHECK(r.areas[0].name == "一网格");
  CHECK(r.areas[0].level == Level::grid);
  CHECK(r.areas[0].parent == "C1");
  CHECK(r.areas[0].population == 1500);
  CHECK(r.areas[0].shape.size() == 1);
  CHECK(r.areas[0].shape[0].rings[0].size() == 5);
  CHECK(r.areas[1].code == "350213");
  CHECK(r.areas[1].shape.size() == 2);
  CHECK(r.areas[1].shape[1].rings.size() == 2);
  REQUIRE(r.areas[1].property("name"));
  CHECK(*r.areas[1].property("name") == "翔安区");
}

TEST_CASE("every defect names the feature and a reason", "[geojson]") {
  const std::string unclosed =
      R"({"type":"Polygon","coordinates":[[[118.1,24.5],[118.2,24.5],[118.2,24.6],[118.1,24.6],[118.1,24.7]]]})";
  const std::string out_of_range =
      R"({"type":"Polygon","coordinates":[[[218.1,24.5],[118.2,24.5],[118.2,24.6],[218.1,24.5]]]})";
  const std::string short_ring = R"({"type":"Polygon","coordinates":[[[118.1,24.5],[118.2,24.5],[118.1,24.5]]]})";
  const std::string strings =
      R"({"type":"Polygon","coordinates":[[["118.1",24.5],[118.2,24.5],[118.2,24.6],[118.1,24.5]]]})";
  const std::string point = R"({"type":"Point","coordinates":[118.1,24.5]})";
  auto r = read_geojson(collection({
      feature(R"({"code":"A","name":"a","level":"grid","parent":"C","population":1200})", unclosed),
      feature(R"({"code":"B","name":"b","level":"grid","parent":"C","population":1200})", out_of_range),
      feature(R"({"code":"C2","name":"c","level":"grid","parent":"C","population":1200})", short_ring),
      feature(R"({"code":"D","name":"d","level":"grid","parent":"C","population":1200})", strings),
      feature(R"({"code":"E","name":"e","level":"grid","parent":"C","population":1200})", point),
      feature(R"({"name":"f","level":"grid","parent":"C","population":1200})", kSquare),
      feature(R"({"code":"G","name":"g","level":"village-ish","parent":"C"})", kSquare),
      feature(R"({"code":"H","name":"h","level":"grid","parent":"C"})", kSquare),
      feature(R"({"code":"A","name":"dup","level":"grid","parent":"C","population":"many"})", kSquare),
      R"({"type":"Feature","properties":{"code":"J","name":"j","level":"community","parent":"S"}})",
      R"([1,2,3])",
  }));
  CHECK_FALSE(r.fatal);
  CHECK(has_problem(r, 0, "not closed"));
  CHECK(has_problem(r, 1, "out of range"));
  CHECK(has_problem(r, 2, "at least 4 positions"));
  CHECK(has_problem(r, 3, "must be numbers"));
  CHECK(has_problem(r, 4, "unsupported geometry type Point"));
  CHECK(has_problem(r, 5, "missing property 'code'"));
  CHECK(has_problem(r, 6, "level"));
  CHECK(has_problem(r, 7, "missing property 'population'"));
  CHECK(has_problem(r, 8, "population"));
  CHECK(has_problem(r, 8, "duplicate code A"));
  CHECK(has_problem(r, 9, "missing geometry"));
  CHECK(has_problem(r, 10, "must be an object"));
  for (const auto& p : r.problems)
    if (p.feature_index == 1) CHECK(p.code == "B");
  CHECK(format_problem(r.problems[0]).find("feature 0 (A)") != std::string::npos);
}

TEST_CASE("NaN, infinities and huge numbers are refused", "[geojson]") {
  const std::string huge =
      R"({"type":"Polygon","coordinates":[[[1e400,24.5],[118.2,24.5],[118.2,24.6],[118.1,24.5]]]})";
  auto r = read_geojson(collection({feature(kGridProps, huge)}));
  CHECK((r.fatal || r.error_count() > 0));
  CHECK(r.areas.empty());
  auto nan = read_geojson(
      collection({feature(kGridProps, R"({"type":"Polygon","coordinates":[[[NaN,1],[1,1],[1,2],[NaN,1]]]})")}));
  CHECK(nan.fatal);
}

TEST_CASE("malformed and hostile files are reported, never a crash", "[geojson]") {
  CHECK(read_geojson("").fatal);
  CHECK(read_geojson("{").fatal);
  CHECK(read_geojson(R"({"type":"FeatureCollection","features":[)").fatal);
  CHECK(read_geojson("[]").fatal);
  CHECK(read_geojson(R"({"type":"Feature"})").fatal);
  CHECK(read_geojson(R"({"type":"FeatureCollection","features":{}})").fatal);
  // Deep nesting is refused by the depth limit before it can exhaust the stack.
  std::string deep =
      R"({"type":"FeatureCollection","features":[)" + std::string(100000, '[') + std::string(100000, ']') + "]}";
  auto r = read_geojson(deep);
  CHECK(r.fatal);
  // The size limit applies before parsing.
  ReadOptions small;
  small.max_bytes = 100;
  auto big = read_geojson(collection({feature(kGridProps, kSquare)}), small);
  CHECK(big.fatal);
  CHECK(big.problems[0].reason.find("too large") != std::string::npos);
  ReadOptions few;
  few.max_features = 1;
  CHECK(read_geojson(collection({feature(kGridProps, kSquare), feature(kGridProps, kSquare)}), few).fatal);
  ReadOptions small_features;
  small_features.max_vertices_per_feature = 4;
  auto many = read_geojson(collection({feature(kGridProps, kSquare)}), small_features);
  CHECK(has_problem(many, 0, "too many vertices"));
  CHECK(read_geojson_file("/nonexistent/grids.geojson").fatal);
}

TEST_CASE("lenient reading treats features without a level as grids", "[geojson]") {
  ReadOptions lenient;
  lenient.strict = false;
  auto r = read_geojson(collection({feature(R"({"NAME_3":"Somewhere"})", kSquare), feature("null", kSquare)}), lenient);
  CHECK(r.problems.empty());
  REQUIRE(r.areas.size() == 2);
  CHECK(r.areas[0].level == Level::grid);
  REQUIRE(r.areas[0].property("NAME_3"));
  CHECK(*r.areas[0].property("NAME_3") == "Somewhere");
}
