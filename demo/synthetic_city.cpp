#include "demo/synthetic_city.hpp"

#include <cmath>
#include <cstdio>
#include <map>

#include "geo/tessellation.hpp"

namespace gridkeeper::demo {

namespace {
std::string numbered(const std::string& prefix, std::size_t n, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*zu", width, n);
  return prefix + buf;
}
}  // namespace

SyntheticCity synthetic_city(const SyntheticCityOptions& o) {
  SyntheticCity city;
  geo::TessellationOptions t;
  t.area = o.area;
  t.columns = o.columns;
  t.rows = o.rows;
  t.seed = o.seed;
  auto shapes = geo::tessellate(t);

  const int block_columns = (o.columns + o.community_columns - 1) / o.community_columns;
  const int block_rows = (o.rows + o.community_rows - 1) / o.community_rows;
  city.communities = static_cast<std::size_t>(block_columns * block_rows);
  const auto per_street = static_cast<std::size_t>(std::max(1, o.communities_per_street));
  city.streets = (city.communities + per_street - 1) / per_street;

  auto add = [&](std::string code, std::string name, geo::Level level, std::string parent) {
    geo::Area a;
    a.index = city.areas.size();
    a.code = std::move(code);
    a.name = std::move(name);
    a.level = level;
    a.parent = std::move(parent);
    city.areas.push_back(std::move(a));
  };
  auto street_code = [&](std::size_t s) { return numbered(o.district, s + 1, 3); };
  auto community_code = [&](std::size_t c) { return numbered(street_code(c / per_street), c % per_street + 1, 3); };
  add(o.district, "示例区", geo::Level::district, {});
  for (std::size_t s = 0; s < city.streets; ++s)
    add(street_code(s), "第" + std::to_string(s + 1) + "街道", geo::Level::street, o.district);
  for (std::size_t c = 0; c < city.communities; ++c)
    add(community_code(c), "第" + std::to_string(c + 1) + "社区", geo::Level::community, street_code(c / per_street));

  // Grids in row-major order; each community lists its grids for the posts below.
  std::map<std::size_t, std::vector<std::string>> grids_of;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const int row = static_cast<int>(i) / o.columns, column = static_cast<int>(i) % o.columns;
    const auto c = static_cast<std::size_t>((row / o.community_rows) * block_columns + column / o.community_columns);
    geo::Area a;
    a.index = city.areas.size();
    a.code = shapes[i].code;
    a.name = "第" + std::to_string(grids_of[c].size() + 1) + "网格";
    a.level = geo::Level::grid;
    a.parent = community_code(c);
    a.population = o.population;
    a.shape = std::move(shapes[i].shape);
    city.areas.push_back(std::move(a));
    grids_of[c].push_back(shapes[i].code);
  }

  // Owners first, one per grid; the backup of a grid is the owner of the next grid of the
  // same community. Pool workers are spread over the communities.
  const std::size_t grid_count = shapes.size();
  const auto total = std::max(grid_count, static_cast<std::size_t>(std::llround(grid_count * o.workers_per_grid)));
  std::size_t n = 0;
  for (const auto& [c, grids] : grids_of) {
    for (std::size_t k = 0; k < grids.size(); ++k) {
      data::WorkerRow w;
      w.worker.id = numbered("W", ++n, 6);
      w.worker.name = "网格员" + std::to_string(n);
      w.worker.phone = numbered("138", n, 8);
      w.worker.community = community_code(c);
      w.owner_of = {grids[k]};
      if (grids.size() > 1) w.backup_of = {grids[(k + grids.size() - 1) % grids.size()]};
      city.workers.push_back(std::move(w));
    }
  }
  for (std::size_t k = 0; n < total; ++k) {
    data::WorkerRow w;
    w.worker.id = numbered("W", ++n, 6);
    w.worker.name = "社区工作者" + std::to_string(n);
    w.worker.phone = numbered("139", n, 8);
    w.worker.community = community_code(k % city.communities);
    city.workers.push_back(std::move(w));
  }
  for (std::size_t i = 0; i < city.workers.size(); ++i) city.workers[i].line = i + 2;
  return city;
}

}  // namespace gridkeeper::demo
