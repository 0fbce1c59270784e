#pragma once
// Shapes for the map endpoints as GeoJSON geometry text: each grid's polygon, and the
// union of the grids of each community and street. Built once per grid index snapshot, on
// first use (on a thread that may block): the grids' at once, each level's unions when that
// level is first asked for (they take most of the time); then shared by every request.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
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
    // A hash of every grid's shape: what the entity tags of the answers built from them
    // start from, so that a new grid index (or a restart with other grids) changes them.
    std::uint64_t hash = 0;
  };
  // The communities' or streets' shapes: code -> geometry JSON (empty when GEOS refused).
  struct Unions {
    std::shared_ptr<const geo::GridIndex> index;
    std::map<std::string, std::string> area;
    std::uint64_t hash = 0;  // of the grids' hash and every union
  };

  // The areas' names, for answers that list areas without shapes: grids (name and
  // community) and jurisdictions. Cheap to build; also kept per grid index snapshot.
  struct Names {
    std::shared_ptr<const geo::GridIndex> index;
    std::unordered_map<std::string, std::pair<std::string, std::string>> grid;  // code -> name, community
    std::unordered_map<std::string, std::string> area;                          // jurisdiction code -> name
  };

  explicit MapLayers(const dispatch::Center& center) : center_(center) {}
  ~MapLayers();  // waits for a warm-up under way to finish its current level
  MapLayers(const MapLayers&) = delete;
  MapLayers& operator=(const MapLayers&) = delete;

  // Builds the shapes of the current grid index on a thread of its own (the grids', then
  // the streets' and the communities' unions, a few seconds at 8,000 grids), so that the
  // first map after start-up does not wait for them. It runs at a low priority, so that
  // the requests of the first seconds are not slowed by it.
  void warm_up();
  std::shared_ptr<const Shapes> shapes();
  // level: community or street.
  std::shared_ptr<const Unions> unions(dispatch::Level level);
  std::shared_ptr<const Names> names();

 private:
  const dispatch::Center& center_;
  std::mutex mutex_;
  std::shared_ptr<const Shapes> current_;
  std::shared_ptr<const Unions> community_, street_;
  std::shared_ptr<const Names> names_;
  std::jthread warming_;
};

}  // namespace gridkeeper::web
