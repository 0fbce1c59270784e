#include "demo/city.hpp"

#include <boost/json.hpp>

#include "demo/city_phases.hpp"

namespace gridkeeper::demo {

// The phases in turn (demo/city_phases.hpp), each drawing from one Random: the outline cut
// into faces, streets and towns grown over them, communities and villages, the grids each
// gets and their residents, the areas, the workers.
dispatch::Result<DemoCity> demo_city(const DemoCityOptions& o) {
  using namespace detail;
  Random random(o.seed);
  auto faces = cut_district(o, random);
  if (!faces) return faces.error();
  const auto street_faces = grow_streets(*faces, random);
  Splitter splitter(faces->graph);
  auto units = plan_units(faces->graph, splitter, street_faces, random);
  if (!units) return units.error();
  const auto budget = budget_grids(*units, o);

  DemoCity city;
  city.district = "350213";
  city.population = o.population;
  if (auto e = add_district_and_streets(city, *faces, street_faces)) return *e;
  auto planned = add_communities_and_grids(city, *faces, splitter, *units, budget, random);
  if (!planned) return planned.error();
  // The district's population as the grids add it up (communities clamped to their band
  // may move it a little from the wanted figure).
  city.population = 0;
  for (const auto& a : city.areas) city.population += a.population.value_or(0);
  if (auto e = add_workers(city, *planned, o.workers, random)) return *e;
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
