#include <algorithm>

#include "dispatch/center.hpp"

// The Center's counts of open cases by area, kept as cases change.
namespace gridkeeper::dispatch {

void Center::recount_locked(CaseId id, std::vector<std::pair<Level, std::string>>* touched) {
  auto note = [touched](const AreaKey& k) {
    if (!touched) return;
    for (auto [level, code] :
         {std::pair{Level::grid, &k.grid}, {Level::community, &k.community}, {Level::street, &k.street}}) {
      if (code->empty()) continue;
      const std::pair<Level, std::string> area{level, *code};
      if (std::find(touched->begin(), touched->end(), area) == touched->end()) touched->push_back(area);
    }
  };
  if (auto was = counted_.find(id); was != counted_.end()) {
    tallies_.add(was->second, -1);
    note(was->second);
    counted_.erase(was);
  }
  if (auto it = open_.find(id); it != open_.end()) {
    auto key = AreaKey::of(it->second);
    tallies_.add(key, +1);
    note(key);
    counted_.emplace(id, std::move(key));
  }
}

std::vector<AreaCounts> Center::area_counts(Level level, const Actor& actor) const {
  std::lock_guard lock(mutex_);
  if (level == Level::district) return {};
  if (sees_own_work_only(actor)) {
    std::vector<AreaKey> mine;
    for (const auto& [id, c] : open_)
      if (case_visible_locked(c, actor)) mine.push_back(AreaKey::of(c));
    return count_areas(level, mine);
  }
  std::vector<AreaCounts> out;
  const auto& areas = tallies_.of(level);
  // The level of the scope: a grid, or a jurisdiction's.
  std::optional<Level> scope_level;
  if (!actor.scope.empty()) {
    if (grids_.count(actor.scope)) scope_level = Level::grid;
    else if (auto j = jurisdictions_.find(actor.scope); j != jurisdictions_.end()) scope_level = j->second.level;
    else return {};
  }
  if (scope_level && static_cast<int>(*scope_level) > static_cast<int>(level)) {
    // The scope lies inside one area of this level: that area, with the scope's own cases.
    if (*scope_level == Level::district) return {};
    std::string at = actor.scope;
    if (auto g = grids_.find(at); g != grids_.end()) at = g->second.community;
    for (int depth = 0; depth < 8 && !at.empty(); ++depth) {
      auto j = jurisdictions_.find(at);
      if (j == jurisdictions_.end()) break;
      if (j->second.level == level) {
        auto own = tallies_.get(*scope_level, actor.scope);
        if (own.empty()) return {};
        own.level = level;
        own.code = at;
        return {std::move(own)};
      }
      at = j->second.parent;
    }
    return {};
  }
  out.reserve(areas.size());
  for (const auto& [code, counts] : areas)
    if (sees_area_counts(actor, code, places())) out.push_back(counts);
  std::sort(out.begin(), out.end(), [](const AreaCounts& a, const AreaCounts& b) { return a.code < b.code; });
  return out;
}

std::uint64_t Center::areas_seen(const std::vector<AreaCounts>& areas, const Actor& actor) const {
  std::lock_guard lock(mutex_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < areas.size() && i < 64; ++i)
    if (sees_area_counts(actor, areas[i].code, places())) seen |= std::uint64_t{1} << i;
  return seen;
}

}  // namespace gridkeeper::dispatch
