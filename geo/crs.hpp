#pragma once
// Coordinate frames met on Chinese devices: GCJ-02 (Amap, Tencent and other map SDKs)
// and BD-09 (Baidu). WGS-84 is gridkeeper's internal frame.
#include <optional>
#include <string_view>

#include "geo/geometry.hpp"

namespace gridkeeper::geo {

enum class Crs { wgs84, gcj02, bd09 };

std::optional<Crs> crs_from_string(std::string_view s);
std::string_view to_string(Crs crs);

// Whether GCJ-02 applies: outside China's rough bounding box points pass unchanged.
bool outside_china(Point wgs);

Point wgs84_to_gcj02(Point wgs);
Point gcj02_to_bd09(Point gcj);
Point wgs84_to_bd09(Point wgs);

// Inverses, iterated on the forward transforms until the round trip is within about
// a millimetre (1e-8 degree), so the result is accurate to well under a metre.
Point gcj02_to_wgs84(Point gcj);
Point bd09_to_gcj02(Point bd);
Point bd09_to_wgs84(Point bd);

Point to_wgs84(Point p, Crs from);

}  // namespace gridkeeper::geo
