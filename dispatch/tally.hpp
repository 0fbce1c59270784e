#pragma once
// Adding cases up into the assessment and the trends, one case at a time. A tally sees a
// case's facts (CaseSummary), never its history: a replay of the histories (summary_of) or
// the rows storage keeps per case (summary_into) feed it alike. Cases taken in outside the
// period are left out, so a source may hand over more than the period.
//
// Memory does not follow the cases' text: the counts are added up per cell (the cases of
// one grid, worker, community and street) as the cases come and rolled up into the rows of
// the tables at the end, the codes of workers, grids, communities and streets are kept once
// each, and of each assessed case only its cell and its two durations are kept (for the
// exact p90 and mean, taken at the end).
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "dispatch/assessment.hpp"

namespace gridkeeper::dispatch {

class AssessmentTally {
 public:
  AssessmentTally(Period period, Millis as_of);
  void add(const CaseFacts& facts);
  // Adds the cases another tally of the same period and moment was given.
  void merge(AssessmentTally&& other);
  // The tables: a row for every worker, grid, community and street of `org`, scored and
  // ranked by `rules`.
  Assessment finish(const Organisation& org, const AssessmentRules& rules) &&;

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  enum Dimension : std::size_t { kWorker, kGrid, kCommunity, kStreet, kDimensions };
  using Key = std::array<std::uint32_t, kDimensions>;  // a group of each dimension, or kNone
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept;
  };
  // The codes of one dimension, each once, numbered as they are met.
  struct Groups {
    std::unordered_map<std::string, std::uint32_t> index;
    std::vector<std::string> codes;  // by number
    std::uint32_t last = kNone;      // the last group met, checked first: neighbouring cases share them
    std::uint32_t of(const std::string& code);
  };
  // An assessed case with a duration: its cell and its durations (kNoDuration: none).
  struct Timed {
    std::uint32_t cell;
    Millis to_accept, to_resolve;
  };
  static constexpr Millis kNoDuration = INT64_MIN;
  // The cells by the codes of their case: an open-addressed table of the hashes of the four
  // codes (a power of two of slots, probed in turn), checked against the cell's codes. Every
  // case is looked up here, so it is one hash and mostly one slot, never a chain of nodes.
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t cell = kNone;
  };
  std::uint32_t cell_of(const CaseFacts& f);
  std::uint32_t cell_of(const Key& key);
  bool holds(std::uint32_t cell, const CaseFacts& f) const;
  void grow();
  std::vector<Slot> slots_;
  std::size_t slots_used_ = 0;

  Period period_;
  Millis as_of_;
  Groups groups_[kDimensions];
  // A case is added to one cell: the cases of one grid, worker, community and street
  // together. The rows of each table are the sums of the cells that hold its code, taken at
  // the end: a city's quarter has a few times more cases than cells.
  std::vector<Key> cell_keys_;
  std::vector<FigureSums> cells_;
  std::unordered_map<Key, std::uint32_t, KeyHash> cell_index_;
  // In blocks of a fixed size: no reallocation copies them as they grow, and a merge moves
  // the other tally's blocks instead of copying its entries.
  static constexpr std::size_t kBlock = 1 << 16;
  std::vector<std::vector<Timed>> timed_;
  std::size_t timed_count_ = 0;
};

class TrendTally {
 public:
  TrendTally(Period period, Bucket bucket, Millis as_of, int utc_offset_minutes = kChinaUtcOffsetMinutes);
  void add(const CaseSummary& c);  // cancelled cases are left out
  // Adds the cases another tally of the same period, bucket and moment was given.
  void merge(TrendTally&& other);
  Trends finish() &&;

 private:
  std::optional<std::size_t> index(Millis at) const;

  Trends t_;
  Millis as_of_ = 0, first_ = 0, last_ = 0, step_ = 0;
  std::map<std::string, std::vector<std::int64_t>> by_category_;  // taken in, per point
  // Overdue and open: the end of each counted bucket (or as_of), and +1/-1 where a case's
  // span of counted buckets begins and ends, added up at the end.
  std::vector<Millis> open_ends_;
  std::vector<std::int64_t> open_delta_;
};

}  // namespace gridkeeper::dispatch
