#pragma once
// A generated city for tests, benchmarks and demos: one district of streets, streets of
// communities, communities of about six grids from a gap-free tessellation; every grid
// has an owner (A post) and a backup (B post) from its community, and some workers hold no
// post and serve the community pool.
#include <cstdint>
#include <string>
#include <vector>

#include "data/workers_csv.hpp"
#include "geo/geojson.hpp"

namespace gridkeeper::demo {

struct SyntheticCityOptions {
  geo::BBox area{118.20, 24.55, 118.40, 24.75};
  int columns = 6;
  int rows = 4;
  int community_columns = 3;  // a community is a block of community_columns x community_rows grids
  int community_rows = 2;
  int communities_per_street = 12;
  double workers_per_grid = 1.3;
  std::int64_t population = 1500;  // per grid
  std::uint64_t seed = 1;
  std::string district = "350213";
};

struct SyntheticCity {
  std::vector<geo::Area> areas;  // district, streets, communities (no shapes), grids
  std::vector<data::WorkerRow> workers;
  std::size_t communities = 0, streets = 0;
};

// Grid codes are the tessellation's ("G<row>-<column>"); communities and streets have
// codes under the district's, as in the administrative division codes.
SyntheticCity synthetic_city(const SyntheticCityOptions& options);

}  // namespace gridkeeper::demo
