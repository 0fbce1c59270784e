#include "demo/city_places.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>
#include <set>

#include "demo/city_phases.hpp"
#include "demo/names.hpp"

namespace gridkeeper::demo {

namespace {

using geo::Point;

constexpr double kMetresPerDegree = 111'320;
constexpr double kRadian = std::numbers::pi / 180;

// Metres east and north of `p`, in degrees.
Point moved(Point p, double east_m, double north_m) {
  return {p.lon + east_m / (kMetresPerDegree * std::cos(p.lat * kRadian)), p.lat + north_m / kMetresPerDegree};
}

double metres(Point a, Point b) {
  const double dx = (b.lon - a.lon) * kMetresPerDegree * std::cos(a.lat * kRadian);
  const double dy = (b.lat - a.lat) * kMetresPerDegree;
  return std::hypot(dx, dy);
}

// Inside `shape` with a margin: the point and four around it a few decimetres away, so
// that no boundary rule can put it elsewhere.
bool well_inside(const geo::MultiPolygon& shape, Point p) {
  constexpr double d = 4e-6;
  for (Point q :
       {p, Point{p.lon + d, p.lat}, Point{p.lon - d, p.lat}, Point{p.lon, p.lat + d}, Point{p.lon, p.lat - d}})
    if (!geo::inside_rings(shape, q)) return false;
  return true;
}

// The runs of the polyline `line` inside `shape`, sampled every `step_m` metres; each run
// keeps its ends and the line's vertices between them (the line is straight in between).
std::vector<std::vector<Point>> clipped(const std::vector<Point>& line, const geo::MultiPolygon& shape, double step_m) {
  std::vector<std::vector<Point>> runs;
  std::vector<Point> run;
  Point last_in{};
  auto close = [&] {
    if (!run.empty() && !(run.back() == last_in)) run.push_back(last_in);
    if (run.size() >= 2) runs.push_back(std::move(run));
    run.clear();
  };
  for (std::size_t s = 0; s + 1 < line.size(); ++s) {
    const Point a = line[s], b = line[s + 1];
    const int n = std::max(1, static_cast<int>(metres(a, b) / step_m));
    for (int i = 0; i <= n; ++i) {
      if (i == n && s + 2 < line.size()) break;  // the next segment starts there
      const double t = static_cast<double>(i) / n;
      const Point p{a.lon + (b.lon - a.lon) * t, a.lat + (b.lat - a.lat) * t};
      if (geo::inside_rings(shape, p)) {
        if (run.empty() || i == 0) run.push_back(p);
        last_in = p;
      } else {
        close();
      }
    }
  }
  close();
  return runs;
}

double length_m(const std::vector<Point>& line) {
  double m = 0;
  for (std::size_t i = 1; i < line.size(); ++i) m += metres(line[i - 1], line[i]);
  return m;
}

const std::vector<std::string>& main_road_names() {
  static const std::vector<std::string> names{"翔安大道", "新店路",   "洪钟大道", "舫山南路", "滨海东大道", "民安大道",
                                              "马巷大道", "内厝路",   "新圩大道", "大嶝大道", "翔安东路",   "翔安北路",
                                              "金海路",   "香山大道", "凤翔路",   "巷东路"};
  return names;
}

const std::vector<std::string>& estate_heads() {
  static const std::vector<std::string> v = words(
      "鸿山 翔安 滨海 海翔 金鼎 碧海 溪头 东园 西园 南山 北辰 银城 锦绣 阳光 御景 书香 和美 嘉禾 "
      "美林 丽景 海韵 朝阳 祥和 瑞景 新城 凤凰 莲花 龙湖 星海 云顶 天一 紫荆 香樟 桂林 翠苑 安居");
  return v;
}
const std::vector<std::string>& estate_tails() {
  static const std::vector<std::string> v = words("花园 小区 苑 新城 家园 公寓 嘉园 华府 名城 雅居 山庄 府");
  return v;
}

// The community's or village's name without 社区 / 村: what its local roads are named after.
std::string base_of(const std::string& name) {
  for (const std::string tail : {"社区", "村"})
    if (name.size() > tail.size() && name.ends_with(tail)) return name.substr(0, name.size() - tail.size());
  return name;
}

struct Index {
  std::map<std::string, const geo::Area*> by_code;
  std::vector<const geo::Area*> grids, units;
  const geo::Area* district = nullptr;
  explicit Index(const DemoCity& city) {
    for (const auto& a : city.areas) {
      by_code[a.code] = &a;
      if (a.level == geo::Level::grid) grids.push_back(&a);
      if (a.level == geo::Level::community) units.push_back(&a);
      if (a.level == geo::Level::district) district = &a;
    }
  }
  const geo::Area* grid_at(Point p) const {
    for (const auto* g : grids)
      if (geo::bbox_of(g->shape).contains(p) && well_inside(g->shape, p)) return g;
    return nullptr;
  }
  const geo::Area* parent(const geo::Area& a) const {
    auto it = by_code.find(a.parent);
    return it == by_code.end() ? nullptr : it->second;
  }
};

Point random_inside(const geo::MultiPolygon& shape, Random& random, bool& found) {
  const auto box = geo::bbox_of(shape);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const Point p{random.uniform(box.min_lon, box.max_lon), random.uniform(box.min_lat, box.max_lat)};
    if (well_inside(shape, p)) {
      found = true;
      return p;
    }
  }
  found = false;
  return {};
}

void add_main_roads(DemoPlaces& places, const Index& index, Random& random, std::set<std::string>& names) {
  // The seats joined by their shortest spanning tree, and a few more of the shortest
  // links, so that the network has loops.
  std::vector<Point> seats;
  for (const auto& s : detail::kStreets) seats.push_back(s.seat);
  std::vector<std::pair<std::size_t, std::size_t>> edges, rest;
  std::vector<bool> joined(seats.size(), false);
  joined[0] = true;
  for (std::size_t k = 1; k < seats.size(); ++k) {
    std::pair<std::size_t, std::size_t> best{0, 0};
    double best_m = INFINITY;
    for (std::size_t a = 0; a < seats.size(); ++a)
      for (std::size_t b = 0; b < seats.size(); ++b)
        if (joined[a] && !joined[b] && metres(seats[a], seats[b]) < best_m)
          best_m = metres(seats[a], seats[b]), best = {a, b};
    joined[best.second] = true;
    edges.push_back(best);
  }
  for (std::size_t a = 0; a < seats.size(); ++a)
    for (std::size_t b = a + 1; b < seats.size(); ++b)
      if (std::none_of(edges.begin(), edges.end(),
                       [&](auto e) { return (e.first == a && e.second == b) || (e.first == b && e.second == a); }))
        rest.emplace_back(a, b);
  std::sort(rest.begin(), rest.end(), [&](auto x, auto y) {
    return metres(seats[x.first], seats[x.second]) < metres(seats[y.first], seats[y.second]);
  });
  for (std::size_t i = 0; i < rest.size() && i < 4; ++i) edges.push_back(rest[i]);

  std::size_t next_name = 0;
  for (auto [a, b] : edges) {
    // Two bends, each off the straight line by up to a tenth of its length.
    const Point p = seats[a], q = seats[b];
    std::vector<Point> line{p};
    for (double t : {1.0 / 3, 2.0 / 3}) {
      const double off = random.uniform(-0.1, 0.1);
      line.push_back(
          {p.lon + (q.lon - p.lon) * t - (q.lat - p.lat) * off, p.lat + (q.lat - p.lat) * t + (q.lon - p.lon) * off});
    }
    line.push_back(q);
    auto runs = clipped(line, index.district->shape, 40);
    if (runs.empty()) continue;
    DemoRoad road;
    road.main = true;
    road.name = main_road_names()[next_name++ % main_road_names().size()];
    if (!names.insert(road.name).second) road.name += std::to_string(next_name);
    road.lines = std::move(runs);
    places.roads.push_back(std::move(road));
  }
}

void add_local_roads(DemoPlaces& places, const Index& index, Random& random, std::set<std::string>& names) {
  for (const auto* unit : index.units) {
    bool found = false;
    const Point centre = random_inside(unit->shape, random, found);
    if (!found) continue;
    const auto box = geo::bbox_of(unit->shape);
    const std::string base = base_of(unit->name);
    const std::vector<std::pair<std::string, std::vector<Point>>> candidates{
        {base + "路", {{box.min_lon, centre.lat}, {box.max_lon, centre.lat}}},
        {base + "街", {{centre.lon, box.min_lat}, {centre.lon, box.max_lat}}}};
    for (const auto& [name, line] : candidates) {
      auto runs = clipped(line, unit->shape, 25);
      if (runs.empty()) continue;
      auto longest = std::max_element(runs.begin(), runs.end(),
                                      [](const auto& x, const auto& y) { return length_m(x) < length_m(y); });
      if (length_m(*longest) < 200 || !names.insert(name).second) continue;
      places.roads.push_back(DemoRoad{name, false, {std::move(*longest)}});
    }
  }
}

void add_estates(DemoPlaces& places, const Index& index, Random& random) {
  std::set<std::string> taken;
  for (const auto* grid : index.grids) {
    const int estates = 2 + static_cast<int>(random.below(2));
    for (int e = 0; e < estates; ++e) {
      for (int attempt = 0; attempt < 20; ++attempt) {
        bool found = false;
        const Point centre = random_inside(grid->shape, random, found);
        if (!found) break;
        const int rows = 2 + static_cast<int>(random.below(3)), cols = 2 + static_cast<int>(random.below(4));
        DemoEstate estate;
        for (int r = 0; r < rows; ++r)
          for (int c = 0; c < cols; ++c) {
            const Point at = moved(centre, (c - (cols - 1) / 2.0) * 45, ((rows - 1) / 2.0 - r) * 35);
            if (!well_inside(grid->shape, at)) continue;
            const int number = static_cast<int>(estate.buildings.size()) + 1;
            estate.buildings.push_back({number, 1 + static_cast<int>(random.below(3)), at});
          }
        if (estate.buildings.size() < 2) continue;
        for (int tries = 0;; ++tries) {
          estate.name = random.pick(estate_heads()) + random.pick(estate_tails());
          if (tries > 30) estate.name += std::to_string(tries);
          if (taken.insert(estate.name).second) break;
        }
        estate.grid = grid->code;
        estate.community = grid->parent;
        places.estates.push_back(std::move(estate));
        break;
      }
    }
  }
}

std::string coordinate(Point p) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "[%.6f,%.6f]", p.lon, p.lat);
  return buf;
}

std::string line_text(const std::vector<Point>& line) {
  std::string s = "[";
  for (std::size_t i = 0; i < line.size(); ++i) s += (i ? "," : "") + coordinate(line[i]);
  return s + "]";
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

}  // namespace

DemoPlaces demo_places(const DemoCity& city, std::uint64_t seed) {
  Random random(seed ^ 0x9e3779b97f4a7c15ULL);
  const Index index(city);
  DemoPlaces places;
  if (!index.district) return places;
  std::set<std::string> names;
  add_main_roads(places, index, random, names);
  add_local_roads(places, index, random, names);
  add_estates(places, index, random);
  return places;
}

std::vector<DemoAddress> demo_addresses(const DemoCity& city, const DemoPlaces& places) {
  const Index index(city);
  std::vector<DemoAddress> rows;
  const std::string district = index.district ? index.district->name : "";
  for (const auto& estate : places.estates) {
    const auto* community = index.by_code.at(estate.community);
    const auto* street = index.parent(*community);
    const std::string prefix = district + (street ? street->name : "") + community->name + estate.name;
    for (const auto& b : estate.buildings) {
      const std::string building = estate.name + std::to_string(b.number) + "号楼";
      rows.push_back({prefix + std::to_string(b.number) + "号楼", b.at, building, community->name, estate.grid});
      for (int u = 1; u <= b.units; ++u)
        rows.push_back({prefix + std::to_string(b.number) + "号楼" + std::to_string(u) + "单元", b.at, building,
                        community->name, estate.grid});
    }
  }
  // House numbers along every road, every 50 m on each side (odd on the left, even on the
  // right), 12 m off its line; a number whose door would fall outside the grids is skipped.
  for (const auto& road : places.roads) {
    int odd = 1, even = 2;
    for (const auto& line : road.lines)
      for (std::size_t s = 0; s + 1 < line.size(); ++s) {
        const Point a = line[s], b = line[s + 1];
        const double len = metres(a, b);
        if (len <= 0) continue;
        const double ux = (b.lon - a.lon) / len, uy = (b.lat - a.lat) / len;  // degrees a metre along
        for (double d = 25; d < len; d += 50) {
          const Point on{a.lon + ux * d, a.lat + uy * d};
          const double east = uy * kMetresPerDegree, north = ux * kMetresPerDegree * std::cos(on.lat * kRadian);
          const double norm = std::hypot(east, north);
          for (int side : {1, -1}) {
            int& n = side > 0 ? odd : even;
            const Point door = moved(on, -east / norm * 12 * side, north / norm * 12 * side);
            const auto* grid = index.grid_at(door);
            const int number = n;
            n += 2;
            if (!grid) continue;
            const auto* community = index.parent(*grid);
            rows.push_back({district + road.name + std::to_string(number) + "号", door, "",
                            community ? community->name : "", grid->code});
          }
        }
      }
  }
  return rows;
}

std::string demo_addresses_csv(const std::vector<DemoAddress>& rows) {
  std::string out = "address,lon,lat,building,community\n";
  out.reserve(rows.size() * 110);
  for (const auto& r : rows)
    out += r.address + "," + number_text(r.at.lon) + "," + number_text(r.at.lat) + "," + r.building + "," +
           r.community + "\n";
  return out;
}

std::string demo_places_geojson(const DemoPlaces& places) {
  std::string out = "{\"type\":\"FeatureCollection\",\"name\":\"xiangan-demo-places\",\"features\":[\n";
  bool first = true;
  auto feature = [&](const std::string& kind, const std::string& name, const std::string& geometry) {
    out += std::string(first ? "" : ",\n") + "{\"type\":\"Feature\",\"properties\":{\"kind\":\"" + kind +
           "\",\"name\":\"" + name + "\"},\"geometry\":" + geometry + "}";
    first = false;
  };
  for (const auto& road : places.roads) {
    std::string geometry;
    if (road.lines.size() == 1) {
      geometry = "{\"type\":\"LineString\",\"coordinates\":" + line_text(road.lines[0]) + "}";
    } else {
      geometry = "{\"type\":\"MultiLineString\",\"coordinates\":[";
      for (std::size_t i = 0; i < road.lines.size(); ++i) geometry += (i ? "," : "") + line_text(road.lines[i]);
      geometry += "]}";
    }
    feature(road.main ? "main_road" : "road", road.name, geometry);
  }
  for (const auto& estate : places.estates) {
    geo::BBox box;
    for (const auto& b : estate.buildings) box.add(b.at);
    const Point sw = moved({box.min_lon, box.min_lat}, -15, -12), ne = moved({box.max_lon, box.max_lat}, 15, 12);
    const std::vector<Point> ring{sw, {ne.lon, sw.lat}, ne, {sw.lon, ne.lat}, sw};
    feature("estate", estate.name, "{\"type\":\"Polygon\",\"coordinates\":[" + line_text(ring) + "]}");
  }
  return out + "\n]}\n";
}

}  // namespace gridkeeper::demo
