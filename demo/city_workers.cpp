#include <algorithm>

#include "demo/city_phases.hpp"

namespace gridkeeper::demo::detail {

// Workers: an owner (A post) for every grid; the rest go to communities by population,
// at least one to each single-grid community so its grid has a backup. The extra
// workers hold the B post of their community's largest grids (two full-time workers on
// one grid); other grids are backed up by the owner of the next grid (A/B岗 in pairs).
dispatch::Status add_workers(DemoCity& city, const std::vector<Planned>& planned, std::size_t workers, Random& random) {
  std::size_t worker_number = 0;
  const std::size_t owners = city.grids;
  if (workers < owners + std::count_if(
                             planned.begin(), planned.end(), [](auto& p) { return p.grids.size() == 1; }))
    return dispatch::make_error(dispatch::ErrorCode::invalid_value,
                                "too few workers for every grid to have an owner and a backup");
  std::vector<std::size_t> extra(planned.size(), 0);
  std::size_t left = workers - owners;
  for (std::size_t c = 0; c < planned.size(); ++c)
    if (planned[c].grids.size() == 1) extra[c] = 1, --left;
  {
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
  return std::nullopt;
}

}  // namespace gridkeeper::demo::detail
