// Compressed and streamed answers over the real server: gzip when the client accepts it
// (and only then, and never for small bodies or images), the assessment's case CSV
// written chunk by chunk as its rows are read, a client that goes away mid-stream, and
// concurrent reports bounded by the report pool and the per-user limit.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "dispatch/figures.hpp"
#include "dispatch/reporting.hpp"
#include "fixture.hpp"
#include "tests/eventually.hpp"
#include "web/columns.hpp"
#include "web/compression.hpp"
#include "web/csv.hpp"
#include "web/stats.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;

namespace {

// The streams' states come within 15 s on a busy machine.
constexpr std::chrono::seconds kPatience{15};

Answer get(HttpClient& c, const std::string& target, const std::string& accept_encoding) {
  std::map<std::string, std::string> headers;
  if (!accept_encoding.empty()) headers["Accept-Encoding"] = accept_encoding;
  return c.request("GET", target, {}, "application/json", headers);
}

bool has(const Answer& a, const std::string& name) { return a.headers.count(name) > 0; }

std::string header(const Answer& a, const std::string& name) {
  const auto it = a.headers.find(name);
  return it == a.headers.end() ? std::string() : it->second;
}

// A value of the server's Prometheus text; -1 when absent.
long long metric(HttpClient& c, const std::string& name) {
  const auto a = c.get("/metrics");
  const auto at = a.body.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(a.body.substr(at + name.size() + 2));
}

// Takes in `n` cases through the center, all of them before it returns.
void take_in(ServerFixture& f, int n) {
  const dispatch::Actor op{1, "op", dispatch::Role::operator_, "D", {}};
  std::atomic<int> done{0}, failed{0};
  for (int i = 0; i < n; ++i) {
    dispatch::IntakeRequest r;
    r.lon = 118.305 + 0.01 * (i % 3);
    r.lat = 24.605 + 0.01 * (i % 2);
    r.category = "environment";
    r.urgency = i % 5 == 0 ? dispatch::Urgency::red : dispatch::Urgency::yellow;
    r.title = "垃圾堆放 " + std::to_string(i) + (i % 7 == 0 ? ", \"quoted\"" : "");
    r.address = "新店路" + std::to_string(i) + "号";
    f.center->intake(r, op, [&](dispatch::Result<dispatch::Case> c) {
      if (!c) ++failed;
      ++done;
    });
  }
  REQUIRE(eventually([&] { return done == n; }, kPatience));
  REQUIRE(failed == 0);
}

// The case table as it was answered before it was streamed: made whole in memory.
std::string whole_case_csv(ServerFixture& f, const dispatch::Actor& actor, const std::string& query = {}) {
  web::QueryParams params{{"format", "csv"}, {"table", "cases"}};
  if (!query.empty()) params.emplace_back("scope", query);
  auto request = web::stats_request(params, f.clock.now());
  REQUIRE(request);
  const dispatch::Reporting reporting(*f.center, *f.reports, &web::read_stored_rules);
  auto facts = reporting.case_facts(actor, *request, f.clock.now());
  REQUIRE(facts);
  web::CsvWriter w;
  web::csv_header(w, dispatch::fact_columns());
  w.end_row();
  for (const auto& c : facts->cases) {
    web::csv_cells(w, dispatch::fact_columns(), c);
    w.end_row();
  }
  return w.take();
}

const dispatch::Actor kAdmin{1, "admin", dispatch::Role::admin, "", {}};
constexpr const char* kCaseCsv = "/api/v1/stats/assessment?table=cases&format=csv";

struct TempUi {
  TempDir dir;
  std::string js, png;
  TempUi() {
    std::mt19937 rng(3);
    for (int i = 0; js.size() < 40'000; ++i) js += "export const f" + std::to_string(i) + " = () => 'grid';\n";
    for (int i = 0; i < 30'000; ++i) png += static_cast<char>(rng() & 0xff);
    write("app.js", js);
    write("map.png", png);
    write("tiny.css", "body{margin:0}\n");
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir.file(name), std::ios::binary) << text;
  }
};

}  // namespace

TEST_CASE("Answers are gzip-compressed when the client accepts it; decompressed they are the plain answer",
          "[compression][server]") {
  TempUi ui;
  auto options = test_options();
  options.api.ui_dir = std::filesystem::path(ui.dir.file("app.js")).parent_path().string();
  ServerFixture f(options);
  take_in(f, 40);
  auto c = f.client("admin");

  SECTION("API answers: the case list, a report, the API's description") {
    for (const std::string target : {"/api/v1/cases?limit=500", "/api/v1/stats/assessment", "/api/v1/openapi.json"}) {
      const auto plain = get(*c, target, "");
      REQUIRE(plain.status == 200);
      REQUIRE(plain.body.size() >= web::kMinCompressed);
      CHECK_FALSE(has(plain, "content-encoding"));
      CHECK(header(plain, "vary") == "Accept-Encoding");
      const auto packed = get(*c, target, "gzip, deflate, br");
      REQUIRE(packed.status == 200);
      CHECK(header(packed, "content-encoding") == "gzip");
      CHECK(header(packed, "vary") == "Accept-Encoding");
      CHECK(header(packed, "content-length") == std::to_string(packed.body.size()));
      CHECK(packed.body.size() < plain.body.size());
      bool ok = false;
      const auto text = web::gunzip(packed.body, &ok);
      CHECK(ok);
      CHECK(text == plain.body);
    }
  }

  SECTION("Accept-Encoding with q-values: gzip;q=0 and identity mean no; * means yes") {
    const std::string target = "/api/v1/cases?limit=500";
    CHECK(header(get(*c, target, "*"), "content-encoding") == "gzip");
    CHECK(header(get(*c, target, "identity;q=0.5, *;q=0.1"), "content-encoding") == "gzip");
    CHECK(header(get(*c, target, "gzip;q=0.2"), "content-encoding") == "gzip");
    for (const std::string refused : {"gzip;q=0", "identity", "br", "gzip;q=0, *", "*;q=0", ""}) {
      const auto a = get(*c, target, refused);
      INFO(refused);
      CHECK(a.status == 200);
      CHECK_FALSE(has(a, "content-encoding"));
      CHECK(a.json().is_object());
    }
  }

  SECTION("Small bodies and images go as they are") {
    const auto small = get(*c, "/healthz", "gzip");
    REQUIRE(small.status == 200);
    REQUIRE(small.body.size() < web::kMinCompressed);
    CHECK_FALSE(has(small, "content-encoding"));
    CHECK(small.json().is_object());
    const auto error = get(*c, "/api/v1/cases/999999", "gzip");
    CHECK(error.status == 404);
    CHECK_FALSE(has(error, "content-encoding"));
    CHECK(error.error_code() == "not_found");
    const auto image = get(*c, "/map.png", "gzip");
    REQUIRE(image.status == 200);
    CHECK_FALSE(has(image, "content-encoding"));
    CHECK(image.body == ui.png);
    const auto css = get(*c, "/tiny.css", "gzip");
    REQUIRE(css.status == 200);
    CHECK_FALSE(has(css, "content-encoding"));
  }

  SECTION("UI files are compressed once per version of the file") {
    const auto a = get(*c, "/app.js", "gzip");
    REQUIRE(a.status == 200);
    CHECK(header(a, "content-encoding") == "gzip");
    CHECK(header(a, "content-type") == "text/javascript; charset=utf-8");
    CHECK(has(a, "content-security-policy"));
    CHECK(web::gunzip(a.body) == ui.js);
    CHECK(get(*c, "/app.js", "gzip").body == a.body);
    CHECK(get(*c, "/app.js", "").body == ui.js);
    // A new version of the file (another length) is served, not the kept one.
    const std::string changed = ui.js + "export const later = 1;\n";
    ui.write("app.js", changed);
    CHECK(web::gunzip(get(*c, "/app.js", "gzip").body) == changed);
  }
}

TEST_CASE("The assessment's case CSV is streamed: chunked, byte for byte the table it was before", "[stream][server]") {
  auto options = test_options();
  options.api.stream_chunk_bytes = 2048;  // a small table still makes many chunks
  ServerFixture f(options);
  take_in(f, 300);
  const auto expected = whole_case_csv(f, kAdmin);
  REQUIRE(expected.size() > 10 * 2048);
  auto c = f.client("admin");

  SECTION("plain") {
    const auto a = get(*c, kCaseCsv, "");
    REQUIRE(a.status == 200);
    CHECK(header(a, "transfer-encoding") == "chunked");
    CHECK_FALSE(has(a, "content-length"));
    CHECK_FALSE(has(a, "content-encoding"));
    CHECK(header(a, "content-type") == "text/csv; charset=utf-8");
    CHECK(header(a, "content-disposition").find("assessment-cases-") != std::string::npos);
    CHECK(a.body == expected);
    // The connection goes on to the next request.
    CHECK(c->get("/healthz").status == 200);
  }
  SECTION("gzip, compressed chunk by chunk") {
    const auto a = get(*c, kCaseCsv, "gzip");
    REQUIRE(a.status == 200);
    CHECK(header(a, "transfer-encoding") == "chunked");
    CHECK(header(a, "content-encoding") == "gzip");
    CHECK(header(a, "vary") == "Accept-Encoding");
    bool ok = false;
    CHECK(web::gunzip(a.body, &ok) == expected);
    CHECK(ok);
  }
  SECTION("a worker's table is its own cases, streamed the same way") {
    auto w = f.client("w1");
    const dispatch::Actor w1{8, "w1", dispatch::Role::worker, "", "W1"};
    const auto mine = whole_case_csv(f, w1);
    const auto a = get(*w, kCaseCsv, "");
    REQUIRE(a.status == 200);
    CHECK(a.body == mine);
    CHECK(a.body.size() < expected.size());
  }
  SECTION("a table shorter than a chunk is a plain answer with its length") {
    const auto a = get(*c, std::string(kCaseCsv) + "&from=2025-01-01&to=2025-01-31", "");
    REQUIRE(a.status == 200);
    CHECK_FALSE(has(a, "transfer-encoding"));
    CHECK(header(a, "content-length") == std::to_string(a.body.size()));
    CHECK(a.body == expected.substr(0, expected.find("\r\n") + 2));  // the header alone
  }
  SECTION("an error found before the first byte is a plain error answer") {
    const auto a = get(*c, std::string(kCaseCsv) + "&scope=NOWHERE", "gzip");
    CHECK(a.status == 404);
    CHECK_FALSE(has(a, "transfer-encoding"));
    CHECK(a.error_code() == "not_found");
    auto sup = f.client("sup_c1");
    CHECK(get(*sup, std::string(kCaseCsv) + "&scope=C2", "").status == 403);
  }
}

TEST_CASE("A client that goes away mid-stream stops the producer; the server answers normally after",
          "[stream][server]") {
  auto options = test_options();
  options.api.stream_chunk_bytes = 1024;
  options.api.stream_chunks = 2;
  options.send_buffer = 8192;  // what the kernel holds for a client that does not read stays small
  ServerFixture f(options);
  take_in(f, 3000);
  const auto expected = whole_case_csv(f, kAdmin);
  REQUIRE(expected.size() > 300'000);  // far more than the kernel's buffers hold for a client that does not read
  auto watcher = f.client();
  const auto token = f.login("admin");
  REQUIRE(metric(*watcher, "gridkeeper_streams") == 0);
  REQUIRE(metric(*watcher, "gridkeeper_streams_abandoned_total") == 0);
  {
    RawConnection raw(f.port, 4096);
    REQUIRE(raw.send("GET " + std::string(kCaseCsv) + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                     "\r\n\r\n"));
    CHECK(raw.read_some(5s).substr(0, 15) == "HTTP/1.1 200 OK");
    // The client reads no further: the producer fills the queue and waits for room.
    const bool stalled = eventually(
        [&] {
          return metric(*watcher, "gridkeeper_streams") == 1 && metric(*watcher, "gridkeeper_stream_stalls_total") > 0;
        },
        kPatience);
    INFO("streams " << metric(*watcher, "gridkeeper_streams") << " stalls "
                    << metric(*watcher, "gridkeeper_stream_stalls_total"));
    REQUIRE(stalled);
  }  // the client goes away
  REQUIRE(eventually([&] { return metric(*watcher, "gridkeeper_streams") == 0; }, kPatience));
  CHECK(metric(*watcher, "gridkeeper_streams_abandoned_total") == 1);
  auto c = f.client("admin");
  const auto a = get(*c, kCaseCsv, "");
  REQUIRE(a.status == 200);
  CHECK(a.body == expected);
  CHECK(c->get("/healthz").status == 200);
  CHECK(metric(*watcher, "gridkeeper_streams_abandoned_total") == 1);
}

namespace {

// The reports port with its history reads held until the test lets them go.
class HeldReports final : public dispatch::Reports {
 public:
  dispatch::Reports* inner = nullptr;
  std::atomic<int> waiting{0};

  void release() {
    std::lock_guard lock(mutex_);
    open_ = true;
    opened_.notify_all();
  }
  dispatch::Result<std::vector<dispatch::CaseHistory>> history(const dispatch::HistoryQuery& q) override {
    hold();
    return inner->history(q);
  }
  dispatch::Status each_record(const dispatch::HistoryQuery& q,
                               const std::function<bool(const dispatch::CaseRecord&)>& visit) override {
    hold();
    return inner->each_record(q, visit);
  }
  dispatch::Result<std::vector<dispatch::Case>> requests(const dispatch::RequestQuery& q) override {
    return inner->requests(q);
  }
  dispatch::Result<std::optional<std::string>> setting(const std::string& key) override { return inner->setting(key); }
  dispatch::Status put_setting(const std::string& key, const std::string& value, dispatch::Millis at,
                               const std::string& actor) override {
    return inner->put_setting(key, value, at, actor);
  }
  dispatch::Result<dispatch::ClientKey> add_client_key(dispatch::ClientKey key) override {
    return inner->add_client_key(std::move(key));
  }
  dispatch::Result<std::vector<dispatch::ClientKey>> client_keys() override { return inner->client_keys(); }
  dispatch::Result<std::optional<dispatch::ClientKey>> find_client_key(const std::string& hash) override {
    return inner->find_client_key(hash);
  }
  dispatch::Status revoke_client_key(std::int64_t id, dispatch::Millis at, const std::string& actor) override {
    return inner->revoke_client_key(id, at, actor);
  }
  dispatch::Status each_audit(const dispatch::AuditQuery& q,
                              const std::function<bool(const dispatch::AuditRecord&)>& visit) override {
    return inner->each_audit(q, visit);
  }

 private:
  // A report waits here until the test lets it go.
  void hold() {
    ++waiting;
    {
      std::unique_lock lock(mutex_);
      opened_.wait_for(lock, 30s, [&] { return open_; });
    }
    --waiting;
  }

  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

}  // namespace

TEST_CASE("Concurrent reports are bounded: the pool's queue, then 503 with Retry-After; 429 per user",
          "[reports][server]") {
  HeldReports held;
  auto options = test_options();
  options.api.reports = &held;
  options.api.report_threads = 1;
  options.api.report_queue = 2;    // one running, one waiting
  options.api.stream_threads = 1;  // and the same for exports, which have a pool of their own
  options.api.stream_queue = 2;
  options.api.reports_per_user = 2;
  ServerFixture f(options);
  held.inner = f.reports.get();
  take_in(f, 20);

  const std::vector<std::string> users{"admin", "op", "op_s", "sup_c1", "w1"};
  constexpr int kEach = 3;
  const int total = static_cast<int>(users.size()) * kEach;
  std::vector<std::string> tokens;
  for (const auto& u : users) tokens.push_back(f.login(u));

  std::mutex mutex;
  std::vector<Answer> answers;
  std::vector<std::thread> clients;
  for (std::size_t u = 0; u < users.size(); ++u)
    for (int i = 0; i < kEach; ++i)
      clients.emplace_back([&, u, i] {
        HttpClient c(f.port, 40s);
        c.token = tokens[u];
        auto a = c.get(u % 2 == 1 ? std::string(kCaseCsv) : "/api/v1/stats/assessment");
        std::lock_guard lock(mutex);
        answers.push_back(std::move(a));
      });
  // While the first report and the first export are held, every request but the two each
  // pool took is refused.
  REQUIRE(eventually(
      [&] {
        std::lock_guard lock(mutex);
        return static_cast<int>(answers.size()) == total - 4 && held.waiting == 2;
      },
      kPatience));
  {
    std::lock_guard lock(mutex);
    int overloaded = 0, per_user = 0;
    for (const auto& a : answers) {
      INFO(a.status << " " << a.body);
      CHECK((a.status == 503 || a.status == 429));
      CHECK(a.headers.count("retry-after") == 1);
      if (a.status == 503) {
        ++overloaded;
        CHECK(a.error_code() == "overloaded");
      } else {
        ++per_user;
        CHECK(a.error_code() == "too_many_requests");
      }
    }
    CHECK(overloaded >= 1);
    CHECK(overloaded + per_user == total - 4);
  }
  held.release();
  for (auto& t : clients) t.join();
  int answered = 0;
  for (const auto& a : answers) answered += a.status == 200;
  CHECK(answered == 4);

  // Afterwards the server answers as before: every user's report, then the rest.
  for (const auto& token : tokens) {
    HttpClient c(f.port);
    c.token = token;
    CHECK(c.get("/api/v1/stats/assessment").status == 200);
    CHECK(c.get(kCaseCsv).status == 200);
  }
  CHECK(f.client("admin")->get("/healthz").status == 200);
}
