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

Durations durations(std::vector<Millis> values) {
  Durations d;
  d.count = static_cast<std::int64_t>(values.size());
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (auto v : values) sum += static_cast<double>(v);
  d.mean_s = sum / static_cast<double>(values.size()) / 1000.0;
  // Nearest rank: the ceil(0.9 n)-th smallest value.
  const auto rank = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(values.size())));
  d.p90_s = static_cast<double>(values[std::max<std::size_t>(rank, 1) - 1]) / 1000.0;
  return d;
}
}  // namespace

CaseFacts facts_of(const CaseHistory& h, Millis as_of) {
  const Case& c = h.c;
  CaseFacts f;
  f.id = c.id;
  f.category = c.category;
  f.worker = c.assignee;
  f.grid = c.grid;
  f.community = c.community;
  f.street = c.street;
  f.taken_in_at = c.created_at;
  std::optional<Millis> dispatched, first_accept, last_resolve;
  bool resolution_stands = false, acceptance_missed = false;
  int steps = 0;  // escalations seen: beyond the top's, an old history's repeats add nothing
  for (const auto& e : h.events) {
    if (e.at > as_of) continue;
    switch (e.type) {
      case EventType::register_case:
        if (!dispatched) dispatched = e.at;
        break;
      case EventType::accept:
        if (!first_accept) first_accept = e.at;
        break;
      case EventType::resolve:
        f.handled = true;
        last_resolve = e.at;
        resolution_stands = true;
        break;
      case EventType::reopen:
        f.reworked = true;
        resolution_stands = false;
        break;
      case EventType::defer:
        f.deferred = true;
        break;
      case EventType::escalated:
        if (++steps > kEscalationsToTop) break;
        ++f.escalations;
        if (!f.overdue) {
          f.overdue = true;
          f.overdue_at = e.at;
          f.overdue_colour = e.urgency_from;  // the colour whose deadline passed
        }
        if (e.deadline == Deadline::accept) acceptance_missed = true;
        break;
      case EventType::close:
        f.closed = true;
        f.closed_at = e.at;
        break;
      case EventType::cancel:
        f.cancelled = true;
        f.closed_at = e.at;
        break;
      case EventType::rated:
        if (e.score && *e.score >= 1 && *e.score <= 5) f.rating = e.score;
        break;
      default:
        break;
    }
  }
  f.deferred = f.deferred || c.deferred;
  if (!dispatched) dispatched = c.created_at;
  const bool clock_running = (c.state == CaseState::dispatched || c.state == CaseState::accepted) && !c.paused_at;
  f.due = f.closed || f.overdue || (clock_running && c.resolve_by && *c.resolve_by <= as_of);
  f.closed_on_time = f.closed && !f.overdue;
  f.acceptance_due = first_accept || acceptance_missed ||
                     (c.state == CaseState::dispatched && !c.paused_at && c.accept_by && *c.accept_by <= as_of);
  f.accepted_on_time = first_accept && !acceptance_missed;
  if (first_accept) f.time_to_accept = *first_accept - *dispatched;
  if (last_resolve && resolution_stands) f.time_to_resolve = *last_resolve - *dispatched;
  return f;
}

CaseSummary summary_of(const CaseHistory& h, Millis as_of) {
  CaseSummary s{facts_of(h, as_of), {}};
  int steps = 0;
  for (const auto& e : h.events)
    if (e.type == EventType::escalated && e.at <= as_of && ++steps <= kEscalationsToTop) s.escalated_at.push_back(e.at);
  return s;
}

Figures figures_of(const std::vector<const CaseFacts*>& cases) {
  Figures g;
  std::vector<Millis> to_accept, to_resolve;
  std::int64_t rating_sum = 0, satisfied = 0;
  for (const auto* f : cases) {
    if (f->cancelled) {
      ++g.cancelled;
      continue;
    }
    ++g.cases;
    if (f->deferred) {
      ++g.deferred;
      continue;
    }
    ++g.assessed;
    g.handled += f->handled;
    g.closed += f->closed;
    g.due += f->due;
    g.closed_on_time += f->closed_on_time;
    g.acceptance_due += f->acceptance_due;
    g.accepted_on_time += f->accepted_on_time;
    g.reworked += f->reworked && f->handled;
    g.escalations += f->escalations;
    if (f->overdue) {
      ++g.overdue;
      if (f->overdue_colour) ++g.overdue_by_colour[static_cast<std::size_t>(*f->overdue_colour)];
    }
    if (f->time_to_accept) to_accept.push_back(*f->time_to_accept);
    if (f->time_to_resolve) to_resolve.push_back(*f->time_to_resolve);
    if (f->rating) {
      ++g.rated;
      ++g.ratings[static_cast<std::size_t>(*f->rating - 1)];
      rating_sum += *f->rating;
      satisfied += *f->rating >= 4;
    }
  }
  g.closure_rate = ratio(g.closed, g.assessed);
  g.on_time_closure_rate = ratio(g.closed_on_time, g.due);
  g.on_time_acceptance_rate = ratio(g.accepted_on_time, g.acceptance_due);
  g.rework_rate = ratio(g.reworked, g.handled);
  g.deferral_rate = ratio(g.deferred, g.cases);
  g.time_to_accept = durations(std::move(to_accept));
  g.time_to_resolve = durations(std::move(to_resolve));
  if (g.rated > 0) g.satisfaction = static_cast<double>(rating_sum) / static_cast<double>(g.rated);
  g.satisfied_rate = ratio(satisfied, g.rated);
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
