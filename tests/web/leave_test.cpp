// Leave (请假) over HTTP: the roles x endpoints matrix, bad and hostile input (nothing
// changes), the boundaries on the test clock, what storage keeps for a restart, and the
// working calendar.
#include <catch2/catch.hpp>

#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
const std::vector<std::string> kUsers = {"admin", "op", "op_s", "op_s2", "sup_c1", "sup_c2", "w1", "w2", "w9"};
const dispatch::Actor kSystem{};

// A leave of `days` after the fixture's 2026-01-01 from 08:00 to 18:00 UTC.
std::string leave_body(int day, const std::string& extra = {}, const std::string& reason = "年休假") {
  const std::string d = (day < 10 ? "0" : "") + std::to_string(day);
  return R"({"from":"2026-01-)" + d + R"(T08:00:00Z","to":"2026-01-)" + d + R"(T18:00:00Z","reason":")" + reason +
         "\"" + extra + "}";
}
dispatch::LeaveRequest leave_request(dispatch::Millis from, dispatch::Millis to) { return {from, to, "事假", false}; }
constexpr dispatch::Millis kOneDay = 86'400'000, kOneHour = 3'600'000;
}  // namespace

TEST_CASE("leave: roles x endpoints x scope", "[web][leave][authz]") {
  ServerFixture f;
  const dispatch::Millis t0 = f.clock.now();
  int day = 2;
  for (const auto& u : kUsers) {
    INFO(u);
    auto c = f.client(u);
    REQUIRE_FALSE(c->token.empty());
    const bool admin = u == "admin", op = u.rfind("op", 0) == 0, worker = u[0] == 'w';
    // W1 is in C1, W4 in C2.
    const int post_w1 = admin || u == "sup_c1" ? 201 : (op || worker) ? 403 : 404;
    const int post_w4 = admin || u == "sup_c2" ? 201 : (op || worker) ? 403 : 404;
    const int get_w1 = admin || u == "sup_c1" || u == "w1" ? 200 : op ? 403 : 404;
    auto a = c->post("/api/v1/workers/W1/leave", leave_body(day++));
    CHECK(a.status == post_w1);
    if (a.status == 201) {
      CHECK(a.json().at("state").as_string() == "upcoming");
      CHECK(a.json().at("worker_id").as_string() == "W1");
      CHECK(a.json().at("open_cases").as_string() == "keep");
    }
    CHECK(c->post("/api/v1/workers/W4/leave", leave_body(day++)).status == post_w4);
    auto g = c->get("/api/v1/workers/W1/leave");
    CHECK(g.status == get_w1);
    if (g.status == 200) CHECK(g.json().at("worker_id").as_string() == "W1");
    // Ending a leave someone else scheduled: as scheduling.
    const dispatch::Millis evening = t0 + (day++) * kOneDay + 20 * kOneHour;  // after that day's 08:00-18:00
    auto l = f.center->schedule_leave_and_wait("W1", leave_request(evening, evening + kOneHour), kSystem);
    REQUIRE(l.ok());
    const auto end = c->request("DELETE", "/api/v1/workers/W1/leave/" + std::to_string(l->id));
    CHECK(end.status == (post_w1 == 201 ? 200 : post_w1));
    if (end.status == 200) CHECK(end.json().at("state").as_string() == "cancelled");
    CHECK(c->get("/api/v1/calendar").status == 200);
  }
  CHECK(f.client()->get("/api/v1/workers/W1/leave").status == 401);
}

TEST_CASE("leave: bad and hostile input is refused and changes nothing", "[web][leave]") {
  ServerFixture f;
  auto admin = f.client("admin");
  auto refused = [&](const std::string& target, const std::string& body, int status, const std::string& field = {}) {
    INFO(target << " " << body.substr(0, 200));
    auto a = admin->post(target, body);
    CHECK(a.status == status);
    if (!field.empty()) CHECK(a.error_field() == field);
    CHECK_FALSE(a.error_code().empty());
  };
  const std::string w1 = "/api/v1/workers/W1/leave";
  refused(w1, "{\"from\":", 400);
  refused(w1, "[]", 400);
  refused(w1, "", 400);
  refused(w1, R"({"to":"2026-01-02T18:00:00Z","reason":"x"})", 400, "from");
  refused(w1, R"({"from":"2026-01-02T08:00:00Z","to":"2026-01-02T18:00:00Z"})", 400, "reason");
  refused(w1, leave_body(2, R"(,"colour":"red")"), 400, "colour");
  refused(w1, R"({"from":"tomorrow","to":"2026-01-02T18:00:00Z","reason":"x"})", 400, "from");
  refused(w1, R"({"from":"2026-01-02","to":"2026-01-03T18:00:00Z","reason":"x"})", 400, "from");
  refused(w1, R"({"from":"2026-13-02T08:00:00Z","to":"2026-01-03T18:00:00Z","reason":"x"})", 400, "from");
  refused(w1, R"({"from":1767340800000,"to":"2026-01-03T18:00:00Z","reason":"x"})", 400, "from");
  refused(w1, R"({"from":"2026-01-02T08:00:00Z","to":")" + std::string(5000, '9') + R"(","reason":"x"})", 400, "to");
  refused(w1, R"({"from":"2026-01-02T18:00:00Z","to":"2026-01-02T08:00:00Z","reason":"x"})", 422, "to");
  refused(w1, R"({"from":"2026-01-02T08:00:00Z","to":"2026-01-02T08:00:00Z","reason":"x"})", 422, "to");
  refused(w1, R"({"from":"2025-12-31T08:00:00Z","to":"2026-01-02T08:00:00Z","reason":"x"})", 422, "from");
  refused(w1, R"({"from":"2026-01-02T08:00:00Z","to":"2027-02-02T08:00:00Z","reason":"x"})", 422, "to");
  refused(w1, leave_body(2, {}, std::string(501, 'x')), 422, "reason");
  refused(w1, leave_body(2, {}, ""), 422, "reason");
  refused(w1, leave_body(2, {}, "a\\u0000b"), 422, "reason");
  refused(w1, leave_body(2, {}, "\\u202Egnp.exe"), 422, "reason");
  refused(w1, leave_body(2, R"(,"open_cases":"maybe")"), 422, "open_cases");
  refused(w1, leave_body(2, R"(,"open_cases":1)"), 400, "open_cases");
  refused("/api/v1/workers/W404/leave", leave_body(2), 404);
  refused("/api/v1/workers/..%2F..%2Fetc/leave", leave_body(2), 404);
  refused("/api/v1/workers/%3Cscript%3E/leave", leave_body(2), 404);
  // 10 MB: refused before it is read.
  auto big = admin->post(w1, R"({"reason":")" + std::string(10 << 20, 'x') + "\"}");
  CHECK((big.status == 413 || big.status == 0));
  CHECK(admin->get(w1).json().at("items").as_array().empty());
  auto none = admin->request("DELETE", w1 + "/abc");
  CHECK(none.status == 404);
  CHECK(admin->request("DELETE", w1 + "/99999999999999999999").status == 404);
  CHECK(admin->request("DELETE", w1 + "/1").status == 404);
  // Nothing changed: no leave, W1 on duty, no audit entry of leave.
  CHECK(f.center->leaves_of("W1", kSystem)->empty());
  for (const auto& w : f.center->workers(kSystem))
    if (w.id == "W1") CHECK(w.status == dispatch::DutyStatus::on_duty);
  // Then a good one, and its overlap 409.
  CHECK(admin->post(w1, leave_body(2)).status == 201);
  auto clash = admin->post(w1, leave_body(2));
  CHECK(clash.status == 409);
  CHECK(clash.error_code() == "conflict");
  CHECK(f.center->leaves_of("W1", kSystem)->size() == 1);
}

TEST_CASE("leave over HTTP: the test clock starts and ends it; storage keeps it for a restart", "[web][leave]") {
  ServerFixture f(test_options(), {}, /*test_clock=*/true);
  auto sup = f.client("sup_c1");
  auto admin = f.client("admin");
  auto a =
      sup->post("/api/v1/workers/W1/leave",
                R"({"from":"2026-01-01T01:00:00Z","to":"2026-01-01T03:00:00Z","reason":"病假","open_cases":"move"})");
  REQUIRE(a.status == 201);
  const auto id = a.json().at("id").as_int64();
  auto held = admin->post("/api/v1/cases", case_body(0, 0));
  REQUIRE(held.status == 201);
  CHECK(held.json().at("assignee_id").as_string() == "W1");
  REQUIRE(admin->post("/api/v1/test/clock", R"({"advance_s":3600})").status == 200);
  auto next = admin->post("/api/v1/cases", case_body(0, 0));
  CHECK(next.json().at("assignee_id").as_string() == "W2");  // G0-0's B post
  const auto held_id = std::to_string(held.json().at("id").as_int64());
  CHECK(admin->get("/api/v1/cases/" + held_id).json().at("assignee_id").as_string() == "W2");
  auto mine = f.client("w1")->get("/api/v1/workers/W1/leave");
  REQUIRE(mine.status == 200);
  CHECK(mine.json().at("items").as_array()[0].at("state").as_string() == "current");
  // What storage holds, read by a new center as after a restart.
  {
    dispatch::Center again(*f.ledger, f.clock);
    again.start();
    auto leaves = again.leaves_of("W1", kSystem);
    REQUIRE(leaves->size() == 1);
    CHECK(leaves->front().id == id);
    CHECK(leaves->front().applied == 1);
    CHECK(leaves->front().move_cases);
    for (const auto& w : again.workers(kSystem))
      if (w.id == "W1") CHECK(w.status == dispatch::DutyStatus::leave);
  }
  REQUIRE(admin->post("/api/v1/test/clock", R"({"advance_s":7200})").status == 200);
  CHECK(admin->post("/api/v1/cases", case_body(0, 0)).json().at("assignee_id").as_string() == "W1");
  CHECK(sup->request("DELETE", "/api/v1/workers/W1/leave/" + std::to_string(id)).status == 409);
}

TEST_CASE("the working calendar of a year", "[web][leave][calendar]") {
  ServerFixture f;
  auto op = f.client("op");
  auto a = op->get("/api/v1/calendar?year=2026");
  REQUIRE(a.status == 200);
  CHECK(a.json().at("year").as_int64() == 2026);
  CHECK(a.json().at("hours").at("mon").as_array().size() == 2);
  CHECK(a.json().at("hours").at("mon").as_array()[0].as_array()[0].as_string() == "08:30");
  CHECK(op->get("/api/v1/calendar").json().at("year").as_int64() == 2026);  // the clock's year
  for (const char* bad : {"1999", "2101", "abc", "", "2026.5", "-2026"}) {
    INFO(bad);
    auto b = op->get(std::string("/api/v1/calendar?year=") + bad);
    CHECK(b.status == 422);
    CHECK(b.error_field() == "year");
  }
}
