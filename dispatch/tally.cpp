#include "dispatch/tally.hpp"

#include <algorithm>
#include <set>

namespace gridkeeper::dispatch {

namespace {
constexpr Millis kDay = 24LL * 3600 * 1000;
}  // namespace

AssessmentTally::AssessmentTally(Period period, Millis as_of) {
  a_.period = period;
  a_.as_of = as_of;
}

void AssessmentTally::add(CaseFacts facts) {
  if (facts.taken_in_at < a_.period.from || facts.taken_in_at >= a_.period.to) return;
  a_.cases.push_back(std::move(facts));
}

std::vector<CaseFacts> AssessmentTally::cases() && {
  std::sort(a_.cases.begin(), a_.cases.end(), [](const CaseFacts& x, const CaseFacts& y) {
    return x.taken_in_at != y.taken_in_at ? x.taken_in_at > y.taken_in_at : x.id > y.id;
  });
  return std::move(a_.cases);
}

Assessment AssessmentTally::finish(const Organisation& org, const AssessmentRules& rules) && {
  Assessment a;
  a.period = a_.period;
  a.as_of = a_.as_of;
  a.cases = std::move(*this).cases();

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

TrendTally::TrendTally(Period period, Bucket bucket, Millis as_of, int utc_offset_minutes) : as_of_(as_of) {
  t_.period = period;
  t_.bucket = bucket;
  step_ = bucket == Bucket::day ? kDay : 7 * kDay;
  first_ = bucket_start(period.from, bucket, utc_offset_minutes);
  for (Millis s = first_; s < period.to; s += step_) {
    TrendPoint p;
    p.start = s;
    p.end = s + step_;
    t_.points.push_back(std::move(p));
  }
  last_ = t_.points.empty() ? first_ : t_.points.back().end;
  // Overdue and open at the end of a bucket (or now): counted for the buckets begun by now.
  for (auto& p : t_.points)
    if (p.start < as_of_) p.overdue_open = 0;
}

std::optional<std::size_t> TrendTally::index(Millis at) const {
  if (at < first_ || at >= last_) return std::nullopt;
  return static_cast<std::size_t>((at - first_) / step_);
}

void TrendTally::add(const CaseSummary& c) {
  const CaseFacts& f = c.facts;
  if (t_.points.empty() || f.taken_in_at < t_.period.from || f.taken_in_at >= t_.period.to || f.cancelled) return;
  auto& taken_in = by_category_[f.category];
  if (auto i = index(f.taken_in_at)) {
    ++t_.points[*i].taken_in;
    taken_in.resize(t_.points.size());
    ++taken_in[*i];
  }
  if (f.closed && f.closed_at)
    if (auto i = index(*f.closed_at)) {
      ++t_.points[*i].closed;
      t_.points[*i].closed_on_time += f.closed_on_time;
    }
  if (f.overdue_at)
    if (auto i = index(*f.overdue_at)) {
      ++t_.points[*i].became_overdue;
      if (f.overdue_colour) ++t_.points[*i].became_overdue_by_colour[static_cast<std::size_t>(*f.overdue_colour)];
    }
  for (Millis at : c.escalated_at)
    if (auto i = index(at)) ++t_.points[*i].escalations;
  if (!f.overdue_at) return;
  for (auto& p : t_.points) {
    if (!p.overdue_open) continue;
    const Millis end = std::min(p.end, as_of_);
    *p.overdue_open += *f.overdue_at < end && (!f.closed_at || *f.closed_at >= end);
  }
}

Trends TrendTally::finish() && {
  Trends t = std::move(t_);
  for (const auto& [category, counts] : by_category_) t.categories.push_back(category);
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    auto& p = t.points[i];
    p.by_category.reserve(by_category_.size());
    for (const auto& [category, counts] : by_category_) p.by_category.push_back(i < counts.size() ? counts[i] : 0);
  }
  return t;
}

}  // namespace gridkeeper::dispatch
