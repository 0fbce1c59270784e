#include "web/handlers/maps.hpp"

#include <map>
#include <optional>
#include <unordered_map>

#include "web/etag.hpp"
#include "web/params.hpp"
#include "web/roster_codec.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::Actor;
using dispatch::ErrorCode;
using dispatch::Level;

namespace {
// An area of the overdue map in the reader's view: its name and, for a grid, its community.
struct AreaName {
  std::string name, community;
};

// The code of the area of `level` that holds a grid (empty: none), each community's street
// looked up once.
class AreaOf {
 public:
  AreaOf(const dispatch::Center& center, Level level) : center_(center), level_(level) {}
  std::string operator()(const dispatch::Grid& g) {
    if (level_ == Level::grid) return g.code;
    if (level_ == Level::community) return g.community;
    auto s = street_of_.find(g.community);
    if (s == street_of_.end()) {
      const auto j = center_.jurisdiction(g.community);
      s = street_of_.emplace(g.community, j ? j->parent : std::string{}).first;
    }
    return s->second;
  }

 private:
  const dispatch::Center& center_;
  Level level_;
  std::unordered_map<std::string, std::string> street_of_;  // community -> street
};

void append_feature(std::string& out, bool& first, const std::string& code, const json::object& properties,
                    const std::string& geometry) {
  out += first ? "" : ",";
  first = false;
  out += R"({"type":"Feature","id":)";
  out += to_json_text(json::value(code));
  out += R"(,"properties":)";
  out += to_json_text(properties);
  out += R"(,"geometry":)";
  out += geometry;
  out += "}";
}
}  // namespace

MapHandlers::MapHandlers(Router& router, const ApiOptions& o, dispatch::Center& c)
    : HandlerGroup(router, o), center(c), layers(c), basemap_tag(TagHash().add(o.basemap_geojson).tag("basemap")) {
  layers.warm_up();
}

void MapHandlers::grids(const CallPtr& call) {
  std::optional<geo::BBox> bbox;
  std::string bbox_text;
  if (const auto* b = call->param("bbox")) {
    const auto v = parse_bbox(*b);
    if (!v) return fail(call, ErrorCode::invalid_value, "bbox must be minlon,minlat,maxlon,maxlat", "bbox");
    if (!on_globe(*v))
      return fail(call, ErrorCode::invalid_value, "bbox must be minlon,minlat,maxlon,maxlat within the globe", "bbox");
    bbox = geo::BBox{(*v)[0], (*v)[1], (*v)[2], (*v)[3]};
    bbox_text = *b;
  }
  offload(call, [this, call, bbox, bbox_text] {
    const auto shapes = layers.shapes();
    const auto grids = center.grids(call->actor());
    const auto flags = center.grid_flags();  // dispatch/roster.hpp: no B holder, a holder away...
    static const std::vector<std::string> kNoFlags;
    auto flags_of = [&](const std::string& code) -> const std::vector<std::string>& {
      auto f = flags.find(code);
      return f == flags.end() ? kNoFlags : f->second;
    };
    // The tag: the shapes, the box and every property of the grids listed (posts change).
    TagHash hash;
    hash.add(shapes->hash).add(bbox_text);
    std::vector<const dispatch::Grid*> listed;
    listed.reserve(grids.size());
    // Each grid's community by name (its label on the map: 鸿山社区 第3网格), looked up once.
    std::unordered_map<std::string, std::string> community_names;
    auto community_name = [&](const std::string& code) -> const std::string& {
      auto it = community_names.find(code);
      if (it == community_names.end()) {
        const auto j = center.jurisdiction(code);
        it = community_names.emplace(code, j ? j->name : std::string{}).first;
      }
      return it->second;
    };
    for (const auto& g : grids) {
      auto box = shapes->grid_bbox.find(g.code);
      if (bbox && (box == shapes->grid_bbox.end() || !bbox->intersects(box->second))) continue;
      listed.push_back(&g);
      hash.add(g.code)
          .add(g.name)
          .add(g.community)
          .add(community_name(g.community))
          .add(static_cast<std::uint64_t>(g.population))
          .add(g.owner)
          .add(g.backup);
      for (const auto& f : flags_of(g.code)) hash.add(f);
    }
    Response r;
    r.content_type = "application/geo+json";
    if (tag_answer(r, call->request, hash.tag("grids"))) return respond(call, std::move(r));
    std::string out = R"({"type":"FeatureCollection","features":[)";
    bool first = true;
    for (const auto* g : listed) {
      auto geometry = shapes->grid.find(g->code);
      auto properties = grid_properties(*g);
      properties["flags"] = flags_json(flags_of(g->code));
      properties["community_name"] = community_name(g->community);
      append_feature(out, first, g->code, properties,
                     geometry == shapes->grid.end() ? std::string("null") : geometry->second);
    }
    out += "]}";
    r.body = std::move(out);
    respond(call, std::move(r));
  });
}

void MapHandlers::overdue_map(const CallPtr& call) {
  std::string level_name = "grid";
  if (const auto* l = call->param("level")) level_name = *l;
  const auto level = dispatch::level_from(level_name);
  if (!level || *level == Level::district)
    return fail(call, ErrorCode::invalid_value, "level must be grid, community or street", "level");
  // geometry=false: the counts alone, for a map that has the shapes and follows changes;
  // counts=false: the shapes alone, tagged, for the browser to keep and revalidate.
  bool with_geometry = true, with_counts = true;
  for (auto [name, flag] : {std::pair{"geometry", &with_geometry}, {"counts", &with_counts}}) {
    if (const auto* g = call->param(name)) {
      auto v = parse_flag(*g);
      if (!v) return fail(call, ErrorCode::invalid_value, std::string(name) + " must be true or false", name);
      *flag = *v;
    }
  }
  if (!with_geometry && !with_counts)
    return fail(call, ErrorCode::invalid_value, "geometry=false and counts=false leave nothing to answer", "counts");
  offload(call, [this, call, level = *level, level_name, with_geometry, with_counts] {
    const Actor actor = call->actor();
    Response r;
    r.content_type = "application/geo+json";
    if (!with_geometry) {
      // Every area in view, zeros included, read from the center's kept counts and written
      // straight out: 8,000 grids in a few ms.
      const auto names = layers.names();
      const auto counts = center.area_counts(level, actor);
      const auto grids = center.grids(actor);
      std::vector<dispatch::AreaCounts> zeros;                         // the areas in view without open cases
      zeros.reserve(grids.size());                                     // never moves: `listed` points into it
      std::map<std::string_view, const dispatch::AreaCounts*> listed;  // by code
      for (const auto& a : counts) listed.emplace(a.code, &a);
      AreaOf area_of(center, level);
      for (const auto& g : grids) {
        std::string code = area_of(g);
        if (code.empty() || listed.count(code)) continue;
        zeros.push_back(dispatch::AreaCounts{level, std::move(code), {}});
        listed.emplace(zeros.back().code, &zeros.back());
      }
      std::string out = R"({"type":"FeatureCollection","features":[)";
      out.reserve(out.size() + listed.size() * 240);
      bool first = true;
      for (const auto& [code, area] : listed) {
        const auto& a = *area;
        out += first ? R"({"type":"Feature","id":)" : R"(,{"type":"Feature","id":)";
        first = false;
        write_json_string(out, a.code);
        out += R"(,"properties":{)";
        write_area_members(out, a);
        if (level == Level::grid) {
          if (auto g = names->grid.find(a.code); g != names->grid.end()) {
            out += R"(,"name":)";
            write_json_string(out, g->second.first);
            out += R"(,"community":)";
            write_json_string(out, g->second.second);
          }
        } else if (auto j = names->area.find(a.code); j != names->area.end()) {
          out += R"(,"name":)";
          write_json_string(out, j->second);
        }
        out += R"(},"geometry":null})";
      }
      out += "]}";
      r.body = std::move(out);
      return respond(call, std::move(r));
    }
    // The areas in view: those of the grids the reader sees, with their names.
    std::map<std::string, AreaName> areas;
    AreaOf area_of(center, level);
    for (const auto& g : center.grids(actor)) {
      if (level == Level::grid) {
        areas[g.code] = {g.name, g.community};
        continue;
      }
      std::string code = area_of(g);
      if (!code.empty() && !areas.count(code)) areas[code] = {};
    }
    if (level != Level::grid)
      for (auto& [code, area] : areas)
        if (auto j = center.jurisdiction(code)) area.name = j->name;
    std::map<std::string, dispatch::AreaCounts> counts;
    if (with_counts)
      for (auto& a : center.area_counts(level, actor)) counts.emplace(a.code, std::move(a));
    const auto shapes = layers.shapes();
    const auto unions = level == Level::grid ? nullptr : layers.unions(level);
    if (!with_counts) {
      TagHash hash;
      hash.add(unions ? unions->hash : shapes->hash).add(level_name);
      for (const auto& [code, area] : areas) hash.add(code).add(area.name).add(area.community);
      if (tag_answer(r, call->request, hash.tag("shapes"))) return respond(call, std::move(r));
    }
    auto properties = [&](const std::string& code, const dispatch::AreaCounts* c) {
      json::object props;
      if (c) {
        props = area_json(*c);
      } else {
        props["id"] = code;
        props["level"] = level_name;
        if (with_counts) props = area_json(dispatch::AreaCounts{level, code, {}});
      }
      if (auto a = areas.find(code); a != areas.end()) {
        if (!a->second.name.empty()) props["name"] = a->second.name;
        if (!a->second.community.empty()) props["community"] = a->second.community;
      }
      return props;
    };
    std::string out = R"({"type":"FeatureCollection","features":[)";
    bool first = true;
    // Every area in view (and any holding a case the reader sees), with its shape.
    for (const auto& [code, c] : counts)
      if (!areas.count(code)) areas[code] = {};
    for (const auto& [code, area] : areas) {
      std::string geometry = "null";
      if (level == Level::grid) {
        if (auto g = shapes->grid.find(code); g != shapes->grid.end()) geometry = g->second;
      } else if (auto g = unions->area.find(code); g != unions->area.end() && !g->second.empty()) {
        geometry = g->second;
      }
      auto c = counts.find(code);
      append_feature(out, first, code, properties(code, c == counts.end() ? nullptr : &c->second), geometry);
    }
    out += "]}";
    r.body = std::move(out);
    respond(call, std::move(r));
  });
}

}  // namespace gridkeeper::web
