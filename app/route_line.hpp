#pragma once
// One line of `gridkeeper route`'s input: "lon,lat", blanks and tabs allowed around each
// number, a trailing CR ignored.
#include <string_view>

#include "geo/geometry.hpp"

namespace gridkeeper::app {

// False when the line is not two numbers separated by a comma; `p` is then unspecified.
bool parse_point(std::string_view line, geo::Point& p);

}  // namespace gridkeeper::app
