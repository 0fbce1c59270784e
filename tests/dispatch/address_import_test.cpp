// The standard addresses' CSV: bad rows reported by line, the good ones kept, coordinates
// converted to WGS-84, each row routed.
#include <catch2/catch.hpp>

#include "dispatch/address_import.hpp"

using namespace gridkeeper;
using dispatch::parse_address_csv;

namespace {
// One grid over 118..119 E, 24..25 N.
std::optional<std::string> one_grid(geo::Point p) {
  if (p.lon >= 118 && p.lon <= 119 && p.lat >= 24 && p.lat <= 25) return std::string("G1");
  return std::nullopt;
}
}  // namespace

TEST_CASE("address CSV: good rows load, bad rows are reported by line", "[addresses]") {
  const std::string csv =
      "address,lon,lat,building,community\n"
      "鸿山社区文化路1号,118.30,24.61,1号楼,鸿山社区\n"  // 2 good
      "鸿山社区文化路2号,abc,24.61,,\n"                  // 3 bad number
      ",118.30,24.61,,\n"                                // 4 missing address
      "海边,121.5,31.2,,\n"                              // 5 outside the city
      "\xC3\x28坏,118.30,24.61,,\n"                      // 6 bad UTF-8
      "太长," +
      std::string("118.30,24.61,") + std::string(400, 'x') +
      ",\n"                              // 7 oversized building
      "少一格,118.30\n"                  // 8 missing cells
      "\n"                               // 9 blank: skipped
      "\"引号,逗号\",118.31,24.612,,\n"  // 10 good, quoted
      "控制\x01字符,118.30,24.61,,\n"    // 11 control character
      "lat缺,118.30,,,\n";               // 12 missing lat
  auto parsed = parse_address_csv(csv, geo::Crs::wgs84, one_grid);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->rows.size() == 2);
  CHECK(parsed->rows[0].address == "鸿山社区文化路1号");
  CHECK(parsed->rows[0].building == "1号楼");
  CHECK(parsed->rows[0].community == "鸿山社区");
  CHECK(parsed->rows[0].grid_id == "G1");
  CHECK(parsed->rows[1].address == "引号,逗号");
  std::vector<std::pair<std::size_t, std::string>> got;
  for (const auto& p : parsed->problems) got.emplace_back(p.line, p.field);
  const std::vector<std::pair<std::size_t, std::string>> want{{3, "lon"},      {4, "address"},  {5, "lon"},
                                                              {6, "address"},  {7, "building"}, {8, "line"},
                                                              {11, "address"}, {12, "lat"}};
  CHECK(got == want);
  CHECK(parsed->rejected == 8);
  CHECK(parsed->problems[2].message.find("outside the city") != std::string::npos);
}

TEST_CASE("address CSV: the header decides the columns, in any order", "[addresses]") {
  auto parsed = parse_address_csv("\xEF\xBB\xBFlat,address,lon\r\n24.61,某路3号,118.3\r\n", geo::Crs::wgs84, one_grid);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->rows.size() == 1);
  CHECK(parsed->rows[0].address == "某路3号");
  CHECK(parsed->rows[0].lon == Approx(118.3));
  for (const char* bad : {"", "address,lon\n", "address,lon,lat,colour\n", "address,lon,lat,lon\n", "\"addr,lon\n"}) {
    auto r = parse_address_csv(bad, geo::Crs::wgs84, one_grid);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == dispatch::ErrorCode::invalid_value);
    CHECK(r.error().field == "line 1");
  }
}

TEST_CASE("address CSV: GCJ-02 and BD-09 coordinates are stored in WGS-84", "[addresses]") {
  const geo::Point wgs{118.305, 24.615};
  const auto gcj = geo::wgs84_to_gcj02(wgs);
  const auto bd = geo::wgs84_to_bd09(wgs);
  auto row = [](geo::Point p) {
    char line[128];
    std::snprintf(line, sizeof line, "address,lon,lat\n某地,%.9f,%.9f\n", p.lon, p.lat);
    return std::string(line);
  };
  for (auto [crs, p] : {std::pair{geo::Crs::gcj02, gcj}, std::pair{geo::Crs::bd09, bd}}) {
    auto parsed = parse_address_csv(row(p), crs, one_grid);
    REQUIRE(parsed.ok());
    REQUIRE(parsed->rows.size() == 1);
    CHECK(parsed->rows[0].lon == Approx(wgs.lon).margin(1e-5));
    CHECK(parsed->rows[0].lat == Approx(wgs.lat).margin(1e-5));
  }
  // The rows of a generator go the same way.
  auto rows = dispatch::addresses_from({{"甲", "", "", gcj.lon, gcj.lat}, {"", "", "", 118.3, 24.6}}, geo::Crs::gcj02,
                                       one_grid);
  REQUIRE(rows.rows.size() == 1);
  CHECK(rows.rows[0].lon == Approx(wgs.lon).margin(1e-5));
  REQUIRE(rows.problems.size() == 1);
  CHECK(rows.problems[0].line == 3);
}
