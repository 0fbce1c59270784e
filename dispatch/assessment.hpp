#pragma once
// 履职考评: the figures behind quarterly and yearly reviews, computed from the case
// history rather than typed in, from the events' types and typed fields (never their
// words). Pure: cases with their events in, tables out; the moment
// the figures are taken (`as_of`) is passed in. docs/API.md ("Assessment") defines every
// figure in words; the definitions here are the same, in code.
//
// A period holds the cases taken in during [from, to). Each case is judged on its history
// up to `as_of`. Cancelled cases count nowhere but in `cancelled`. Deferred cases (a
// deferral was approved at some point) count only in `cases`, `deferred` and the deferral
// rate: every other figure leaves them out, as local assessment rules do.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dispatch/case_record.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

struct Period {
  Millis from = 0, to = 0;  // [from, to)
};

// A case as stored, with its events in the order they happened.
struct CaseHistory {
  Case c;
  std::vector<CaseEvent> events;
};

// What one case contributes to the figures, read from its history.
struct CaseFacts {
  CaseId id = 0;
  std::string category;
  WorkerId worker;  // responsible: the case's assignee (kept on closed cases); empty when none
  std::string grid, community, street;
  Millis taken_in_at = 0;
  bool cancelled = false;
  bool deferred = false;  // a deferral was approved
  bool handled = false;   // resolved at least once
  bool closed = false;
  bool reworked = false;                  // reopened at least once (返工)
  bool overdue = false;                   // a deadline passed at least once (an escalated event)
  std::optional<Urgency> overdue_colour;  // the colour whose deadline it missed first
  std::optional<Millis> overdue_at;       // when it first went overdue
  int escalations = 0;
  bool urged = false;  // urged (催办) at least once
  bool due = false;    // due for closure: closed, overdue, or its resolution deadline has passed
  bool closed_on_time = false;
  bool acceptance_due = false;  // accepted, or its acceptance deadline passed
  bool accepted_on_time = false;
  std::optional<Millis> time_to_accept;   // first dispatch to first acceptance
  std::optional<Millis> time_to_resolve;  // first dispatch to the last resolution
  std::optional<Millis> closed_at;        // closed or cancelled
  std::optional<int> rating;              // the latest follow-up rating (回访), 1-5
};

// The history's events up to `as_of` folded into a record (dispatch/case_record.hpp).
CaseRecord record_of(const CaseHistory& h, Millis as_of);
CaseFacts facts_of(const CaseHistory& h, Millis as_of);

// A case as the reports add it up: its facts, and what the trends need beyond them, the
// moments of its counted escalations (its first kEscalationsToTop). The reports read
// nothing else of a case, so these come from a replay of its history (summary_of) or from
// a row kept up to date with its events (summary_into), by the same rules.
struct CaseSummary {
  CaseFacts facts;
  std::vector<Millis> escalated_at;
};
CaseSummary summary_of(const CaseHistory& h, Millis as_of);

struct Durations {
  std::int64_t count = 0;
  std::optional<double> mean_s;  // seconds
  std::optional<double> p90_s;   // nearest rank: the smallest value at least 90 % of the values do not exceed
};

struct Figures {
  std::int64_t cases = 0;      // taken in during the period, not cancelled
  std::int64_t cancelled = 0;  // taken in during the period and cancelled
  std::int64_t deferred = 0;
  std::int64_t assessed = 0;  // cases - deferred: the base of every other figure
  std::int64_t handled = 0;
  std::int64_t closed = 0;
  std::int64_t due = 0;
  std::int64_t closed_on_time = 0;
  std::int64_t acceptance_due = 0;
  std::int64_t accepted_on_time = 0;
  std::int64_t reworked = 0;
  std::int64_t overdue = 0;
  std::array<std::int64_t, 3> overdue_by_colour{};  // by Urgency
  std::int64_t escalations = 0;
  std::int64_t urged = 0;                         // 催办: cases a supervisor urged at least once
  std::optional<double> closure_rate;             // 结案率 closed / assessed
  std::optional<double> on_time_closure_rate;     // 按期结案率 closed_on_time / due
  std::optional<double> on_time_acceptance_rate;  // 按时签收率 accepted_on_time / acceptance_due
  std::optional<double> rework_rate;              // 返工率 reworked / handled
  std::optional<double> deferral_rate;            // 延期率 deferred / cases
  Durations time_to_accept, time_to_resolve;
  std::int64_t rated = 0;
  std::array<std::int64_t, 5> ratings{};  // how many cases got 1..5
  std::optional<double> satisfaction;     // mean rating, 1-5
  std::optional<double> satisfied_rate;   // 满意率: ratings of 4 or 5 / rated
};

// The count, mean and nearest-rank p90 of durations in any order (they are reordered).
Durations durations_of(std::span<Millis> values);

// The figures added up one case at a time, without keeping the cases: the counts here, the
// durations handed to finish by whoever kept them (AssessmentTally, dispatch/tally.hpp).
class FigureSums {
 public:
  // Adds the case's counts; true when its durations count (it is assessed).
  bool add(const CaseFacts& f);
  // Adds another's counts: the sums of two sets of cases are the sum of theirs.
  FigureSums& operator+=(const FigureSums& other);
  Figures finish(Durations to_accept, Durations to_resolve) const;

 private:
  // Only the counts: a tally keeps one of these per row of its tables.
  std::int64_t cases_ = 0, cancelled_ = 0, deferred_ = 0, assessed_ = 0, handled_ = 0, closed_ = 0, due_ = 0,
               closed_on_time_ = 0, acceptance_due_ = 0, accepted_on_time_ = 0, reworked_ = 0, overdue_ = 0,
               escalations_ = 0, urged_ = 0, rated_ = 0, rating_sum_ = 0, satisfied_ = 0;
  std::array<std::int64_t, 3> overdue_by_colour_{};
  std::array<std::int64_t, 5> ratings_{};
};

// How figures become a score of 0-100 points and 1-5 stars. A figure that is missing
// (no denominator) drops out and the weights of the others are scaled up to fill.
struct AssessmentRules {
  struct Weights {
    double closure_rate = 20;
    double on_time_closure_rate = 30;
    double on_time_acceptance_rate = 15;
    double rework = 10;        // counts 1 - rework rate
    double deferral = 0;       // counts 1 - deferral rate
    double satisfaction = 25;  // counts (mean - 1) / 4
  } weights;
  std::array<double, 4> star_thresholds{60, 70, 80, 90};  // points for 2, 3, 4 and 5 stars
  std::int64_t min_cases = 5;      // fewer assessed cases: no score, no stars, no rank (one case decides nothing)
  int bottom_min_communities = 3;  // 末位告诫 only in streets with at least this many ranked communities
};

std::optional<double> score_of(const Figures& f, const AssessmentRules& rules);  // points, rounded to 0.01
int stars_of(double score, const AssessmentRules& rules);

struct AssessmentRow {
  std::string code, name;
  std::string parent;  // worker and grid: community; community: street; street: district
  Figures figures;
  std::optional<double> score;
  std::optional<int> stars;
  std::optional<int> rank;      // communities: within their street (1 best; equal scores share a rank)
  int ranked = 0;               // communities: how many are ranked in the street
  bool bottom_warning = false;  // 末位告诫: last in a street of at least bottom_min_communities
};

// The organisation in view: the rows of the tables. Cases of codes not listed still count
// in the totals (and a worker met in the cases gets a row, named from `other_workers`).
struct Organisation {
  std::vector<Jurisdiction> jurisdictions;  // streets and communities (other levels are ignored)
  std::vector<Grid> grids;
  std::vector<Worker> workers;
  std::vector<Worker> other_workers;  // names only
};

struct Assessment {
  Period period;
  Millis as_of = 0;
  Figures total;
  std::vector<AssessmentRow> workers, grids, communities, streets;
};

// The histories replayed into an AssessmentTally (dispatch/tally.hpp).
Assessment assess(const std::vector<CaseHistory>& history, const Organisation& org, const AssessmentRules& rules,
                  Period period, Millis as_of);

// Trends for charts: per day or week (local days at `utc_offset_minutes`, weeks from Monday).
enum class Bucket { day, week };
struct TrendPoint {
  Millis start = 0, end = 0;                    // [start, end)
  std::int64_t taken_in = 0;                    // not cancelled
  std::vector<std::int64_t> by_category;        // in the order of Trends::categories
  std::int64_t closed = 0, closed_on_time = 0;  // closures in the bucket, of the period's cases
  std::int64_t became_overdue = 0;
  std::array<std::int64_t, 3> became_overdue_by_colour{};
  std::int64_t escalations = 0;
  std::optional<std::int64_t>
      overdue_open;  // overdue and still open at the end of the bucket (or as_of); none ahead of as_of
};
struct Trends {
  Period period;
  Bucket bucket = Bucket::day;
  std::vector<std::string> categories;  // sorted
  std::vector<TrendPoint> points;
};
inline constexpr int kChinaUtcOffsetMinutes = 8 * 60;
// The start of the local day or week that holds `t`.
Millis bucket_start(Millis t, Bucket bucket, int utc_offset_minutes = kChinaUtcOffsetMinutes);
// The histories replayed into a TrendTally (dispatch/tally.hpp).
Trends trends(const std::vector<CaseHistory>& history, Period period, Bucket bucket, Millis as_of,
              int utc_offset_minutes = kChinaUtcOffsetMinutes);

}  // namespace gridkeeper::dispatch
