#pragma once
// check-grids: validates a grid file as a whole — invalid geometries, overlaps between
// grids, gaps inside a community, grids outside their community, orphans, duplicate
// codes, populations outside the band. Areas are measured in m² on a local frame.
//
// The hierarchy checks apply one level up as well: communities tile their street and
// streets their district, so gaps and overhangs are looked for at every level.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "geo/geojson.hpp"

namespace gridkeeper::geo {

struct CoverageOptions {
  double sliver_m2 = 1.0;  // overlaps, gaps and overhangs up to this are warnings
  // Below this an overlap, gap or overhang is floating-point residue of shared edges
  // (coordinates re-projected to metres), not a defect, and is not reported.
  double noise_m2 = 1e-6;
  std::int64_t population_min = 1000;
  std::int64_t population_max = 2000;
  unsigned threads = 0;  // 0: one per core (one for small files)
};

// Which check found a problem; the report is grouped in this order.
enum class Check { file, geometry, hierarchy, overlap, gap, outside, population };
std::string_view to_string(Check check);

struct CoverageReport {
  std::vector<Problem> problems;  // the reader's problems first, then the checks'
  std::vector<Check> checks;      // checks[i] found problems[i]
  std::size_t features = 0, grids = 0, communities = 0, streets = 0, districts = 0;
  std::size_t error_count() const;
  std::size_t warning_count() const;
  std::size_t count(Check check) const;
};

CoverageReport check_coverage(const ReadResult& file, const CoverageOptions& options = {});
std::string format_report(const CoverageReport& report, std::string_view source);

}  // namespace gridkeeper::geo
