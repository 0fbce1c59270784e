#include "dispatch/generation.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace gridkeeper::dispatch {

namespace {

constexpr std::pair<GenerationState, std::string_view> kStates[] = {{GenerationState::draft, "draft"},
                                                                    {GenerationState::scheduled, "scheduled"},
                                                                    {GenerationState::current, "current"},
                                                                    {GenerationState::past, "past"}};
constexpr std::pair<OpenCases, std::string_view> kOpenCases[] = {{OpenCases::stay, "stay"},
                                                                 {OpenCases::follow, "follow"}};

template <class E, std::size_t N>
std::optional<E> parse(std::string_view s, const std::pair<E, std::string_view> (&names)[N]) {
  for (const auto& [value, name] : names)
    if (name == s) return value;
  return std::nullopt;
}
template <class E, std::size_t N>
std::string_view name_of(E v, const std::pair<E, std::string_view> (&names)[N]) {
  for (const auto& [value, name] : names)
    if (value == v) return name;
  return "?";
}

const std::string* property(const geo::Area& a, std::string_view key) { return a.property(key); }

}  // namespace

std::string_view to_string(GenerationState v) { return name_of(v, kStates); }
std::optional<GenerationState> generation_state_from(std::string_view s) { return parse(s, kStates); }
std::string_view to_string(OpenCases v) { return name_of(v, kOpenCases); }
std::optional<OpenCases> open_cases_from(std::string_view s) { return parse(s, kOpenCases); }

GenerationPlan plan_from_areas(const std::vector<geo::Area>& areas) {
  GenerationPlan plan;
  for (const auto& a : areas) {
    if (!a.level) continue;
    if (*a.level != geo::Level::grid) {
      Jurisdiction j;
      j.code = a.code;
      j.name = a.name;
      j.level = *a.level == geo::Level::district ? Level::district
                : *a.level == geo::Level::street ? Level::street
                                                 : Level::community;
      j.parent = a.parent;
      plan.jurisdictions.push_back(std::move(j));
      continue;
    }
    GenerationGrid g;
    g.grid.code = a.code;
    g.grid.name = a.name;
    g.grid.community = a.parent;
    g.grid.population = a.population.value_or(0);
    if (const auto* owner = property(a, "owner_id")) g.grid.owner = *owner;
    if (const auto* backup = property(a, "backup_id")) g.grid.backup = *backup;
    g.geometry = geo::write_geometry(a.shape);
    plan.grids.push_back(std::move(g));
    plan.shapes.push_back({a.code, a.shape});
  }
  // A district's parent outside the file (a city) is not kept.
  for (auto& j : plan.jurisdictions)
    if (j.level == Level::district) j.parent.clear();
  return plan;
}

}  // namespace gridkeeper::dispatch
