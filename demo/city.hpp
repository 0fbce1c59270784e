#pragma once
// The demo city: 翔安区 (Xiang'an, Xiamen) as the source material describes it — 7 streets
// and 2 towns, 98 communities and 30 villages, about 550 grids of 1,000–2,000 residents
// (about 610,000 in all, denser in the urban west, sparser in the northern villages) and
// 733 full-time workers. The district's outline is real; everything inside it is generated.
//
// How: the outline is cut into small faces (Voronoi cells of sites drawn in proportion to
// a population density), noded once on a 1e-7 degree grid. Streets and towns are grown
// from fixed seats over the faces' adjacency; each is split into communities and villages
// of about equal population, each of those into grids. Every area is the exact union of
// its faces, so every level tiles its parent with no gap and no overlap.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "data/workers_csv.hpp"
#include "dispatch/errors.hpp"
#include "geo/geojson.hpp"

namespace gridkeeper::demo {

struct DemoCityOptions {
  std::uint64_t seed = 350213;
  std::int64_t population = 610'000;
  std::size_t workers = 733;
  double residents_per_grid = 1095;  // 610,000 residents in about 550 grids
  std::size_t faces = 7'700;         // about 14 faces to a grid
};

struct DemoCity {
  // District, streets and towns, communities and villages, grids — in that order, each
  // with its shape; grids carry their population.
  std::vector<geo::Area> areas;
  std::vector<data::WorkerRow> workers;  // by community; A posts and B posts
  std::string district;                  // its code
  std::size_t streets = 0, towns = 0, communities = 0, villages = 0, grids = 0;
  std::int64_t population = 0;
};

dispatch::Result<DemoCity> demo_city(const DemoCityOptions& options = {});

// The outline of 翔安区 (one GeoJSON feature collection), compiled in from
// demo/assets/xiangan-outline.geojson.
std::string_view xiangan_outline_geojson();

// Grid file and workers file of a city, as `gridkeeper import` reads them.
std::string demo_grids_geojson(const DemoCity& city);
std::string demo_workers_csv(const DemoCity& city);

}  // namespace gridkeeper::demo
