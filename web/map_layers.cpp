#include "web/map_layers.hpp"

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

std::shared_ptr<const MapLayers::Shapes> MapLayers::shapes() {
  const auto index = center_.grid_index();
  std::lock_guard lock(mutex_);
  if (current_ && current_->index == index) return current_;
  auto s = std::make_shared<Shapes>();
  s->index = index;
  if (!index) return current_ = s;
  std::unordered_map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < index->size(); ++i) {
    position[index->code(i)] = i;
    s->grid[index->code(i)] = geo::write_geometry(geo::geos::polygons_of(index->geometry(i)));
    s->grid_bbox[index->code(i)] = index->bbox(i);
  }
  std::map<std::string, std::vector<std::size_t>> by_community, by_street;
  for (const auto& g : center_.grids(dispatch::Actor{})) {
    auto at = position.find(g.code);
    if (at == position.end()) continue;
    by_community[g.community].push_back(at->second);
    if (auto j = center_.jurisdiction(g.community); j && !j->parent.empty()) by_street[j->parent].push_back(at->second);
  }
  for (const auto& [code, members] : by_community) s->community[code] = union_geometry(*index, members);
  for (const auto& [code, members] : by_street) s->street[code] = union_geometry(*index, members);
  TagHash hash;
  for (std::size_t i = 0; i < index->size(); ++i) hash.add(index->code(i)).add(s->grid[index->code(i)]);
  for (const auto* unions : {&s->community, &s->street})
    for (const auto& [code, geometry] : *unions) hash.add(code).add(geometry);
  s->hash = hash.value();
  current_ = s;
  return current_;
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
