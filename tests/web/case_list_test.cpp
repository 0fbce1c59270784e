// The case list's orders (GET /cases?sort=) and every case's clock over the wire: sort keys
// read strictly, a sorted list of open cases paged by offset, the time left order (overdue
// first, the most overdue first), and no case both overdue and with time left.
#include <catch2/catch.hpp>

#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {

std::vector<std::int64_t> ids_of(const json::value& body) {
  std::vector<std::int64_t> out;
  for (const auto& c : body.at("cases").as_array()) out.push_back(c.at("id").as_int64());
  return out;
}

std::string error_field(const Answer& a) {
  const auto body = a.json();
  const auto& f = body.at("error").at("field");
  return f.is_string() ? std::string(f.as_string()) : std::string();
}
}  // namespace

TEST_CASE("sort and offset are read strictly, and nothing changes on a refusal", "[web][case_list]") {
  ServerFixture f;
  auto op = f.client("op");
  REQUIRE(op->post("/api/v1/cases", case_body(0, 0)).status == 201);
  const auto before = op->get("/api/v1/cases").body;
  for (const std::string& q : std::vector<std::string>{
           "sort=", "sort=-", "sort=--id", "sort=time", "sort=TIME_LEFT", "sort=id%3Bdrop%20table%20cases",
           "sort=%E2%80%AEtime_left", "sort=" + std::string(1000, 'a'), "sort=time_left&open=false", "sort=time_left",
           "sort=urgency&state=closed", "sort=time_left&open=true&after=5", "sort=time_left&open=true&format=csv",
           "sort=time_left&open=true&offset=-1", "sort=time_left&open=true&offset=abc",
           "sort=time_left&open=true&offset=100001", "sort=time_left&open=true&offset=1e3", "offset=1"}) {
    INFO(q.substr(0, 80));
    auto a = op->get("/api/v1/cases?" + q);
    CHECK(a.status == 422);
    CHECK(a.json().at("error").at("code") == "invalid_value");
    const auto field = error_field(a);
    CHECK((field == "sort" || field == "offset" || field == "after" || field == "format"));
  }
  // Hostile bytes are refused before any handler reads them.
  for (const std::string q : {"sort=%00", "sort=%FF%FE", "offset=%00"}) {
    INFO(q);
    auto a = op->get("/api/v1/cases?" + q);
    CHECK(a.status == 400);
    CHECK(a.json().at("error").at("code") == "bad_request");
  }
  CHECK(op->get("/api/v1/cases").body == before);
}

TEST_CASE("time left order: overdue first, the most overdue first; paged by offset", "[web][case_list]") {
  ServerFixture f;
  auto op = f.client("op");
  // Taken in ten minutes apart: red (30 min to accept), yellow (24 h), orange (2 h).
  std::map<std::string, std::int64_t> id;
  for (const std::string u : {"red", "yellow", "orange", "red2"}) {
    auto made = op->post("/api/v1/cases", case_body(0, 0, u == "red2" ? "red" : u));
    REQUIRE(made.status == 201);
    id[u] = made.json().at("id").as_int64();
    f.clock.advance(10 * kMinute);
  }
  // 40 minutes after the first: "red" is 10 minutes past its deadline, "red2" has 20 left.
  f.center->tick();
  auto page = op->get("/api/v1/cases?open=true&sort=time_left&limit=2");
  REQUIRE(page.status == 200);
  auto body = page.json();
  CHECK(ids_of(body) == std::vector<std::int64_t>{id["red"], id["red2"]});
  CHECK(body.at("total").as_int64() == 4);
  CHECK(body.at("next_offset").as_int64() == 2);
  CHECK(body.at("sort") == "time_left");
  const auto& first = body.at("cases").as_array()[0].at("clock");
  CHECK(first.at("overdue") == true);
  CHECK(first.at("running") == "accept");
  CHECK(first.at("overdue_s").as_int64() == 600);
  CHECK(first.at("left_s").is_null());
  const auto& second = body.at("cases").as_array()[1].at("clock");
  CHECK(second.at("overdue") == false);
  CHECK(second.at("left_s").as_int64() == 20 * 60);
  CHECK(second.at("missed_at").is_null());
  auto rest = op->get("/api/v1/cases?open=true&sort=time_left&limit=2&offset=2").json();
  CHECK(ids_of(rest) == std::vector<std::int64_t>{id["orange"], id["yellow"]});
  CHECK(rest.at("next_offset").is_null());
  auto reversed = op->get("/api/v1/cases?open=true&sort=-time_left").json();
  CHECK(ids_of(reversed) == std::vector<std::int64_t>{id["yellow"], id["orange"], id["red2"], id["red"]});
  // By a column: the most urgent first, newest first among equals.
  auto by_urgency = op->get("/api/v1/cases?state=dispatched&sort=urgency").json();
  CHECK(ids_of(by_urgency).front() == id["red2"]);
  CHECK(ids_of(by_urgency).back() == id["yellow"]);

  // Escalated twice, the red case stays overdue against its first deadline, not the new ones.
  f.clock.advance(3 * 60 * kMinute);
  while (f.center->tick() > 0) {
  }
  auto one = op->get("/api/v1/cases/" + std::to_string(id["red"])).json();
  const auto& k = one.at("clock");
  CHECK(k.at("overdue") == true);
  CHECK(k.at("overdue_s").as_int64() == (10 + 180) * 60);
  CHECK(k.at("left_s").is_null());
  // The newest-first list and the sorted list tell the same clock; never overdue with time left.
  for (const auto& q : {"/api/v1/cases?limit=500", "/api/v1/cases?open=true&sort=time_left&limit=500"}) {
    const auto listed = op->get(q).json();
    for (const auto& c : listed.at("cases").as_array()) {
      const auto& ck = c.at("clock");
      CHECK_FALSE((ck.at("overdue") == true && !ck.at("left_s").is_null()));
      CHECK((ck.at("overdue") == true) == !ck.at("missed_at").is_null());
    }
  }
}

TEST_CASE("a worker's sorted list holds only its own cases", "[web][case_list]") {
  ServerFixture f;
  auto op = f.client("op");
  REQUIRE(op->post("/api/v1/cases", case_body(0, 0)).status == 201);  // G0-0: W1's
  REQUIRE(op->post("/api/v1/cases", case_body(1, 1)).status == 201);
  auto w1 = f.client("w1");
  auto mine = w1->get("/api/v1/cases?open=true&sort=time_left").json();
  auto plain = w1->get("/api/v1/cases?open=true").json();
  auto sorted_ids = ids_of(mine), plain_ids = ids_of(plain);
  std::sort(sorted_ids.begin(), sorted_ids.end());
  std::sort(plain_ids.begin(), plain_ids.end());
  CHECK(sorted_ids == plain_ids);
  CHECK(mine.at("total").as_int64() == static_cast<std::int64_t>(plain_ids.size()));
}
