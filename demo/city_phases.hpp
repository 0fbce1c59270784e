#pragma once
// The demo city generator's phases (demo/city.cpp runs them in order), shared by its source
// files and used by nothing else. Every phase draws from the one Random in turn, so the
// order in which demo_city() calls them is part of the output.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "demo/city.hpp"
#include "demo/names.hpp"
#include "dispatch/errors.hpp"
#include "geo/geos.hpp"
#include "geo/subdivision.hpp"

namespace gridkeeper::demo::detail {

using geo::Point;

inline constexpr double kGridSize = 1e-7;  // degrees: the rounding GridIndex routes with

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
inline constexpr StreetPlan kStreets[] = {
    {"001", "新店街道", false, {118.263, 24.621}, 20, 0}, {"002", "马巷街道", false, {118.247, 24.668}, 16, 4},
    {"003", "大嶝街道", false, {118.336, 24.560}, 6, 2},  {"004", "凤翔街道", false, {118.222, 24.598}, 14, 0},
    {"005", "香山街道", false, {118.301, 24.612}, 12, 0}, {"006", "金海街道", false, {118.262, 24.553}, 10, 0},
    {"007", "民安街道", false, {118.198, 24.641}, 10, 0}, {"100", "新圩镇", true, {118.256, 24.757}, 5, 14},
    {"101", "内厝镇", true, {118.320, 24.676}, 5, 10},
};

// The faces as a graph: positions in metres, residents, neighbours.
struct Graph {
  std::vector<Point> at;  // metres on a local frame
  std::vector<double> people;
  std::vector<double> area_m2;
  std::vector<std::vector<std::size_t>> next;

  double distance(std::size_t a, std::size_t b) const {
    return std::hypot(at[a].lon - at[b].lon, at[a].lat - at[b].lat);
  }
};

// The district cut into faces: the faces themselves, their graph (people spread by the
// density, scaled to the district's population) and the frame their metres are on.
struct Faces {
  geo::Subdivision subdivision;
  Graph graph;
  geo::geos::LocalFrame frame;
};

// The outline repaired and on the grid, sites drawn in proportion to a population density,
// the outline cut by their Voronoi cells; islands are bridged to the rest (city_faces.cpp).
dispatch::Result<Faces> cut_district(const DemoCityOptions& options, Random& random);

// Splits `members` (connected in the graph) into connected regions whose populations
// follow `shares`: seeds placed like k-means++ and moved to their regions' centres a few
// times; regions grow from their seeds, the one furthest below its share first; then
// boundary faces move to a neighbouring region while that brings both nearer their shares.
class Splitter {
 public:
  Splitter(const Graph& g) : g_(g), local_(g.at.size(), -1), label_(g.at.size(), -1) {}

  std::vector<std::vector<std::size_t>> split(const std::vector<std::size_t>& members, std::vector<double> shares,
                                              Random& random);

 private:
  bool inside(std::size_t f) const { return local_[f] >= 0; }
  std::vector<std::size_t> initial_seeds(const std::vector<std::size_t>& members, std::size_t k, Random& random);
  std::vector<std::size_t> centred_seeds(const std::vector<std::size_t>& members, std::size_t k) const;
  void grow(const std::vector<std::size_t>& members, const std::vector<std::size_t>& seeds);
  bool connected_without(std::size_t f, int r, std::size_t size);
  void even_out(const std::vector<std::size_t>& members, std::size_t k);

  const Graph& g_;
  std::vector<int> local_;  // position in the members being split, or -1
  std::vector<int> label_;  // region of each face being split
  std::vector<double> filled_;
  std::vector<double> target_;
};

// Streets and towns: the faces of each of kStreets, grown from its seat over the graph
// with distances bent by a smooth random field (city_regions.cpp).
std::vector<std::vector<std::size_t>> grow_streets(const Faces& faces, Random& random);

struct Unit {  // a community or village while it is being planned
  std::vector<std::size_t> faces;
  bool village = false;
  double people = 0, area = 0;
  Point centre;  // metres
};

// Each street's communities and villages (the sparsest units), communities first, each
// kind north to south: the order of their codes (city_units.cpp).
dispatch::Result<std::vector<std::vector<Unit>>> plan_units(const Graph& g, Splitter& splitter,
                                                            const std::vector<std::vector<std::size_t>>& street_faces,
                                                            Random& random);

// How many grids each unit gets and how many residents, units in the order of plan_units
// street by street.
struct GridBudget {
  std::vector<std::int64_t> grids, people;
};
GridBudget budget_grids(const std::vector<std::vector<Unit>>& units, const DemoCityOptions& options);

// A community or village as placed: its code, its grids by population (largest first) and
// its residents.
struct Planned {
  std::string code;
  std::vector<std::string> grids;
  std::int64_t people = 0;
};

// The district and its streets and towns as areas of `city`.
dispatch::Status add_district_and_streets(DemoCity& city, const Faces& faces,
                                          const std::vector<std::vector<std::size_t>>& street_faces);
// The communities and villages with their names, each split into its grids with their
// residents; returns them in code order.
dispatch::Result<std::vector<Planned>> add_communities_and_grids(DemoCity& city, const Faces& faces, Splitter& splitter,
                                                                 const std::vector<std::vector<Unit>>& units,
                                                                 const GridBudget& budget, Random& random);

// An owner for every grid, backups, and the rest of `workers` spread by population
// (city_workers.cpp).
dispatch::Status add_workers(DemoCity& city, const std::vector<Planned>& planned, std::size_t workers, Random& random);

// `n` with leading zeros to `width` digits.
std::string numbered(std::size_t n, int width);

}  // namespace gridkeeper::demo::detail
