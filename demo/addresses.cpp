#include "demo/addresses.hpp"

#include <random>
#include <string>
#include <unordered_map>

namespace gridkeeper::demo {

namespace {
const char* kRoads[] = {"文化", "民安", "鸿山", "翔安", "东园", "西林", "南山", "北辰", "海滨", "舫山",
                        "洪钟", "古宅", "彭厝", "琼头", "莲河", "蔡厝", "后村", "沙美", "欧厝", "澳头"};
const char* kKinds[] = {"路", "大道", "街", "巷", "里"};
const char* kEstates[] = {"花园", "新村", "公寓", "家园", "雅苑", "小区", "嘉园"};
}  // namespace

std::vector<dispatch::AddressInput> demo_addresses(const std::vector<geo::Area>& areas, std::size_t per_grid,
                                                   std::uint64_t seed) {
  std::unordered_map<std::string, std::string> names;
  for (const auto& a : areas) names.emplace(a.code, a.name);
  std::mt19937_64 rnd(seed);
  auto pick = [&rnd](const auto& list) { return std::string(list[rnd() % std::size(list)]); };
  std::vector<dispatch::AddressInput> out;
  for (const auto& a : areas) {
    if (a.level != geo::Level::grid || a.shape.empty()) continue;
    const auto box = geo::bbox_of(a.shape);
    std::uniform_real_distribution<double> lon(box.min_lon, box.max_lon), lat(box.min_lat, box.max_lat);
    const std::string community = names.count(a.parent) ? names.at(a.parent) : std::string();
    const std::string road = pick(kRoads) + pick(kKinds);
    const std::string estate = pick(kRoads) + pick(kEstates);
    for (std::size_t i = 0; i < per_grid; ++i) {
      dispatch::AddressInput in;
      in.address = community + road + std::to_string(1 + rnd() % 300) + "号" + (i % 2 ? estate : std::string());
      in.building = i % 2 ? std::to_string(1 + i / 2) + "号楼" : std::string();
      in.community = community;
      in.lon = lon(rnd);
      in.lat = lat(rnd);
      out.push_back(std::move(in));
    }
  }
  return out;
}

}  // namespace gridkeeper::demo
