#pragma once
// Adding cases up into the assessment and the trends, one case at a time. A tally sees a
// case's facts (CaseSummary), never its history: whatever yields them can feed it, a replay
// of the histories today (summary_of), rows kept per case in storage later. Cases taken in
// outside the period are left out, so a source may hand over more than the period.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dispatch/assessment.hpp"

namespace gridkeeper::dispatch {

class AssessmentTally {
 public:
  AssessmentTally(Period period, Millis as_of);
  void add(CaseFacts facts);
  // The tables: a row for every worker, grid, community and street of `org`, scored and
  // ranked by `rules`; the cases newest first.
  Assessment finish(const Organisation& org, const AssessmentRules& rules) &&;
  std::vector<CaseFacts> cases() &&;  // only the cases, newest first

 private:
  Assessment a_;
};

class TrendTally {
 public:
  TrendTally(Period period, Bucket bucket, Millis as_of, int utc_offset_minutes = kChinaUtcOffsetMinutes);
  void add(const CaseSummary& c);  // cancelled cases are left out
  Trends finish() &&;

 private:
  std::optional<std::size_t> index(Millis at) const;

  Trends t_;
  Millis as_of_ = 0, first_ = 0, last_ = 0, step_ = 0;
  std::map<std::string, std::vector<std::int64_t>> by_category_;  // taken in, per point
};

}  // namespace gridkeeper::dispatch
