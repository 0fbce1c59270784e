#include "dispatch/area_counts.hpp"

#include <map>

#include "dispatch/overdue_colour.hpp"

namespace gridkeeper::dispatch {

UrgencyTally AreaCounts::total() const {
  UrgencyTally t;
  for (const auto& row : by_urgency) {
    t.open += row.open;
    t.warned += row.warned;
    t.overdue += row.overdue;
  }
  return t;
}

std::optional<Urgency> AreaCounts::worst() const {
  std::optional<Urgency> out;
  for (auto u : kUrgencies)
    if (of(u).open > 0) out = u;
  return out;
}

AreaKey AreaKey::of(const Case& c) {
  return {c.grid, c.community, c.street, c.urgency, c.warned, c.overdue, overdue_colour_of(c)};
}

std::unordered_map<std::string, AreaCounts>* AreaTallies::map_of(Level level) {
  switch (level) {
    case Level::grid:
      return &grid_;
    case Level::community:
      return &community_;
    case Level::street:
      return &street_;
    case Level::district:
      break;
  }
  return nullptr;
}

const std::unordered_map<std::string, AreaCounts>& AreaTallies::of(Level level) const {
  switch (level) {
    case Level::grid:
      return grid_;
    case Level::community:
      return community_;
    case Level::street:
      return street_;
    case Level::district:
      break;
  }
  return none_;
}

void AreaTallies::add(const AreaKey& key, int sign) {
  for (auto [level, code] :
       {std::pair{Level::grid, &key.grid}, {Level::community, &key.community}, {Level::street, &key.street}}) {
    if (code->empty()) continue;
    auto& areas = *map_of(level);
    auto it = areas.find(*code);
    if (it == areas.end()) {
      if (sign < 0) continue;  // never counted: nothing to take away
      it = areas.emplace(*code, AreaCounts{level, *code, {}}).first;
    }
    auto& row = it->second.by_urgency[static_cast<std::size_t>(key.urgency)];
    row.open += sign;
    row.warned += key.warned ? sign : 0;
    if (key.overdue) it->second.by_urgency[static_cast<std::size_t>(key.missed.value_or(key.urgency))].overdue += sign;
    if (it->second.total().open <= 0) areas.erase(it);
  }
}

AreaCounts AreaTallies::get(Level level, const std::string& code) const {
  const auto& areas = of(level);
  auto it = areas.find(code);
  return it == areas.end() ? AreaCounts{level, code, {}} : it->second;
}

std::vector<AreaCounts> count_areas(Level level, const std::vector<AreaKey>& cases) {
  AreaTallies tallies;
  for (const auto& k : cases) tallies.add(k, +1);
  std::map<std::string, AreaCounts> sorted(tallies.of(level).begin(), tallies.of(level).end());
  std::vector<AreaCounts> out;
  out.reserve(sorted.size());
  for (auto& [code, counts] : sorted) out.push_back(std::move(counts));
  return out;
}

}  // namespace gridkeeper::dispatch
