#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <map>
#include <set>

#include "demo/city.hpp"
#include "demo/city_places.hpp"
#include "geo/grid_index.hpp"

using namespace gridkeeper;

namespace {

const demo::DemoCity& city() {
  static const auto generated = [] {
    auto c = demo::demo_city();
    if (!c) throw std::runtime_error(c.error().message);
    return std::move(*c);
  }();
  return generated;
}

const demo::DemoPlaces& places() {
  static const auto p = demo::demo_places(city());
  return p;
}

const std::vector<demo::DemoAddress>& addresses() {
  static const auto a = demo::demo_addresses(city(), places());
  return a;
}

const geo::Area& district() {
  for (const auto& a : city().areas)
    if (a.level == geo::Level::district) return a;
  throw std::runtime_error("no district");
}

}  // namespace

TEST_CASE("the demo's places are the same for the same seed and differ for another", "[demo][places]") {
  const auto again = demo::demo_places(city());
  CHECK(demo::demo_places_geojson(again) == demo::demo_places_geojson(places()));
  CHECK(demo::demo_addresses_csv(demo::demo_addresses(city(), again)) == demo::demo_addresses_csv(addresses()));
  const auto other = demo::demo_places(city(), 7);
  CHECK(demo::demo_places_geojson(other) != demo::demo_places_geojson(places()));
}

TEST_CASE("the demo's roads are named, unique and inside the district", "[demo][places]") {
  std::size_t main = 0, local = 0;
  std::set<std::string> names;
  for (const auto& road : places().roads) {
    INFO(road.name);
    CHECK(!road.name.empty());
    CHECK(names.insert(road.name).second);
    (road.main ? main : local)++;
    REQUIRE(!road.lines.empty());
    for (const auto& line : road.lines) {
      CHECK(line.size() >= 2);
      for (const auto& p : line) CHECK(geo::inside_rings(district().shape, p));
    }
  }
  CHECK(main >= 8);
  CHECK(local >= 100);  // most of the 128 communities and villages get one or two
  CHECK(names.count("翔安大道") == 1);
  CHECK(names.count("新店路") == 1);
}

TEST_CASE("the demo's estates have buildings inside their grid", "[demo][places]") {
  std::map<std::string, const geo::Area*> by_code;
  for (const auto& a : city().areas) by_code[a.code] = &a;
  std::set<std::string> names, grids;
  for (const auto& e : places().estates) {
    INFO(e.name);
    CHECK(names.insert(e.name).second);
    REQUIRE(by_code.count(e.grid));
    CHECK(by_code.at(e.grid)->parent == e.community);
    CHECK(e.buildings.size() >= 2);
    for (const auto& b : e.buildings) CHECK(geo::inside_rings(by_code.at(e.grid)->shape, b.at));
    grids.insert(e.grid);
  }
  CHECK(grids.size() == city().grids);  // every grid has its 小区
  CHECK(places().estates.size() >= 2 * city().grids);
}

TEST_CASE("the demo's addresses lie in the city, each in the grid of its 小区 or door", "[demo][places]") {
  std::vector<geo::GridShape> shapes;
  std::map<std::string, const geo::Area*> by_code;
  for (const auto& a : city().areas) {
    by_code[a.code] = &a;
    if (a.level == geo::Level::grid) shapes.push_back({a.code, a.shape});
  }
  const auto index = geo::GridIndex::build(shapes);
  const auto& rows = addresses();
  CHECK(rows.size() >= 20'000);
  std::set<std::string> unique;
  std::size_t on_roads = 0, wrong = 0, outside = 0;
  for (const auto& r : rows) {
    CHECK(r.address.starts_with("翔安区"));
    CHECK(unique.insert(r.address).second);
    if (!geo::inside_rings(district().shape, r.at)) ++outside;
    const auto route = index->route(r.at);
    if (!route.found() || route.snapped || index->code(route.grid) != r.grid) ++wrong;
    REQUIRE(by_code.count(r.grid));
    CHECK(by_code.at(by_code.at(r.grid)->parent)->name == r.community);
    if (r.building.empty()) {
      ++on_roads;
      CHECK(r.address.ends_with("号"));
    } else {
      CHECK(r.address.find(r.community) != std::string::npos);
      CHECK(r.address.find(r.building) != std::string::npos);
    }
  }
  CHECK(outside == 0);
  CHECK(wrong == 0);
  CHECK(on_roads >= 2'000);
  CHECK(rows.size() - on_roads >= 15'000);
}

TEST_CASE("the demo's places layer is valid GeoJSON of bounded size and the CSV has the import's header",
          "[demo][places]") {
  const auto text = demo::demo_places_geojson(places());
  CHECK(text.size() < 2'000'000);
  const auto doc = boost::json::parse(text).as_object();
  const auto& features = doc.at("features").as_array();
  CHECK(features.size() == places().roads.size() + places().estates.size());
  std::map<std::string, std::size_t> kinds;
  for (const auto& f : features) ++kinds[std::string(f.at("properties").at("kind").as_string())];
  CHECK(kinds["main_road"] >= 8);
  CHECK(kinds["road"] >= 100);
  CHECK(kinds["estate"] == places().estates.size());
  const auto csv = demo::demo_addresses_csv(addresses());
  CHECK(csv.starts_with("address,lon,lat,building,community\n"));
  CHECK(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')) == addresses().size() + 1);
  CHECK(csv.find('"') == std::string::npos);  // nothing needs quoting
}
