// The worker's view of a case over HTTP: the reporter's phone masked in every answer a
// worker gets (the case, the list, the transition's answer, the live feed) unless the
// category calls back; a category's after_photo and callback (the roles x PUT matrix, bad
// and hostile input changing nothing); resolve refused without a required after-photo;
// photos said to be before or after.
#include <catch2/catch.hpp>

#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(500, '\x42');
const std::string kWhole = "13900000000";  // case_body's reporter

std::string category_put(const std::string& extra) {
  return R"({"name":"环境卫生","sla":{"yellow":{"accept_s":86400,"resolve_s":432000},)"
         R"("orange":{"accept_s":7200,"resolve_s":86400},"red":{"accept_s":1800,"resolve_s":14400}})" +
         extra + "}";
}

json::object environment(HttpClient& c) {
  auto a = c.get("/api/v1/categories");
  REQUIRE(a.status == 200);
  const auto a_body1 = a.json();  // kept alive for the loop
  for (const auto& cat : a_body1.at("categories").as_array())
    if (cat.at("id").as_string() == "environment") return cat.as_object();
  FAIL("no environment category");
  return {};
}

std::int64_t version_of(HttpClient& c, std::int64_t id) {
  return c.get("/api/v1/cases/" + std::to_string(id)).json().at("version").as_int64();
}
}  // namespace

TEST_CASE("worker view: the reporter's phone is whole only for the desk, or a worker on a callback category",
          "[web][worker_view]") {
  ServerFixture f;
  auto op = f.client("op");
  auto admin = f.client("admin");
  auto w1 = f.client("w1");
  auto sup = f.client("sup_c1");
  FeedListener feed(f.port, w1->token);
  REQUIRE(feed.connected());

  auto created = op->post("/api/v1/cases", case_body(0, 0));
  REQUIRE(created.status == 201);
  CHECK(created.body.find(kWhole) != std::string::npos);  // the operator who took it in
  const auto id = created.json().at("id").as_int64();
  const std::string path = "/api/v1/cases/" + std::to_string(id);

  // Every answer a worker gets carries the masked number, never the whole one.
  auto mine = w1->get(path);
  REQUIRE(mine.status == 200);
  CHECK(mine.json().at("reporter").at("phone").as_string() == "139****0000");
  CHECK(mine.body.find(kWhole) == std::string::npos);
  auto list = w1->get("/api/v1/cases?open=true");
  REQUIRE(list.status == 200);
  CHECK(list.body.find(kWhole) == std::string::npos);
  CHECK(list.body.find("139****0000") != std::string::npos);
  auto live = feed.wait_for([&](const json::value& m) { return type_of(m) == "case.created"; });
  REQUIRE(live);
  CHECK(json::serialize(*live).find(kWhole) == std::string::npos);
  auto accepted = w1->post(path + "/transitions", R"({"action":"accept","version":1})");
  REQUIRE(accepted.status == 200);
  CHECK(accepted.body.find(kWhole) == std::string::npos);

  // Operators, supervisors and admins see it whole.
  for (auto* c : {op.get(), admin.get(), sup.get()}) {
    auto a = c->get(path);
    REQUIRE(a.status == 200);
    CHECK(a.json().at("reporter").at("phone").as_string() == kWhole);
  }

  // A category that calls back shows the worker the whole number, a tap to call.
  auto put = admin->put("/api/v1/categories/environment", category_put(R"(,"callback":true)"));
  REQUIRE(put.status == 200);
  CHECK(put.json().at("callback").as_bool());
  CHECK(w1->get(path).json().at("reporter").at("phone").as_string() == kWhole);
  // and back again.
  REQUIRE(admin->put("/api/v1/categories/environment", category_put(R"(,"callback":false)")).status == 200);
  CHECK(w1->get(path).body.find(kWhole) == std::string::npos);
}

TEST_CASE("worker view: a required after-photo is enforced on resolve; photos are before or after",
          "[web][worker_view]") {
  ServerFixture f;
  auto op = f.client("op");
  auto admin = f.client("admin");
  auto w1 = f.client("w1");
  auto put = admin->put("/api/v1/categories/environment", category_put(R"(,"after_photo":"required")"));
  REQUIRE(put.status == 200);
  CHECK(put.json().at("after_photo").as_string() == "required");
  CHECK(environment(*w1).at("after_photo").as_string() == "required");

  auto created = op->post("/api/v1/cases", case_body(0, 0));
  REQUIRE(created.status == 201);
  const auto id = created.json().at("id").as_int64();
  const std::string path = "/api/v1/cases/" + std::to_string(id);
  // A photo before the worker accepted is a before-photo, and does not count.
  auto before = op->request("POST", path + "/photos", kPng, "image/png");
  REQUIRE(before.status == 201);
  CHECK(before.json().at("stage").as_string() == "before");
  f.clock.advance(kMinute);
  REQUIRE(
      w1->post(path + "/transitions", R"({"action":"accept","version":)" + std::to_string(version_of(*w1, id)) + "}")
          .status == 200);
  f.clock.advance(kMinute);
  const auto v = version_of(*w1, id);
  auto refused = w1->post(path + "/transitions", R"({"action":"resolve","version":)" + std::to_string(v) + "}");
  CHECK(refused.status == 422);
  CHECK(refused.json().at("error").at("field").as_string() == "photo");
  CHECK(version_of(*w1, id) == v);  // nothing changed
  CHECK(w1->get(path).json().at("state").as_string() == "accepted");

  auto after = w1->request("POST", path + "/photos", kPng, "image/png");
  REQUIRE(after.status == 201);
  CHECK(after.json().at("stage").as_string() == "after");
  auto resolved =
      w1->post(path + "/transitions", R"({"action":"resolve","version":)" + std::to_string(version_of(*w1, id)) + "}");
  REQUIRE(resolved.status == 200);
  CHECK(resolved.json().at("state").as_string() == "resolved");
  // The operator who verifies sees which photo is which.
  auto full = op->get(path);
  REQUIRE(full.status == 200);
  const auto full_body = full.json();  // kept alive while its photos are read
  const auto& photos = full_body.at("photos").as_array();
  REQUIRE(photos.size() == 2);
  CHECK(photos[0].at("stage").as_string() == "before");
  CHECK(photos[1].at("stage").as_string() == "after");
}

TEST_CASE("worker view: the categories' new fields: who may set them, bad and hostile values change nothing",
          "[web][worker_view][authz]") {
  ServerFixture f;
  auto admin = f.client("admin");
  const auto original = environment(*admin);
  CHECK(original.at("after_photo").as_string() == "optional");
  CHECK(original.at("callback").as_bool() == false);

  // Only an admin manages categories.
  for (const std::string u : {"op", "op_s", "sup_c1", "w1", "w9"}) {
    INFO(u);
    CHECK(f.client(u)->put("/api/v1/categories/environment", category_put(R"(,"callback":true)")).status == 403);
  }
  CHECK(f.client()->put("/api/v1/categories/environment", category_put(R"(,"callback":true)")).status == 401);

  const std::vector<std::pair<std::string, int>> bad = {
      {R"(,"after_photo":"always")", 422},
      {R"(,"after_photo":"")", 422},
      {R"(,"after_photo":"REQUIRED")", 422},
      {R"(,"after_photo":"required\u0000")", 422},
      {R"(,"after_photo":true)", 422},
      {R"(,"after_photo":["required"])", 422},
      {R"(,"callback":"yes")", 422},
      {R"(,"callback":1)", 422},
      {R"(,"callback":{})", 422},
      {R"(,"after_photo":"<script>alert(1)</script>")", 422},
      {R"(,"after_photo":")" + std::string(100'000, 'r') + "\"", 422},
  };
  for (const auto& [extra, status] : bad) {
    INFO(extra.substr(0, 60));
    auto a = admin->put("/api/v1/categories/environment", category_put(extra));
    CHECK((a.status == status || a.status == 400 || a.status == 413));
    CHECK(a.json().at("error").is_object());
  }
  // A null field is no field (the bodies' rule): the category keeps what it had.
  {
    auto a = admin->put("/api/v1/categories/environment", category_put(R"(,"after_photo":null)"));
    CHECK(a.status == 200);
    CHECK(environment(*admin).at("after_photo").as_string() == "optional");
  }
  // Malformed bodies.
  for (const std::string body : {R"({"after_photo":)", "[]", R"({"name":"x","callback":tru})"}) {
    auto a = admin->put("/api/v1/categories/environment", body);
    CHECK((a.status == 400 || a.status == 422));
  }
  // Nothing changed.
  const auto now = environment(*admin);
  CHECK(now.at("after_photo").as_string() == "optional");
  CHECK(now.at("callback").as_bool() == false);
  CHECK(json::serialize(now) == json::serialize(original));

  // The audit trail says what changed.
  REQUIRE(admin->put("/api/v1/categories/environment", category_put(R"(,"after_photo":"required","callback":true)"))
              .status == 200);
  auto audit = admin->get("/api/v1/audit?target=environment");
  REQUIRE(audit.status == 200);
  CHECK(audit.body.find("after_photo") != std::string::npos);
  CHECK(audit.body.find("callback") != std::string::npos);
}
