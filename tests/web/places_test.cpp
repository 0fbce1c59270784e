// Places and search over HTTP: loading addresses (admin only, bad rows by line, hostile
// bodies), GET /addresses with hostile queries, and GET /search narrowed to each role's
// sight: a worker finds only its own cases, a community's supervisor only its community's.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>

#include "data/addresses_store.hpp"
#include "fixture.hpp"
#include "web/address_book_slot.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;

namespace {

struct PlacesServer {
  ServerFixture f;
  std::unique_ptr<data::SqliteAddresses> book;
  PlacesServer() {
    book = ServerFixture::open_or_throw(data::SqliteAddresses::open(f.dir.file("city.db"), f.ledger.get()));
    web::use_address_book(book.get());
  }
  ~PlacesServer() {
    f.stop();
    web::use_address_book(nullptr);
  }
  std::size_t count() {
    auto n = book->address_count();
    REQUIRE(n.ok());
    return *n;
  }
};

const std::string kCsv =
    "address,lon,lat,building,community\n"
    "一社区文化路1号,118.305,24.605,1号楼,\n"  // G0-0, community C1
    "二社区民安路2号,118.305,24.615,,\n"       // G1-0, community C2
    "城外,100.0,10.0,,\n";                     // outside: rejected, line 4

std::string encode(const std::string& s) {
  std::string out;
  const char* hex = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c)) out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::vector<std::int64_t> case_ids(const boost::json::value& v) {
  std::vector<std::int64_t> out;
  for (const auto& c : v.at("cases").as_array()) out.push_back(c.at("id").as_int64());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("addresses: an admin loads a CSV, bad rows by line; nobody else may", "[places]") {
  PlacesServer s;
  auto admin = s.f.client("admin");
  auto loaded = admin->request("POST", "/api/v1/addresses/import", kCsv, "text/csv");
  REQUIRE(loaded.status == 200);
  const auto body = loaded.json();
  CHECK(body.at("added").as_int64() == 2);
  CHECK(body.at("rejected").as_int64() == 1);
  CHECK(body.at("problems").at(0).at("line").as_int64() == 4);
  CHECK(s.count() == 2);
  // Again: unchanged in place.
  auto again = admin->request("POST", "/api/v1/addresses/import", kCsv, "text/csv");
  REQUIRE(again.status == 200);
  CHECK(again.json().at("unchanged").as_int64() == 2);
  CHECK(s.count() == 2);

  for (const char* who : {"op", "sup_c1", "w1"}) {
    INFO(who);
    auto c = s.f.client(who);
    CHECK(c->request("POST", "/api/v1/addresses/import", "address,lon,lat\n新地,118.305,24.605\n", "text/csv").status ==
          403);
  }
  // Hostile bodies: a wrong header, binary, over the body limit; nothing changes.
  CHECK(admin->request("POST", "/api/v1/addresses/import", "addr,lon\n", "text/csv").status == 422);
  CHECK(admin->request("POST", "/api/v1/addresses/import", std::string("\x00\xFF\xFE", 3), "text/csv").status == 422);
  CHECK(admin->request("POST", "/api/v1/addresses/import?crs=utm", kCsv, "text/csv").status == 422);
  auto huge = std::string("address,lon,lat\n") + std::string(2u << 20, 'x');
  CHECK(s.f.client("admin")->request("POST", "/api/v1/addresses/import", huge, "text/csv").status == 413);
  CHECK(s.count() == 2);
}

TEST_CASE("addresses: the query is checked, and hostile text is plain text", "[places]") {
  PlacesServer s;
  REQUIRE(s.f.client("admin")->request("POST", "/api/v1/addresses/import", kCsv, "text/csv").status == 200);
  auto w1 = s.f.client("w1");  // addresses are public places: a worker finds them too
  auto found = w1->get("/api/v1/addresses?q=" + encode("文化"));
  REQUIRE(found.status == 200);
  const auto body = found.json();
  const auto& items = body.at("items").as_array();
  REQUIRE(items.size() == 1);
  CHECK(items[0].at("grid_id").as_string() == "G0-0");
  CHECK(items[0].at("building").as_string() == "1号楼");
  CHECK(items[0].at("community").as_string() == "一社区");
  CHECK(items[0].at("owner_name").as_string() == "工作者1");
  auto op = s.f.client("op");
  CHECK(op->get("/api/v1/addresses?q=" + encode("社区")).json().at("items").as_array().size() == 2);
  CHECK(op->get("/api/v1/addresses?q=" + encode("社区") + "&limit=1").json().at("items").as_array().size() == 1);
  CHECK(op->get("/api/v1/addresses").status == 400);
  for (const std::string& q : {std::string("x"), encode("文"), "%20" + encode("文") + "%20", std::string(201, 'a'),
                               std::string("%01%02"), std::string("%E2%80%AEab")}) {
    INFO(q);
    CHECK(op->get("/api/v1/addresses?q=" + q).status == 422);
  }
  CHECK(op->get("/api/v1/addresses?q=%C3%28x").status == 400);  // malformed UTF-8: the router refuses it
  for (const std::string limit : {"0", "51", "abc", "-1", "1e3"}) {
    INFO(limit);
    CHECK(op->get("/api/v1/addresses?q=ab&limit=" + limit).status == 422);
  }
  for (const std::string q :
       {"\"", "\"*\"", "OR", "a OR b", "NEAR(a b)", "文化*", "address:文化", "'; DROP TABLE x; --"}) {
    INFO(q);
    auto r = op->get("/api/v1/addresses?q=" + encode(q));
    if (q.size() < 2) continue;
    CHECK(r.status == 200);
    CHECK(r.json().at("items").as_array().empty());
    CHECK(op->get("/api/v1/search?q=" + encode(q)).status == 200);
  }
  CHECK(s.count() == 2);
}

TEST_CASE("search: each role finds only what it sees", "[places]") {
  PlacesServer s;
  REQUIRE(s.f.client("admin")->request("POST", "/api/v1/addresses/import", kCsv, "text/csv").status == 200);
  auto op = s.f.client("op");
  auto a = op->post("/api/v1/cases", case_body(0, 0, "yellow", "文化路垃圾"));  // G0-0: W1, community C1
  auto b = op->post("/api/v1/cases", case_body(1, 0, "yellow", "文化路噪音"));  // G1-0: W4, community C2
  REQUIRE(a.status == 201);
  REQUIRE(b.status == 201);
  const auto ida = a.json().at("id").as_int64(), idb = b.json().at("id").as_int64();
  auto search = [&](const std::string& who, const std::string& q) {
    auto r = s.f.client(who)->get("/api/v1/search?q=" + encode(q));
    REQUIRE(r.status == 200);
    return r.json();
  };
  using Ids = std::vector<std::int64_t>;
  CHECK(case_ids(search("op", "文化路")) == Ids{ida, idb});
  CHECK(case_ids(search("admin", "文化路")) == Ids{ida, idb});
  CHECK(case_ids(search("sup_c1", "文化路")) == Ids{ida});
  CHECK(case_ids(search("sup_c2", "文化路")) == Ids{idb});
  CHECK(case_ids(search("w1", "文化路")) == Ids{ida});
  CHECK(case_ids(search("w2", "文化路")).empty());
  CHECK(case_ids(search("op_s2", "文化路")).empty());
  // By number, with or without '#', and by the reporter's phone's last four digits.
  CHECK(case_ids(search("w1", "#" + std::to_string(ida))) == Ids{ida});
  CHECK(case_ids(search("w1", std::to_string(idb))).empty());
  CHECK(case_ids(search("sup_c2", std::to_string(idb))) == Ids{idb});
  CHECK(case_ids(search("op", "0000")) == Ids{ida, idb});
  CHECK(case_ids(search("sup_c1", "0000")) == Ids{ida});
  // By the case's address words (新店路1号).
  CHECK(case_ids(search("sup_c2", "新店")) == Ids{idb});
  // Grids, areas and workers within sight.
  const auto sup = search("sup_c1", "网格");
  CHECK(sup.at("grids").as_array().size() == 3);
  for (const auto& g : sup.at("grids").as_array()) CHECK(g.at("community").as_string() == "C1");
  CHECK(search("op", "网格").at("grids").as_array().size() == 6);
  const auto w = search("w1", "工作者");
  REQUIRE(w.at("workers").as_array().size() == 1);
  CHECK(w.at("workers").at(0).at("id").as_string() == "W1");
  CHECK(search("op", "二社区").at("communities").at(0).at("code").as_string() == "C2");
  CHECK(search("sup_c1", "二社区").at("communities").as_array().empty());
  // Addresses are public places: every role finds them.
  CHECK(search("w2", "民安").at("addresses").as_array().size() == 1);
  // Bounded: at most ten of each kind.
  for (int i = 0; i < 12; ++i) REQUIRE(op->post("/api/v1/cases", case_body(0, 1, "yellow", "同名案件")).status == 201);
  CHECK(search("op", "同名案件").at("cases").as_array().size() == 10);
}

TEST_CASE("places: the roles' matrix", "[places][authz]") {
  PlacesServer s;
  struct Row {
    const char* who;
    int find, import;
  };
  for (const Row r : {Row{"admin", 200, 200}, Row{"op", 200, 403}, Row{"op_s2", 200, 403}, Row{"sup_c1", 200, 403},
                      Row{"w1", 200, 403}, Row{"w9", 200, 403}}) {
    INFO(r.who);
    auto c = s.f.client(r.who);
    CHECK(c->get("/api/v1/addresses?q=ab").status == r.find);
    CHECK(c->get("/api/v1/search?q=ab").status == r.find);
    CHECK(c->request("POST", "/api/v1/addresses/import", "address,lon,lat\n", "text/csv").status == r.import);
  }
  auto nobody = s.f.client();
  CHECK(nobody->get("/api/v1/addresses?q=ab").status == 401);
  CHECK(nobody->get("/api/v1/search?q=ab").status == 401);
  CHECK(nobody->request("POST", "/api/v1/addresses/import", kCsv, "text/csv").status == 401);
  // Without an address book the server says so.
  web::use_address_book(nullptr);
  CHECK(s.f.client("op")->get("/api/v1/search?q=ab").status == 503);
}
