#include "web/map_layers.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <vector>

#include "geo/geojson.hpp"
#include "geo/geos.hpp"
#include "web/etag.hpp"

namespace gridkeeper::web {

namespace {
// The union of some grids' polygons, as GeoJSON; empty text when GEOS refuses.
std::string union_geometry(const geo::GridIndex& index, const std::vector<std::size_t>& members) {
  auto* ctx = geo::geos::context();
  std::vector<GEOSGeometry*> parts;
  parts.reserve(members.size());
  for (auto i : members)
    if (auto* g = GEOSGeom_clone_r(ctx, index.geometry(i))) parts.push_back(g);
  if (parts.empty()) return {};
  geo::geos::Geometry collection(
      GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts.data(), static_cast<unsigned>(parts.size())));
  if (!collection) {
    for (auto* g : parts) GEOSGeom_destroy_r(ctx, g);
    return {};
  }
  geo::geos::Geometry merged(GEOSUnaryUnion_r(ctx, collection.get()));
  if (!merged) return {};
  auto shape = geo::geos::polygons_of(merged.get());
  return shape.empty() ? std::string{} : geo::write_geometry(shape);
}
}  // namespace

MapLayers::~MapLayers() {
  if (warming_.joinable()) {
    warming_.request_stop();
    warming_.join();
  }
}

void MapLayers::warm_up() {
  if (warming_.joinable()) return;
  warming_ = std::jthread([this](std::stop_token stop) {
    // Background work: requests come first. The thread leaves any real-time policy it was
    // started with and runs at a low priority (not the lowest: a request for a map that it
    // is building waits for it).
    sched_param normal{};
    pthread_setschedparam(pthread_self(), SCHED_OTHER, &normal);
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
    if (!center_.grid_index()) return;
    shapes();
    for (auto level : {dispatch::Level::street, dispatch::Level::community}) {
      if (stop.stop_requested()) return;
      unions(level);
    }
  });
}

std::shared_ptr<const MapLayers::Shapes> MapLayers::shapes() {
  const auto index = center_.grid_index();
  std::lock_guard lock(mutex_);
  if (current_ && current_->index == index) return current_;
  auto s = std::make_shared<Shapes>();
  s->index = index;
  if (!index) return current_ = s;
  TagHash hash;
  for (std::size_t i = 0; i < index->size(); ++i) {
    auto& text = s->grid[index->code(i)] = geo::write_geometry(geo::geos::polygons_of(index->geometry(i)));
    s->grid_bbox[index->code(i)] = index->bbox(i);
    hash.add(index->code(i)).add(text);
  }
  s->hash = hash.value();
  current_ = s;
  return current_;
}

std::shared_ptr<const MapLayers::Unions> MapLayers::unions(dispatch::Level level) {
  const auto grids = shapes();
  std::lock_guard lock(mutex_);
  auto& slot = level == dispatch::Level::community ? community_ : street_;
  if (slot && slot->index == grids->index) return slot;
  auto u = std::make_shared<Unions>();
  u->index = grids->index;
  if (!u->index) return slot = u;
  const auto& index = *u->index;
  std::unordered_map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < index.size(); ++i) position[index.code(i)] = i;
  std::map<std::string, std::vector<std::size_t>> members;
  std::unordered_map<std::string, std::string> street_of;  // community -> street
  for (const auto& g : center_.grids(dispatch::Actor{})) {
    auto at = position.find(g.code);
    if (at == position.end()) continue;
    std::string code = g.community;
    if (level == dispatch::Level::street) {
      auto s = street_of.find(g.community);
      if (s == street_of.end()) {
        const auto j = center_.jurisdiction(g.community);
        s = street_of.emplace(g.community, j ? j->parent : std::string{}).first;
      }
      code = s->second;
    }
    if (!code.empty()) members[code].push_back(at->second);
  }
  TagHash hash;
  hash.add(grids->hash);
  for (const auto& [code, of] : members) hash.add(code).add(u->area[code] = union_geometry(index, of));
  u->hash = hash.value();
  slot = u;
  return slot;
}

std::shared_ptr<const MapLayers::Names> MapLayers::names() {
  const auto index = center_.grid_index();
  std::lock_guard lock(mutex_);
  if (names_ && names_->index == index) return names_;
  auto n = std::make_shared<Names>();
  n->index = index;
  const dispatch::Actor everyone{};
  for (auto& g : center_.grids(everyone)) n->grid.emplace(g.code, std::pair{std::move(g.name), std::move(g.community)});
  for (auto& j : center_.jurisdictions(everyone)) n->area.emplace(j.code, std::move(j.name));
  names_ = n;
  return names_;
}

}  // namespace gridkeeper::web
