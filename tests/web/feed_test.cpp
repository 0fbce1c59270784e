// The live feed over WebSocket: delivery, scoping, escalations, slow clients, pings.
#include <catch2/catch.hpp>

#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {
std::int64_t case_id_of(const json::value& m) {
  if (!m.is_object() || !m.as_object().contains("case")) return 0;
  return m.at("case").at("id").as_int64();
}
auto is(const std::string& type, std::int64_t id) {
  return [type, id](const json::value& m) { return type_of(m) == type && case_id_of(m) == id; };
}
bool ever_got(const FeedListener& l, std::int64_t id) {
  for (const auto& m : l.messages())
    if (case_id_of(m) == id) return true;
  return false;
}
}  // namespace

TEST_CASE("the live feed delivers each change to those who may see it", "[web][feed]") {
  // The clock moves on by more than a day while the feeds stay open, and a feed ends with
  // its token: the logins here last a month.
  ServerFixture f(month_long_logins());
  auto op = f.client("op");
  std::map<std::string, std::unique_ptr<FeedListener>> feeds;
  for (const std::string u : {"admin", "w1", "w2", "sup_c1", "sup_c2", "op_s2"}) {
    feeds[u] = std::make_unique<FeedListener>(f.port, f.login(u));
    REQUIRE(feeds[u]->connected());
    REQUIRE(feeds[u]->wait_for([](const json::value& m) { return type_of(m) == "feed.ready"; }));
  }

  auto a = op->post("/api/v1/cases", case_body(0, 0));  // G0-0: C1, W1
  auto b = op->post("/api/v1/cases", case_body(1, 0));  // G1-0: C2, W4
  REQUIRE(a.status == 201);
  REQUIRE(b.status == 201);
  const auto id_a = a.json().at("id").as_int64(), id_b = b.json().at("id").as_int64();

  auto created = feeds["w1"]->wait_for(is("case.created", id_a));
  REQUIRE(created);
  CHECK(created->at("case").at("assignee_id").as_string() == "W1");
  CHECK(created->at("case").at("state").as_string() == "dispatched");
  CHECK(feeds["sup_c1"]->wait_for(is("case.created", id_a)));
  CHECK(feeds["admin"]->wait_for(is("case.created", id_a)));
  // Each feed is in commit order: once B has arrived anywhere, A has been sent wherever it goes.
  CHECK(feeds["admin"]->wait_for(is("case.created", id_b)));
  CHECK(feeds["sup_c2"]->wait_for(is("case.created", id_b)));
  CHECK_FALSE(ever_got(*feeds["sup_c2"], id_a));
  CHECK_FALSE(ever_got(*feeds["sup_c1"], id_b));
  CHECK_FALSE(ever_got(*feeds["w1"], id_b));

  auto w1 = f.client("w1");
  auto accepted =
      w1->post("/api/v1/cases/" + std::to_string(id_a) + "/transitions", R"({"action":"accept","version":1})");
  REQUIRE(accepted.status == 200);
  auto updated = feeds["w1"]->wait_for(is("case.updated", id_a));
  REQUIRE(updated);
  CHECK(updated->at("case").at("state").as_string() == "accepted");
  CHECK(updated->at("case").at("version").as_int64() == 2);
  CHECK(feeds["sup_c1"]->wait_for(is("case.updated", id_a)));
  CHECK(feeds["admin"]->wait_for(is("case.updated", id_a)));

  // Warnings and escalations, on the manual clock.
  f.clock.advance(19LL * 3600 * 1000);  // past 75 % of B's 24 h acceptance time
  f.center->tick();
  auto warned = feeds["sup_c2"]->wait_for(is("case.warned", id_b));
  REQUIRE(warned);
  CHECK(warned->at("case").at("warned").as_bool());
  f.clock.advance(6LL * 3600 * 1000);  // past the deadline
  f.center->tick();
  auto escalated = feeds["sup_c2"]->wait_for(is("case.escalated", id_b));
  REQUIRE(escalated);
  CHECK(escalated->at("case").at("overdue").as_bool());
  CHECK(escalated->at("case").at("urgency").as_string() == "orange");
  CHECK(feeds["admin"]->wait_for(is("case.escalated", id_b)));

  // Nothing ever reached those without the right: w2 (other grids) and op_s2 (another street).
  std::this_thread::sleep_for(100ms);
  for (const std::string u : {"w2", "op_s2"}) {
    INFO(u);
    CHECK(feeds[u]->messages().size() == 1);  // feed.ready only
  }
  CHECK_FALSE(ever_got(*feeds["sup_c1"], id_b));
}

TEST_CASE("the live feed needs a valid token and an upgrade", "[web][feed]") {
  ServerFixture f;
  FeedListener anonymous(f.port, "not-a-token");
  CHECK_FALSE(anonymous.connected());
  CHECK(anonymous.handshake_status() == 401);
  HttpClient plain(f.port);
  auto a = plain.get("/api/v1/ws");
  CHECK(a.status == 400);
  CHECK(a.error_code() == "bad_request");
}

TEST_CASE("a feed client that cannot keep up is dropped; the others get everything", "[web][feed]") {
  auto options = test_options();
  options.feed_queue_limit = 8;
  options.feed_send_buffer = 4096;
  ServerFixture f(options);
  const auto token = f.login("admin");
  FeedListener slow(f.port, token, /*read=*/false, /*receive_buffer=*/4096);
  FeedListener fast(f.port, token);
  REQUIRE(slow.connected());
  REQUIRE(fast.wait_for([](const json::value& m) { return type_of(m) == "feed.ready"; }));

  constexpr int kCases = 400;
  dispatch::IntakeRequest r;
  r.lon = 118.305;
  r.lat = 24.605;
  r.category = "environment";
  r.title = "slow feed";
  r.description = std::string(600, 'x');  // bigger messages fill the socket sooner
  dispatch::CaseId last = 0;
  for (int i = 0; i < kCases; ++i) {
    auto c = f.center->intake_and_wait(r, dispatch::Actor{});
    REQUIRE(c.ok());
    last = c->id;
    // Paced by the fast reader, so that only the one that does not read falls behind,
    // however slowly a loaded machine runs the fast one's thread.
    REQUIRE(fast.wait_for(is("case.created", last), 10s));
  }
  CHECK(fast.messages().size() == kCases + 1);
  CHECK(slow.wait_closed(5s));
  auto metrics = f.client()->get("/metrics");
  CHECK(metrics.body.find("gridkeeper_websockets_dropped_total 1") != std::string::npos);
  CHECK(metrics.body.find("gridkeeper_open_websockets 1") != std::string::npos);
}

TEST_CASE("pings keep a quiet feed open and find dead peers", "[web][feed]") {
  auto options = test_options();
  options.feed_idle_timeout = 1000ms;
  ServerFixture f(options);
  const auto token = f.login("w1");
  FeedListener quiet(f.port, token);        // reads, so it answers pings
  FeedListener dead(f.port, token, false);  // never reads: never answers
  REQUIRE(quiet.wait_for([](const json::value& m) { return type_of(m) == "feed.ready"; }));
  // The dead one is found out by the server (seen in its metrics: reading from the dead
  // one here would answer its pings); the quiet one lives on its pongs alone.
  auto watcher = f.client();
  bool dropped = false;
  for (int i = 0; i < 400 && !dropped; ++i) {
    dropped = watcher->get("/metrics").body.find("gridkeeper_open_websockets 1\n") != std::string::npos;
    if (!dropped) std::this_thread::sleep_for(25ms);
  }
  CHECK(dropped);
  CHECK(dead.wait_closed(2s));
  CHECK_FALSE(quiet.closed());
  // Still live.
  auto op = f.client("op");
  auto a = op->post("/api/v1/cases", case_body(0, 0));
  REQUIRE(a.status == 201);
  CHECK(quiet.wait_for(is("case.created", a.json().at("id").as_int64())));
}
