// Grid generations (网格调整) over HTTP: a draft checked and compared, applied with open
// cases following or staying; a split, a merge, a boundary moved and a community renamed;
// a draft with problems refused; hostile uploads; a scheduled switch across a restart; a
// past period's report that the redraw leaves alone.
#include <catch2/catch.hpp>

#include <boost/json/serialize.hpp>

#include "csv_rows.hpp"
#include "data/addresses_store.hpp"
#include "fixture.hpp"
#include "tests/eventually.hpp"
#include "web/address_book_slot.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {

struct Cell {
  std::string code, community;
  double x0, y0, x1, y1;
  std::int64_t population = 1500;
  std::string owner, backup;
};

std::string num(double v) { return std::to_string(v); }

std::string rect(double x0, double y0, double x1, double y1) {
  return R"({"type":"Polygon","coordinates":[[[)" + num(x0) + "," + num(y0) + "],[" + num(x1) + "," + num(y0) + "],[" +
         num(x1) + "," + num(y1) + "],[" + num(x0) + "," + num(y1) + "],[" + num(x0) + "," + num(y0) + "]]]}";
}

std::string feature(const std::string& props, const std::string& geometry) {
  return R"({"type":"Feature","properties":)" + props + R"(,"geometry":)" + geometry + "}";
}

// The small city's district D, street S and communities C1 (south row) and C2 (north row)
// as rectangles, with `cells` as its grids.
std::string city(const std::vector<Cell>& cells, const std::string& c1_name = "一社区") {
  std::string out = R"({"type":"FeatureCollection","features":[)";
  out += feature(R"({"code":"D","name":"翔安区","level":"district"})", rect(118.30, 24.60, 118.33, 24.62)) + ",";
  out +=
      feature(R"({"code":"S","name":"新店街道","level":"street","parent":"D"})", rect(118.30, 24.60, 118.33, 24.62)) +
      ",";
  out += feature(R"({"code":"C1","name":")" + c1_name + R"(","level":"community","parent":"S"})",
                 rect(118.30, 24.60, 118.33, 24.61)) +
         ",";
  out +=
      feature(R"({"code":"C2","name":"二社区","level":"community","parent":"S"})", rect(118.30, 24.61, 118.33, 24.62));
  for (const auto& c : cells) {
    std::string props = R"({"code":")" + c.code + R"(","name":"网格)" + c.code + R"(","level":"grid","parent":")" +
                        c.community + R"(","population":)" + std::to_string(c.population);
    if (!c.owner.empty()) props += R"(,"owner_id":")" + c.owner + "\"";
    if (!c.backup.empty()) props += R"(,"backup_id":")" + c.backup + "\"";
    props += "}";
    out += "," + feature(props, rect(c.x0, c.y0, c.x1, c.y1));
  }
  return out + "]}";
}

// The small city's six grids as rectangles: G<row>-<column>, 0.01° square.
std::vector<Cell> base_cells() {
  std::vector<Cell> cells;
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 3; ++c)
      cells.push_back({"G" + std::to_string(r) + "-" + std::to_string(c), r == 0 ? "C1" : "C2", 118.30 + 0.01 * c,
                       24.60 + 0.01 * r, 118.31 + 0.01 * c, 24.61 + 0.01 * r, 1500, "", ""});
  return cells;
}

std::vector<Cell> without(std::vector<Cell> cells, const std::set<std::string>& codes) {
  std::erase_if(cells, [&](const Cell& c) { return codes.count(c.code) > 0; });
  return cells;
}

json::object upload(HttpClient& c, const std::string& file) {
  auto a = c.request("POST", "/api/v1/generations", file, "application/geo+json");
  INFO(a.body);
  REQUIRE(a.status == 201);
  return a.json().as_object();
}

json::object apply(HttpClient& c, std::int64_t id, const std::string& body, int status = 200) {
  auto a = c.post("/api/v1/generations/" + std::to_string(id) + "/apply", body);
  INFO(a.body);
  REQUIRE(a.status == status);
  return a.json().as_object();
}

std::int64_t take_in(HttpClient& c, double lon, double lat, const std::string& urgency = "yellow") {
  auto a =
      c.post("/api/v1/cases", R"({"lon":)" + num(lon) + R"(,"lat":)" + num(lat) +
                                  R"(,"category":"environment","urgency":")" + urgency + R"(","title":"井盖缺失"})");
  INFO(a.body);
  REQUIRE(a.status == 201);
  return a.json().at("id").as_int64();
}

json::object case_of(HttpClient& c, std::int64_t id) {
  auto a = c.get("/api/v1/cases/" + std::to_string(id));
  REQUIRE(a.status == 200);
  return a.json().as_object();
}

std::set<std::string> grid_ids(HttpClient& c, const std::string& query = {}) {
  auto a = c.get("/api/v1/grids" + query);
  REQUIRE(a.status == 200);
  std::set<std::string> out;
  const auto a_body1 = a.json();  // kept alive for the loop
  for (const auto& f : a_body1.at("features").as_array())
    out.insert(std::string(f.at("properties").at("id").as_string()));
  return out;
}

std::set<std::string> ids_in(const json::value& list) {
  std::set<std::string> out;
  for (const auto& v : list.as_array()) out.insert(std::string(v.at("id").as_string()));
  return out;
}

// The rectangle city applied as the generation in force.
void rectangles(HttpClient& admin) {
  const auto draft = upload(admin, city(base_cells()));
  REQUIRE(draft.at("problems").as_int64() == 0);
  apply(admin, draft.at("id").as_int64(), R"({"open_cases":"stay"})");
}

}  // namespace

TEST_CASE("generations: a grid split, the open case follows to the new grid's holder", "[web][generations]") {
  ServerFixture f;
  auto admin = f.client("admin");
  auto op = f.client("op");
  rectangles(*admin);
  CHECK(grid_ids(*admin).size() == 6);
  f.clock.advance(3'600'000);                                // the split an hour after the rectangles took effect
  const auto moving = take_in(*op, 118.307, 24.605, "red");  // east half of G0-0
  const auto staying = take_in(*op, 118.302, 24.605);        // west half
  CHECK(case_of(*op, moving).at("grid_id") == "G0-0");

  auto cells = without(base_cells(), {"G0-0"});
  cells.push_back({"G0-0a", "C1", 118.300, 24.60, 118.305, 24.61, 1000, "W1", "W2"});
  cells.push_back({"G0-0b", "C1", 118.305, 24.60, 118.310, 24.61, 1000, "W7", ""});
  const auto draft = upload(*admin, city(cells));
  const auto& diff = draft.at("diff");
  CHECK(draft.at("state") == "draft");
  CHECK(ids_in(diff.at("grids_added")) == std::set<std::string>{"G0-0a", "G0-0b"});
  CHECK(ids_in(diff.at("grids_removed")) == std::set<std::string>{"G0-0"});
  CHECK(diff.at("grids_changed").as_array().empty());
  CHECK(diff.at("problems").as_array().empty());
  // Both cases lie in a new grid; the red one comes first.
  const auto& moves = diff.at("open_cases_moving").as_array();
  REQUIRE(moves.size() == 2);
  CHECK(moves[0].at("id").as_int64() == moving);
  CHECK(moves[0].at("grid_to") == "G0-0b");
  CHECK(moves[0].at("assignee_to") == "W7");
  // G0-0b has no B holder.
  REQUIRE(diff.at("posts_unfilled").as_array().size() == 1);
  CHECK(diff.at("posts_unfilled").as_array()[0].at("grid") == "G0-0b");

  const auto applied = apply(*admin, draft.at("id").as_int64(), R"({"open_cases":"follow"})");
  CHECK(applied.at("state") == "current");
  CHECK(applied.at("cases_moved").as_int64() == 2);
  CHECK(grid_ids(*admin) == std::set<std::string>{"G0-0a", "G0-0b", "G0-1", "G0-2", "G1-0", "G1-1", "G1-2"});
  const auto c = case_of(*op, moving);
  CHECK(c.at("grid_id") == "G0-0b");
  CHECK(c.at("assignee_id") == "W7");
  bool regrid = false;
  for (const auto& e : c.at("events").as_array()) regrid |= e.at("type") == "regrid";
  CHECK(regrid);
  CHECK(case_of(*op, staying).at("grid_id") == "G0-0a");
  // Routing switched: a new case there goes to the new grid.
  auto route = op->get("/api/v1/route?lon=118.307&lat=24.605");
  CHECK(route.json().at("grid_id") == "G0-0b");
  // The grids of before the split are still there to list.
  auto past = admin->get("/api/v1/grids?as_of=2026-01-01T00:00:00Z");
  REQUIRE(past.status == 200);
  CHECK(grid_ids(*admin, "?as_of=2026-01-01T00:00:00Z").count("G0-0") == 1);
  // The list and the audit trail.
  auto list = admin->get("/api/v1/generations");
  REQUIRE(list.status == 200);
  CHECK(list.json().at("items").as_array()[0].at("state") == "current");
  auto audit = admin->get("/api/v1/audit?kind=generation");
  REQUIRE(audit.status == 200);
  CHECK(audit.json().at("items").as_array().size() >= 3);  // drafts and switches
}

TEST_CASE("generations: the standard addresses follow a split to their new grid", "[web][generations][places]") {
  ServerFixture f;
  auto book = ServerFixture::open_or_throw(data::SqliteAddresses::open(f.dir.file("city.db"), f.ledger.get()));
  web::use_address_book(book.get());
  auto admin = f.client("admin");
  auto op = f.client("op");
  rectangles(*admin);
  // East and west halves of G0-0.
  REQUIRE(admin
              ->request("POST", "/api/v1/addresses/import",
                        "address,lon,lat\n东半边路1号,118.307,24.605\n西半边路2号,118.302,24.605\n", "text/csv")
              .status == 200);
  auto grid_of = [&](const std::string& q) {
    auto found = op->get("/api/v1/addresses?q=" + q);
    REQUIRE(found.status == 200);
    const auto body = found.json();  // kept alive while its items are read
    const auto& items = body.at("items").as_array();
    REQUIRE(items.size() == 1);
    return items[0].at("grid_id").is_string() ? std::string(items[0].at("grid_id").as_string()) : std::string();
  };
  const std::string east = "%E4%B8%9C%E5%8D%8A%E8%BE%B9", west = "%E8%A5%BF%E5%8D%8A%E8%BE%B9";  // 东半边, 西半边
  CHECK(grid_of(east) == "G0-0");
  CHECK(grid_of(west) == "G0-0");
  auto cells = without(base_cells(), {"G0-0"});
  cells.push_back({"G0-0a", "C1", 118.300, 24.60, 118.305, 24.61, 1000, "W1", "W2"});
  cells.push_back({"G0-0b", "C1", 118.305, 24.60, 118.310, 24.61, 1000, "W7", ""});
  apply(*admin, upload(*admin, city(cells)).at("id").as_int64(), R"({"open_cases":"follow"})");
  // Re-routed off the switch, on the server's own thread: asked until it is done.
  CHECK(eventually([&] { return grid_of(east) == "G0-0b"; }));
  CHECK(grid_of(west) == "G0-0a");
  f.stop();
  web::use_address_book(nullptr);
}

TEST_CASE("generations: a merge with open cases staying; new cases go to the merged grid", "[web][generations]") {
  ServerFixture f;
  auto admin = f.client("admin");
  auto op = f.client("op");
  rectangles(*admin);
  const auto id = take_in(*op, 118.325, 24.605);  // G0-2
  const auto before = case_of(*op, id);
  auto cells = without(base_cells(), {"G0-1", "G0-2"});
  cells.push_back({"G0-M", "C1", 118.31, 24.60, 118.33, 24.61, 2000, "W2", "W3"});
  const auto draft = upload(*admin, city(cells));
  CHECK(ids_in(draft.at("diff").at("grids_removed")) == std::set<std::string>{"G0-1", "G0-2"});
  apply(*admin, draft.at("id").as_int64(), R"({"open_cases":"stay"})");
  const auto after = case_of(*op, id);
  CHECK(after.at("grid_id") == "G0-2");
  CHECK(after.at("assignee_id") == before.at("assignee_id"));
  CHECK(after.at("version") == before.at("version"));
  const auto fresh = take_in(*op, 118.325, 24.605);
  CHECK(case_of(*op, fresh).at("grid_id") == "G0-M");
  CHECK(case_of(*op, fresh).at("assignee_id") == "W2");
  // The case that stayed is still closed where it was handled, by its worker.
  CHECK_FALSE(grid_ids(*admin).count("G0-2"));
}

TEST_CASE("generations: a boundary moved and a community renamed", "[web][generations]") {
  ServerFixture f;
  auto admin = f.client("admin");
  rectangles(*admin);
  auto cells = base_cells();
  cells[3].x1 = 118.315;  // G1-0 grows east
  cells[4].x0 = 118.315;  // G1-1 shrinks
  const auto draft = upload(*admin, city(cells, "东园社区"));
  const auto& changed = draft.at("diff").at("grids_changed").as_array();
  CHECK(ids_in(changed) == std::set<std::string>{"G1-0", "G1-1"});
  for (const auto& c : changed) {
    CHECK(c.at("shape_changed") == true);
    if (c.at("id") == "G1-0") CHECK(c.at("area_to_m2").as_int64() > c.at("area_from_m2").as_int64());
  }
  apply(*admin, draft.at("id").as_int64(), R"({"open_cases":"follow"})");
  auto j = admin->get("/api/v1/jurisdictions");
  REQUIRE(j.status == 200);
  CHECK(j.body.find("东园社区") != std::string::npos);
  auto op = f.client("op");
  CHECK(op->get("/api/v1/route?lon=118.312&lat=24.615").json().at("grid_id") == "G1-0");
}

TEST_CASE("generations: a draft with problems cannot be applied; bad input changes nothing", "[web][generations]") {
  auto options = test_options();
  options.grid_file_body_limit = 64 * 1024;
  ServerFixture f(options);
  auto admin = f.client("admin");
  // Overlapping grids, a post held twice, an unknown worker.
  auto cells = base_cells();
  cells[0].x1 = 118.315;
  cells[1].owner = cells[1].backup = "W1";
  cells[2].owner = "NOBODY";
  const auto draft = upload(*admin, city(cells));
  CHECK(draft.at("problems").as_int64() >= 3);
  CHECK(draft.at("applicable") == false);
  auto refused = admin->post("/api/v1/generations/" + std::to_string(draft.at("id").as_int64()) + "/apply",
                             R"({"open_cases":"follow"})");
  CHECK(refused.status == 409);
  CHECK(refused.error_code() == "conflict");
  const auto grids = grid_ids(*admin);

  for (const auto& [body, status] :
       std::vector<std::pair<std::string, int>>{{"", 400},
                                                {"{", 400},
                                                {R"({"type":"FeatureCollection","features":[]})", 422},
                                                {std::string(70 * 1024, ' '), 413}}) {
    auto a = admin->request("POST", "/api/v1/generations", body, "application/geo+json");
    INFO(body.substr(0, 40));
    CHECK(a.status == status);
    if (!admin->open()) admin = f.client("admin");
  }
  {
    auto a = admin->request("POST", "/api/v1/generations", R"({"type":"Feature"})", "application/geo+json");
    CHECK((a.status == 400 || a.status == 422));
    CHECK(a.error_code() != "internal");
  }
  for (const auto& [body, status] :
       std::vector<std::pair<std::string, int>>{{"", 400},
                                                {R"({"open_cases":"sideways"})", 422},
                                                {R"({"open_cases":"follow","effective_at":"tomorrow"})", 400},
                                                {R"({"open_cases":"follow","x":1})", 400}}) {
    auto a = admin->post("/api/v1/generations/1/apply", body);
    INFO(body);
    CHECK(a.status == status);
  }
  CHECK(admin->post("/api/v1/generations/999/apply", R"({"open_cases":"stay"})").status == 404);
  CHECK(admin->get("/api/v1/generations/999").status == 404);
  CHECK(admin->get("/api/v1/generations/abc").status == 404);
  CHECK(admin->get("/api/v1/grids?as_of=yesterday").status == 422);
  // Roles: only an admin, refused before the body is read.
  for (const char* u : {"op", "op_s", "sup_c1", "w1"}) {
    INFO(u);
    auto c = f.client(u);
    CHECK(c->request("POST", "/api/v1/generations", std::string(60 * 1024, ' '), "application/geo+json").status == 403);
    CHECK(c->get("/api/v1/generations").status == 403);
    CHECK(c->get("/api/v1/generations/1").status == 403);
    CHECK(c->post("/api/v1/generations/1/apply", R"({"open_cases":"stay"})").status == 403);
  }
  CHECK(grid_ids(*admin) == grids);
}

TEST_CASE("generations: a past period's report keeps the grids of its time", "[web][generations]") {
  ServerFixture f(month_long_logins());
  auto admin = f.client("admin");
  auto op = f.client("op");
  rectangles(*admin);
  const auto id = take_in(*op, 118.325, 24.605);  // G0-2
  f.add_user("w3", dispatch::Role::worker, "", "W3");
  auto w3 = f.client("w3");
  REQUIRE(case_of(*op, id).at("assignee_id") == "W3");
  for (const auto& [who, action] : std::vector<std::pair<HttpClient*, std::string>>{
           {w3.get(), "accept"}, {w3.get(), "resolve"}, {op.get(), "close"}}) {
    const auto version = case_of(*op, id).at("version").as_int64();
    auto a = who->post("/api/v1/cases/" + std::to_string(id) + "/transitions",
                       R"({"action":")" + action + R"(","version":)" + std::to_string(version) + "}");
    INFO(a.body);
    REQUIRE(a.status == 200);
  }
  const std::string period = "/api/v1/stats/assessment?from=2025-12-31T00:00:00Z&to=2026-01-02T00:00:00Z";
  auto before = admin->get(period);
  REQUIRE(before.status == 200);
  f.clock.advance(3 * 86'400'000LL);
  auto cells = without(base_cells(), {"G0-1", "G0-2"});
  cells.push_back({"G0-M", "C1", 118.31, 24.60, 118.33, 24.61, 2000, "W2", "W3"});
  apply(*admin, upload(*admin, city(cells)).at("id").as_int64(), R"({"open_cases":"follow"})");
  auto after = admin->get(period);
  REQUIRE(after.status == 200);
  // The same report but for the moment it was made.
  auto without_time = [](const Answer& a) {
    auto v = a.json();
    v.as_object().erase("as_of");
    return json::serialize(v);
  };
  CHECK(without_time(after) == without_time(before));
  CHECK(after.body.find("G0-2") != std::string::npos);
}

TEST_CASE("generations: an open case that followed a redraw counts where it was in an earlier period",
          "[web][generations]") {
  ServerFixture f(month_long_logins());
  auto admin = f.client("admin");
  auto op = f.client("op");
  rectangles(*admin);
  f.add_user("w3", dispatch::Role::worker, "", "W3");
  const auto id = take_in(*op, 118.325, 24.605);  // G0-2, held by W3; left open
  REQUIRE(case_of(*op, id).at("assignee_id") == "W3");
  auto cases_in = [](const json::value& report, const char* table, const std::string& code) -> std::int64_t {
    for (const auto& r : report.at(table).as_array())
      if (r.at("id") == code.c_str()) return r.at("cases").as_int64();
    return -1;  // no row
  };
  const std::string earlier = "from=2025-12-31T00:00:00Z&to=2026-01-02T00:00:00Z";
  auto before = admin->get("/api/v1/stats/assessment?" + earlier).json();
  REQUIRE(cases_in(before, "grids", "G0-2") == 1);
  REQUIRE(cases_in(before, "workers", "W3") == 1);

  // Three days on, G0-1 and G0-2 merge under W2; the open case follows to W2.
  f.clock.advance(3 * 86'400'000LL);
  auto cells = without(base_cells(), {"G0-1", "G0-2"});
  cells.push_back({"G0-M", "C1", 118.31, 24.60, 118.33, 24.61, 2000, "W2", "W3"});
  apply(*admin, upload(*admin, city(cells)).at("id").as_int64(), R"({"open_cases":"follow"})");
  REQUIRE(case_of(*op, id).at("grid_id") == "G0-M");
  REQUIRE(case_of(*op, id).at("assignee_id") == "W2");

  SECTION("the earlier period counts it in its grid and with its worker of then") {
    auto after = admin->get("/api/v1/stats/assessment?" + earlier).json();
    CHECK(cases_in(after, "grids", "G0-2") == 1);
    CHECK(cases_in(after, "grids", "G0-M") == -1);  // not a grid of that time
    CHECK(cases_in(after, "workers", "W3") == 1);
    CHECK(cases_in(after, "workers", "W2") == 0);
    CHECK(after.at("total").at("cases").as_int64() == 1);
    // The workers' own figures of that period, read by their hands of then.
    auto mine = [&](const char* user) {
      auto a = f.client(user)->get("/api/v1/stats/assessment?" + earlier);
      REQUIRE(a.status == 200);
      return a.json().at("total").at("cases").as_int64();
    };
    CHECK(mine("w3") == 1);
    CHECK(mine("w2") == 0);
    // The case list of the period.
    auto csv = admin->get("/api/v1/stats/assessment?" + earlier + "&format=csv&table=cases");
    REQUIRE(csv.status == 200);
    const auto rows = csv_rows(csv.body);
    REQUIRE(rows.size() == 2);
    const auto& head = rows[0];
    auto column = [&](const char* name) {
      return static_cast<std::size_t>(std::find(head.begin(), head.end(), name) - head.begin());
    };
    REQUIRE(column("grid") < head.size());
    CHECK(rows[1][column("grid")] == "G0-2");
    CHECK(rows[1][column("worker")] == "W3");
  }
  SECTION("a period that holds the move counts it where it is now") {
    auto now = admin->get("/api/v1/stats/assessment?from=2025-12-31T00:00:00Z&to=2026-01-10T00:00:00Z").json();
    CHECK(cases_in(now, "grids", "G0-M") == 1);
    CHECK(cases_in(now, "workers", "W2") == 1);
    CHECK(cases_in(now, "workers", "W3") == 0);
  }
}

TEST_CASE("generations: a scheduled switch survives a restart", "[web][generations]") {
  TempDir dir;
  const auto db = dir.file("city.db");
  import_small_city(db);
  dispatch::ManualClock clock;
  dispatch::Actor admin;
  admin.role = dispatch::Role::admin;
  admin.username = "admin";
  auto cells = without(base_cells(), {"G0-1", "G0-2"});
  cells.push_back({"G0-M", "C1", 118.31, 24.60, 118.33, 24.61, 2000, "W2", "W3"});
  const auto file = city(cells);
  dispatch::GenerationId id = 0;
  {
    auto ledger = ServerFixture::open_or_throw(data::SqliteLedger::open(db));
    auto store = ServerFixture::open_or_throw(data::SqliteGenerations::open(db, ledger.get()));
    dispatch::Generation draft;
    draft.created_at = clock.now();
    draft.created_by = "admin";
    draft.grids = cells.size();
    auto stored = store->add_draft(draft, file, {clock.now(), "admin", "generation", {}, "draft", {}, {}});
    REQUIRE(stored);
    id = stored->id;
    dispatch::Center center(*ledger, clock);
    center.start();
    auto plan = dispatch::plan_from_areas(geo::read_geojson(file).areas);
    plan.id = id;
    auto r = center.apply_generation_and_wait(plan, dispatch::OpenCases::follow, clock.now() + 3'600'000, admin);
    REQUIRE(r);
    CHECK(r->state == dispatch::GenerationState::scheduled);
    CHECK(center.route({118.325, 24.605})->grid != "G0-M");
    CHECK(center.generation_scheduled(id));
  }
  clock.advance(2 * 3'600'000);  // the server was down when it fell due
  auto ledger = ServerFixture::open_or_throw(data::SqliteLedger::open(db));
  auto store = ServerFixture::open_or_throw(data::SqliteGenerations::open(db, ledger.get()));
  dispatch::Center center(*ledger, clock);
  center.start();
  CHECK(center.route({118.325, 24.605})->grid == "G0-M");
  CHECK_FALSE(center.generation_scheduled(id));
  // Stored once the start-up's change is durable.
  for (int i = 0; i < 200; ++i) {
    auto g = store->find(id);
    REQUIRE(g);
    if ((*g)->state == dispatch::GenerationState::current) break;
    std::this_thread::sleep_for(10ms);
  }
  CHECK((*store->find(id))->state == dispatch::GenerationState::current);
}
