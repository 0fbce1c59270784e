#include "dispatch/tally.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <span>
#include <thread>
#include <unordered_set>
#include <utility>

namespace gridkeeper::dispatch {

namespace {
constexpr Millis kDay = 24LL * 3600 * 1000;
}  // namespace

AssessmentTally::AssessmentTally(Period period, Millis as_of) : period_(period), as_of_(as_of) {}

std::size_t AssessmentTally::KeyHash::operator()(const Key& k) const noexcept {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (auto v : k) h = (h ^ v) * 0xff51afd7ed558ccdULL;
  return static_cast<std::size_t>(h ^ (h >> 32));
}

std::uint32_t AssessmentTally::Groups::of(const std::string& code) {
  if (code.empty()) return kNone;
  if (last != kNone && code == codes[last]) return last;
  auto [it, added] = index.try_emplace(code, static_cast<std::uint32_t>(codes.size()));
  if (added) codes.push_back(code);
  return last = it->second;
}

std::uint32_t AssessmentTally::cell_of(const Key& key) {
  auto [it, added] = cell_index_.try_emplace(key, static_cast<std::uint32_t>(cells_.size()));
  if (added) {
    cell_keys_.push_back(key);
    cells_.emplace_back();
  }
  return it->second;
}

namespace {
// A hash of the case's four codes, eight bytes at a time.
std::uint64_t hash_of(const CaseFacts& f) {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (const std::string* code : {&f.grid, &f.worker, &f.community, &f.street}) {
    const char* p = code->data();
    std::size_t n = code->size();
    for (; n >= 8; p += 8, n -= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      h = (h ^ word) * 0xff51afd7ed558ccdULL;
      h ^= h >> 29;
    }
    std::uint64_t tail = n;  // the length too: "ab" + "c" differs from "a" + "bc"
    std::memcpy(&tail, p, n);
    h = (h ^ tail ^ (code->size() << 56)) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 32;
  }
  return h;
}
}  // namespace

bool AssessmentTally::holds(std::uint32_t cell, const CaseFacts& f) const {
  const Key& key = cell_keys_[cell];
  auto same = [&](std::size_t d, const std::string& code) {
    return key[d] == kNone ? code.empty() : groups_[d].codes[key[d]] == code;
  };
  return same(kGrid, f.grid) && same(kWorker, f.worker) && same(kCommunity, f.community) && same(kStreet, f.street);
}

void AssessmentTally::grow() {
  std::vector<Slot> old(std::max<std::size_t>(1024, slots_.size() * 2));
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const auto& s : old) {
    if (s.cell == kNone) continue;
    std::size_t i = s.hash & mask;
    while (slots_[i].cell != kNone) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

std::uint32_t AssessmentTally::cell_of(const CaseFacts& f) {
  if (2 * (slots_used_ + 1) > slots_.size()) grow();
  const std::uint64_t h = hash_of(f);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.cell == kNone) {
      s.hash = h;
      s.cell = cell_of(Key{groups_[kWorker].of(f.worker), groups_[kGrid].of(f.grid),
                           groups_[kCommunity].of(f.community), groups_[kStreet].of(f.street)});
      ++slots_used_;
      return s.cell;
    }
    if (s.hash == h && holds(s.cell, f)) return s.cell;
  }
}

void AssessmentTally::add(const CaseFacts& f) {
  if (f.taken_in_at < period_.from || f.taken_in_at >= period_.to) return;
  const std::uint32_t cell = cell_of(f);
  const bool assessed = cells_[cell].add(f);
  if (!assessed || (!f.time_to_accept && !f.time_to_resolve)) return;
  if (timed_.empty() || timed_.back().size() == kBlock) timed_.emplace_back().reserve(kBlock);
  timed_.back().push_back({cell, f.time_to_accept.value_or(kNoDuration), f.time_to_resolve.value_or(kNoDuration)});
  ++timed_count_;
}

void AssessmentTally::merge(AssessmentTally&& o) {
  std::vector<std::uint32_t> remap[kDimensions];
  for (std::size_t d = 0; d < kDimensions; ++d) {
    remap[d].reserve(o.groups_[d].codes.size());
    for (const auto& code : o.groups_[d].codes) remap[d].push_back(groups_[d].of(code));
  }
  std::vector<std::uint32_t> cells(o.cells_.size());
  for (std::size_t c = 0; c < o.cells_.size(); ++c) {
    Key key = o.cell_keys_[c];
    for (std::size_t d = 0; d < kDimensions; ++d)
      if (key[d] != kNone) key[d] = remap[d][key[d]];
    cells[c] = cell_of(key);
    cells_[cells[c]] += o.cells_[c];
  }
  for (auto& block : o.timed_) {
    for (auto& t : block) t.cell = cells[t.cell];
    timed_.push_back(std::move(block));
  }
  timed_count_ += o.timed_count_;
  o.timed_ = {};
  o.timed_count_ = 0;
}

Assessment AssessmentTally::finish(const Organisation& org, const AssessmentRules& rules) && {
  Assessment a;
  a.period = period_;
  a.as_of = as_of_;
  Durations accept_total, resolve_total;

  // Each table's sums: its groups' cells added up.
  std::vector<FigureSums> sums[kDimensions];
  FigureSums total;
  for (std::size_t d = 0; d < kDimensions; ++d) sums[d].resize(groups_[d].codes.size());
  for (std::size_t c = 0; c < cells_.size(); ++c) {
    total += cells_[c];
    for (std::size_t d = 0; d < kDimensions; ++d)
      if (cell_keys_[c][d] != kNone) sums[d][cell_keys_[c][d]] += cells_[c];
  }

  // The durations of each group, for the exact p90 and mean: the times to accept on a
  // thread of their own while the times to resolve are taken here.
  std::vector<Durations> accept[kDimensions], resolve[kDimensions];
  // Each dimension's groups as lists of cells, made once: a group's values are those of its
  // cells.
  const std::size_t cells = cells_.size();
  std::vector<std::uint32_t> cells_of[kDimensions];
  std::vector<std::size_t> cells_start[kDimensions];
  for (std::size_t d = 0; d < kDimensions; ++d) {
    const std::size_t groups = groups_[d].codes.size();
    auto& start = cells_start[d];
    start.assign(groups + 1, 0);
    for (std::size_t c = 0; c < cells; ++c)
      if (const auto g = cell_keys_[c][d]; g != kNone) ++start[g + 1];
    for (std::size_t g = 0; g < groups; ++g) start[g + 1] += start[g];
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    cells_of[d].resize(start[groups]);
    for (std::size_t c = 0; c < cells; ++c)
      if (const auto g = cell_keys_[c][d]; g != kNone) cells_of[d][next[g]++] = static_cast<std::uint32_t>(c);
  }
  auto durations = [&](Millis Timed::*member, Durations& all, std::vector<Durations>(&by_group)[kDimensions]) {
    // The values dealt out to their cells in one pass over the entries (a counting sort by
    // cell); then each group's values are gathered from its cells' runs.
    std::vector<std::size_t> start(cells + 1, 0);
    for (const auto& block : timed_)
      for (const auto& t : block)
        if (t.*member != kNoDuration) ++start[t.cell + 1];
    for (std::size_t c = 0; c < cells; ++c) start[c + 1] += start[c];
    std::vector<Millis> by_cell(start[cells]);
    {
      std::vector<std::size_t> next(start.begin(), start.end() - 1);
      for (const auto& block : timed_)
        for (const auto& t : block)
          if (t.*member != kNoDuration) by_cell[next[t.cell]++] = t.*member;
    }
    std::vector<Millis> values(by_cell);
    all = durations_of(values);
    for (std::size_t d = 0; d < kDimensions; ++d) {
      const std::size_t groups = groups_[d].codes.size();
      by_group[d].resize(groups);
      for (std::size_t g = 0; g < groups; ++g) {
        values.clear();
        for (std::size_t i = cells_start[d][g]; i < cells_start[d][g + 1]; ++i) {
          const auto c = cells_of[d][i];
          values.insert(values.end(), by_cell.begin() + static_cast<std::ptrdiff_t>(start[c]),
                        by_cell.begin() + static_cast<std::ptrdiff_t>(start[c + 1]));
        }
        by_group[d][g] = durations_of(values);
      }
    }
  };
  std::exception_ptr failed;
  std::thread other([&] {
    try {
      durations(&Timed::to_accept, accept_total, accept);
    } catch (...) {
      failed = std::current_exception();
    }
  });
  try {
    durations(&Timed::to_resolve, resolve_total, resolve);
  } catch (...) {
    other.join();
    throw;
  }
  other.join();
  if (failed) std::rethrow_exception(failed);
  a.total = total.finish(std::move(accept_total), std::move(resolve_total));
  // Each dimension's figures by group number.
  std::vector<Figures> figures[kDimensions];
  for (std::size_t d = 0; d < kDimensions; ++d) {
    figures[d].reserve(sums[d].size());
    for (std::size_t i = 0; i < sums[d].size(); ++i)
      figures[d].push_back(sums[d][i].finish(std::move(accept[d][i]), std::move(resolve[d][i])));
  }
  timed_ = {};
  timed_count_ = 0;
  const Figures none = FigureSums{}.finish({}, {});

  auto row = [&](const std::string& code, const std::string& name, const std::string& parent, std::size_t dimension) {
    AssessmentRow r;
    const auto& index = groups_[dimension].index;
    auto g = index.find(code);
    r.figures = g == index.end() ? none : figures[dimension][g->second];
    r.score = score_of(r.figures, rules);
    if (r.score) r.stars = stars_of(*r.score, rules);
    r.code = code;
    r.name = name;
    r.parent = parent;
    return r;
  };
  // The organisation's lists come sorted by code; rows are sorted only when they are not.
  auto by_code = [](std::vector<AssessmentRow>& rows) {
    auto less = [](const AssessmentRow& x, const AssessmentRow& y) { return x.code < y.code; };
    if (!std::is_sorted(rows.begin(), rows.end(), less)) std::sort(rows.begin(), rows.end(), less);
  };

  std::unordered_set<std::string_view> listed;
  listed.reserve(org.workers.size());
  a.workers.reserve(org.workers.size() + groups_[kWorker].codes.size());
  for (const auto& w : org.workers)
    if (listed.insert(w.id).second) a.workers.push_back(row(w.id, w.name, w.community, kWorker));
  for (const auto& id : groups_[kWorker].codes) {
    if (listed.count(id)) continue;
    std::string name, community;
    for (const auto& w : org.other_workers)
      if (w.id == id) name = w.name, community = w.community;
    a.workers.push_back(row(id, name, community, kWorker));
  }
  by_code(a.workers);
  a.grids.reserve(org.grids.size());
  for (const auto& g : org.grids) a.grids.push_back(row(g.code, g.name, g.community, kGrid));
  by_code(a.grids);
  for (const auto& j : org.jurisdictions) {
    if (j.level == Level::community) a.communities.push_back(row(j.code, j.name, j.parent, kCommunity));
    if (j.level == Level::street) a.streets.push_back(row(j.code, j.name, j.parent, kStreet));
  }
  by_code(a.streets);

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
    if (p.start < as_of_) {
      p.overdue_open = 0;
      open_ends_.push_back(std::min(p.end, as_of_));
    }
  open_delta_.assign(open_ends_.size() + 1, 0);
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
  // Counted in the buckets whose end e has overdue_at < e <= closed_at: the ends rise, so
  // those buckets are one run.
  const auto begin = std::upper_bound(open_ends_.begin(), open_ends_.end(), *f.overdue_at) - open_ends_.begin();
  const auto end = f.closed_at
                       ? std::upper_bound(open_ends_.begin(), open_ends_.end(), *f.closed_at) - open_ends_.begin()
                       : static_cast<std::ptrdiff_t>(open_ends_.size());
  if (begin >= end) return;
  ++open_delta_[static_cast<std::size_t>(begin)];
  --open_delta_[static_cast<std::size_t>(end)];
}

void TrendTally::merge(TrendTally&& o) {
  for (std::size_t i = 0; i < t_.points.size() && i < o.t_.points.size(); ++i) {
    auto& p = t_.points[i];
    const auto& q = o.t_.points[i];
    p.taken_in += q.taken_in;
    p.closed += q.closed;
    p.closed_on_time += q.closed_on_time;
    p.became_overdue += q.became_overdue;
    for (std::size_t k = 0; k < p.became_overdue_by_colour.size(); ++k)
      p.became_overdue_by_colour[k] += q.became_overdue_by_colour[k];
    p.escalations += q.escalations;
  }
  for (const auto& [category, counts] : o.by_category_) {
    auto& mine = by_category_[category];
    if (mine.size() < counts.size()) mine.resize(counts.size());
    for (std::size_t i = 0; i < counts.size(); ++i) mine[i] += counts[i];
  }
  for (std::size_t i = 0; i < open_delta_.size() && i < o.open_delta_.size(); ++i) open_delta_[i] += o.open_delta_[i];
}

Trends TrendTally::finish() && {
  Trends t = std::move(t_);
  std::int64_t open = 0;
  for (std::size_t i = 0; i < open_ends_.size(); ++i) {
    open += open_delta_[i];
    *t.points[i].overdue_open = open;
  }
  for (const auto& [category, counts] : by_category_) t.categories.push_back(category);
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    auto& p = t.points[i];
    p.by_category.reserve(by_category_.size());
    for (const auto& [category, counts] : by_category_) p.by_category.push_back(i < counts.size() ? counts[i] : 0);
  }
  return t;
}

}  // namespace gridkeeper::dispatch
