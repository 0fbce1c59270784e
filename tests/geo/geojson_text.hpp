#pragma once
// Test helpers: GeoJSON text for grid files built in a test.
#include <string>
#include <vector>

namespace gridkeeper::testing {

inline std::string feature(const std::string& props, const std::string& geometry) {
  return R"({"type":"Feature","properties":)" + props + R"(,"geometry":)" + geometry + "}";
}

// The features one per line, so that a validation report's line numbers point at them.
inline std::string collection(const std::vector<std::string>& features) {
  std::string s = R"({"type":"FeatureCollection","features":[)";
  for (std::size_t i = 0; i < features.size(); ++i) s += (i ? ",\n" : "\n") + features[i];
  return s + "]}";
}

}  // namespace gridkeeper::testing
