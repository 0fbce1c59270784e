#pragma once
// check-grids: validates a grid file as a whole — invalid geometries, overlaps between
// grids, gaps inside a community, grids outside their community, orphans, duplicate
// codes, populations outside the band. Areas are measured in m² on a local frame.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "geo/geojson.hpp"

namespace gridkeeper::geo {

struct CoverageOptions {
  double sliver_m2 = 1.0;     // overlaps, gaps and overhangs up to this are warnings
  std::int64_t population_min = 1000;
  std::int64_t population_max = 2000;
};

struct CoverageReport {
  std::vector<Problem> problems;  // the reader's problems first, then the checks'
  std::size_t features = 0, grids = 0, communities = 0;
  std::size_t error_count() const;
  std::size_t warning_count() const;
};

CoverageReport check_coverage(const ReadResult& file, const CoverageOptions& options = {});
std::string format_report(const CoverageReport& report, std::string_view source);

}  // namespace gridkeeper::geo
