#include "geo/geojson.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <unordered_set>

namespace gridkeeper::geo {

namespace json = boost::json;

std::string_view to_string(Level level) {
  switch (level) {
    case Level::district:
      return "district";
    case Level::street:
      return "street";
    case Level::community:
      return "community";
    case Level::grid:
      return "grid";
  }
  return "grid";
}

std::optional<Level> level_from_string(std::string_view s) {
  if (s == "district") return Level::district;
  if (s == "street") return Level::street;
  if (s == "community") return Level::community;
  if (s == "grid") return Level::grid;
  return std::nullopt;
}

const std::string* Area::property(std::string_view key) const {
  for (const auto& [k, v] : properties)
    if (k == key) return &v;
  return nullptr;
}

std::size_t ReadResult::error_count() const {
  std::size_t n = 0;
  for (const auto& p : problems) n += p.severity == Severity::error;
  return n;
}

std::string format_problem(const Problem& p) {
  std::ostringstream out;
  out << (p.severity == Severity::error ? "error" : "warning");
  if (p.feature_index != kNoFeature) {
    out << ": feature " << p.feature_index;
    if (!p.code.empty()) out << " (" << p.code << ")";
  }
  out << ": " << p.reason;
  if (p.location) {
    out.precision(9);
    out << " at " << p.location->lon << "," << p.location->lat;
  }
  return out.str();
}

namespace {

struct FeatureReader {
  const ReadOptions& options;
  ReadResult& result;
  std::size_t index = 0;
  std::string code;
  std::size_t vertices = 0;
  bool failed = false;

  void problem(std::string reason, Severity severity = Severity::error, std::optional<Point> where = std::nullopt) {
    if (severity == Severity::error) failed = true;
    result.problems.push_back({severity, index, code, std::move(reason), where});
  }

  static std::optional<double> number(const json::value& v) {
    if (v.is_double()) return v.get_double();
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    if (v.is_uint64()) return static_cast<double>(v.get_uint64());
    return std::nullopt;
  }

  bool position(const json::value& v, Point& out, const std::string& where) {
    const auto* arr = v.if_array();
    if (!arr || arr->size() < 2) {
      problem(where + ": a position must be an array of at least two numbers");
      return false;
    }
    auto lon = number((*arr)[0]);
    auto lat = number((*arr)[1]);
    if (!lon || !lat) {
      problem(where + ": coordinates must be numbers");
      return false;
    }
    if (!std::isfinite(*lon) || !std::isfinite(*lat)) {
      problem(where + ": coordinate is not a finite number");
      return false;
    }
    if (*lon < -180 || *lon > 180 || *lat < -90 || *lat > 90) {
      std::ostringstream s;
      s.precision(12);
      s << where << ": coordinate out of range (" << *lon << "," << *lat << ")";
      problem(s.str());
      return false;
    }
    out = {*lon, *lat};
    return true;
  }

  bool ring(const json::value& v, Ring& out, const std::string& where) {
    const auto* arr = v.if_array();
    if (!arr) {
      problem(where + ": a ring must be an array of positions");
      return false;
    }
    vertices += arr->size();
    if (vertices > options.max_vertices_per_feature) {
      problem("too many vertices (limit " + std::to_string(options.max_vertices_per_feature) + ")");
      return false;
    }
    out.reserve(arr->size());
    for (std::size_t i = 0; i < arr->size(); ++i) {
      Point p;
      if (!position((*arr)[i], p, where + " position " + std::to_string(i))) return false;
      out.push_back(p);
    }
    if (out.size() < 4) {
      problem(where + ": a ring needs at least 4 positions, has " + std::to_string(out.size()));
      return false;
    }
    if (!(out.front() == out.back())) {
      problem(where + ": ring is not closed (first and last positions differ)", Severity::error, out.front());
      return false;
    }
    return true;
  }

  bool polygon(const json::value& v, Polygon& out, const std::string& where) {
    const auto* arr = v.if_array();
    if (!arr || arr->empty()) {
      problem(where + ": a polygon must be a non-empty array of rings");
      return false;
    }
    out.rings.resize(arr->size());
    for (std::size_t i = 0; i < arr->size(); ++i)
      if (!ring((*arr)[i], out.rings[i], where + (i == 0 ? " shell" : " hole " + std::to_string(i)))) return false;
    return true;
  }

  void geometry(const json::value* v, Area& area) {
    const auto* geom = v ? v->if_object() : nullptr;
    if (!geom) {
      problem("missing geometry");
      return;
    }
    const auto* type = geom->if_contains("type");
    const auto* coords = geom->if_contains("coordinates");
    if (!type || !type->is_string()) {
      problem("geometry has no type");
      return;
    }
    if (!coords) {
      problem("geometry has no coordinates");
      return;
    }
    const auto t = type->get_string();
    if (t == "Polygon") {
      Polygon poly;
      if (polygon(*coords, poly, "polygon")) area.shape.push_back(std::move(poly));
    } else if (t == "MultiPolygon") {
      const auto* parts = coords->if_array();
      if (!parts || parts->empty()) {
        problem("a MultiPolygon must be a non-empty array of polygons");
        return;
      }
      for (std::size_t i = 0; i < parts->size(); ++i) {
        Polygon poly;
        if (!polygon((*parts)[i], poly, "part " + std::to_string(i))) {
          area.shape.clear();
          return;
        }
        area.shape.push_back(std::move(poly));
      }
    } else {
      problem("unsupported geometry type " + std::string(t) + " (Polygon or MultiPolygon expected)");
    }
  }

  static std::optional<std::string> scalar_text(const json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_int64()) return std::to_string(v.get_int64());
    if (v.is_uint64()) return std::to_string(v.get_uint64());
    if (v.is_double()) {
      std::ostringstream s;
      s.precision(17);
      s << v.get_double();
      return s.str();
    }
    if (v.is_bool()) return std::string(v.get_bool() ? "true" : "false");
    return std::nullopt;
  }

  void properties(const json::value* v, Area& area) {
    const json::object* props = v ? v->if_object() : nullptr;
    if (v && !v->is_null() && !props) {
      problem("properties must be an object");
      return;
    }
    if (props) {
      for (const auto& kv : *props)
        if (auto text = scalar_text(kv.value())) area.properties.emplace_back(std::string(kv.key()), std::move(*text));
      if (const auto* c = props->if_contains("code"); c && !c->is_null()) {
        if (auto text = scalar_text(*c); text && !text->empty()) {
          area.code = *text;
          code = *text;
        } else {
          problem("property 'code' must be a non-empty string or number");
        }
      }
      if (const auto* n = props->if_contains("name"); n && n->is_string()) area.name = n->get_string();
      if (const auto* l = props->if_contains("level"); l && !l->is_null()) {
        if (l->is_string()) area.level = level_from_string(l->get_string());
        if (!area.level) problem("property 'level' must be one of district, street, community, grid");
      }
      if (const auto* p = props->if_contains("parent"); p && !p->is_null()) {
        if (auto text = scalar_text(*p)) area.parent = *text;
        else problem("property 'parent' must be a string");
      }
      if (const auto* pop = props->if_contains("population"); pop && !pop->is_null()) {
        if (pop->is_int64() && pop->get_int64() >= 0) area.population = pop->get_int64();
        else if (pop->is_uint64()) problem("property 'population' is too large");
        else if (pop->is_double() && std::isfinite(pop->get_double()) && pop->get_double() >= 0 &&
                 pop->get_double() < 1e12 && pop->get_double() == std::floor(pop->get_double()))
          area.population = static_cast<std::int64_t>(pop->get_double());
        else problem("property 'population' must be a whole number of residents");
      }
    }
    if (!options.strict) {
      if (!area.level) area.level = Level::grid;
      return;
    }
    if (area.code.empty()) problem("missing property 'code'");
    if (area.name.empty()) problem("missing property 'name'");
    if (!area.level && !(props && props->contains("level"))) problem("missing property 'level'");
    if (area.level == Level::grid && !area.population && !(props && props->contains("population")))
      problem("missing property 'population'");
    if (area.level && area.level != Level::district && area.parent.empty()) problem("missing property 'parent'");
  }

  void feature(const json::value& v) {
    const auto* obj = v.if_object();
    if (!obj) {
      problem("a feature must be an object");
      return;
    }
    const auto* type = obj->if_contains("type");
    if (!type || !type->is_string() || type->get_string() != "Feature") {
      problem("feature type must be \"Feature\"");
      return;
    }
    Area area;
    area.index = index;
    properties(obj->if_contains("properties"), area);
    geometry(obj->if_contains("geometry"), area);
    if (area.shape.empty()) return;  // the geometry problem was reported
    result.areas.push_back(std::move(area));
  }
};

}  // namespace

ReadResult read_geojson(std::string_view text, const ReadOptions& options) {
  ReadResult result;
  auto fatal = [&](std::string reason) {
    result.fatal = true;
    result.problems.push_back({Severity::error, kNoFeature, {}, std::move(reason), std::nullopt});
    return std::move(result);
  };
  if (text.size() > options.max_bytes)
    return fatal("file is too large (" + std::to_string(text.size()) + " bytes, limit " +
                 std::to_string(options.max_bytes) + ")");
  json::parse_options po;
  po.max_depth = options.max_depth;
  json::monotonic_resource arena;
  std::error_code ec;
  json::value doc = json::parse(text, ec, &arena, po);
  if (ec) return fatal("not valid JSON: " + ec.message());
  const auto* root = doc.if_object();
  if (!root) return fatal("not a GeoJSON object");
  const auto* type = root->if_contains("type");
  if (!type || !type->is_string() || type->get_string() != "FeatureCollection") return fatal("not a FeatureCollection");
  const auto* features = root->if_contains("features");
  if (!features || !features->is_array()) return fatal("FeatureCollection has no features array");
  const auto& arr = features->get_array();
  if (arr.size() > options.max_features)
    return fatal("too many features (" + std::to_string(arr.size()) + ", limit " +
                 std::to_string(options.max_features) + ")");
  result.areas.reserve(arr.size());
  std::unordered_set<std::string> seen;  // codes of every feature, readable geometry or not
  for (std::size_t i = 0; i < arr.size(); ++i) {
    FeatureReader reader{options, result, i, {}, 0, false};
    reader.feature(arr[i]);
    if (options.strict && !reader.code.empty() && !seen.insert(reader.code).second)
      result.problems.push_back({Severity::error, i, reader.code, "duplicate code " + reader.code, std::nullopt});
  }
  return result;
}

ReadResult read_geojson_file(const std::string& path, const ReadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ReadResult r;
    r.fatal = true;
    r.problems.push_back({Severity::error, kNoFeature, {}, "cannot open " + path, std::nullopt});
    return r;
  }
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::size_t>(in.tellg());
  if (size > options.max_bytes) {
    ReadResult r;
    r.fatal = true;
    r.problems.push_back(
        {Severity::error,
         kNoFeature,
         {},
         "file is too large (" + std::to_string(size) + " bytes, limit " + std::to_string(options.max_bytes) + ")",
         std::nullopt});
    return r;
  }
  in.seekg(0);
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  return read_geojson(text, options);
}

std::optional<MultiPolygon> read_geometry(std::string_view text) {
  ReadOptions options;
  json::parse_options po;
  po.max_depth = options.max_depth;
  json::monotonic_resource arena;
  std::error_code ec;
  json::value doc = json::parse(text, ec, &arena, po);
  if (ec) return std::nullopt;
  ReadResult result;
  FeatureReader reader{options, result, 0, {}, 0, false};
  Area area;
  reader.geometry(&doc, area);
  if (reader.failed || area.shape.empty()) return std::nullopt;
  return std::move(area.shape);
}

std::string write_geometry(const MultiPolygon& shape) {
  std::string out;
  out.reserve(64 + vertex_count(shape) * 40);
  char buf[32];
  auto number = [&](double v) {
    // Shortest text that reads back as the same double.
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  };
  auto polygon = [&](const Polygon& poly) {
    out += '[';
    for (std::size_t r = 0; r < poly.rings.size(); ++r) {
      if (r) out += ',';
      out += '[';
      for (std::size_t i = 0; i < poly.rings[r].size(); ++i) {
        if (i) out += ',';
        out += '[';
        number(poly.rings[r][i].lon);
        out += ',';
        number(poly.rings[r][i].lat);
        out += ']';
      }
      out += ']';
    }
    out += ']';
  };
  if (shape.size() == 1) {
    out += R"({"type":"Polygon","coordinates":)";
    polygon(shape.front());
  } else {
    out += R"({"type":"MultiPolygon","coordinates":[)";
    for (std::size_t p = 0; p < shape.size(); ++p) {
      if (p) out += ',';
      polygon(shape[p]);
    }
    out += ']';
  }
  out += '}';
  return out;
}

}  // namespace gridkeeper::geo
