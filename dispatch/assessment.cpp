#include "dispatch/assessment.hpp"

#include <algorithm>
#include <cmath>

#include "dispatch/escalation.hpp"
#include "dispatch/tally.hpp"

namespace gridkeeper::dispatch {

namespace {
constexpr Millis kDay = 24LL * 3600 * 1000;

Millis floor_div(Millis a, Millis b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::optional<double> ratio(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

CaseRecord record_of(const CaseHistory& h, Millis as_of) {
  CaseRecord r;
  set_columns(r, h.c);
  for (const auto& e : h.events)
    if (e.at <= as_of) fold(r.track, e);
  return r;
}

CaseFacts facts_of(const CaseHistory& h, Millis as_of) {
  CaseFacts f;
  facts_into(record_of(h, as_of), as_of, f);
  return f;
}

CaseSummary summary_of(const CaseHistory& h, Millis as_of) {
  CaseSummary s;
  summary_into(record_of(h, as_of), as_of, s);
  return s;
}

Durations durations_of(std::span<Millis> values) {
  Durations d;
  d.count = static_cast<std::int64_t>(values.size());
  if (values.empty()) return d;
  // Whole milliseconds add up exactly (far below 2^53), so the sum is that of any order.
  std::int64_t sum = 0;
  for (auto v : values) sum += v;
  d.mean_s = static_cast<double>(sum) / static_cast<double>(values.size()) / 1000.0;
  const auto rank = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(values.size())));
  const auto nth = values.begin() + static_cast<std::ptrdiff_t>(std::max<std::size_t>(rank, 1) - 1);
  std::nth_element(values.begin(), nth, values.end());
  d.p90_s = static_cast<double>(*nth) / 1000.0;
  return d;
}

bool FigureSums::add(const CaseFacts& f) {
  if (f.cancelled) {
    ++cancelled_;
    return false;
  }
  ++cases_;
  if (f.deferred) {
    ++deferred_;
    return false;
  }
  ++assessed_;
  handled_ += f.handled;
  closed_ += f.closed;
  due_ += f.due;
  closed_on_time_ += f.closed_on_time;
  acceptance_due_ += f.acceptance_due;
  accepted_on_time_ += f.accepted_on_time;
  reworked_ += f.reworked && f.handled;
  escalations_ += f.escalations;
  urged_ += f.urged;
  if (f.overdue) {
    ++overdue_;
    if (f.overdue_colour) ++overdue_by_colour_[static_cast<std::size_t>(*f.overdue_colour)];
  }
  if (f.rating) {
    ++rated_;
    ++ratings_[static_cast<std::size_t>(*f.rating - 1)];
    rating_sum_ += *f.rating;
    satisfied_ += *f.rating >= 4;
  }
  return true;
}

FigureSums& FigureSums::operator+=(const FigureSums& o) {
  for (auto [mine, theirs] : {std::pair{&cases_, &o.cases_},
                              {&cancelled_, &o.cancelled_},
                              {&deferred_, &o.deferred_},
                              {&assessed_, &o.assessed_},
                              {&handled_, &o.handled_},
                              {&closed_, &o.closed_},
                              {&due_, &o.due_},
                              {&closed_on_time_, &o.closed_on_time_},
                              {&acceptance_due_, &o.acceptance_due_},
                              {&accepted_on_time_, &o.accepted_on_time_},
                              {&reworked_, &o.reworked_},
                              {&overdue_, &o.overdue_},
                              {&escalations_, &o.escalations_},
                              {&urged_, &o.urged_},
                              {&rated_, &o.rated_},
                              {&rating_sum_, &o.rating_sum_},
                              {&satisfied_, &o.satisfied_}})
    *mine += *theirs;
  for (std::size_t i = 0; i < overdue_by_colour_.size(); ++i) overdue_by_colour_[i] += o.overdue_by_colour_[i];
  for (std::size_t i = 0; i < ratings_.size(); ++i) ratings_[i] += o.ratings_[i];
  return *this;
}

Figures FigureSums::finish(Durations to_accept, Durations to_resolve) const {
  Figures g;
  g.cases = cases_;
  g.cancelled = cancelled_;
  g.deferred = deferred_;
  g.assessed = assessed_;
  g.handled = handled_;
  g.closed = closed_;
  g.due = due_;
  g.closed_on_time = closed_on_time_;
  g.acceptance_due = acceptance_due_;
  g.accepted_on_time = accepted_on_time_;
  g.reworked = reworked_;
  g.overdue = overdue_;
  g.overdue_by_colour = overdue_by_colour_;
  g.escalations = escalations_;
  g.urged = urged_;
  g.rated = rated_;
  g.ratings = ratings_;
  g.closure_rate = ratio(g.closed, g.assessed);
  g.on_time_closure_rate = ratio(g.closed_on_time, g.due);
  g.on_time_acceptance_rate = ratio(g.accepted_on_time, g.acceptance_due);
  g.rework_rate = ratio(g.reworked, g.handled);
  g.deferral_rate = ratio(g.deferred, g.cases);
  g.time_to_accept = std::move(to_accept);
  g.time_to_resolve = std::move(to_resolve);
  if (g.rated > 0) g.satisfaction = static_cast<double>(rating_sum_) / static_cast<double>(g.rated);
  g.satisfied_rate = ratio(satisfied_, g.rated);
  return g;
}

std::optional<double> score_of(const Figures& f, const AssessmentRules& rules) {
  if (f.assessed < std::max<std::int64_t>(rules.min_cases, 1)) return std::nullopt;
  const auto& w = rules.weights;
  auto inverse = [](const std::optional<double>& r) -> std::optional<double> {
    if (!r) return std::nullopt;
    return 1.0 - *r;
  };
  std::optional<double> satisfaction;
  if (f.satisfaction) satisfaction = (*f.satisfaction - 1.0) / 4.0;
  const std::pair<std::optional<double>, double> parts[] = {
      {f.closure_rate, w.closure_rate},
      {f.on_time_closure_rate, w.on_time_closure_rate},
      {f.on_time_acceptance_rate, w.on_time_acceptance_rate},
      {inverse(f.rework_rate), w.rework},
      {inverse(f.deferral_rate), w.deferral},
      {satisfaction, w.satisfaction},
  };
  double sum = 0, weight = 0;
  for (const auto& [value, wt] : parts) {
    if (!value || wt <= 0) continue;
    sum += *value * wt;
    weight += wt;
  }
  if (weight <= 0) return std::nullopt;
  return std::round(100.0 * sum / weight * 100.0) / 100.0;
}

int stars_of(double score, const AssessmentRules& rules) {
  int stars = 1;
  for (double t : rules.star_thresholds) stars += score >= t;
  return stars;
}

Assessment assess(const std::vector<CaseHistory>& history, const Organisation& org, const AssessmentRules& rules,
                  Period period, Millis as_of) {
  AssessmentTally tally(period, as_of);
  for (const auto& h : history)
    if (h.c.created_at >= period.from && h.c.created_at < period.to) tally.add(facts_of(h, as_of));
  return std::move(tally).finish(org, rules);
}

Millis bucket_start(Millis t, Bucket bucket, int utc_offset_minutes) {
  const Millis offset = static_cast<Millis>(utc_offset_minutes) * 60'000;
  Millis day = floor_div(t + offset, kDay);
  // 1970-01-01 was a Thursday: three days after a Monday.
  if (bucket == Bucket::week) day -= ((day + 3) % 7 + 7) % 7;
  return day * kDay - offset;
}

Trends trends(const std::vector<CaseHistory>& history, Period period, Bucket bucket, Millis as_of,
              int utc_offset_minutes) {
  TrendTally tally(period, bucket, as_of, utc_offset_minutes);
  for (const auto& h : history)
    if (h.c.created_at >= period.from && h.c.created_at < period.to) tally.add(summary_of(h, as_of));
  return std::move(tally).finish();
}

}  // namespace gridkeeper::dispatch
