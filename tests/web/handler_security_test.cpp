// What a curious insider or an anonymous client could do through the handlers: publish an
// internal case through Open311, crowd staff out with anonymous or heavy reads, attach
// photos without end or to closed cases.
#include <catch2/catch.hpp>

#include "fixture.hpp"
#include "web/limits.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
const std::string kForm = "application/x-www-form-urlencoded";
const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + "pixels";

std::string open311_key(HttpClient& admin) {
  auto k = admin.post("/api/v1/open311-keys", R"({"name":"市民随手拍","scope":"S"})");
  REQUIRE(k.status == 201);
  return std::string(k.json().at("api_key").as_string());
}

std::string id_of(const Answer& a) { return std::to_string(a.json().at("id").as_int64()); }
}  // namespace

TEST_CASE("only the Open311 endpoint marks a case as a resident's, and Open311 shows only what residents posted",
          "[web][security][open311]") {
  ServerFixture f;
  auto admin = f.client("admin");
  auto op = f.client("op");
  HttpClient anyone(f.port);

  // An operator cannot publish an internal case by claiming it came from Open311.
  auto body = case_body(0, 0, "yellow", "内部事项");
  body.replace(body.find(R"("hotline")"), 9, R"("open311")");
  auto claimed = op->post("/api/v1/cases", body);
  CHECK(claimed.status == 422);
  CHECK(claimed.error_field() == "source");

  // An operator's case: Open311 shows its title and a rough location, never its
  // description, address or reporter.
  auto internal = op->post("/api/v1/cases", case_body(0, 0, "yellow", "占道经营"));
  REQUIRE(internal.status == 201);
  auto seen = anyone.get("/open311/v2/requests/" + id_of(internal) + ".json");
  REQUIRE(seen.status == 200);
  const auto r = seen.json().as_array()[0].as_object();
  CHECK(r.at("description").as_string() == "占道经营");
  CHECK(r.at("address").is_null());
  CHECK(seen.body.find("小区门口垃圾无人清理") == std::string::npos);
  CHECK(seen.body.find("张三") == std::string::npos);
  CHECK(seen.body.find("13900000000") == std::string::npos);
  const double lat = r.at("lat").to_number<double>();
  CHECK(std::abs(lat * 1000 - std::round(lat * 1000)) < 1e-6);  // to about a hundred metres

  // A resident's own request: its description and address are theirs to see; never the phone.
  const auto key = open311_key(*admin);
  auto posted =
      anyone.request("POST", "/open311/v2/requests.json",
                     "api_key=" + key +
                         "&service_code=environment&lat=24.6051&long=118.3052"
                         "&description=%E8%B7%AF%E7%81%AF%E5%9D%8F%E4%BA%86"                         // 路灯坏了
                         "&address_string=%E6%96%B0%E5%BA%97%E8%B7%AF2%E5%8F%B7&phone=13912345678",  // 新店路2号
                     kForm);
  REQUIRE(posted.status == 201);
  const auto sid = std::string(posted.json().as_array()[0].at("service_request_id").as_string());
  auto own = anyone.get("/open311/v2/requests/" + sid + ".json");
  REQUIRE(own.status == 200);
  CHECK(own.json().as_array()[0].at("description").as_string() == "路灯坏了");
  CHECK(own.json().as_array()[0].at("address").as_string() == "新店路2号");
  CHECK(own.body.find("13912345678") == std::string::npos);
  // Staff see it as a resident's case.
  auto staff = op->get("/api/v1/cases/" + sid);
  REQUIRE(staff.status == 200);
  CHECK(staff.json().at("source").as_string() == "open311");

  // Text that hides what a reader sees is refused from residents too.
  auto bidi = anyone.request(
      "POST", "/open311/v2/requests.json",
      "api_key=" + key + "&service_code=environment&lat=24.605&long=118.305&description=%E2%80%AEabc", kForm);
  CHECK(bidi.status == 400);  // Open311 answers every invalid field with 400
  CHECK(bidi.body.find("text-direction") != std::string::npos);
}

TEST_CASE("anonymous Open311 reads are paged and limited per address", "[web][security][open311]") {
  auto options = test_options();
  options.api.anonymous_read_burst = 5;
  options.api.anonymous_reads_per_minute = 60;
  ServerFixture f(options);  // the fixture's clock stands still: no token comes back
  HttpClient anyone(f.port);
  CHECK(anyone.get("/open311/v2/requests.json?page_size=1000").status == 400);
  CHECK(anyone.get("/open311/v2/requests.json?page_size=100").status == 200);
  for (int i = 0; i < 4; ++i) CHECK(anyone.get("/open311/v2/services.json").status == 200);
  auto refused = anyone.get("/open311/v2/requests.json");
  CHECK(refused.status == 429);
  CHECK(refused.headers["retry-after"] == "1");
  CHECK(refused.json().is_array());  // Open311's own error format
  // Staff are not counted against the address.
  auto op = f.client("op");
  CHECK(op->get("/api/v1/cases").status == 200);
  f.clock.advance(1000);  // one more read a second
  CHECK(anyone.get("/open311/v2/services.json").status == 200);
  CHECK(anyone.get("/open311/v2/services.json").status == 429);
}

TEST_CASE("rate and concurrency limits", "[web][security][limits]") {
  web::RateLimiter rate(60, 2);  // one a second, bursts of two
  CHECK(rate.take("a", 0) == 0);
  CHECK(rate.take("a", 0) == 0);
  CHECK(rate.take("a", 0) == 1000);
  CHECK(rate.take("b", 0) == 0);  // each key on its own
  CHECK(rate.take("a", 500) == 500);
  CHECK(rate.take("a", 1000) == 0);

  web::ConcurrencyLimit limit(2);
  auto t1 = limit.enter("u1");
  auto t2 = limit.enter("u1");
  CHECK(t1);
  CHECK(t2);
  CHECK_FALSE(limit.enter("u1"));
  CHECK(limit.enter("u2"));  // another user is not held up
  t1.reset();
  CHECK(limit.enter("u1"));
}

TEST_CASE("photos: only on open cases, each an event, at most 20 a case and a daily allowance per user",
          "[web][security][photos]") {
  dispatch::Center::Options center;
  center.max_photos_per_case = 3;
  center.photo_bytes_per_user_day = 60;
  ServerFixture f(test_options(), {}, false, center);
  auto op = f.client("op");
  auto w1 = f.client("w1");
  auto c = op->post("/api/v1/cases", case_body(0, 0));
  REQUIRE(c.status == 201);
  const auto id = id_of(c);
  const auto photos = "/api/v1/cases/" + id + "/photos";
  for (int i = 0; i < 3; ++i) REQUIRE(w1->request("POST", photos, kPng, "image/png").status == 201);
  auto fourth = w1->request("POST", photos, kPng, "image/png");
  CHECK(fourth.status == 409);
  const auto kase = op->get("/api/v1/cases/" + id).json();
  int photo_events = 0;
  for (const auto& e : kase.at("events").as_array()) photo_events += e.at("type").as_string() == "photo";
  CHECK(photo_events == 3);
  CHECK(kase.at("photos").as_array().size() == 3);
  CHECK(kase.at("version").as_int64() == 1);  // a tablet's queued actions stay valid

  // The allowance: 3 photos of 14 bytes used 42 of 60 bytes; the next 14 fit, then no more.
  auto other = op->post("/api/v1/cases", case_body(0, 0));
  REQUIRE(other.status == 201);
  const auto more = "/api/v1/cases/" + id_of(other) + "/photos";
  CHECK(w1->request("POST", more, kPng, "image/png").status == 201);
  auto over = w1->request("POST", more, kPng, "image/png");
  CHECK(over.status == 429);
  CHECK(over.error_code() == "too_many_requests");
  CHECK(op->request("POST", more, kPng, "image/png").status == 201);  // another user's allowance
  f.clock.advance(24LL * 3600 * 1000 + 1);
  w1 = f.client("w1");  // the tokens of yesterday have expired
  op = f.client("op");
  CHECK(w1->request("POST", more, kPng, "image/png").status == 201);  // a new day

  // A closed or cancelled case takes no photo.
  auto cancel = op->post("/api/v1/cases/" + id_of(other) + "/transitions", R"({"action":"cancel","version":1})");
  REQUIRE(cancel.status == 200);
  auto late = op->request("POST", more, kPng, "image/png");
  CHECK(late.status == 409);
  auto after = op->get("/api/v1/cases/" + id_of(other));
  CHECK(after.json().at("photos").as_array().size() == 3);
}

TEST_CASE("who may attach a photo is decided before the photo is read", "[web][security][photos]") {
  using namespace std::chrono_literals;
  ServerFixture f;
  auto op = f.client("op");
  auto c = op->post("/api/v1/cases", case_body(0, 0));
  REQUIRE(c.status == 201);
  const auto id = id_of(c);
  const auto head = [&](const std::string& user, const std::string& case_id) {
    return "POST /api/v1/cases/" + case_id + "/photos HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n" +
           "Authorization: Bearer " + f.login(user) + "\r\nContent-Length: " + std::to_string(9u << 20) + "\r\n\r\n";
  };
  // Not one byte of the 9 MiB body is sent: each answer comes from the head alone.
  for (const auto& [user, case_id, status] :
       std::vector<std::tuple<std::string, std::string, int>>{{"sup_c1", id, 403},  // a supervisor adds no photos
                                                              {"w9", id, 404},      // not a case this worker may see
                                                              {"w1", "999999", 404}}) {
    INFO(user << " on case " << case_id);
    RawConnection raw(f.port);
    REQUIRE(raw.send(head(user, case_id)));
    bool closed = false;
    const auto answer = raw.read_until_closed(5s, &closed);
    CHECK(answer.rfind("HTTP/1.1 " + std::to_string(status), 0) == 0);
    CHECK(closed);
  }
  // A cancelled case: 409 before the body.
  REQUIRE(op->post("/api/v1/cases/" + id + "/transitions", R"({"action":"cancel","version":1})").status == 200);
  RawConnection raw(f.port);
  REQUIRE(raw.send(head("op", id)));
  CHECK(raw.read_until_closed(5s).rfind("HTTP/1.1 409", 0) == 0);
}

TEST_CASE("unknown tokens from one address are held back before they fill the pool", "[web][security]") {
  auto options = test_options();
  options.api.unknown_tokens_per_minute = 60;
  options.api.unknown_token_burst = 3;
  ServerFixture f(options);  // the fixture's clock stands still
  HttpClient guesser(f.port);
  guesser.token = std::string(64, 'a');
  for (int i = 0; i < 3; ++i) CHECK(guesser.get("/api/v1/cases").status == 401);
  auto held = guesser.get("/api/v1/cases");
  CHECK(held.status == 429);
  CHECK(held.headers["retry-after"] == "1");
  // A valid token is still served from that address (the token cache does not ask storage).
  auto op = f.client("op");
  CHECK(op->get("/api/v1/cases").status == 200);
  f.clock.advance(1000);
  CHECK(guesser.get("/api/v1/cases").status == 401);
  CHECK(guesser.get("/api/v1/cases").status == 429);
}

TEST_CASE("heavy reads are held to the user's share: reports and CSV, not ordinary reads", "[web][security][limits]") {
  auto options = test_options();
  options.api.reports_per_user = 0;  // no share at all: every heavy read of anyone is refused
  ServerFixture f(options);
  auto op = f.client("op");
  for (const std::string target : {"/api/v1/stats/assessment", "/api/v1/stats/trends",
                                   "/api/v1/stats/assessment?table=cases&format=csv", "/api/v1/cases?format=csv"}) {
    INFO(target);
    auto refused = op->get(target);
    CHECK(refused.status == 429);
    CHECK(refused.headers.count("retry-after") == 1);
  }
  CHECK(op->get("/api/v1/cases").status == 200);  // ordinary reads are not heavy
  CHECK(op->get("/api/v1/grids").status == 200);
}
