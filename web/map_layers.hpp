#pragma once
// Shapes for the map endpoints as GeoJSON geometry text: each grid's polygon, and the
// union of the grids of each community and street. Built once per grid index snapshot,
// on first use (on a thread that may block), then shared by every request.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "dispatch/center.hpp"
#include "geo/geometry.hpp"

namespace gridkeeper::web {

class MapLayers {
 public:
  struct Shapes {
    std::shared_ptr<const geo::GridIndex> index;
    std::unordered_map<std::string, std::string> grid;  // code -> geometry JSON
    std::unordered_map<std::string, geo::BBox> grid_bbox;
    std::map<std::string, std::string> community, street;  // code -> geometry JSON (union)
    // A hash of every shape: what the entity tags of the answers built from them start
    // from, so that a new grid index (or a restart with other grids) changes them.
    std::uint64_t hash = 0;
    const std::map<std::string, std::string>* unions(dispatch::Level level) const {
      return level == dispatch::Level::community ? &community : level == dispatch::Level::street ? &street : nullptr;
    }
  };

  // The areas' names, for answers that list areas without shapes: grids (name and
  // community) and jurisdictions. Cheap to build; also kept per grid index snapshot.
  struct Names {
    std::shared_ptr<const geo::GridIndex> index;
    std::unordered_map<std::string, std::pair<std::string, std::string>> grid;  // code -> name, community
    std::unordered_map<std::string, std::string> area;                          // jurisdiction code -> name
  };

  explicit MapLayers(const dispatch::Center& center) : center_(center) {}
  std::shared_ptr<const Shapes> shapes();
  std::shared_ptr<const Names> names();

 private:
  const dispatch::Center& center_;
  std::mutex mutex_;
  std::shared_ptr<const Shapes> current_;
  std::shared_ptr<const Names> names_;
};

}  // namespace gridkeeper::web
