#pragma once
// The open cases of an area (a grid, community or street) counted by colour: open, warned
// and overdue. `AreaTallies` keeps them for every area as cases change (the Center adds a
// case's contribution and takes it away again), so that the overdue map and the live feed
// read them in O(areas) instead of walking every open case.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

// By colour: `open` and `warned` count the open cases of that colour now; `overdue` the
// overdue cases that count under that colour (the colour of the deadline they missed first).
struct UrgencyTally {
  std::int64_t open = 0, warned = 0, overdue = 0;
  bool empty() const { return open == 0 && warned == 0 && overdue == 0; }
  friend bool operator==(const UrgencyTally&, const UrgencyTally&) = default;
};

// The counts of one area. Levels counted: grid, community, street.
struct AreaCounts {
  Level level = Level::grid;
  std::string code;
  std::array<UrgencyTally, 3> by_urgency{};  // by Urgency

  const UrgencyTally& of(Urgency u) const { return by_urgency[static_cast<std::size_t>(u)]; }
  UrgencyTally total() const;
  // The highest colour with an open case; nothing when the area has none.
  std::optional<Urgency> worst() const;
  bool empty() const { return total().open == 0; }
  friend bool operator==(const AreaCounts&, const AreaCounts&) = default;
};

// What one open case adds to the counts: its areas and its colour and state.
struct AreaKey {
  std::string grid, community, street;
  Urgency urgency = Urgency::yellow;
  bool warned = false, overdue = false;
  // The colour the case counts under as overdue (dispatch/overdue_colour.hpp); the
  // case's colour when not set.
  std::optional<Urgency> missed;
  static AreaKey of(const Case& c);
};

inline constexpr std::array kCountedLevels{Level::grid, Level::community, Level::street};

class AreaTallies {
 public:
  // Adds (sign +1) or takes away (-1) one case's contribution; an area whose counts fall
  // to zero is forgotten.
  void add(const AreaKey& key, int sign);
  // The counts of an area (zeros when it holds no open case).
  AreaCounts get(Level level, const std::string& code) const;
  // Every area of a level holding an open case. Not for grid/community/street: empty.
  const std::unordered_map<std::string, AreaCounts>& of(Level level) const;
  std::size_t size(Level level) const { return of(level).size(); }

 private:
  std::unordered_map<std::string, AreaCounts>* map_of(Level level);
  std::unordered_map<std::string, AreaCounts> grid_, community_, street_, none_;
};

// Counts over a list of cases, as the kept counts should be: for tests and for views that
// cover only some of an area's cases (a worker's own).
std::vector<AreaCounts> count_areas(Level level, const std::vector<AreaKey>& cases);

}  // namespace gridkeeper::dispatch
