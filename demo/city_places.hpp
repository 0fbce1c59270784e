#pragma once
// The demo city's places: a road network (main roads between the streets' seats, local
// roads across each community and village, all named) and named 小区 (estates) of
// buildings (楼栋) inside the grids; the standard addresses of 翔安区 come from them
// (each building and its units, and house numbers along the roads). Drawn from a Random
// of their own, seeded from the city's seed, so the city itself is not changed by them and
// a seed gives the same places everywhere.
#include <cstdint>
#include <string>
#include <vector>

#include "demo/city.hpp"

namespace gridkeeper::demo {

struct DemoRoad {
  std::string name;
  bool main = false;                           // between streets, or inside one community
  std::vector<std::vector<geo::Point>> lines;  // the road's runs inside the district
};

struct DemoBuilding {
  int number = 0;  // 3 → 3号楼
  int units = 1;   // 单元
  geo::Point at;
};

struct DemoEstate {
  std::string name;       // 鸿山花园
  std::string grid;       // code of the grid every building lies in
  std::string community;  // code of that grid's community
  std::vector<DemoBuilding> buildings;
};

struct DemoPlaces {
  std::vector<DemoRoad> roads;
  std::vector<DemoEstate> estates;
};

DemoPlaces demo_places(const DemoCity& city, std::uint64_t seed = DemoCityOptions{}.seed);

// A standard address as `gridkeeper import --addresses` reads it (header
// `address,lon,lat,building,community`); `grid` is the grid it was generated in, for tests.
struct DemoAddress {
  std::string address;  // 翔安区新店街道鸿山社区鸿山花园3号楼, 翔安区新店路88号
  geo::Point at;
  std::string building;   // 鸿山花园3号楼, or empty for a house number on a road
  std::string community;  // the community's name
  std::string grid;
};

std::vector<DemoAddress> demo_addresses(const DemoCity& city, const DemoPlaces& places);
std::string demo_addresses_csv(const std::vector<DemoAddress>& rows);

// Roads (LineString and MultiLineString, property `kind` main_road or road) and estates
// (a Polygon around their buildings, kind estate) as one GeoJSON FeatureCollection with
// coordinates to 6 decimals: the map's own light basemap.
std::string demo_places_geojson(const DemoPlaces& places);

}  // namespace gridkeeper::demo
