// bench_addresses: a million standard addresses (a generator of plausible Chinese ones:
// town, road, number, 小区, building) loaded into a database of a 20,000-grid city through
// the importer, then searched: p50 and p99 of 2-, 3- and 4-character queries taken from
// the addresses themselves (the goal: p99 under 50 ms).
//   bench_addresses [--addresses N] [--queries N]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "data/address_files.hpp"
#include "data/addresses_store.hpp"
#include "data/import.hpp"
#include "demo/synthetic_city.hpp"

using namespace gridkeeper;
using Clock = std::chrono::steady_clock;

namespace {

const char* kTowns[] = {"新店镇", "马巷镇", "内厝镇", "新圩镇", "大嶝街道", "金海街道", "凤翔街道", "香山街道"};
const char* kRoads[] = {"文化",   "民安", "鸿山",   "翔安", "同安", "东园", "西林", "南山", "北辰", "海滨",
                        "舫山",   "洪钟", "古宅",   "彭厝", "琼头", "莲河", "蔡厝", "后村", "沙美", "欧厝",
                        "面前埔", "澳头", "刘五店", "巷北", "窗东", "桐梓", "云头", "吕塘", "后田", "霞浯"};
const char* kKinds[] = {"路", "大道", "街", "巷", "里"};
const char* kEstates[] = {"花园", "新村", "公寓", "家园", "雅苑", "小区", "嘉园", "苑"};

std::vector<std::string> characters(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 1'000'000, queries = 2000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--addresses")) count = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--queries")) queries = std::strtoull(argv[i + 1], nullptr, 10);
  }
  const auto dir = std::filesystem::temp_directory_path() / ("bench-addresses-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string db = (dir / "city.db").string();

  demo::SyntheticCityOptions o;
  o.columns = 200;
  o.rows = 100;
  const auto city = demo::synthetic_city(o);
  auto t = Clock::now();
  auto imported = data::import_organisation(db, city.areas, city.workers, 0);
  if (!imported.ok) {
    std::fprintf(stderr, "cannot import the city\n");
    return 1;
  }
  std::printf("city: %d grids imported in %.1f s\n", o.columns * o.rows, ms_since(t) / 1000);

  std::mt19937_64 rnd(7);
  auto pick = [&rnd](const auto& list) { return list[rnd() % std::size(list)]; };
  std::uniform_real_distribution<double> lon(o.area.min_lon + 1e-4, o.area.max_lon - 1e-4);
  std::uniform_real_distribution<double> lat(o.area.min_lat + 1e-4, o.area.max_lat - 1e-4);
  std::vector<dispatch::AddressInput> rows;
  rows.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    dispatch::AddressInput a;
    a.address = std::string(pick(kTowns)) + pick(kRoads) + pick(kKinds) + std::to_string(1 + rnd() % 999) + "号" +
                pick(kRoads) + pick(kEstates);
    a.building = std::to_string(1 + i % 40) + "号楼";
    a.lon = lon(rnd);
    a.lat = lat(rnd);
    rows.push_back(std::move(a));
  }
  t = Clock::now();
  auto loaded = data::import_address_rows(db, rows, geo::Crs::wgs84, 0, "bench");
  if (!loaded) {
    std::fprintf(stderr, "cannot load: %s\n", loaded.error().message.c_str());
    return 1;
  }
  std::printf("load: %zu addresses (%zu added, %zu updated, %zu unchanged, %zu rejected) in %.1f s\n", count,
              loaded->load.added, loaded->load.updated, loaded->load.unchanged, loaded->rejected, ms_since(t) / 1000);

  auto book = data::SqliteAddresses::open(db);
  if (!book) return 1;
  for (std::size_t length : {2, 3, 4}) {
    std::vector<double> times;
    std::size_t hits = 0;
    for (std::size_t i = 0; i < queries; ++i) {
      const auto chars = characters(rows[rnd() % rows.size()].address);
      const std::size_t at = rnd() % (chars.size() - length + 1);
      std::string q;
      for (std::size_t k = 0; k < length; ++k) q += chars[at + k];
      const auto start = Clock::now();
      auto found = (*book)->find_addresses(q, 20);
      times.push_back(ms_since(start));
      if (found && !found->empty()) ++hits;
    }
    std::sort(times.begin(), times.end());
    std::printf("search, %zu characters: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu queries, %zu found something)\n",
                length, times[times.size() / 2], times[times.size() * 99 / 100], times.back(), queries, hits);
  }
  book->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
