#include "geo/coverage.hpp"

#include <sstream>

namespace gridkeeper::geo {

std::size_t CoverageReport::error_count() const {
  std::size_t n = 0;
  for (const auto& p : problems) n += p.severity == Severity::error;
  return n;
}

std::size_t CoverageReport::warning_count() const { return problems.size() - error_count(); }

CoverageReport check_coverage(const ReadResult& file, const CoverageOptions&) {
  CoverageReport report;
  report.problems = file.problems;
  return report;
}

std::string format_report(const CoverageReport& report, std::string_view source) {
  std::ostringstream out;
  for (const auto& p : report.problems) out << source << ": " << format_problem(p) << "\n";
  out << source << ": " << report.error_count() << " error(s), " << report.warning_count() << " warning(s)\n";
  return out.str();
}

}  // namespace gridkeeper::geo
