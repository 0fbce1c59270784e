// The standard addresses on SQLite and on PostgreSQL: loads and reloads, the search (on
// SQLite two characters through the bigram index, three and more through the trigram index;
// on PostgreSQL its trigram indexes; best first either way), hostile text, re-routing, and
// the search of cases.
#include <catch2/catch.hpp>

#include "../dispatch/support.hpp"
#include "backends.hpp"
#include "data/address_files.hpp"
#include "data/addresses_store.hpp"
#include "data/schema.hpp"
#include "dispatch/address_import.hpp"
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

// The test city with six addresses. They are loaded on SQLite as `gridkeeper import
// --addresses` loads them; on PostgreSQL the district, addresses included, is then copied
// there as `gridkeeper migrate` copies it.
template <class Backend>
struct Library {
  ImportedCity city;
  std::string place;
  std::unique_ptr<typename Backend::Addresses> book;
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
    place = Backend::city(city);
    book = open_store<typename Backend::Addresses>(place);
  }
  std::vector<std::string> find(const std::string& q, std::size_t limit = 20) {
    auto r = book->find_addresses(q, limit);
    if (!r) FAIL(r.error().message);
    return texts(*r);
  }
  // A CSV file of addresses loaded: on SQLite by the import of the command; on PostgreSQL
  // parsed and routed the same way against the same grids, and loaded by the store.
  data::AddressImportOutcome import_csv(const std::string& csv, dispatch::Millis at) {
    if constexpr (!Backend::is_postgres) {
      auto out = data::import_address_csv(place, csv, geo::Crs::wgs84, at);
      REQUIRE(out.ok());
      return *out;
    } else {
      auto index = data::stored_grid_index(city.path);
      REQUIRE(index.ok());
      auto parsed = dispatch::parse_address_csv(csv, geo::Crs::wgs84, dispatch::grid_of(*index));
      REQUIRE(parsed.ok());
      auto loaded = book->load_addresses(parsed->rows, at, "import");
      REQUIRE(loaded.ok());
      return {*loaded, parsed->problems, parsed->rejected};
    }
  }
};
}  // namespace

TEMPLATE_TEST_CASE("addresses: two- and four-character Chinese queries, best first", "[addresses]", OnSqlite,
                   OnPostgres) {
  Library<TestType> lib;
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

TEMPLATE_TEST_CASE("addresses: FTS and LIKE syntax in a query is plain text", "[addresses]", OnSqlite, OnPostgres) {
  Library<TestType> lib;
  for (const std::string q : {"\"OR\"",
                              "OR",
                              "NEAR(",
                              "星光*",
                              "*",
                              "\"",
                              "\"\"",
                              "a OR b",
                              "NEAR(a b)",
                              "文化 OR 民安",
                              "文化*",
                              "address:文化",
                              "^文化",
                              "--",
                              "%_",
                              "%",
                              "_",
                              "\\",
                              "%%",
                              "文%",
                              "%化",
                              "_化",
                              "文化%",
                              "\\%",
                              "'); DROP TABLE addresses; --"}) {
    INFO(q);
    auto r = lib.book->find_addresses(q, 20);
    REQUIRE(r.ok());
    for (const auto& a : *r) CHECK((a.address + a.building).find(q) != std::string::npos);
  }
  CHECK(lib.find("\"OR\" NEAR(星") == std::vector<std::string>{"马巷镇\"OR\" NEAR(星光*"});
  CHECK(lib.find("星光*") == std::vector<std::string>{"马巷镇\"OR\" NEAR(星光*"});
  // ASCII letters in any case.
  CHECK(lib.find("or\" near(星") == std::vector<std::string>{"马巷镇\"OR\" NEAR(星光*"});
  CHECK(lib.find("Or") == std::vector<std::string>{"马巷镇\"OR\" NEAR(星光*"});
  CHECK(lib.find(std::string(100'000, 'a')).empty());
  auto count = lib.book->address_count();
  REQUIRE(count.ok());
  CHECK(*count == 6);

  // LIKE's own characters (% _ and its escape \) in an address: found by them, and in a
  // query they stand for themselves, never for any text or any character.
  const std::string odd = "翔安区100%_达标\\路";
  dispatch::Address row;
  row.address = odd;
  row.lon = 118.305;
  row.lat = 24.605;
  auto loaded = lib.book->load_addresses({row}, kImportTime + 1, "test");
  REQUIRE(loaded.ok());
  CHECK(loaded->added == 1);
  for (const std::string q : {"0%_", "%_达", "00%", "达标\\路", "标\\路", "翔安区100%_达标\\路"}) {
    INFO(q);
    CHECK(lib.find(q) == std::vector<std::string>{odd});
  }
  for (const std::string q :
       {"%%", "__", "\\\\", "%%%", "___", "10_%", "0__", "翔%路", "达标_路", "100\\%", "%鸿山", "文_路", "文%路"}) {
    INFO(q);
    CHECK(lib.find(q).empty());
  }
}

TEMPLATE_TEST_CASE("addresses: a reload updates in place by (address, building)", "[addresses]", OnSqlite, OnPostgres) {
  Library<TestType> lib;
  const std::string csv =
      "address,lon,lat,building,community\n"
      "翔安区鸿山社区文化路12号,118.305,24.605,1号楼,鸿山社区\n"  // unchanged
      "翔安区鸿山社区文化路12号,118.325,24.615,2号楼,鸿山社区\n"  // moved: updated
      "文化路,118.307,24.606,,鸿山社区(新)\n"                     // community changed
      "文化路99号,118.309,24.606,,\n"                             // new
      "坏行,118.3x,24.6,,\n";                                     // rejected
  const auto out = lib.import_csv(csv, kImportTime + 1000);
  CHECK(out.load.added == 1);
  CHECK(out.load.updated == 2);
  CHECK(out.load.unchanged == 1);
  CHECK(out.rejected == 1);
  REQUIRE(out.problems.size() == 1);
  CHECK(out.problems[0].line == 6);
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
  CHECK(TestType::scalar(lib.place, "SELECT count(*) FROM audit WHERE kind = 'address'") == 2);
}

// A redraw of the test grids: west of 118.31° one grid, elsewhere none.
std::optional<std::string> west_of_118_31(geo::Point p) {
  if (p.lon < 118.31) return "WEST";
  return std::nullopt;
}

TEMPLATE_TEST_CASE("addresses: re-routing against new grids moves what changed", "[addresses]", OnSqlite, OnPostgres) {
  Library<TestType> lib;
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

// SQLite only: the import of a grid file and the re-routing after it work on a district's file.
TEST_CASE("addresses: a grid file imported again moves them to the grids it draws", "[addresses]") {
  Library<OnSqlite> lib;
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

TEMPLATE_TEST_CASE("cases: found by part of their title or address or by their reporter's phone, in a view",
                   "[addresses]", OnSqlite, OnPostgres) {
  CityOn<TestType> city;
  RunningOn<TestType> run(city.place);
  const dispatch::Actor op{1, "op", dispatch::Role::operator_, {}, {}};
  auto intake = [&](int row, int column, const std::string& title, const std::string& address,
                    const std::string& phone) {
    auto r = testing::at_grid(row, column);
    r.title = title;
    r.address = address;
    r.reporter = {"张三", phone};
    auto c = run.center->intake_and_wait(r, op);
    REQUIRE(c.ok());
    return *c;
  };
  const auto a = intake(0, 0, "垃圾堆放", "文化路12号", "13900001234");
  const auto b = intake(0, 1, "路灯不亮", "文化路88号", "13900005678");
  const auto c = intake(1, 2, "噪音扰民 100%_达标", "民安大道\\1000号", "13900001234");
  auto book = open_store<typename TestType::Addresses>(city.place);
  using Ids = std::vector<dispatch::CaseId>;
  auto find = [&](const std::string& text, const std::string& phone_tail = {}, const dispatch::ReportView& view = {},
                  std::size_t limit = 10) {
    dispatch::CaseSearch s;
    s.text = text;
    s.phone_tail = phone_tail;
    s.view = view;
    s.limit = limit;
    auto r = book->find_case_ids(s);
    if (!r) FAIL(r.error().message);
    return *r;
  };

  // A part of the address or of the title, newest first.
  CHECK(find("文化路") == Ids{b.id, a.id});
  CHECK(find("路灯") == Ids{b.id});
  CHECK(find("民安大道\\1000") == Ids{c.id});
  CHECK(find("文化路", {}, {}, 1) == Ids{b.id});
  CHECK(find("没有").empty());
  CHECK(find("路").empty());  // one character finds nothing
  CHECK(find("").empty());    // nor does nothing
  // % _ and \ are plain text.
  CHECK(find("%_") == Ids{c.id});
  CHECK(find("0%") == Ids{c.id});
  CHECK(find("\\1") == Ids{c.id});
  for (const std::string q : {"%%", "__", "文%", "文_路", "路_", "%号", "\\\\"}) {
    INFO(q);
    CHECK(find(q).empty());
  }
  // The last four digits of the reporter's phone, or the text: either.
  CHECK(find("", "1234") == Ids{c.id, a.id});
  CHECK(find("", "5678") == Ids{b.id});
  CHECK(find("", "0000").empty());
  CHECK(find("路灯", "1234") == Ids{c.id, b.id, a.id});
  // Within a view: a scope at any level, or one worker's cases.
  CHECK(find("文化路", {}, {"350213001001", {}}) == Ids{b.id, a.id});
  CHECK(find("文化路", {}, {"350213", {}}) == Ids{b.id, a.id});
  CHECK(find("文化路", {}, {"G0-1", {}}) == Ids{b.id});
  CHECK(find("文化路", {}, {"G1-2", {}}).empty());
  CHECK(find("文化路", {}, {{}, a.assignee}) == Ids{a.id});
  CHECK(find("", "1234", {"G1-2", {}}) == Ids{c.id});
}
