#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <set>

#include "demo/city_phases.hpp"

namespace gridkeeper::demo::detail {

std::vector<std::vector<std::size_t>> Splitter::split(const std::vector<std::size_t>& members,
                                                      std::vector<double> shares, Random& random) {
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

std::vector<std::size_t> Splitter::initial_seeds(const std::vector<std::size_t>& members, std::size_t k,
                                                 Random& random) {
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
std::vector<std::size_t> Splitter::centred_seeds(const std::vector<std::size_t>& members, std::size_t k) const {
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

void Splitter::grow(const std::vector<std::size_t>& members, const std::vector<std::size_t>& seeds) {
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
bool Splitter::connected_without(std::size_t f, int r, std::size_t size) {
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

void Splitter::even_out(const std::vector<std::size_t>& members, std::size_t k) {
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
        const double pb = filled_[static_cast<std::size_t>(label_[m])],
                     tb = target_[static_cast<std::size_t>(label_[m])];
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

namespace {

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

}  // namespace

std::vector<std::vector<std::size_t>> grow_streets(const Faces& faces, Random& random) {
  const Graph& g = faces.graph;
  const std::size_t n = g.at.size();
  std::vector<std::size_t> seats;
  for (const auto& s : kStreets) {
    const Point m = faces.frame.to_metres(s.seat);
    std::size_t best = 0;
    for (std::size_t f = 1; f < n; ++f)
      if (std::hypot(g.at[f].lon - m.lon, g.at[f].lat - m.lat) <
          std::hypot(g.at[best].lon - m.lon, g.at[best].lat - m.lat))
        best = f;
    seats.push_back(best);
  }
  const auto street_of = nearest_seat(g, seats, Wiggle(random));
  std::vector<std::vector<std::size_t>> street_faces(std::size(kStreets));
  for (std::size_t f = 0; f < n; ++f) street_faces[street_of[f]].push_back(f);
  return street_faces;
}

}  // namespace gridkeeper::demo::detail
