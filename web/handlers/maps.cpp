#include "web/handlers/maps.hpp"

#include <array>
#include <map>
#include <optional>
#include <unordered_map>

#include "web/params.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::Actor;
using dispatch::ErrorCode;

namespace {
struct Tally {
  std::array<std::array<std::int64_t, 3>, 3> by_urgency{};  // [urgency][open, warned, overdue]
  void add(const dispatch::Case& c) {
    auto& row = by_urgency[static_cast<std::size_t>(c.urgency)];
    ++row[0];
    row[1] += c.warned;
    row[2] += c.overdue;
  }
  json::object properties() const {
    std::array<std::int64_t, 3> total{};
    json::object by;
    json::value worst = nullptr;
    for (auto u : dispatch::kUrgencies) {
      const auto& row = by_urgency[static_cast<std::size_t>(u)];
      for (int k = 0; k < 3; ++k) total[k] += row[k];
      by[to_string(u)] = json::object{{"open", row[0]}, {"warned", row[1]}, {"overdue", row[2]}};
      if (row[0]) worst = to_string(u);
    }
    return json::object{{"open", total[0]},
                        {"warned", total[1]},
                        {"overdue", total[2]},
                        {"worst", worst},
                        {"by_urgency", std::move(by)}};
  }
};
}  // namespace

MapHandlers::MapHandlers(Router& router, const ApiOptions& o, dispatch::Center& c)
    : HandlerGroup(router, o), center(c), layers(c) {}

void MapHandlers::grids(const CallPtr& call) {
  std::optional<geo::BBox> bbox;
  if (const auto* b = call->param("bbox")) {
    const auto v = parse_bbox(*b);
    if (!v) return fail(call, ErrorCode::invalid_value, "bbox must be minlon,minlat,maxlon,maxlat", "bbox");
    if (!on_globe(*v))
      return fail(call, ErrorCode::invalid_value, "bbox must be minlon,minlat,maxlon,maxlat within the globe", "bbox");
    bbox = geo::BBox{(*v)[0], (*v)[1], (*v)[2], (*v)[3]};
  }
  offload(call, [this, call, bbox] {
    const auto shapes = layers.shapes();
    std::string out = R"({"type":"FeatureCollection","features":[)";
    bool first = true;
    for (const auto& g : center.grids(call->actor())) {
      auto box = shapes->grid_bbox.find(g.code);
      if (bbox && (box == shapes->grid_bbox.end() || !bbox->intersects(box->second))) continue;
      auto geometry = shapes->grid.find(g.code);
      out += first ? "" : ",";
      first = false;
      out += R"({"type":"Feature","id":)" + to_json_text(json::value(g.code)) + R"(,"properties":)" +
             to_json_text(grid_properties(g)) + R"(,"geometry":)" +
             (geometry == shapes->grid.end() ? std::string("null") : geometry->second) + "}";
    }
    out += "]}";
    Response r;
    r.content_type = "application/geo+json";
    r.body = std::move(out);
    respond(call, std::move(r));
  });
}

void MapHandlers::overdue_map(const CallPtr& call) {
  std::string level = "grid";
  if (const auto* l = call->param("level")) level = *l;
  if (level != "grid" && level != "community" && level != "street")
    return fail(call, ErrorCode::invalid_value, "level must be grid, community or street", "level");
  // geometry=false: the counts alone, for a map that has the shapes and follows changes.
  bool with_geometry = true;
  if (const auto* g = call->param("geometry")) {
    auto flag = parse_flag(*g);
    if (!flag) return fail(call, ErrorCode::invalid_value, "geometry must be true or false", "geometry");
    with_geometry = *flag;
  }
  offload(call, [this, call, level, with_geometry] {
    const Actor actor = call->actor();
    const auto shapes = layers.shapes();
    std::map<std::string, Tally> tallies;
    auto key_of = [&](const std::string& grid, const std::string& community, const std::string& street) {
      return level == "grid" ? grid : level == "community" ? community : street;
    };
    // Areas in view with no open case still appear, with zero counts.
    std::unordered_map<std::string, std::pair<std::string, std::string>> grid_names;  // code -> name, community
    for (const auto& g : center.grids(actor)) {
      std::string street;
      if (auto j = center.jurisdiction(g.community)) street = j->parent;
      tallies[key_of(g.code, g.community, street)];
      if (level == "grid") grid_names[g.code] = {g.name, g.community};
    }
    center.for_each_open_case(actor, [&](const dispatch::Case& c) {
      const auto key = key_of(c.grid, c.community, c.street);
      if (!key.empty()) tallies[key].add(c);
    });
    const auto& geometries = shapes->grid;  // a reference: no copy of every polygon per request
    std::string out = R"({"type":"FeatureCollection","features":[)";
    bool first = true;
    for (const auto& [code, tally] : tallies) {
      if (code.empty()) continue;
      auto props = tally.properties();
      props["id"] = code;
      props["level"] = level;
      std::string name;
      std::string geometry = "null";
      if (level == "grid") {
        if (auto g = geometries.find(code); with_geometry && g != geometries.end()) geometry = g->second;
        if (auto n = grid_names.find(code); n != grid_names.end()) {
          name = n->second.first;
          props["community"] = n->second.second;
        }
      } else {
        const auto& unions = level == "community" ? shapes->community : shapes->street;
        if (auto g = unions.find(code); with_geometry && g != unions.end() && !g->second.empty()) geometry = g->second;
        if (auto j = center.jurisdiction(code)) name = j->name;
      }
      if (!name.empty()) props["name"] = name;
      out += first ? "" : ",";
      first = false;
      out += R"({"type":"Feature","id":)" + to_json_text(json::value(code)) + R"(,"properties":)" +
             to_json_text(props) + R"(,"geometry":)" + geometry + "}";
    }
    out += "]}";
    Response r;
    r.content_type = "application/geo+json";
    r.body = std::move(out);
    respond(call, std::move(r));
  });
}

}  // namespace gridkeeper::web
