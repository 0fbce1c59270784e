// The standard addresses' CSV (dispatch/address_import): the first byte chooses the frame
// of the coordinates; a point routes to a grid when it lies in a box around Xiamen, so that
// both the routed and the refused paths are reached.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dispatch/address_import.hpp"

using namespace gridkeeper;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const geo::Crs crs = data[0] % 3 == 0 ? geo::Crs::wgs84 : data[0] % 3 == 1 ? geo::Crs::gcj02 : geo::Crs::bd09;
  const dispatch::GridOf grid_of = [](geo::Point p) -> std::optional<std::string> {
    if (p.lon > 117.9 && p.lon < 118.6 && p.lat > 24.3 && p.lat < 24.9) return std::string("G");
    return std::nullopt;
  };
  auto parsed = dispatch::parse_address_csv(text, crs, grid_of);
  if (parsed && parsed->rows.size() + parsed->rejected == 0 && !parsed->problems.empty()) __builtin_trap();
  return 0;
}
