#pragma once
// The orders of the case list (GET /cases?sort=): by time left, overdue first and the most
// overdue first (the rule of dispatch/case_clock.hpp), or by a column; `-key` reverses.
// Sorted lists hold open cases (they are in memory) and are paged by offset.
#include <optional>
#include <string_view>
#include <vector>

#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

enum class SortKey { id, time_left, urgency, state, tier, grid, assignee, title, created_at };

struct CaseSort {
  SortKey key = SortKey::id;
  bool descending = false;
};

// "time_left", "-urgency", ...; nothing for an unknown key.
std::optional<CaseSort> case_sort_from(std::string_view text);
std::string_view to_string(SortKey key);

// Sorts `cases` as `sort` says as of `now`; ties by id, newest first.
void sort_cases(std::vector<Case>& cases, CaseSort sort, Millis now);

// Open cases in a sorted order: one page and how many there are in all.
struct SortedCases {
  std::vector<Case> cases;
  std::size_t total = 0;
};

}  // namespace gridkeeper::dispatch
