// Graceful shutdown: stop accepting, finish in-flight requests and their commits, close
// WebSockets with a close frame, and return.
#include <catch2/catch.hpp>

#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
using namespace std::chrono_literals;
namespace json = boost::json;

TEST_CASE("stop finishes requests in flight and their commits, then closes every socket", "[web][shutdown]") {
  // Each commit takes 150 ms: eight intakes are still being stored when the stop comes.
  ServerFixture f(test_options(), Slowness{150ms, 0ms});
  const auto token = f.login("op");
  FeedListener feed(f.port, f.login("admin"));
  REQUIRE(feed.wait_for([](const json::value& m) { return m.at("type").as_string() == "feed.ready"; }));
  HttpClient idle(f.port);  // a kept-alive connection with nothing to do
  REQUIRE(idle.get("/healthz").status == 200);

  constexpr int kClients = 8;
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<HttpClient>(f.port));
    clients.back()->token = token;
  }
  std::vector<Answer> answers(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i)
    threads.emplace_back([&, i] { answers[i] = clients[i]->post("/api/v1/cases", case_body(i % 2, i % 3)); });
  // Every request is in the server (its case taken in, waiting for its slow commit) before
  // the stop comes: waited for, however slowly a loaded machine runs the clients.
  for (int i = 0; i < 1000 && f.center->open_case_count() < static_cast<std::size_t>(kClients); ++i)
    std::this_thread::sleep_for(5ms);
  REQUIRE(f.center->open_case_count() == static_cast<std::size_t>(kClients));

  const auto t0 = std::chrono::steady_clock::now();
  f.server->stop();
  for (auto& t : threads) t.join();
  f.thread.join();  // run() returned
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);

  for (const auto& a : answers) {
    CHECK(a.status == 201);
    CHECK(a.headers.count("connection"));
    if (a.status == 201) CHECK(f.ledger->find_case(a.json().at("id").as_int64()));
  }
  CHECK(feed.wait_closed(2s));
  CHECK(feed.close_code() == 1001);  // going away
  HttpClient late(f.port);
  CHECK(late.get("/healthz").status == 0);
}

TEST_CASE("a server with nothing to do stops at once", "[web][shutdown]") {
  ServerFixture f;
  const auto t0 = std::chrono::steady_clock::now();
  f.stop();
  CHECK(std::chrono::steady_clock::now() - t0 < 500ms);
}
