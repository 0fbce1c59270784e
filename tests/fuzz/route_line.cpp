// The "lon,lat" lines that `gridkeeper route` reads from stdin (app/route_line).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "app/route_line.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gridkeeper::geo::Point p;
  (void)gridkeeper::app::parse_point(std::string_view(reinterpret_cast<const char*>(data), size), p);
  return 0;
}
