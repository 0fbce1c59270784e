#pragma once
// Standard addresses for the demo city until the demo has roads and buildings of its own:
// in each grid, a few dozen plausible ones (community, road, number, 小区, building) at
// points of the grid's box; the importer routes each, and leaves out those that fall
// outside the district.
#include <cstdint>
#include <vector>

#include "dispatch/address_import.hpp"
#include "geo/geojson.hpp"

namespace gridkeeper::demo {

std::vector<dispatch::AddressInput> demo_addresses(const std::vector<geo::Area>& areas, std::size_t per_grid = 40,
                                                   std::uint64_t seed = 18);

}  // namespace gridkeeper::demo
