#pragma once
// The oracle of the reports: the figures a tally makes from the rows kept per case are the
// figures of the replay of whole histories, field by field. `records_assessment` and
// `records_trends` read a Reports port's records as Reporting does.
#include <catch2/catch.hpp>
#include <string>

#include "dispatch/assessment.hpp"
#include "dispatch/reports.hpp"
#include "dispatch/tally.hpp"

namespace gridkeeper::testing {

inline void check_same(const dispatch::Durations& x, const dispatch::Durations& y) {
  CHECK(x.count == y.count);
  CHECK(x.mean_s == y.mean_s);  // exactly: the same values summed in the same order
  CHECK(x.p90_s == y.p90_s);
}

inline void check_same(const dispatch::Figures& x, const dispatch::Figures& y) {
  CHECK(x.cases == y.cases);
  CHECK(x.cancelled == y.cancelled);
  CHECK(x.deferred == y.deferred);
  CHECK(x.assessed == y.assessed);
  CHECK(x.handled == y.handled);
  CHECK(x.closed == y.closed);
  CHECK(x.due == y.due);
  CHECK(x.closed_on_time == y.closed_on_time);
  CHECK(x.acceptance_due == y.acceptance_due);
  CHECK(x.accepted_on_time == y.accepted_on_time);
  CHECK(x.reworked == y.reworked);
  CHECK(x.overdue == y.overdue);
  CHECK(x.overdue_by_colour == y.overdue_by_colour);
  CHECK(x.escalations == y.escalations);
  CHECK(x.urged == y.urged);
  CHECK(x.closure_rate == y.closure_rate);
  CHECK(x.on_time_closure_rate == y.on_time_closure_rate);
  CHECK(x.on_time_acceptance_rate == y.on_time_acceptance_rate);
  CHECK(x.rework_rate == y.rework_rate);
  CHECK(x.deferral_rate == y.deferral_rate);
  {
    INFO("time to accept");
    check_same(x.time_to_accept, y.time_to_accept);
  }
  {
    INFO("time to resolve");
    check_same(x.time_to_resolve, y.time_to_resolve);
  }
  CHECK(x.rated == y.rated);
  CHECK(x.ratings == y.ratings);
  CHECK(x.satisfaction == y.satisfaction);
  CHECK(x.satisfied_rate == y.satisfied_rate);
}

inline void check_same(const std::vector<dispatch::AssessmentRow>& x, const std::vector<dispatch::AssessmentRow>& y,
                       const std::string& table) {
  INFO(table);
  REQUIRE(x.size() == y.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    INFO(x[i].code);
    CHECK(x[i].code == y[i].code);
    CHECK(x[i].name == y[i].name);
    CHECK(x[i].parent == y[i].parent);
    check_same(x[i].figures, y[i].figures);
    CHECK(x[i].score == y[i].score);
    CHECK(x[i].stars == y[i].stars);
    CHECK(x[i].rank == y[i].rank);
    CHECK(x[i].ranked == y[i].ranked);
    CHECK(x[i].bottom_warning == y[i].bottom_warning);
  }
}

inline void check_same(const dispatch::Assessment& x, const dispatch::Assessment& y) {
  CHECK(x.period.from == y.period.from);
  CHECK(x.period.to == y.period.to);
  CHECK(x.as_of == y.as_of);
  {
    INFO("total");
    check_same(x.total, y.total);
  }
  check_same(x.workers, y.workers, "workers");
  check_same(x.grids, y.grids, "grids");
  check_same(x.communities, y.communities, "communities");
  check_same(x.streets, y.streets, "streets");
}

inline void check_same(const dispatch::Trends& x, const dispatch::Trends& y) {
  CHECK(x.period.from == y.period.from);
  CHECK(x.period.to == y.period.to);
  CHECK(x.bucket == y.bucket);
  CHECK(x.categories == y.categories);
  REQUIRE(x.points.size() == y.points.size());
  for (std::size_t i = 0; i < x.points.size(); ++i) {
    INFO("point " << i);
    const auto &p = x.points[i], &q = y.points[i];
    CHECK(p.start == q.start);
    CHECK(p.end == q.end);
    CHECK(p.taken_in == q.taken_in);
    CHECK(p.by_category == q.by_category);
    CHECK(p.closed == q.closed);
    CHECK(p.closed_on_time == q.closed_on_time);
    CHECK(p.became_overdue == q.became_overdue);
    CHECK(p.became_overdue_by_colour == q.became_overdue_by_colour);
    CHECK(p.escalations == q.escalations);
    CHECK(p.overdue_open == q.overdue_open);
  }
}

// The assessment and trends of the records `reports` keeps, as Reporting adds them up.
inline dispatch::Assessment records_assessment(dispatch::Reports& reports, const dispatch::Organisation& org,
                                               const dispatch::AssessmentRules& rules, dispatch::Period period,
                                               dispatch::Millis as_of) {
  dispatch::AssessmentTally tally(period, as_of);
  dispatch::CaseFacts f;
  auto status = reports.each_record({{}, {}, period.from, period.to}, [&](const dispatch::CaseRecord& r) {
    dispatch::facts_into(r, as_of, f);
    tally.add(f);
    return true;
  });
  REQUIRE_FALSE(status);
  return std::move(tally).finish(org, rules);
}

inline dispatch::Trends records_trends(dispatch::Reports& reports, dispatch::Period period, dispatch::Bucket bucket,
                                       dispatch::Millis as_of) {
  dispatch::TrendTally tally(period, bucket, as_of);
  dispatch::CaseSummary s;
  auto status = reports.each_record({{}, {}, period.from, period.to}, [&](const dispatch::CaseRecord& r) {
    dispatch::summary_into(r, as_of, s);
    tally.add(s);
    return true;
  });
  REQUIRE_FALSE(status);
  return std::move(tally).finish();
}

// The same from histories folded whole into records, as storage keeps them.
inline dispatch::Assessment folded_assessment(const std::vector<dispatch::CaseHistory>& history,
                                              const dispatch::Organisation& org, const dispatch::AssessmentRules& rules,
                                              dispatch::Period period, dispatch::Millis as_of) {
  dispatch::AssessmentTally tally(period, as_of);
  dispatch::CaseFacts f;
  for (const auto& h : history) {
    dispatch::facts_into(dispatch::record_of(h, INT64_MAX), as_of, f);
    tally.add(f);
  }
  return std::move(tally).finish(org, rules);
}

inline dispatch::Trends folded_trends(const std::vector<dispatch::CaseHistory>& history, dispatch::Period period,
                                      dispatch::Bucket bucket, dispatch::Millis as_of) {
  dispatch::TrendTally tally(period, bucket, as_of);
  dispatch::CaseSummary s;
  for (const auto& h : history) {
    dispatch::summary_into(dispatch::record_of(h, INT64_MAX), as_of, s);
    tally.add(s);
  }
  return std::move(tally).finish();
}

}  // namespace gridkeeper::testing
