#include "dispatch/case_sort.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <tuple>
#include <utility>

#include "dispatch/case_clock.hpp"

namespace gridkeeper::dispatch {

namespace {
constexpr std::array<std::pair<SortKey, std::string_view>, 9> kKeys{{{SortKey::id, "id"},
                                                                     {SortKey::time_left, "time_left"},
                                                                     {SortKey::urgency, "urgency"},
                                                                     {SortKey::state, "state"},
                                                                     {SortKey::tier, "tier"},
                                                                     {SortKey::grid, "grid"},
                                                                     {SortKey::assignee, "assignee"},
                                                                     {SortKey::title, "title"},
                                                                     {SortKey::created_at, "created_at"}}};

// Most pressing first: overdue (longest first), then running (least left first), then a
// paused clock, then none.
std::pair<int, std::int64_t> pressure(const Case& c, Millis now) {
  const auto k = clock_of(c, now);
  if (k.overdue) return {0, -k.overdue_s};
  if (k.running && k.left_s) return {1, *k.left_s};
  if (k.deadline) return {2, k.left_s.value_or(0)};
  return {3, 0};
}
}  // namespace

std::optional<CaseSort> case_sort_from(std::string_view text) {
  CaseSort s;
  if (!text.empty() && text.front() == '-') {
    s.descending = true;
    text.remove_prefix(1);
  }
  for (const auto& [key, name] : kKeys)
    if (name == text) {
      s.key = key;
      return s;
    }
  return std::nullopt;
}

std::string_view to_string(SortKey key) {
  for (const auto& [k, name] : kKeys)
    if (k == key) return name;
  return "id";
}

void sort_cases(std::vector<Case>& cases, CaseSort sort, Millis now) {
  // Ascending "less" of the key; ties by id, newest first, in both directions.
  auto by = [&](auto key) {
    std::stable_sort(cases.begin(), cases.end(), [&](const Case& a, const Case& b) {
      const auto ka = key(a), kb = key(b);
      if (ka != kb) return sort.descending ? kb < ka : ka < kb;
      return a.id > b.id;
    });
  };
  switch (sort.key) {
    case SortKey::id:
      return by([](const Case& c) { return -c.id; });  // newest first, as the unsorted list
    case SortKey::time_left: {
      // Computed once per case, not per comparison.
      std::vector<std::pair<std::pair<int, std::int64_t>, std::size_t>> keyed;
      keyed.reserve(cases.size());
      for (std::size_t i = 0; i < cases.size(); ++i) keyed.emplace_back(pressure(cases[i], now), i);
      std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
        if (a.first != b.first) return sort.descending ? b.first < a.first : a.first < b.first;
        return cases[a.second].id > cases[b.second].id;
      });
      std::vector<Case> out;
      out.reserve(cases.size());
      for (const auto& [key, i] : keyed) out.push_back(std::move(cases[i]));
      cases = std::move(out);
      return;
    }
    case SortKey::urgency:  // the most urgent first when ascending, as people read "urgency"
      return by([](const Case& c) { return -static_cast<int>(c.urgency); });
    case SortKey::state:
      return by([](const Case& c) { return static_cast<int>(c.state); });
    case SortKey::tier:
      return by([](const Case& c) { return -static_cast<int>(c.tier); });
    case SortKey::grid:
      return by([](const Case& c) { return std::tie(c.grid); });
    case SortKey::assignee:
      return by([](const Case& c) { return std::tie(c.assignee); });
    case SortKey::title:
      return by([](const Case& c) { return std::tie(c.title); });
    case SortKey::created_at:
      return by([](const Case& c) { return c.created_at; });
  }
}

}  // namespace gridkeeper::dispatch
