#pragma once
// The comparison of a draft generation with the one in force (POST /generations): grids
// added, removed and changed (population and area moved), the open cases that would change
// grid, the posts left without a holder and the problems that keep it from being applied,
// as a JSON object (text), stored with the draft.
#include <set>
#include <string>
#include <vector>

#include "dispatch/generation.hpp"

namespace gridkeeper::dispatch {

struct DiffInput {
  const std::vector<GenerationGrid>& before;  // the grids in force
  const GenerationPlan& plan;
  const std::vector<std::string>& problems;
  std::size_t problem_count = 0;  // problems may hold only the first of them
  const std::vector<CaseMove>& moves;
  // Addresses that would lie in another grid; 0 until the addresses table can say
  // (the places' re-route entry point fills it).
  std::size_t addresses_moving = 0;
};

std::string generation_diff(const DiffInput& in);

// Problems of the plan beyond check-grids: posts that name unknown or retired workers, or
// the same worker twice.
std::vector<std::string> plan_problems(const GenerationPlan& plan, const std::set<WorkerId>& workers);

// Area in m² of a GeoJSON geometry's polygons (a local equirectangular frame; 0 when
// unreadable).
double area_m2(const geo::MultiPolygon& shape);

}  // namespace gridkeeper::dispatch
