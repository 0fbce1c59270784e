#pragma once
// RFC 7946 FeatureCollection reader for grid files: Polygon and MultiPolygon features
// with code, name, level, parent and population. Every defect becomes a Problem that
// names the feature; nothing throws on bad input.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "geo/geometry.hpp"

namespace gridkeeper::geo {

enum class Level { district, street, community, grid };

std::string_view to_string(Level level);
std::optional<Level> level_from_string(std::string_view s);

enum class Severity { warning, error };

inline constexpr std::size_t kNoFeature = static_cast<std::size_t>(-1);

struct Problem {
  Severity severity = Severity::error;
  std::size_t feature_index = kNoFeature;  // kNoFeature for file-level problems
  std::string code;                        // the feature's code, when known
  std::string reason;
  std::optional<Point> location;
};

// One feature of a grid file.
struct Area {
  std::size_t index = 0;  // position in the file's features array
  std::string code;
  std::string name;
  std::optional<Level> level;
  std::string parent;
  std::optional<std::int64_t> population;
  MultiPolygon shape;
  // Scalar properties as text (numbers printed as in the file), for --id-property.
  std::vector<std::pair<std::string, std::string>> properties;

  const std::string* property(std::string_view key) const;
};

struct ReadOptions {
  std::size_t max_bytes = 512u << 20;  // whole input
  std::size_t max_depth = 32;          // JSON nesting
  std::size_t max_features = 1'000'000;
  std::size_t max_vertices_per_feature = 1'000'000;
  // Strict: code, name and level are required, grids need a population (check-grids,
  // import). Lenient: any Polygon/MultiPolygon collection; features without a level
  // count as grids (route on boundary files from elsewhere).
  bool strict = true;
};

struct ReadResult {
  std::vector<Area> areas;        // features that could be read (possibly with problems)
  std::vector<Problem> problems;  // errors and warnings, in file order
  bool fatal = false;             // the file as a whole could not be read

  std::size_t error_count() const;
};

ReadResult read_geojson(std::string_view text, const ReadOptions& options = {});
ReadResult read_geojson_file(const std::string& path, const ReadOptions& options = {});

std::string format_problem(const Problem& p);

// One RFC 7946 Polygon or MultiPolygon geometry object, as stored with a grid. The same
// checks as a feature's geometry; nullopt when it is not a valid polygonal geometry.
std::optional<MultiPolygon> read_geometry(std::string_view json);
// The shape as a geometry object (Polygon when it has one part, else MultiPolygon), with
// the shortest digits that identify each double. read_geometry gives them back to within
// the JSON parser's rounding (an ulp, ~1e-14 degree); equal coordinates stay equal.
std::string write_geometry(const MultiPolygon& shape);

}  // namespace gridkeeper::geo
