// The standard addresses on SQLite: loads and reloads, the search (two characters through
// the bigram index, three and more through the trigram index, best first), hostile text,
// re-routing, and the search of cases.
#include <catch2/catch.hpp>

#include "data/address_files.hpp"
#include "data/addresses_store.hpp"
#include "data/schema.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
using dispatch::AddressInput;

namespace {
std::vector<std::string> texts(const std::vector<dispatch::Address>& found) {
  std::vector<std::string> out;
  for (const auto& a : found) out.push_back(a.address);
  return out;
}

struct Library {
  ImportedCity city;
  std::unique_ptr<data::SqliteAddresses> book;
  Library() {
    const std::vector<AddressInput> rows{
        {"翔安区鸿山社区文化路12号", "1号楼", "鸿山社区", 118.305, 24.605},
        {"翔安区鸿山社区文化路12号", "2号楼", "鸿山社区", 118.306, 24.605},
        {"文化路", "", "鸿山社区", 118.307, 24.606},
        {"文化路88号", "", "鸿山社区", 118.308, 24.606},
        {"新店镇民安大道1000号", "", "新店社区", 118.325, 24.615},
        {"马巷镇\"OR\" NEAR(星光*", "", "", 118.315, 24.611},
    };
    auto out = data::import_address_rows(city.path, rows, geo::Crs::wgs84, kImportTime);
    REQUIRE(out.ok());
    CHECK(out->load.added == rows.size());
    auto opened = data::SqliteAddresses::open(city.path);
    REQUIRE(opened.ok());
    book = std::move(*opened);
  }
  std::vector<std::string> find(const std::string& q, std::size_t limit = 20) {
    auto r = book->find_addresses(q, limit);
    REQUIRE(r.ok());
    return texts(*r);
  }
};
}  // namespace

TEST_CASE("addresses: two- and four-character Chinese queries, best first", "[addresses]") {
  Library lib;
  // Two characters: the bigram index. The exact address first, then those it begins, then
  // the rest; shorter first within each.
  CHECK(lib.find("文化") ==
        std::vector<std::string>{"文化路", "文化路88号", "翔安区鸿山社区文化路12号", "翔安区鸿山社区文化路12号"});
  CHECK(lib.find("民安") == std::vector<std::string>{"新店镇民安大道1000号"});
  CHECK(lib.find("楼1").empty());  // bigrams do not cross from the address into the building
  CHECK(lib.find("1号") == std::vector<std::string>{"翔安区鸿山社区文化路12号"});  // the building "1号楼"
  // Four characters: the trigram index.
  CHECK(lib.find("鸿山社区") == std::vector<std::string>{"翔安区鸿山社区文化路12号", "翔安区鸿山社区文化路12号"});
  CHECK(lib.find("文化路") ==
        std::vector<std::string>{"文化路", "文化路88号", "翔安区鸿山社区文化路12号", "翔安区鸿山社区文化路12号"});
  CHECK(lib.find("民安大道10") == std::vector<std::string>{"新店镇民安大道1000号"});
  CHECK(lib.find("文化", 1) == std::vector<std::string>{"文化路"});
  CHECK(lib.find("没有此地").empty());
  CHECK(lib.find("文").empty());  // one character finds nothing
}

TEST_CASE("addresses: FTS syntax in a query is plain text", "[addresses]") {
  Library lib;
  for (const std::string q :
       {"\"OR\"", "OR", "NEAR(", "星光*", "*", "\"", "\"\"", "a OR b", "NEAR(a b)", "文化 OR 民安", "文化*",
        "address:文化", "^文化", "--", "%_", "'); DROP TABLE addresses; --"}) {
    INFO(q);
    auto r = lib.book->find_addresses(q, 20);
    REQUIRE(r.ok());
    for (const auto& a : *r) CHECK((a.address + a.building).find(q) != std::string::npos);
  }
  CHECK(lib.find("\"OR\" NEAR(星") == std::vector<std::string>{"马巷镇\"OR\" NEAR(星光*"});
  CHECK(lib.find("星光*") == std::vector<std::string>{"马巷镇\"OR\" NEAR(星光*"});
  CHECK(lib.find(std::string(100'000, 'a')).empty());
  auto count = lib.book->address_count();
  REQUIRE(count.ok());
  CHECK(*count == 6);
}

TEST_CASE("addresses: a reload updates in place by (address, building)", "[addresses]") {
  Library lib;
  const std::string csv =
      "address,lon,lat,building,community\n"
      "翔安区鸿山社区文化路12号,118.305,24.605,1号楼,鸿山社区\n"  // unchanged
      "翔安区鸿山社区文化路12号,118.325,24.615,2号楼,鸿山社区\n"  // moved: updated
      "文化路,118.307,24.606,,鸿山社区(新)\n"                     // community changed
      "文化路99号,118.309,24.606,,\n"                             // new
      "坏行,118.3x,24.6,,\n";                                     // rejected
  auto out = data::import_address_csv(lib.city.path, csv, geo::Crs::wgs84, kImportTime + 1000);
  REQUIRE(out.ok());
  CHECK(out->load.added == 1);
  CHECK(out->load.updated == 2);
  CHECK(out->load.unchanged == 1);
  CHECK(out->rejected == 1);
  REQUIRE(out->problems.size() == 1);
  CHECK(out->problems[0].line == 6);
  auto found = lib.book->find_addresses("鸿山社区文化路12号", 20);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 2);
  const auto& moved = (*found)[0].building == "2号楼" ? (*found)[0] : (*found)[1];
  CHECK(moved.lon == Approx(118.325));
  auto index = data::stored_grid_index(lib.city.path);
  REQUIRE(index.ok());
  CHECK(moved.grid_id == *dispatch::grid_of(*index)({118.325, 24.615}));
  CHECK(lib.find("文化路99") == std::vector<std::string>{"文化路99号"});
  auto count = lib.book->address_count();
  REQUIRE(count.ok());
  CHECK(*count == 7);
  // Each load is one entry of the audit trail.
  auto db = data::open_for_reading(lib.city.path);
  REQUIRE(db.ok());
  auto audits = (*db)->scalar("SELECT count(*) FROM audit WHERE kind = 'address'");
  REQUIRE(audits.ok());
  CHECK(*audits == 2);
}

// A redraw of the test grids: west of 118.31° one grid, elsewhere none.
std::optional<std::string> west_of_118_31(geo::Point p) {
  if (p.lon < 118.31) return "WEST";
  return std::nullopt;
}

TEST_CASE("addresses: re-routing against new grids moves what changed", "[addresses]") {
  Library lib;
  auto moved = lib.book->reroute_addresses(west_of_118_31);
  REQUIRE(moved.ok());
  CHECK(*moved == 6);
  auto again = lib.book->reroute_addresses(west_of_118_31);
  REQUIRE(again.ok());
  CHECK(*again == 0);
  auto found = lib.book->find_addresses("文化路88", 5);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  CHECK((*found)[0].grid_id == "WEST");
  found = lib.book->find_addresses("民安大道", 5);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  CHECK((*found)[0].grid_id.empty());
}

TEST_CASE("addresses: a million-row benchmark's generator is not needed to see the bigrams", "[addresses]") {
  CHECK(data::bigrams_of("文化路") == "文化 化路");
  CHECK(data::bigrams_of("AB12") == "ab b1 12");
  CHECK(data::bigrams_of("文").empty());
  CHECK(data::characters_of("文化路88号") == 6);
}

TEST_CASE("addresses: a grid file imported again moves them to the grids it draws", "[addresses]") {
  Library lib;
  auto grid_of = [&](const std::string& q) {
    auto r = lib.book->find_addresses(q, 1);
    REQUIRE(r.ok());
    REQUIRE(r->size() == 1);
    return r->front().grid_id;
  };
  const std::string before = grid_of("文化路88号");
  CHECK_FALSE(before.empty());
  // The same district cut into twice as many columns: the address lies in another grid.
  auto finer = small_city_options();
  finer.columns = 6;
  const auto city = demo::synthetic_city(finer);
  REQUIRE(data::import_organisation(lib.city.path, city.areas, city.workers, kImportTime + 1).ok);
  auto moved = data::reroute_stored_addresses(lib.city.path);
  REQUIRE(moved.ok());
  CHECK(*moved >= 1);
  const std::string after = grid_of("文化路88号");
  CHECK_FALSE(after.empty());
  CHECK(after != before);
  // Again: nothing more to move.
  auto again = data::reroute_stored_addresses(lib.city.path);
  REQUIRE(again.ok());
  CHECK(*again == 0);
}
