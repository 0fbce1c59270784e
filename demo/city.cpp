#include "demo/city.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>
#include <queue>
#include <set>

#include <boost/json.hpp>

#include "demo/names.hpp"
#include "geo/geos.hpp"
#include "geo/subdivision.hpp"

namespace gridkeeper::demo {

namespace {

using geo::Point;

constexpr double kGridSize = 1e-7;  // degrees: the rounding GridIndex routes with

// The streets and towns of 翔安区 with the seat each grows from (in the outline's frame)
// and how many communities (社区) and villages (村) it has: 98 and 30 in all. Codes follow
// the statistical division codes: streets 001–099, towns 100–199.
struct StreetPlan {
  const char* code;
  const char* name;
  bool town;
  Point seat;
  int communities, villages;
};
constexpr StreetPlan kStreets[] = {
    {"001", "新店街道", false, {118.263, 24.621}, 20, 0}, {"002", "马巷街道", false, {118.247, 24.668}, 16, 4},
    {"003", "大嶝街道", false, {118.336, 24.560}, 6, 2},  {"004", "凤翔街道", false, {118.222, 24.598}, 14, 0},
    {"005", "香山街道", false, {118.301, 24.612}, 12, 0}, {"006", "金海街道", false, {118.262, 24.553}, 10, 0},
    {"007", "民安街道", false, {118.198, 24.641}, 10, 0}, {"100", "新圩镇", true, {118.256, 24.757}, 5, 14},
    {"101", "内厝镇", true, {118.320, 24.676}, 5, 10},
};

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
    d.centres.push_back({{random.uniform(extent.min_lon, extent.max_lon), random.uniform(extent.min_lat, extent.max_lat)},
                         random.uniform(1500, 3500),
                         random.uniform(0.35, 0.6)});
  return d;
}

// The faces as a graph: positions in metres, residents, neighbours.
struct Graph {
  std::vector<Point> at;  // metres on a local frame
  std::vector<double> people;
  std::vector<double> area_m2;
  std::vector<std::vector<std::size_t>> next;

  double distance(std::size_t a, std::size_t b) const { return std::hypot(at[a].lon - at[b].lon, at[a].lat - at[b].lat); }
};

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
    const auto smallest = static_cast<std::size_t>(std::min_element(members.begin(), members.end(), [](auto& a, auto& b) {
                                                     return a.size() < b.size();
                                                   }) -
                                                   members.begin());
    double best = std::numeric_limits<double>::infinity();
    std::size_t from = 0, to = 0;
    for (auto f : members[smallest])
      for (std::size_t m = 0; m < n; ++m)
        if (component[m] != static_cast<int>(smallest) && g.distance(f, m) < best) best = g.distance(f, m), from = f, to = m;
    g.next[from].push_back(to);
    g.next[to].push_back(from);
  }
}

// Splits `members` (connected in the graph) into connected regions whose populations
// follow `shares`: seeds placed like k-means++ and moved to their regions' centres a few
// times; regions grow from their seeds, the one furthest below its share first; then
// boundary faces move to a neighbouring region while that brings both nearer their shares.
class Splitter {
 public:
  Splitter(const Graph& g) : g_(g), local_(g.at.size(), -1), label_(g.at.size(), -1) {}

  std::vector<std::vector<std::size_t>> split(const std::vector<std::size_t>& members, std::vector<double> shares,
                                              Random& random) {
    if (shares.size() > members.size()) shares.resize(members.size());
    const std::size_t k = shares.size();
    if (k <= 1) return {members};
    for (std::size_t i = 0; i < members.size(); ++i) local_[members[i]] = static_cast<int>(i);
    double total = 0, share_sum = 0;
    for (auto f : members) total += g_.people[f];
    for (double w : shares) share_sum += w;
    target_.clear();
    for (double w : shares) target_.push_back(total * w / share_sum);

    auto seeds = initial_seeds(members, k, random);
    for (int round = 0; round < 4; ++round) {
      grow(members, seeds);
      seeds = centred_seeds(members, k);
    }
    grow(members, seeds);
    even_out(members, k);

    std::vector<std::vector<std::size_t>> regions(k);
    for (auto f : members) regions[static_cast<std::size_t>(label_[f])].push_back(f);
    for (auto f : members) local_[f] = -1, label_[f] = -1;
    // A region can end up empty only when a seed was swallowed; drop it.
    regions.erase(std::remove_if(regions.begin(), regions.end(), [](auto& r) { return r.empty(); }), regions.end());
    return regions;
  }

 private:
  bool inside(std::size_t f) const { return local_[f] >= 0; }

  std::vector<std::size_t> initial_seeds(const std::vector<std::size_t>& members, std::size_t k, Random& random) {
    std::vector<std::size_t> seeds;
    std::vector<double> weight(members.size());
    for (std::size_t i = 0; i < members.size(); ++i) weight[i] = g_.people[members[i]];
    seeds.push_back(members[random.weighted(weight)]);
    std::vector<double> nearest(members.size(), std::numeric_limits<double>::infinity());
    while (seeds.size() < k) {
      for (std::size_t i = 0; i < members.size(); ++i) {
        const double d = g_.distance(members[i], seeds.back());
        nearest[i] = std::min(nearest[i], d * d);
        weight[i] = g_.people[members[i]] * nearest[i];
      }
      seeds.push_back(members[random.weighted(weight)]);
    }
    return seeds;
  }

  // Each region's face nearest to its population's centre.
  std::vector<std::size_t> centred_seeds(const std::vector<std::size_t>& members, std::size_t k) const {
    std::vector<double> sx(k, 0), sy(k, 0), sw(k, 0);
    for (auto f : members) {
      const auto r = static_cast<std::size_t>(label_[f]);
      const double w = g_.people[f] + 1e-9;
      sx[r] += g_.at[f].lon * w, sy[r] += g_.at[f].lat * w, sw[r] += w;
    }
    std::vector<std::size_t> seeds(k, members.front());
    std::vector<double> best(k, std::numeric_limits<double>::infinity());
    for (auto f : members) {
      const auto r = static_cast<std::size_t>(label_[f]);
      if (sw[r] == 0) continue;
      const double d = std::hypot(g_.at[f].lon - sx[r] / sw[r], g_.at[f].lat - sy[r] / sw[r]);
      if (d < best[r]) best[r] = d, seeds[r] = f;
    }
    return seeds;
  }

  void grow(const std::vector<std::size_t>& members, const std::vector<std::size_t>& seeds) {
    using Entry = std::pair<double, std::size_t>;
    const std::size_t k = seeds.size();
    for (auto f : members) label_[f] = -1;
    std::vector<std::priority_queue<Entry, std::vector<Entry>, std::greater<>>> frontier(k);
    filled_.assign(k, 0);
    for (std::size_t r = 0; r < k; ++r) frontier[r].push({0.0, seeds[r]});
    while (true) {
      std::size_t hungriest = k;
      for (std::size_t r = 0; r < k; ++r) {
        while (!frontier[r].empty() && label_[frontier[r].top().second] >= 0) frontier[r].pop();
        if (!frontier[r].empty() && (hungriest == k || filled_[r] / target_[r] < filled_[hungriest] / target_[hungriest]))
          hungriest = r;
      }
      if (hungriest == k) break;
      const auto [d, f] = frontier[hungriest].top();
      frontier[hungriest].pop();
      label_[f] = static_cast<int>(hungriest);
      filled_[hungriest] += g_.people[f];
      for (auto m : g_.next[f])
        if (inside(m) && label_[m] < 0) frontier[hungriest].push({d + g_.distance(f, m), m});
    }
  }

  // Whether region r stays connected without face f.
  bool connected_without(std::size_t f, int r, std::size_t size) {
    std::size_t start = f;
    for (auto m : g_.next[f])
      if (inside(m) && label_[m] == r) {
        start = m;
        break;
      }
    if (start == f) return false;
    std::vector<std::size_t> stack{start};
    std::set<std::size_t> seen{start, f};
    std::size_t reached = 1;
    while (!stack.empty()) {
      const auto x = stack.back();
      stack.pop_back();
      for (auto m : g_.next[x])
        if (inside(m) && label_[m] == r && seen.insert(m).second) ++reached, stack.push_back(m);
    }
    return reached == size - 1;
  }

  void even_out(const std::vector<std::size_t>& members, std::size_t k) {
    std::vector<std::size_t> size(k, 0);
    for (auto f : members) ++size[static_cast<std::size_t>(label_[f])];
    for (int pass = 0; pass < 60; ++pass) {
      bool moved = false;
      for (auto f : members) {
        const int a = label_[f];
        if (size[static_cast<std::size_t>(a)] <= 1) continue;
        const double w = g_.people[f];
        const double pa = filled_[static_cast<std::size_t>(a)], ta = target_[static_cast<std::size_t>(a)];
        int best = -1;
        double gain = 1e-9 * ta * ta;
        for (auto m : g_.next[f]) {
          if (!inside(m) || label_[m] == a) continue;
          const double pb = filled_[static_cast<std::size_t>(label_[m])], tb = target_[static_cast<std::size_t>(label_[m])];
          const double before = (pa - ta) * (pa - ta) + (pb - tb) * (pb - tb);
          const double after = (pa - w - ta) * (pa - w - ta) + (pb + w - tb) * (pb + w - tb);
          if (before - after > gain) gain = before - after, best = label_[m];
        }
        if (best < 0 || !connected_without(f, a, size[static_cast<std::size_t>(a)])) continue;
        label_[f] = best;
        filled_[static_cast<std::size_t>(a)] -= w;
        filled_[static_cast<std::size_t>(best)] += w;
        --size[static_cast<std::size_t>(a)];
        ++size[static_cast<std::size_t>(best)];
        moved = true;
      }
      if (!moved) break;
    }
  }

  const Graph& g_;
  std::vector<int> local_;  // position in the members being split, or -1
  std::vector<int> label_;  // region of each face being split
  std::vector<double> filled_;
  std::vector<double> target_;
};

// A smooth random field over the district (metres in, about -1..1 out): a few plane
// waves of 1.2–3.5 km. It bends the borders between streets the way roads and rivers do.
struct Wiggle {
  struct Wave {
    double kx, ky, phase;
  };
  std::vector<Wave> waves;
  explicit Wiggle(Random& random) {
    for (int i = 0; i < 8; ++i) {
      const double length = random.uniform(1200, 3500), angle = random.uniform(0, 2 * geo::kPi);
      waves.push_back({2 * geo::kPi / length * std::cos(angle), 2 * geo::kPi / length * std::sin(angle),
                       random.uniform(0, 2 * geo::kPi)});
    }
  }
  double at(Point m) const {
    double sum = 0;
    for (const auto& w : waves) sum += std::sin(w.kx * m.lon + w.ky * m.lat + w.phase);
    return sum / std::sqrt(static_cast<double>(waves.size()));
  }
};

// Streets and towns: each face joins the seat nearest along the graph, distances bent by
// the wiggle.
std::vector<std::size_t> nearest_seat(const Graph& g, const std::vector<std::size_t>& seats, const Wiggle& wiggle) {
  using Entry = std::pair<double, std::size_t>;
  std::vector<double> dist(g.at.size(), std::numeric_limits<double>::infinity());
  std::vector<std::size_t> owner(g.at.size(), 0);
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
  for (std::size_t s = 0; s < seats.size(); ++s) {
    dist[seats[s]] = 0;
    owner[seats[s]] = s;
    queue.push({0.0, seats[s]});
  }
  while (!queue.empty()) {
    const auto [d, f] = queue.top();
    queue.pop();
    if (d > dist[f]) continue;
    for (auto m : g.next[f]) {
      const Point mid{(g.at[f].lon + g.at[m].lon) / 2, (g.at[f].lat + g.at[m].lat) / 2};
      const double nd = d + g.distance(f, m) * std::exp(0.7 * wiggle.at(mid));
      if (nd < dist[m]) dist[m] = nd, owner[m] = owner[f], queue.push({nd, m});
    }
  }
  return owner;
}

// Integers near `raw * s` within [lo, hi] that add up to `total` (lo and hi allow it).
std::vector<std::int64_t> fit(const std::vector<double>& raw, const std::vector<std::int64_t>& lo,
                              const std::vector<std::int64_t>& hi, std::int64_t total) {
  const std::size_t n = raw.size();
  auto at_scale = [&](double s) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += std::clamp(raw[i] * s, static_cast<double>(lo[i]), static_cast<double>(hi[i]));
    return sum;
  };
  double a = 0, b = 1;
  while (at_scale(b) < static_cast<double>(total) && b < 1e12) b *= 2;
  for (int i = 0; i < 100; ++i) {
    const double m = (a + b) / 2;
    (at_scale(m) < static_cast<double>(total) ? a : b) = m;
  }
  std::vector<std::int64_t> out(n);
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = std::clamp(static_cast<std::int64_t>(std::llround(raw[i] * b)), lo[i], hi[i]);
    sum += out[i];
  }
  // Rounding leaves a few residents over or short; hand them out one by one (while any
  // area has room: when the bounds cannot hold `total`, the nearest sum is kept).
  for (bool moved = true; sum != total && moved;) {
    moved = false;
    for (std::size_t i = 0; i < n && sum != total; ++i) {
      if (sum < total && out[i] < hi[i]) ++out[i], ++sum, moved = true;
      else if (sum > total && out[i] > lo[i]) --out[i], --sum, moved = true;
    }
  }
  return out;
}

std::string numbered(std::size_t n, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*zu", width, n);
  return buf;
}

struct Unit {  // a community or village while it is being planned
  std::vector<std::size_t> faces;
  bool village = false;
  double people = 0, area = 0;
  Point centre;  // metres
};

Point centre_of(const Graph& g, const std::vector<std::size_t>& faces) {
  double x = 0, y = 0, w = 0;
  for (auto f : faces) {
    const double p = g.people[f] + 1e-9;
    x += g.at[f].lon * p, y += g.at[f].lat * p, w += p;
  }
  return {x / w, y / w};
}

// North to south, then west to east, in bands of about a kilometre: the order codes follow.
bool reads_before(Point a, Point b) {
  const auto band_a = std::floor(-a.lat / 1000), band_b = std::floor(-b.lat / 1000);
  if (band_a != band_b) return band_a < band_b;
  return a.lon < b.lon;
}

}  // namespace

dispatch::Result<DemoCity> demo_city(const DemoCityOptions& o) {
  using dispatch::ErrorCode;
  using dispatch::make_error;
  Random random(o.seed);

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

  // Sites in proportion to the density, so that every grid gets about as many faces:
  // drawn under a piecewise constant envelope of the density (the largest value seen in
  // each block of a 60 x 60 lattice, with a margin), then accepted by the density itself.
  std::vector<Point> sites;
  {
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
    auto shape = geo::geos::to_geos(*outline);
    auto prepared = geo::geos::prepare(shape.get());
    while (sites.size() < o.faces) {
      const auto block = static_cast<std::size_t>(
          std::upper_bound(cumulative.begin(), cumulative.end(), random.uniform() * cumulative.back()) - cumulative.begin());
      if (block >= envelope.size()) continue;
      const double i = static_cast<double>(block % kBlocks), j = static_cast<double>(block / kBlocks);
      const Point p{extent.min_lon + (i + random.uniform()) * bw, extent.min_lat + (j + random.uniform()) * bh};
      if (random.uniform() * envelope[block] > density.at(p)) continue;
      auto point = geo::geos::make_point(p.lon, p.lat);
      if (GEOSPreparedContains_r(ctx, prepared.get(), point.get()) == 1) sites.push_back(p);
    }
  }
  auto faces = geo::subdivide(*outline, sites, kGridSize);
  if (!faces.error.empty()) return make_error(ErrorCode::invalid_value, "cutting the outline failed: " + faces.error);

  Graph g;
  const std::size_t n = faces.cells.size();
  g.next = faces.neighbours;
  g.area_m2 = faces.area_m2;
  double estimated = 0;
  for (std::size_t f = 0; f < n; ++f) {
    g.at.push_back(frame.to_metres(faces.inside[f]));
    g.people.push_back(density.at(faces.inside[f]) * faces.area_m2[f] / 1e6);
    estimated += g.people.back();
  }
  for (auto& p : g.people) p *= static_cast<double>(o.population) / estimated;
  bridge_components(g);

  // Streets and towns around their seats.
  std::vector<std::size_t> seats;
  for (const auto& s : kStreets) {
    const Point m = frame.to_metres(s.seat);
    std::size_t best = 0;
    for (std::size_t f = 1; f < n; ++f)
      if (std::hypot(g.at[f].lon - m.lon, g.at[f].lat - m.lat) < std::hypot(g.at[best].lon - m.lon, g.at[best].lat - m.lat))
        best = f;
    seats.push_back(best);
  }
  const auto street_of = nearest_seat(g, seats, Wiggle(random));
  std::vector<std::vector<std::size_t>> street_faces(std::size(kStreets));
  for (std::size_t f = 0; f < n; ++f) street_faces[street_of[f]].push_back(f);

  // Communities and villages: equal shares of each street; the sparsest become villages.
  Splitter splitter(g);
  std::vector<std::vector<Unit>> units(std::size(kStreets));
  for (std::size_t s = 0; s < std::size(kStreets); ++s) {
    const auto& plan = kStreets[s];
    const auto wanted = static_cast<std::size_t>(plan.communities + plan.villages);
    // Communities differ in size: shares between 0.6 and 1.4 of the street's mean.
    std::vector<double> shares;
    for (std::size_t i = 0; i < wanted; ++i) shares.push_back(random.uniform(0.6, 1.4));
    auto parts = splitter.split(street_faces[s], shares, random);
    if (parts.size() != wanted)
      return make_error(ErrorCode::invalid_value, std::string(plan.name) + " could not be split into its communities");
    for (auto& p : parts) {
      Unit u;
      u.faces = std::move(p);
      for (auto f : u.faces) u.people += g.people[f], u.area += g.area_m2[f];
      u.centre = centre_of(g, u.faces);
      units[s].push_back(std::move(u));
    }
    std::vector<std::size_t> by_density(units[s].size());
    std::iota(by_density.begin(), by_density.end(), 0);
    std::sort(by_density.begin(), by_density.end(), [&](auto a, auto b) {
      return units[s][a].people / units[s][a].area < units[s][b].people / units[s][b].area;
    });
    for (int v = 0; v < plan.villages; ++v) units[s][by_density[static_cast<std::size_t>(v)]].village = true;
    // Communities first (codes 001…), then villages (200…), each north to south.
    std::stable_sort(units[s].begin(), units[s].end(), [](const Unit& a, const Unit& b) {
      if (a.village != b.village) return !a.village;
      return reads_before(a.centre, b.centre);
    });
  }

  // Grids per community and the residents of each: every grid within 1,000–2,000, the
  // whole district at exactly the wanted population.
  // Each street's grids are counted as a whole and handed to its units by their
  // population (largest remainders), so that rounding does not add a grid to every unit.
  std::vector<Unit*> all_units;
  std::vector<double> raw;
  std::vector<std::int64_t> lo, hi, grid_count;
  for (auto& list : units) {
    double street_people = 0;
    for (auto& u : list) street_people += u.people;
    const auto street_grids = static_cast<std::size_t>(std::max<long long>(
        static_cast<long long>(list.size()), std::llround(street_people / o.residents_per_grid)));
    std::vector<std::int64_t> counts(list.size(), 1);
    std::size_t given = list.size();
    std::vector<std::pair<double, std::size_t>> remainders;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const double exact = static_cast<double>(street_grids) * list[i].people / street_people;
      const auto whole = std::max<std::int64_t>(1, static_cast<std::int64_t>(exact));
      given += static_cast<std::size_t>(whole - 1);
      counts[i] = whole;
      remainders.push_back({-(exact - static_cast<double>(whole)), i});
    }
    std::sort(remainders.begin(), remainders.end());
    for (std::size_t r = 0; given < street_grids && r < remainders.size(); ++r, ++given) ++counts[remainders[r].second];
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto k = std::min<std::int64_t>(counts[i], static_cast<std::int64_t>(list[i].faces.size()));
      all_units.push_back(&list[i]);
      grid_count.push_back(k);
      raw.push_back(list[i].people);
      lo.push_back(1030 * k);
      hi.push_back(1950 * k);
    }
  }
  const auto unit_people = fit(raw, lo, hi, o.population);

  DemoCity city;
  city.district = "350213";
  city.population = o.population;
  auto add_area = [&](std::string code, std::string name, geo::Level level, std::string parent,
                      const std::vector<std::size_t>& members) -> dispatch::Status {
    std::vector<const geo::Polygon*> cells;
    cells.reserve(members.size());
    for (auto f : members) cells.push_back(&faces.cells[f]);
    auto shape = geo::merge_cells(cells);
    if (!shape) return make_error(ErrorCode::invalid_value, "the shape of " + name + " could not be formed: " + geo::geos::last_error());
    geo::orient_rfc7946(*shape);
    geo::Area a;
    a.index = city.areas.size();
    a.code = std::move(code);
    a.name = std::move(name);
    a.level = level;
    a.parent = std::move(parent);
    a.shape = std::move(*shape);
    city.areas.push_back(std::move(a));
    return std::nullopt;
  };
  std::vector<std::size_t> everything(n);
  std::iota(everything.begin(), everything.end(), 0);
  if (auto e = add_area(city.district, "翔安区", geo::Level::district, {}, everything)) return *e;
  for (std::size_t s = 0; s < std::size(kStreets); ++s) {
    if (auto e = add_area(city.district + kStreets[s].code, kStreets[s].name, geo::Level::street, city.district,
                          street_faces[s]))
      return *e;
    ++(kStreets[s].town ? city.towns : city.streets);
  }

  std::set<std::string> taken_names;
  std::size_t worker_number = 0;
  std::size_t next_unit = 0;
  struct Planned {
    std::string code;
    std::vector<std::string> grids;  // by population, largest first
    std::int64_t people = 0;
  };
  std::vector<Planned> planned;  // communities in code order, for the workers below
  for (std::size_t s = 0; s < std::size(kStreets); ++s) {
    const std::string street = city.district + kStreets[s].code;
    std::size_t community_no = 0, village_no = 0;
    for (auto& u : units[s]) {
      const std::size_t index = next_unit++;
      const std::string code = street + numbered(u.village ? 200 + village_no++ : 1 + community_no++, 3);
      const std::string name = place_name(random, u.village, taken_names);
      if (auto e = add_area(code, name, geo::Level::community, street, u.faces)) return *e;
      ++(u.village ? city.villages : city.communities);

      std::vector<double> shares;
      for (std::int64_t j = 0; j < grid_count[index]; ++j) shares.push_back(random.uniform(0.85, 1.15));
      auto grids = splitter.split(u.faces, shares, random);
      std::vector<Point> centres;
      for (const auto& gr : grids) centres.push_back(centre_of(g, gr));
      std::vector<std::size_t> order(grids.size());
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [&](auto a, auto b) { return reads_before(centres[a], centres[b]); });
      std::vector<double> grid_raw;
      for (auto i : order) {
        double p = 0;
        for (auto f : grids[i]) p += g.people[f];
        grid_raw.push_back(p);
      }
      const std::int64_t total = std::clamp<std::int64_t>(unit_people[index], 1000 * static_cast<std::int64_t>(grids.size()),
                                                          1990 * static_cast<std::int64_t>(grids.size()));
      const auto people = fit(grid_raw, std::vector<std::int64_t>(grids.size(), 1000),
                              std::vector<std::int64_t>(grids.size(), 1990), total);
      Planned p{code, {}, total};
      std::vector<std::pair<std::int64_t, std::string>> by_people;
      for (std::size_t j = 0; j < order.size(); ++j) {
        const std::string grid_code = code + numbered(j + 1, 3);
        if (auto e = add_area(grid_code, "第" + std::to_string(j + 1) + "网格", geo::Level::grid, code, grids[order[j]]))
          return *e;
        city.areas.back().population = people[j];
        by_people.push_back({-people[j], grid_code});
        ++city.grids;
      }
      std::sort(by_people.begin(), by_people.end());
      for (auto& [minus, gc] : by_people) p.grids.push_back(gc);
      planned.push_back(std::move(p));
    }
  }
  // The district's population as the grids add it up (communities clamped to their band
  // may move it a little from the wanted figure).
  city.population = 0;
  for (const auto& a : city.areas) city.population += a.population.value_or(0);

  // Workers: an owner (A post) for every grid; the rest go to communities by population,
  // at least one to each single-grid community so its grid has a backup. The extra
  // workers hold the B post of their community's largest grids (two full-time workers on
  // one grid); other grids are backed up by the owner of the next grid (A/B岗 in pairs).
  const std::size_t owners = city.grids;
  if (o.workers < owners + std::count_if(planned.begin(), planned.end(), [](auto& p) { return p.grids.size() == 1; }))
    return make_error(ErrorCode::invalid_value, "too few workers for every grid to have an owner and a backup");
  std::vector<std::size_t> extra(planned.size(), 0);
  std::size_t left = o.workers - owners;
  for (std::size_t c = 0; c < planned.size(); ++c)
    if (planned[c].grids.size() == 1) extra[c] = 1, --left;
  {
    std::vector<double> share(planned.size());
    double sum = 0;
    for (std::size_t c = 0; c < planned.size(); ++c) sum += static_cast<double>(planned[c].people);
    std::vector<std::pair<double, std::size_t>> remainders;
    std::size_t given = 0;
    for (std::size_t c = 0; c < planned.size(); ++c) {
      const double exact = static_cast<double>(left) * static_cast<double>(planned[c].people) / sum;
      const auto whole = static_cast<std::size_t>(exact);
      extra[c] += whole;
      given += whole;
      remainders.push_back({-(exact - static_cast<double>(whole)), c});
    }
    std::sort(remainders.begin(), remainders.end());
    for (std::size_t i = 0; given < left; ++i, ++given) ++extra[remainders[i % remainders.size()].second];
  }
  for (std::size_t c = 0; c < planned.size(); ++c) {
    const auto& p = planned[c];
    std::vector<std::size_t> owner_row;  // index into city.workers, by grid
    auto new_worker = [&](const std::string& community) -> data::WorkerRow& {
      data::WorkerRow w;
      ++worker_number;
      w.worker.id = "W" + numbered(worker_number, 4);
      w.worker.name = person_name(random);
      w.worker.phone = "13950" + numbered(100000 + worker_number * 7 + random.below(7), 6);
      w.worker.community = community;
      w.line = city.workers.size() + 2;
      city.workers.push_back(std::move(w));
      return city.workers.back();
    };
    for (const auto& grid : p.grids) {
      new_worker(p.code).owner_of = {grid};
      owner_row.push_back(city.workers.size() - 1);
    }
    std::vector<std::string> backup(p.grids.size());
    for (std::size_t e = 0; e < extra[c]; ++e) {
      auto& w = new_worker(p.code);
      if (e < p.grids.size()) {
        w.backup_of = {p.grids[e]};
        backup[e] = w.worker.id;
      }
    }
    for (std::size_t j = 0; j < p.grids.size(); ++j)
      if (backup[j].empty()) city.workers[owner_row[(j + 1) % p.grids.size()]].backup_of.push_back(p.grids[j]);
  }
  return city;
}

std::string demo_grids_geojson(const DemoCity& city) {
  std::string out = "{\"type\":\"FeatureCollection\",\"name\":\"xiangan-demo-grids\",\"features\":[\n";
  for (std::size_t i = 0; i < city.areas.size(); ++i) {
    const auto& a = city.areas[i];
    boost::json::object props;
    props["code"] = a.code;
    props["name"] = a.name;
    props["level"] = std::string(geo::to_string(*a.level));
    if (!a.parent.empty()) props["parent"] = a.parent;
    if (a.population) props["population"] = *a.population;
    out += "{\"type\":\"Feature\",\"properties\":" + boost::json::serialize(props) +
           ",\"geometry\":" + geo::write_geometry(a.shape) + "}";
    out += i + 1 < city.areas.size() ? ",\n" : "\n";
  }
  return out + "]}\n";
}

std::string demo_workers_csv(const DemoCity& city) {
  auto joined = [](const std::vector<std::string>& codes) {
    std::string s;
    for (const auto& c : codes) s += (s.empty() ? "" : ";") + c;
    return s;
  };
  std::string out = std::string(data::kWorkersHeader) + "\n";
  for (const auto& w : city.workers)
    out += w.worker.id + "," + w.worker.name + "," + w.worker.phone + "," + w.worker.community + "," +
           joined(w.owner_of) + "," + joined(w.backup_of) + "\n";
  return out;
}

}  // namespace gridkeeper::demo
