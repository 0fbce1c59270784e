#include "demo/redraw.hpp"

#include <geos_c.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <optional>
#include <set>

#include "data/schema.hpp"
#include "geo/geojson.hpp"
#include "geo/geos.hpp"

namespace gridkeeper::demo {

namespace json = boost::json;

namespace {

struct Unit {
  std::string code, name, level, parent;
  std::int64_t population = 0;
  geo::MultiPolygon shape;
};

geo::geos::Geometry union_of(const std::vector<const geo::MultiPolygon*>& shapes) {
  auto* ctx = geo::geos::context();
  std::vector<GEOSGeometry*> parts;
  for (const auto* s : shapes)
    if (auto g = geo::geos::to_geos(*s)) parts.push_back(g.release());
  geo::geos::Geometry collection(
      GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts.data(), static_cast<unsigned>(parts.size())));
  if (!collection) return geo::geos::Geometry(nullptr);
  return geo::geos::Geometry(GEOSUnaryUnion_r(ctx, collection.get()));
}

geo::MultiPolygon clip(const geo::MultiPolygon& shape, const geo::BBox& box) {
  auto g = geo::geos::to_geos(shape);
  auto b = geo::geos::make_box(box);
  if (!g || !b) return {};
  geo::geos::Geometry cut(GEOSIntersection_r(geo::geos::context(), g.get(), b.get()));
  return cut ? geo::geos::polygons_of(cut.get()) : geo::MultiPolygon{};
}

geo::BBox box_of(const geo::MultiPolygon& shape) {
  geo::BBox b;
  for (const auto& p : shape)
    for (const auto& r : p.rings)
      for (const auto& v : r) b.add(v);
  return b;
}

json::object feature(const Unit& u) {
  json::object props{{"code", u.code}, {"name", u.name}, {"level", u.level}};
  if (!u.parent.empty()) props["parent"] = u.parent;
  if (u.level == "grid") props["population"] = u.population;
  return json::object{
      {"type", "Feature"}, {"properties", props}, {"geometry", json::parse(geo::write_geometry(u.shape))}};
}

}  // namespace

RedrawOutcome demo_redraw(const std::string& db_path) {
  RedrawOutcome out;
  auto db = data::open_for_reading(db_path);
  if (!db) return {{}, db.error().message};
  std::vector<Unit> grids, areas;
  {
    auto q = (*db)->query("SELECT code, name, level, coalesce(parent, '') FROM jurisdictions ORDER BY code");
    if (!q) return {{}, q.error().message};
    while (q->next()) areas.push_back({q->text(0), q->text(1), q->text(2), q->text(3), 0, {}});
  }
  {
    auto q = (*db)->query(
        "SELECT code, name, community, population, geometry FROM grids WHERE retired_at IS NULL ORDER BY code");
    if (!q) return {{}, q.error().message};
    while (q->next()) {
      auto shape = geo::read_geometry(q->text(4));
      if (!shape) return {{}, "grid " + q->text(0) + " has a geometry that cannot be read"};
      grids.push_back({q->text(0), q->text(1), "grid", q->text(2), q->int64(3), std::move(*shape)});
    }
  }
  if (grids.size() < 5) return {{}, "the city has too few grids to redraw"};
  // Split the three most populous grids.
  std::vector<std::size_t> order(grids.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return grids[a].population > grids[b].population; });
  std::set<std::size_t> gone;
  std::vector<Unit> added;
  for (std::size_t k = 0; k < 3; ++k) {
    const auto& g = grids[order[k]];
    const auto b = box_of(g.shape);
    geo::BBox first = b, second = b;
    if (b.max_lon - b.min_lon >= b.max_lat - b.min_lat) first.max_lon = second.min_lon = (b.min_lon + b.max_lon) / 2;
    else first.max_lat = second.min_lat = (b.min_lat + b.max_lat) / 2;
    auto west = clip(g.shape, first), east = clip(g.shape, second);
    if (west.empty() || east.empty()) continue;
    gone.insert(order[k]);
    added.push_back({g.code + "1", g.name + "甲", "grid", g.parent, g.population / 2, std::move(west)});
    added.push_back({g.code + "2", g.name + "乙", "grid", g.parent, g.population - g.population / 2, std::move(east)});
    out.summary += "split " + g.code + " (" + g.name + ")\n";
  }
  // Merge the least populous pair of neighbours in one community.
  auto* ctx = geo::geos::context();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const auto& a = grids[*it];
    if (gone.count(*it)) continue;
    auto ga = geo::geos::to_geos(a.shape);
    std::optional<std::size_t> partner;
    for (auto jt = order.rbegin(); jt != order.rend(); ++jt) {
      if (*jt == *it || gone.count(*jt) || grids[*jt].parent != a.parent) continue;
      auto gb = geo::geos::to_geos(grids[*jt].shape);
      if (!ga || !gb) continue;
      geo::geos::Geometry shared(GEOSIntersection_r(ctx, ga.get(), gb.get()));
      double length = 0;
      if (shared) GEOSLength_r(ctx, shared.get(), &length);
      if (length > 0) {
        partner = *jt;
        break;
      }
    }
    if (!partner) continue;
    const auto& b = grids[*partner];
    auto merged = union_of({&a.shape, &b.shape});
    if (!merged) continue;
    gone.insert(*it);
    gone.insert(*partner);
    added.push_back({a.code + "9", a.name + "（合并）", "grid", a.parent, a.population + b.population,
                     geo::geos::polygons_of(merged.get())});
    out.summary += "merged " + a.code + " and " + b.code + "\n";
    break;
  }
  std::vector<Unit> next;
  for (std::size_t i = 0; i < grids.size(); ++i)
    if (!gone.count(i)) next.push_back(std::move(grids[i]));
  for (auto& u : added) next.push_back(std::move(u));
  // The areas above: unions of their children, level by level.
  std::map<std::string, std::vector<const geo::MultiPolygon*>> children;
  for (const auto& g : next) children[g.parent].push_back(&g.shape);
  json::array features;
  for (const char* level : {"community", "street", "district"}) {
    for (auto& a : areas) {
      if (a.level != level) continue;
      auto c = children.find(a.code);
      if (c == children.end() || c->second.empty()) continue;
      auto u = union_of(c->second);
      if (!u) return {{}, "the union of " + a.code + " failed: " + geo::geos::last_error()};
      a.shape = geo::geos::polygons_of(u.get());
      children[a.parent].push_back(&a.shape);
    }
  }
  for (const auto& a : areas)
    if (!a.shape.empty()) features.push_back(feature(a));
  for (const auto& g : next) features.push_back(feature(g));
  out.geojson = json::serialize(json::object{{"type", "FeatureCollection"}, {"features", std::move(features)}});
  return out;
}

}  // namespace gridkeeper::demo
