#include "dispatch/assessment.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "dispatch/escalation.hpp"

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
      case EventType::defer: f.deferred = true; break;
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
      default: break;
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
  Assessment a;
  a.period = period;
  a.as_of = as_of;
  for (const auto& h : history)
    if (h.c.created_at >= period.from && h.c.created_at < period.to) a.cases.push_back(facts_of(h, as_of));
  std::sort(a.cases.begin(), a.cases.end(), [](const CaseFacts& x, const CaseFacts& y) {
    return x.taken_in_at != y.taken_in_at ? x.taken_in_at > y.taken_in_at : x.id > y.id;
  });

  std::vector<const CaseFacts*> all;
  std::map<std::string, std::vector<const CaseFacts*>> by_worker, by_grid, by_community, by_street;
  for (const auto& f : a.cases) {
    all.push_back(&f);
    if (!f.worker.empty()) by_worker[f.worker].push_back(&f);
    if (!f.grid.empty()) by_grid[f.grid].push_back(&f);
    if (!f.community.empty()) by_community[f.community].push_back(&f);
    if (!f.street.empty()) by_street[f.street].push_back(&f);
  }
  a.total = figures_of(all);

  auto row = [&](std::string code, std::string name, std::string parent,
                 const std::map<std::string, std::vector<const CaseFacts*>>& groups) {
    AssessmentRow r;
    auto g = groups.find(code);
    r.figures = figures_of(g == groups.end() ? std::vector<const CaseFacts*>{} : g->second);
    r.score = score_of(r.figures, rules);
    if (r.score) r.stars = stars_of(*r.score, rules);
    r.code = std::move(code);
    r.name = std::move(name);
    r.parent = std::move(parent);
    return r;
  };

  std::set<WorkerId> listed;
  for (const auto& w : org.workers)
    if (listed.insert(w.id).second) a.workers.push_back(row(w.id, w.name, w.community, by_worker));
  for (const auto& [id, cases] : by_worker) {
    if (listed.count(id)) continue;
    std::string name, community;
    for (const auto& w : org.other_workers)
      if (w.id == id) name = w.name, community = w.community;
    a.workers.push_back(row(id, name, community, by_worker));
  }
  std::sort(a.workers.begin(), a.workers.end(), [](const auto& x, const auto& y) { return x.code < y.code; });
  for (const auto& g : org.grids) a.grids.push_back(row(g.code, g.name, g.community, by_grid));
  std::sort(a.grids.begin(), a.grids.end(), [](const auto& x, const auto& y) { return x.code < y.code; });
  for (const auto& j : org.jurisdictions) {
    if (j.level == Level::community) a.communities.push_back(row(j.code, j.name, j.parent, by_community));
    if (j.level == Level::street) a.streets.push_back(row(j.code, j.name, j.parent, by_street));
  }
  std::sort(a.streets.begin(), a.streets.end(), [](const auto& x, const auto& y) { return x.code < y.code; });

  // Ranking within each street: best score first; equal scores share a rank (1, 2, 2, 4).
  std::map<std::string, std::vector<AssessmentRow*>> by_parent;
  for (auto& r : a.communities)
    if (r.score) by_parent[r.parent].push_back(&r);
  for (auto& [street, rows] : by_parent) {
    std::sort(rows.begin(), rows.end(), [](const AssessmentRow* x, const AssessmentRow* y) {
      return *x->score != *y->score ? *x->score > *y->score : x->code < y->code;
    });
    int worst = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      rows[i]->rank = (i > 0 && *rows[i]->score == *rows[i - 1]->score) ? *rows[i - 1]->rank : static_cast<int>(i + 1);
      rows[i]->ranked = static_cast<int>(rows.size());
      worst = std::max(worst, *rows[i]->rank);
    }
    // All tied: nobody is last.
    if (static_cast<int>(rows.size()) >= rules.bottom_min_communities && worst > 1)
      for (auto* r : rows) r->bottom_warning = *r->rank == worst;
  }
  std::sort(a.communities.begin(), a.communities.end(), [](const AssessmentRow& x, const AssessmentRow& y) {
    if (x.parent != y.parent) return x.parent < y.parent;
    if (x.rank.has_value() != y.rank.has_value()) return x.rank.has_value();
    if (x.rank && *x.rank != *y.rank) return *x.rank < *y.rank;
    return x.code < y.code;
  });
  return a;
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
  Trends t;
  t.period = period;
  t.bucket = bucket;
  const Millis step = bucket == Bucket::day ? kDay : 7 * kDay;
  const Millis first = bucket_start(period.from, bucket, utc_offset_minutes);
  for (Millis s = first; s < period.to; s += step) t.points.push_back({s, s + step});
  if (t.points.empty()) return t;
  const Millis last = t.points.back().end;
  auto index = [&](Millis at) -> std::optional<std::size_t> {
    if (at < first || at >= last) return std::nullopt;
    return static_cast<std::size_t>((at - first) / step);
  };

  std::vector<std::pair<CaseFacts, const CaseHistory*>> cases;
  std::set<std::string> categories;
  for (const auto& h : history) {
    if (h.c.created_at < period.from || h.c.created_at >= period.to) continue;
    auto f = facts_of(h, as_of);
    if (f.cancelled) continue;
    categories.insert(f.category);
    cases.emplace_back(std::move(f), &h);
  }
  t.categories.assign(categories.begin(), categories.end());
  for (auto& p : t.points) p.by_category.assign(t.categories.size(), 0);

  for (const auto& [f, h] : cases) {
    if (auto i = index(f.taken_in_at)) {
      auto& p = t.points[*i];
      ++p.taken_in;
      const auto cat = std::lower_bound(t.categories.begin(), t.categories.end(), f.category) - t.categories.begin();
      ++p.by_category[static_cast<std::size_t>(cat)];
    }
    if (f.closed && f.closed_at)
      if (auto i = index(*f.closed_at)) {
        ++t.points[*i].closed;
        t.points[*i].closed_on_time += f.closed_on_time;
      }
    if (f.overdue_at)
      if (auto i = index(*f.overdue_at)) {
        ++t.points[*i].became_overdue;
        if (f.overdue_colour) ++t.points[*i].became_overdue_by_colour[static_cast<std::size_t>(*f.overdue_colour)];
      }
    int steps = 0;
    for (const auto& e : h->events)
      if (e.type == EventType::escalated && e.at <= as_of && ++steps <= kEscalationsToTop)
        if (auto i = index(e.at)) ++t.points[*i].escalations;
  }
  for (auto& p : t.points) {
    if (p.start >= as_of) continue;
    const Millis end = std::min(p.end, as_of);
    std::int64_t open = 0;
    for (const auto& [f, h] : cases) open += f.overdue_at && *f.overdue_at < end && (!f.closed_at || *f.closed_at >= end);
    p.overdue_open = open;
  }
  return t;
}

}  // namespace gridkeeper::dispatch
