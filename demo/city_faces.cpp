#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "demo/city_phases.hpp"

namespace gridkeeper::demo::detail {

namespace {

// Where people live: town centres over a low rural base that thins out in the northern
// hills, with villages scattered as small clusters. People per km², before scaling.
struct Centre {
  Point at;
  double peak, sigma_km;
};
constexpr Centre kCentres[] = {
    {{118.225, 24.600}, 15000, 2.2},  // 凤翔
    {{118.262, 24.618}, 11000, 2.0},  // 新店, 翔安新城
    {{118.247, 24.665}, 18000, 1.6},  // 马巷
    {{118.300, 24.612}, 7000, 2.2},   // 香山
    {{118.203, 24.640}, 7000, 1.8},   // 民安
    {{118.316, 24.672}, 10000, 1.4},  // 内厝
    {{118.255, 24.752}, 10000, 1.3},  // 新圩
    {{118.336, 24.560}, 8000, 1.4},   // 大嶝
    {{118.265, 24.556}, 4000, 2.2},   // 金海
};

struct Density {
  std::vector<Centre> centres;

  double at(Point p) const {
    // The rural base: 700 south of 24.70, 300 north of 24.76 (hills), linear between.
    const double t = std::clamp((p.lat - 24.70) / 0.06, 0.0, 1.0);
    double rho = 700 + (300 - 700) * t;
    for (const auto& c : centres) {
      const double dx = (p.lon - c.at.lon) * geo::kMetresPerDegree * std::cos(c.at.lat * geo::kPi / 180) / 1000;
      const double dy = (p.lat - c.at.lat) * geo::kMetresPerDegree / 1000;
      const double d2 = dx * dx + dy * dy;
      if (d2 < 36 * c.sigma_km * c.sigma_km) rho += c.peak * std::exp(-d2 / (2 * c.sigma_km * c.sigma_km));
    }
    return rho;
  }
};

Density make_density(const geo::BBox& extent, Random& random) {
  Density d;
  d.centres.assign(std::begin(kCentres), std::end(kCentres));
  // Village clusters all over the district.
  for (int i = 0; i < 90; ++i)
    d.centres.push_back(
        {{random.uniform(extent.min_lon, extent.max_lon), random.uniform(extent.min_lat, extent.max_lat)},
         random.uniform(1500, 3500),
         random.uniform(0.35, 0.6)});
  return d;
}

// Sites in proportion to the density, so that every grid gets about as many faces:
// drawn under a piecewise constant envelope of the density (the largest value seen in
// each block of a 60 x 60 lattice, with a margin), then accepted by the density itself.
std::vector<Point> draw_sites(const geo::MultiPolygon& outline, const geo::BBox& extent, const Density& density,
                              std::size_t count, Random& random) {
  std::vector<Point> sites;
  constexpr int kBlocks = 60, kProbe = 5;
  const double bw = (extent.max_lon - extent.min_lon) / kBlocks, bh = (extent.max_lat - extent.min_lat) / kBlocks;
  std::vector<double> envelope(kBlocks * kBlocks);
  for (int j = 0; j < kBlocks; ++j)
    for (int i = 0; i < kBlocks; ++i) {
      double top = 0;
      for (int a = 0; a <= kProbe; ++a)
        for (int b = 0; b <= kProbe; ++b)
          top = std::max(top, density.at({extent.min_lon + (i + a / double(kProbe)) * bw,
                                          extent.min_lat + (j + b / double(kProbe)) * bh}));
      envelope[static_cast<std::size_t>(j * kBlocks + i)] = top * 1.3;
    }
  std::vector<double> cumulative(envelope.size());
  std::partial_sum(envelope.begin(), envelope.end(), cumulative.begin());
  auto* ctx = geo::geos::context();
  auto shape = geo::geos::to_geos(outline);
  auto prepared = geo::geos::prepare(shape.get());
  while (sites.size() < count) {
    const auto block = static_cast<std::size_t>(
        std::upper_bound(cumulative.begin(), cumulative.end(), random.uniform() * cumulative.back()) -
        cumulative.begin());
    if (block >= envelope.size()) continue;
    const double i = static_cast<double>(block % kBlocks), j = static_cast<double>(block / kBlocks);
    const Point p{extent.min_lon + (i + random.uniform()) * bw, extent.min_lat + (j + random.uniform()) * bh};
    if (random.uniform() * envelope[block] > density.at(p)) continue;
    auto point = geo::geos::make_point(p.lon, p.lat);
    if (GEOSPreparedContains_r(ctx, prepared.get(), point.get()) == 1) sites.push_back(p);
  }
  return sites;
}

// Islands (and faces that meet the rest only at a corner) become reachable: each
// component is linked to the nearest face outside it, smallest components first.
void bridge_components(Graph& g) {
  const std::size_t n = g.at.size();
  while (true) {
    std::vector<int> component(n, -1);
    std::vector<std::vector<std::size_t>> members;
    for (std::size_t s = 0; s < n; ++s) {
      if (component[s] >= 0) continue;
      const int c = static_cast<int>(members.size());
      members.emplace_back();
      std::vector<std::size_t> stack{s};
      component[s] = c;
      while (!stack.empty()) {
        const auto f = stack.back();
        stack.pop_back();
        members[c].push_back(f);
        for (auto m : g.next[f])
          if (component[m] < 0) component[m] = c, stack.push_back(m);
      }
    }
    if (members.size() <= 1) return;
    const auto smallest = static_cast<std::size_t>(
        std::min_element(members.begin(), members.end(), [](auto& a, auto& b) { return a.size() < b.size(); }) -
        members.begin());
    double best = std::numeric_limits<double>::infinity();
    std::size_t from = 0, to = 0;
    for (auto f : members[smallest])
      for (std::size_t m = 0; m < n; ++m)
        if (component[m] != static_cast<int>(smallest) && g.distance(f, m) < best)
          best = g.distance(f, m), from = f, to = m;
    g.next[from].push_back(to);
    g.next[to].push_back(from);
  }
}

}  // namespace

dispatch::Result<Faces> cut_district(const DemoCityOptions& o, Random& random) {
  using dispatch::ErrorCode;
  using dispatch::make_error;
  // The outline, repaired and on the grid.
  geo::ReadOptions lenient;
  lenient.strict = false;
  const auto file = geo::read_geojson(xiangan_outline_geojson(), lenient);
  if (file.fatal || file.areas.empty()) return make_error(ErrorCode::invalid_value, "the demo outline cannot be read");
  const auto outline = geo::snapped_outline(file.areas.front().shape, kGridSize);
  if (!outline) return make_error(ErrorCode::invalid_value, "the demo outline has no area");
  const geo::BBox extent = geo::bbox_of(*outline);
  const geo::geos::LocalFrame frame((extent.min_lon + extent.max_lon) / 2, (extent.min_lat + extent.max_lat) / 2);
  const Density density = make_density(extent, random);
  const auto sites = draw_sites(*outline, extent, density, o.faces, random);
  auto cut = geo::subdivide(*outline, sites, kGridSize);
  if (!cut.error.empty()) return make_error(ErrorCode::invalid_value, "cutting the outline failed: " + cut.error);

  Graph g;
  const std::size_t n = cut.cells.size();
  g.next = cut.neighbours;
  g.area_m2 = cut.area_m2;
  double estimated = 0;
  for (std::size_t f = 0; f < n; ++f) {
    g.at.push_back(frame.to_metres(cut.inside[f]));
    g.people.push_back(density.at(cut.inside[f]) * cut.area_m2[f] / 1e6);
    estimated += g.people.back();
  }
  for (auto& p : g.people) p *= static_cast<double>(o.population) / estimated;
  bridge_components(g);
  return Faces{std::move(cut), std::move(g), frame};
}

}  // namespace gridkeeper::demo::detail
