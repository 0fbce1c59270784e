// The case list in an order other than the newest first: the open cases the actor sees and
// the query matches, sorted (dispatch/case_sort.hpp), one page from `offset`.
#include <algorithm>

#include "dispatch/access.hpp"
#include "dispatch/center.hpp"

namespace gridkeeper::dispatch {

SortedCases Center::sorted_open_cases(CaseQuery query, CaseSort sort, std::size_t offset, const Actor& actor) const {
  query.limit = std::clamp(query.limit, 1, 500);
  query.after.reset();
  SortedCases out;
  {
    std::lock_guard lock(mutex_);
    auto mine = narrowed(std::move(query), actor, places());
    if (!mine) return out;
    query = std::move(*mine);
    for (const auto& [id, c] : open_)
      if (matches_locked(c, query) && case_visible_locked(c, actor)) out.cases.push_back(c);
  }
  sort_cases(out.cases, sort, clock_.now());
  out.total = out.cases.size();
  const auto from = std::min(offset, out.cases.size());
  const auto to = std::min(out.cases.size(), from + static_cast<std::size_t>(query.limit));
  out.cases.erase(out.cases.begin() + static_cast<std::ptrdiff_t>(to), out.cases.end());
  out.cases.erase(out.cases.begin(), out.cases.begin() + static_cast<std::ptrdiff_t>(from));
  return out;
}

}  // namespace gridkeeper::dispatch
