// The grid file reader (geo/geojson): the first byte chooses strict or lenient reading of
// a FeatureCollection, or one geometry object as stored with a grid; the rest is the text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "geo/geojson.hpp"

using namespace gridkeeper::geo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
    case 1: {
      ReadOptions options;
      options.strict = data[0] % 3 == 0;
      options.max_depth = 16;
      options.max_features = 64;
      options.max_vertices_per_feature = 4096;
      const auto r = read_geojson(text, options);
      for (const auto& p : r.problems) (void)format_problem(p);
      for (const auto& a : r.areas)
        if (!a.shape.empty()) (void)write_geometry(a.shape);
      break;
    }
    default: {
      // What is written must read back as a polygonal geometry.
      const auto shape = read_geometry(text);
      if (shape && !shape->empty() && !read_geometry(write_geometry(*shape))) std::abort();
      break;
    }
  }
  return 0;
}
