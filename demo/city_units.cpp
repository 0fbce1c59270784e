#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <set>

#include "demo/city_phases.hpp"

namespace gridkeeper::demo::detail {

using dispatch::ErrorCode;
using dispatch::make_error;

namespace {

// Integers near `raw * s` within [lo, hi] that add up to `total` (lo and hi allow it).
std::vector<std::int64_t> fit(const std::vector<double>& raw, const std::vector<std::int64_t>& lo,
                              const std::vector<std::int64_t>& hi, std::int64_t total) {
  const std::size_t n = raw.size();
  auto at_scale = [&](double s) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i)
      sum += std::clamp(raw[i] * s, static_cast<double>(lo[i]), static_cast<double>(hi[i]));
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

// One more area of `city`: the union of `members`, oriented as RFC 7946 asks.
dispatch::Status add_area(DemoCity& city, const Faces& faces, std::string code, std::string name, geo::Level level,
                          std::string parent, const std::vector<std::size_t>& members) {
  std::vector<const geo::Polygon*> cells;
  cells.reserve(members.size());
  for (auto f : members) cells.push_back(&faces.subdivision.cells[f]);
  auto shape = geo::merge_cells(cells);
  if (!shape)
    return make_error(ErrorCode::invalid_value,
                      "the shape of " + name + " could not be formed: " + geo::geos::last_error());
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
}

}  // namespace

std::string numbered(std::size_t n, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*zu", width, n);
  return buf;
}

dispatch::Result<std::vector<std::vector<Unit>>> plan_units(const Graph& g, Splitter& splitter,
                                                            const std::vector<std::vector<std::size_t>>& street_faces,
                                                            Random& random) {
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
  return units;
}

// Every grid within 1,000–2,000 residents, the whole district at exactly the wanted
// population. Each street's grids are counted as a whole and handed to its units by their
// population (largest remainders), so that rounding does not add a grid to every unit.
GridBudget budget_grids(const std::vector<std::vector<Unit>>& units, const DemoCityOptions& o) {
  std::vector<double> raw;
  std::vector<std::int64_t> lo, hi;
  GridBudget budget;
  for (const auto& list : units) {
    double street_people = 0;
    for (const auto& u : list) street_people += u.people;
    const auto street_grids = static_cast<std::size_t>(
        std::max<long long>(static_cast<long long>(list.size()), std::llround(street_people / o.residents_per_grid)));
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
      budget.grids.push_back(k);
      raw.push_back(list[i].people);
      lo.push_back(1030 * k);
      hi.push_back(1950 * k);
    }
  }
  budget.people = fit(raw, lo, hi, o.population);
  return budget;
}

dispatch::Status add_district_and_streets(DemoCity& city, const Faces& faces,
                                          const std::vector<std::vector<std::size_t>>& street_faces) {
  std::vector<std::size_t> everything(faces.subdivision.cells.size());
  std::iota(everything.begin(), everything.end(), 0);
  if (auto e = add_area(city, faces, city.district, "翔安区", geo::Level::district, {}, everything)) return *e;
  for (std::size_t s = 0; s < std::size(kStreets); ++s) {
    if (auto e = add_area(city, faces, city.district + kStreets[s].code, kStreets[s].name, geo::Level::street,
                          city.district, street_faces[s]))
      return *e;
    ++(kStreets[s].town ? city.towns : city.streets);
  }
  return std::nullopt;
}

dispatch::Result<std::vector<Planned>> add_communities_and_grids(DemoCity& city, const Faces& faces, Splitter& splitter,
                                                                 const std::vector<std::vector<Unit>>& units,
                                                                 const GridBudget& budget, Random& random) {
  const Graph& g = faces.graph;
  std::set<std::string> taken_names;
  std::size_t next_unit = 0;
  std::vector<Planned> planned;  // communities in code order, for the workers
  for (std::size_t s = 0; s < std::size(kStreets); ++s) {
    const std::string street = city.district + kStreets[s].code;
    std::size_t community_no = 0, village_no = 0;
    for (const auto& u : units[s]) {
      const std::size_t index = next_unit++;
      const std::string code = street + numbered(u.village ? 200 + village_no++ : 1 + community_no++, 3);
      const std::string name = place_name(random, u.village, taken_names);
      if (auto e = add_area(city, faces, code, name, geo::Level::community, street, u.faces)) return *e;
      ++(u.village ? city.villages : city.communities);

      std::vector<double> shares;
      for (std::int64_t j = 0; j < budget.grids[index]; ++j) shares.push_back(random.uniform(0.85, 1.15));
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
      const std::int64_t total =
          std::clamp<std::int64_t>(budget.people[index], 1000 * static_cast<std::int64_t>(grids.size()),
                                   1990 * static_cast<std::int64_t>(grids.size()));
      const auto people = fit(grid_raw, std::vector<std::int64_t>(grids.size(), 1000),
                              std::vector<std::int64_t>(grids.size(), 1990), total);
      Planned p{code, {}, total};
      std::vector<std::pair<std::int64_t, std::string>> by_people;
      for (std::size_t j = 0; j < order.size(); ++j) {
        const std::string grid_code = code + numbered(j + 1, 3);
        if (auto e = add_area(city, faces, grid_code, "第" + std::to_string(j + 1) + "网格", geo::Level::grid, code,
                              grids[order[j]]))
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
  return planned;
}

}  // namespace gridkeeper::demo::detail
