#pragma once
// Internal to GridIndex (grid_index.cpp, grid_raster.cpp): the fixed-point frame.
#include <cstdint>

namespace gridkeeper::geo::fixed {

constexpr double kPerDegree = 1e7;  // 1e-7 degree, about 1.1 cm
constexpr double kMargin = 2.0;     // fixed units around each edge when rasterising
constexpr std::int64_t kMaxCells = std::int64_t{1} << 26;

// floor for doubles in int64 range (std::floor is a library call on baseline x86-64).
inline std::int64_t floor_int(double v) {
  const auto i = static_cast<std::int64_t>(v);
  return i - (v < static_cast<double>(i));
}

}  // namespace gridkeeper::geo::fixed
