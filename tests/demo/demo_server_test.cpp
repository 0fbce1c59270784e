#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "../web/fixture.hpp"
#include "demo/cases.hpp"
#include "demo/database.hpp"
#include "demo/simulator.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {

std::string text_of(const json::value& v, const char* key) {
  const auto* x = v.as_object().if_contains(key);
  return x && x->is_string() ? std::string(x->as_string()) : std::string{};
}

// The demo database served as `gridkeeper demo` serves it: on the system clock, with the
// history ending now.
struct DemoServer {
  TempDir dir;
  std::string path = dir.file("demo.db");
  dispatch::SystemClock clock;
  std::unique_ptr<data::SqliteLedger> ledger;
  std::unique_ptr<data::SqliteAccounts> accounts;
  std::unique_ptr<dispatch::Center> center;
  std::unique_ptr<web::Server> server;
  std::thread thread;
  unsigned short port = 0;
  demo::DemoSummary summary;

  DemoServer() {
    demo::DemoOptions o;
    o.now = clock.now();
    o.hash_password = [](std::string_view p) { return web::hash_password(p, fast_hashing()); };
    auto built = demo::build_demo_database(path, o);
    if (!built) throw std::runtime_error(built.error().message);
    summary = *built;
    ledger = ServerFixture::open_or_throw(data::SqliteLedger::open(path));
    accounts = ServerFixture::open_or_throw(data::SqliteAccounts::open(path, ledger.get()));
    center = std::make_unique<dispatch::Center>(*ledger, clock);
    center->start();
    server = std::make_unique<web::Server>(*center, *accounts, clock, test_options());
    server->start();
    port = server->port();
    thread = std::thread([this] { server->run(); });
  }
  ~DemoServer() {
    server->stop();
    thread.join();
  }

  std::unique_ptr<HttpClient> client(const std::string& username) {
    auto c = std::make_unique<HttpClient>(port);
    auto a = c->post("/api/v1/auth/login",
                     R"({"username":")" + username + R"(","password":")" + std::string(demo::kDemoPassword) + R"("})");
    if (a.status == 200) c->token = std::string(a.json().at("token").as_string());
    return c;
  }
};

}  // namespace

TEST_CASE("the demo server answers the contract's endpoints for every role", "[web][demo]") {
  DemoServer demo;
  for (const char* name : {"admin", "operator", "street-operator", "district-supervisor", "street-supervisor",
                           "community-supervisor", "w0001", "w0733"})
    CHECK_FALSE(demo.client(name)->token.empty());

  auto op = demo.client("operator");
  REQUIRE_FALSE(op->token.empty());

  // Cases, newest first; some overdue on the first start.
  auto cases = op->get("/api/v1/cases?limit=20");
  REQUIRE(cases.status == 200);
  const auto cases_json = cases.json();
  const auto& list = cases_json.at("cases").as_array();
  REQUIRE(list.size() == 20);
  CHECK(list[0].at("id").as_int64() > list[1].at("id").as_int64());
  auto overdue = op->get("/api/v1/cases?overdue=true&open=true&limit=5");
  REQUIRE(overdue.status == 200);
  CHECK_FALSE(overdue.json().at("cases").as_array().empty());

  // A case's location routes to its grid, with the grid's community, street and district.
  const auto& first = list[0];
  auto route = op->get("/api/v1/route?lon=" + std::to_string(first.at("lon").as_double()) +
                       "&lat=" + std::to_string(first.at("lat").as_double()));
  REQUIRE(route.status == 200);
  CHECK(text_of(route.json(), "grid_id") == text_of(first, "grid_id"));
  CHECK(text_of(route.json(), "district") == "350213");
  CHECK(text_of(route.json(), "street").size() == 9);
  CHECK_FALSE(text_of(route.json(), "owner_id").empty());
  auto sea = op->get("/api/v1/route?lon=118.45&lat=24.45");  // the sea south-east of 大嶝
  CHECK(sea.status == 404);

  auto grids = op->get("/api/v1/grids");
  REQUIRE(grids.status == 200);
  CHECK(grids.json().at("features").as_array().size() == demo.summary.grids);
  auto some = op->get("/api/v1/grids?bbox=118.20,24.58,118.25,24.62");
  REQUIRE(some.status == 200);
  const auto in_box = some.json().at("features").as_array().size();
  CHECK(in_box > 10);
  CHECK(in_box < demo.summary.grids);

  for (auto [level, expected] : {std::pair{"street", std::size_t{9}}, {"community", std::size_t{128}}}) {
    auto map = op->get(std::string("/api/v1/overdue-map?level=") + level);
    REQUIRE(map.status == 200);
    const auto map_json = map.json();
    const auto& features = map_json.at("features").as_array();
    CHECK(features.size() == expected);
    std::int64_t open = 0, overdue_cases = 0;
    for (const auto& f : features) {
      open += f.at("properties").at("open").as_int64();
      overdue_cases += f.at("properties").at("overdue").as_int64();
    }
    CHECK(open == static_cast<std::int64_t>(demo.summary.open_cases));
    CHECK(overdue_cases > 0);
  }
  auto grid_map = op->get("/api/v1/overdue-map?level=grid");
  REQUIRE(grid_map.status == 200);
  CHECK(grid_map.json().at("features").as_array().size() == demo.summary.grids);

  auto categories = op->get("/api/v1/categories");
  REQUIRE(categories.status == 200);
  CHECK(categories.body.find("应急演练") != std::string::npos);
  CHECK(categories.body.find("环境卫生") != std::string::npos);

  // Scopes: the community supervisor sees its community only, a worker its own cases.
  auto sup = demo.client("community-supervisor");
  auto theirs = sup->get("/api/v1/cases?limit=100");
  REQUIRE(theirs.status == 200);
  const auto theirs_json = theirs.json();
  for (const auto& c : theirs_json.at("cases").as_array()) CHECK(text_of(c, "community") == "350213001001");
  auto w = demo.client("w0001");
  auto mine = w->get("/api/v1/cases?limit=100");
  REQUIRE(mine.status == 200);
  const auto mine_json = mine.json();
  for (const auto& c : mine_json.at("cases").as_array()) CHECK(text_of(c, "assignee_id") == "W0001");
  auto my_grids = w->get("/api/v1/grids");
  REQUIRE(my_grids.status == 200);
  CHECK_FALSE(my_grids.json().at("features").as_array().empty());

  // The operator takes in a case; it goes to the grid's owner.
  auto created =
      op->post("/api/v1/cases", R"({"lon":)" + std::to_string(first.at("lon").as_double()) + R"(,"lat":)" +
                                    std::to_string(first.at("lat").as_double()) +
                                    R"(,"category":"environment","urgency":"red","title":"垃圾堆放未清运"})");
  REQUIRE(created.status == 201);
  // To the grid's owner, unless the owner is one of the demo's workers on leave.
  const auto owner = text_of(route.json(), "owner_id"), assignee = text_of(created.json(), "assignee_id");
  CHECK_FALSE(assignee.empty());
  if (assignee != owner) {
    auto workers = op->get("/api/v1/workers");
    REQUIRE(workers.status == 200);
    CHECK(workers.body.find(R"("id":")" + owner + R"(")") != std::string::npos);
    const auto json = workers.json();
    const auto& all = json.is_array() ? json.as_array() : json.at("workers").as_array();
    for (const auto& w : all)
      if (text_of(w, "id") == owner) CHECK(text_of(w, "status") == "leave");
  }
}

TEST_CASE("the simulator feeds the demo server and drives its workers", "[web][demo]") {
  DemoServer demo;
  demo::SimulatorOptions o;
  o.url = "http://127.0.0.1:" + std::to_string(demo.port);
  o.cases_per_minute = 600;
  o.seconds = 4;
  o.seed = 3;
  o.speed = 60;  // workers react within seconds, not minutes
  o.password = std::string(demo::kDemoPassword);
  o.worker_username = demo::demo_worker_username;
  auto writer = std::make_shared<demo::DemoCaseWriter>(3, 0.25);
  o.write_case = [writer](double lon, double lat) { return writer->write({lon, lat}, "翔安区"); };
  std::vector<std::string> lines;
  o.log = [&](const std::string& line) { lines.push_back(line); };
  const auto before = demo.summary.cases;
  auto report = demo::run_simulator(o);
  REQUIRE(report.ok());
  INFO(report->last_failure);
  CHECK(report->cases >= 10);
  CHECK(report->failures == 0);
  CHECK(report->accepted >= 1);
  auto op = demo.client("operator");
  auto latest = op->get("/api/v1/cases?limit=1");
  REQUIRE(latest.status == 200);
  CHECK(latest.json().at("cases").as_array()[0].at("id").as_int64() >=
        static_cast<std::int64_t>(before + report->cases));

  // A stop request ends it at once; a server that is not there is an error.
  o.seconds = 0;
  o.stop_requested = [] { return true; };
  CHECK(demo::run_simulator(o).ok());
  o.url = "http://127.0.0.1:1";
  CHECK_FALSE(demo::run_simulator(o).ok());
  o.url = "ftp://example";
  CHECK_FALSE(demo::run_simulator(o).ok());
}
