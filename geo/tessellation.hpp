#pragma once
// Synthetic tessellations: a jittered lattice of quadrilateral cells whose shared edges
// wiggle through extra vertices. Neighbours share every edge vertex exactly, so there are
// no gaps and no overlaps. Used by tests, benchmarks and generated cities.
#include <cstdint>
#include <vector>

#include "geo/grid_index.hpp"

namespace gridkeeper::geo {

struct TessellationOptions {
  BBox area{118.10, 24.50, 118.40, 24.80};
  int columns = 10;
  int rows = 10;
  std::uint64_t seed = 1;
  int min_vertices = 20;  // per cell, closing vertex not counted
  int max_vertices = 60;
};

// Cells in row-major order from the south-west corner, coded "G<row>-<column>".
std::vector<GridShape> tessellate(const TessellationOptions& options);

}  // namespace gridkeeper::geo
