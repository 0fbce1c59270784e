#include "dispatch/generation_diff.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <map>
#include <numbers>

namespace gridkeeper::dispatch {

namespace json = boost::json;

double area_m2(const geo::MultiPolygon& shape) {
  constexpr double kEarth = 6'371'008.8;
  double total = 0;
  for (const auto& polygon : shape)
    for (std::size_t r = 0; r < polygon.rings.size(); ++r) {
      const auto& ring = polygon.rings[r];
      if (ring.size() < 3) continue;
      const double lat0 = ring.front().lat * std::numbers::pi / 180;
      const double kx = std::cos(lat0) * kEarth * std::numbers::pi / 180, ky = kEarth * std::numbers::pi / 180;
      double twice = 0;
      for (std::size_t i = 0; i + 1 < ring.size(); ++i)
        twice += (ring[i].lon * kx) * (ring[i + 1].lat * ky) - (ring[i + 1].lon * kx) * (ring[i].lat * ky);
      total += (r == 0 ? 1 : -1) * std::abs(twice) / 2;
    }
  return std::max(0.0, total);
}

namespace {

double area_of_text(const std::string& geometry) {
  auto shape = geo::read_geometry(geometry);
  return shape ? area_m2(*shape) : 0;
}

std::int64_t rounded(double v) { return static_cast<std::int64_t>(std::llround(v)); }

}  // namespace

std::string generation_diff(const DiffInput& in) {
  std::map<std::string, const GenerationGrid*> before, after;
  for (const auto& g : in.before) before[g.grid.code] = &g;
  for (const auto& g : in.plan.grids) after[g.grid.code] = &g;
  json::array added, removed, changed, moves, unfilled, problems;
  std::int64_t residents_moved = 0;
  for (const auto& [code, g] : after) {
    auto old = before.find(code);
    if (old == before.end()) {
      added.push_back(json::object{{"id", code},
                                   {"name", g->grid.name},
                                   {"community", g->grid.community},
                                   {"population", g->grid.population},
                                   {"area_m2", rounded(area_of_text(g->geometry))}});
      residents_moved += g->grid.population;
      if (g->grid.owner.empty()) unfilled.push_back(json::object{{"grid", code}, {"post", "A"}});
      if (g->grid.backup.empty()) unfilled.push_back(json::object{{"grid", code}, {"post", "B"}});
      continue;
    }
    const auto& was = *old->second;
    const bool shape = was.geometry != g->geometry;
    if (!shape && was.grid.name == g->grid.name && was.grid.community == g->grid.community &&
        was.grid.population == g->grid.population)
      continue;
    if (g->grid.population > was.grid.population) residents_moved += g->grid.population - was.grid.population;
    changed.push_back(
        json::object{{"id", code},
                     {"name_from", was.grid.name},
                     {"name_to", g->grid.name},
                     {"community_from", was.grid.community},
                     {"community_to", g->grid.community},
                     {"population_from", was.grid.population},
                     {"population_to", g->grid.population},
                     {"area_from_m2", rounded(area_of_text(was.geometry))},
                     {"area_to_m2", shape ? rounded(area_of_text(g->geometry)) : rounded(area_of_text(was.geometry))},
                     {"shape_changed", shape}});
  }
  for (const auto& [code, g] : before)
    if (!after.count(code))
      removed.push_back(json::object{{"id", code},
                                     {"name", g->grid.name},
                                     {"community", g->grid.community},
                                     {"population", g->grid.population},
                                     {"area_m2", rounded(area_of_text(g->geometry))}});
  for (const auto& m : in.moves)
    moves.push_back(json::object{{"id", m.id},
                                 {"urgency", to_string(m.urgency)},
                                 {"title", m.title},
                                 {"grid_from", m.grid_from},
                                 {"grid_to", m.grid_to},
                                 {"assignee_id", m.assignee.empty() ? json::value() : json::value(m.assignee)},
                                 {"assignee_to", m.assignee_to.empty() ? json::value() : json::value(m.assignee_to)}});
  for (const auto& p : in.problems) problems.push_back(json::value(p));
  json::object out{{"grids", static_cast<std::int64_t>(in.plan.grids.size())},
                   {"grids_added", std::move(added)},
                   {"grids_removed", std::move(removed)},
                   {"grids_changed", std::move(changed)},
                   {"residents_moved", residents_moved},
                   {"open_cases_moving", std::move(moves)},
                   {"posts_unfilled", std::move(unfilled)},
                   {"addresses_moving", static_cast<std::int64_t>(in.addresses_moving)},
                   {"problem_count", static_cast<std::int64_t>(in.problem_count)},
                   {"problems", std::move(problems)}};
  return json::serialize(out);
}

std::vector<std::string> plan_problems(const GenerationPlan& plan, const std::set<WorkerId>& workers) {
  std::vector<std::string> out;
  for (const auto& g : plan.grids) {
    for (const auto* post : {&g.grid.owner, &g.grid.backup})
      if (!post->empty() && !workers.count(*post))
        out.push_back("grid " + g.grid.code + ": " + *post + " is not a worker on the roster");
    if (!g.grid.owner.empty() && g.grid.owner == g.grid.backup)
      out.push_back("grid " + g.grid.code + ": " + g.grid.owner + " would hold both its A and its B post");
  }
  return out;
}

}  // namespace gridkeeper::dispatch
