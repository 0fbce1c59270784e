// The transport's defences: credentials before bodies, body and connection budgets,
// request framing, live feeds that end with their token or past a user's share, and
// /metrics kept to its own listener or to loopback.
#include <catch2/catch.hpp>

#include "fixture.hpp"
#include "tests/eventually.hpp"
#include "web/transport.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

int count_of(const std::string& text, std::string_view what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

int status_of(const std::string& answer) {
  if (answer.size() < 12 || answer.compare(0, 5, "HTTP/") != 0) return 0;
  return std::stoi(answer.substr(9, 3));
}

std::string body_of(const std::string& answer) {
  const auto at = answer.find("\r\n\r\n");
  return at == std::string::npos ? std::string() : answer.substr(at + 4);
}

std::string error_code_of(const std::string& answer) {
  try {
    return std::string(json::parse(body_of(answer)).at("error").at("code").as_string());
  } catch (...) {
    return {};
  }
}

std::string login_body(const std::string& name) {
  return R"({"username":")" + name + R"(","password":")" + name + R"(-secret"})";
}

bool is_ready(const json::value& m) {
  return m.is_object() && m.as_object().contains("type") && m.at("type").as_string() == "feed.ready";
}

}  // namespace

TEST_CASE("a request's token is checked before its body is read", "[web][security]") {
  ServerFixture f;
  const std::string photo_head =
      "POST /api/v1/cases/1/photos HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\n"
      "Content-Length: 10000000\r\n";

  SECTION("no token: 401 and close, the body never sent") {
    RawConnection raw(f.port);
    REQUIRE(raw.send(photo_head + "\r\n"));
    bool closed = false;
    const auto answer = raw.read_until_closed(5s, &closed);
    CHECK(status_of(answer) == 401);
    CHECK(error_code_of(answer) == "unauthenticated");
    CHECK(answer.find("Connection: close") != std::string::npos);
    CHECK(closed);
  }
  SECTION("a wrong token with Expect: 100-continue: 401, never a 100") {
    RawConnection raw(f.port);
    REQUIRE(
        raw.send(photo_head + "Authorization: Bearer " + std::string(64, 'a') + "\r\nExpect: 100-continue\r\n\r\n"));
    bool closed = false;
    const auto answer = raw.read_until_closed(5s, &closed);
    CHECK(status_of(answer) == 401);
    CHECK(answer.find(" 100 ") == std::string::npos);
    CHECK(closed);
  }
  SECTION("a valid token: 100 Continue, and the body is read") {
    const auto token = f.login("w1");
    RawConnection raw(f.port);
    REQUIRE(
        raw.send("POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Authorization: Bearer " +
                 token + "\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"));
    const auto first = raw.read_some(5s);
    CHECK(status_of(first) == 100);
    REQUIRE(raw.send("{}"));
    std::string answer = first.substr(first.find("\r\n\r\n") + 4);
    while (status_of(answer) == 0) {
      const auto more = raw.read_some(5s);
      if (more.empty()) break;
      answer += more;
    }
    CHECK((status_of(answer) == 400 || status_of(answer) == 422));  // read and judged: an empty case
  }
}

TEST_CASE("routes that need no user take small bodies only", "[web][security]") {
  ServerFixture f;
  for (const std::string target : {"/api/v1/auth/login", "/open311/v2/requests.json"}) {
    INFO(target);
    RawConnection raw(f.port);
    REQUIRE(raw.send("POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                     "Content-Length: " + std::to_string(64 * 1024 + 1) + "\r\n\r\n"));
    bool closed = false;
    const auto answer = raw.read_until_closed(5s, &closed);
    CHECK(status_of(answer) == 413);
    CHECK(closed);
  }
  // A login of ordinary size still works.
  HttpClient c(f.port);
  CHECK(c.post("/api/v1/auth/login", login_body("op")).status == 200);
}

TEST_CASE("body bytes in flight have a server-wide budget", "[web][security]") {
  auto options = test_options();
  options.body_bytes_in_flight = 100 * 1024;
  ServerFixture f(options);
  const auto token = f.login("op");
  const auto head = [&](std::size_t length) {
    return "POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer " +
           token + "\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
  };
  // The first holds 80 KiB of the budget while its body trickles in.
  RawConnection first(f.port);
  REQUIRE(first.send(head(80 * 1024) + "{"));
  // The second would pass the budget: 503 before its body is read. The first's admission
  // may still be on its way, so ask until the budget is seen taken (bounded).
  std::string refused;
  for (int attempt = 0; attempt < 50 && status_of(refused) != 503; ++attempt) {
    RawConnection second(f.port);
    REQUIRE(second.send(head(40 * 1024)));
    refused = second.read_until_closed(5s);
    if (status_of(refused) == 413 || status_of(refused) == 400) break;
  }
  CHECK(status_of(refused) == 503);
  CHECK(error_code_of(refused) == "overloaded");
  // The first finishes; its answer frees the budget and a request of 40 KiB is read again.
  REQUIRE(first.send(std::string(80 * 1024 - 2, ' ') + "}"));
  const auto answered = first.read_some(5s);
  CHECK((status_of(answered) == 400 || status_of(answered) == 422));
  HttpClient c(f.port);
  c.token = token;
  auto later = c.post("/api/v1/cases", std::string(40 * 1024, ' ') + "{}");
  CHECK((later.status == 400 || later.status == 422));
}

TEST_CASE("only a single chunked transfer coding is accepted", "[web][security]") {
  ServerFixture f;
  const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  SECTION("a non-chunked coding: one 400, closed, the body never answered as a request") {
    RawConnection raw(f.port);
    REQUIRE(raw.send("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n" + smuggled));
    bool closed = false;
    const auto answer = raw.read_until_closed(5s, &closed);
    CHECK(count_of(answer, "HTTP/1.1 ") == 1);
    CHECK(status_of(answer) == 400);
    CHECK(closed);
  }
  SECTION("chunked after another coding, or twice") {
    for (const std::string coding : {"gzip, chunked", "chunked, chunked"}) {
      INFO(coding);
      RawConnection raw(f.port);
      REQUIRE(raw.send("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding +
                       "\r\n\r\n0\r\n\r\n" + smuggled));
      bool closed = false;
      const auto answer = raw.read_until_closed(5s, &closed);
      CHECK(count_of(answer, "HTTP/1.1 ") == 1);
      CHECK(status_of(answer) == 400);
      CHECK(closed);
    }
  }
  SECTION("Transfer-Encoding with Content-Length") {
    RawConnection raw(f.port);
    REQUIRE(
        raw.send("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                 "Content-Length: 5\r\n\r\n0\r\n\r\n" +
                 smuggled));
    bool closed = false;
    const auto answer = raw.read_until_closed(5s, &closed);
    CHECK(count_of(answer, "HTTP/1.1 ") == 1);
    CHECK(status_of(answer) == 400);
    CHECK(closed);
  }
  SECTION("a chunked body is read as before") {
    const auto body = login_body("op");
    char size[16];
    std::snprintf(size, sizeof size, "%zx", body.size());
    RawConnection raw(f.port);
    REQUIRE(
        raw.send("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
                 std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n"));
    CHECK(status_of(raw.read_until_closed(5s)) == 200);
  }
}

TEST_CASE("connections per address are capped", "[web][security]") {
  auto options = test_options();
  options.max_connections_per_peer = 3;
  ServerFixture f(options);
  std::vector<std::unique_ptr<HttpClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<HttpClient>(f.port));
    REQUIRE(held.back()->get("/healthz").status == 200);  // accepted and kept alive
  }
  RawConnection fourth(f.port);
  bool closed = false;
  const auto refused = fourth.read_until_closed(5s, &closed);
  CHECK(status_of(refused) == 503);
  CHECK(error_code_of(refused) == "overloaded");
  CHECK(closed);
  // A connection that closes frees its place (the server notices the close asynchronously).
  held.pop_back();
  int status = 0;
  CHECK(eventually([&] {
    HttpClient again(f.port, 2s);
    status = again.get("/healthz").status;
    return status == 200;
  }));
  CHECK(status == 200);
}

TEST_CASE("logout ends the token's live feeds", "[web][security]") {
  ServerFixture f;
  auto w1 = f.client("w1");
  FeedListener mine(f.port, w1->token), other(f.port, f.login("w1"));
  REQUIRE(mine.wait_for(is_ready));
  REQUIRE(other.wait_for(is_ready));
  REQUIRE(w1->post("/api/v1/auth/logout", "").status == 204);
  CHECK(mine.wait_closed(5s));
  CHECK(mine.close_code() == 1008);
  // Another login of the same user keeps its feed.
  auto op = f.client("op");
  auto made = op->post("/api/v1/cases", case_body(0, 0));
  REQUIRE(made.status == 201);
  const auto id = made.json().at("id").as_int64();
  CHECK(other.wait_for([id](const json::value& m) {
    return m.is_object() && m.as_object().contains("case") && m.at("case").at("id").as_int64() == id;
  }));
  CHECK_FALSE(other.closed());
}

TEST_CASE("a live feed ends when its token expires", "[web][security]") {
  auto options = test_options();
  options.api.auth.token_ttl_ms = 60'000;
  ServerFixture f(options);
  const auto token = f.login("sup_c1");
  FeedListener feed(f.port, token);
  REQUIRE(feed.wait_for(is_ready));
  f.clock.advance(59'000);
  f.clock.advance(2'000);  // past the token's minute
  CHECK(feed.wait_closed(5s));
  CHECK(feed.close_code() == 1008);
  // And the expired token opens no new one.
  FeedListener again(f.port, token);
  CHECK(again.handshake_status() == 401);
}

TEST_CASE("a user holds at most its share of live feeds", "[web][security]") {
  ServerFixture f;
  const auto token = f.login("w1");
  std::vector<std::unique_ptr<FeedListener>> feeds;
  for (int i = 0; i < 10; ++i) {
    feeds.push_back(std::make_unique<FeedListener>(f.port, token));
    REQUIRE(feeds.back()->wait_for(is_ready));
  }
  // The eleventh upgrade is refused with a JSON error.
  RawConnection raw(f.port);
  REQUIRE(raw.send("GET /ws?token=" + token +
                   " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
  const auto refused = raw.read_until_closed(5s);
  CHECK(status_of(refused) == 429);
  CHECK(error_code_of(refused) == "too_many_requests");
  // Another user is not affected.
  FeedListener someone_else(f.port, f.login("w2"));
  CHECK(someone_else.wait_for(is_ready));
  // A feed that closes frees its place.
  feeds.pop_back();
  bool opened = false;
  CHECK(eventually([&] {
    FeedListener next(f.port, token);
    opened = next.handshake_status() == 101 && next.wait_for(is_ready).has_value();
    return opened;
  }));
  CHECK(opened);
}

TEST_CASE("/metrics is for loopback peers or its own listener", "[web][security]") {
  SECTION("which addresses are loopback") {
    namespace net = boost::asio;
    CHECK(web::is_loopback(net::ip::make_address("127.0.0.1")));
    CHECK(web::is_loopback(net::ip::make_address("127.8.9.10")));
    CHECK(web::is_loopback(net::ip::make_address("::1")));
    CHECK(web::is_loopback(net::ip::make_address("::ffff:127.0.0.1")));
    CHECK_FALSE(web::is_loopback(net::ip::make_address("10.0.0.1")));
    CHECK_FALSE(web::is_loopback(net::ip::make_address("192.168.1.20")));
    CHECK_FALSE(web::is_loopback(net::ip::make_address("::ffff:10.0.0.1")));
    CHECK_FALSE(web::is_loopback(net::ip::make_address("2001:db8::1")));
  }
  SECTION("without a metrics listener, a loopback peer reads it") {
    ServerFixture f;
    HttpClient c(f.port);
    CHECK(c.get("/metrics").status == 200);
    CHECK(f.server->metrics_port() == 0);
  }
  SECTION("with one, only it serves /metrics and /healthz") {
    auto options = test_options();
    options.metrics_listener = true;
    options.metrics_address = "127.0.0.1";
    options.metrics_port = 0;
    ServerFixture f(options);
    REQUIRE(f.server->metrics_port() != 0);
    HttpClient main(f.port), metrics(f.server->metrics_port());
    auto hidden = main.get("/metrics");
    CHECK(hidden.status == 404);
    CHECK(hidden.error_code() == "not_found");
    CHECK(main.get("/metrics/").status == 404);
    CHECK(main.get("/%6detrics").status == 404);
    CHECK(main.get("/healthz").status == 200);
    auto served = metrics.get("/metrics");
    CHECK(served.status == 200);
    CHECK(served.body.find("gridkeeper_") != std::string::npos);
    CHECK(metrics.get("/healthz").status == 200);
    CHECK(metrics.post("/api/v1/auth/login", login_body("op")).status == 404);
    HttpClient again(f.server->metrics_port());
    CHECK(again.get("/api/v1/route?lon=118.31&lat=24.61").status == 404);
  }
}
