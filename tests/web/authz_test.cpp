// The authorisation matrix: every role, every endpoint, inside and outside its scope.
// Each answer's status is checked, and no body given to a user carries data from
// outside that user's scope.
#include <catch2/catch.hpp>
#include <set>

#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
const std::vector<std::string> kUsers = {"admin", "op", "op_s", "op_s2", "sup_c1", "sup_c2", "w1", "w2", "w9"};
// Who may see a case in grid G0-0 (community C1, worker W1) and one in G1-0 (C2, W4).
const std::set<std::string> kSeesC1 = {"admin", "op", "op_s", "sup_c1", "w1"};
const std::set<std::string> kSeesC2 = {"admin", "op", "op_s", "sup_c2"};
const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + "pixels";

std::set<std::string> ids_of(const json::value& v, const char* list, bool in_properties) {
  std::set<std::string> out;
  if (!v.is_object() || !v.as_object().contains(list)) return out;
  for (const auto& item : v.at(list).as_array()) {
    const auto& id = in_properties ? item.at("properties").at("id") : item.at("id");
    out.insert(std::string(id.as_string()));
  }
  return out;
}

bool subset(const std::set<std::string>& a, const std::set<std::string>& b) {
  return std::includes(b.begin(), b.end(), a.begin(), a.end());
}
}  // namespace

TEST_CASE("authorisation matrix: roles x endpoints x scope", "[web][authz]") {
  ServerFixture f;
  std::map<std::string, std::unique_ptr<HttpClient>> as;
  for (const auto& u : kUsers) {
    as[u] = f.client(u);
    REQUIRE_FALSE(as[u]->token.empty());
  }
  auto admin = f.client("admin");
  auto body_a = case_body(0, 0, "yellow", "A-title-C1");
  body_a.replace(body_a.find("13900000000"), 11, "13911111111");  // A's reporter, told apart
  auto a = admin->post("/api/v1/cases", body_a);
  auto b = admin->post("/api/v1/cases", case_body(1, 0, "yellow", "B-title-C2"));
  REQUIRE(a.status == 201);
  REQUIRE(b.status == 201);
  const auto case_a = std::to_string(a.json().at("id").as_int64());
  const auto photo = admin->request("POST", "/api/v1/cases/" + case_a + "/photos", kPng, "image/png");
  REQUIRE(photo.status == 201);
  const std::string photo_url(photo.json().at("url").as_string());

  std::map<std::string, std::string> seen;  // every body each user was given
  auto expect = [&](const std::string& user, const Answer& answer, int status, const std::string& what) {
    INFO(user << ": " << what << " -> " << answer.status << " " << answer.body.substr(0, 300));
    CHECK(answer.status == status);
    seen[user] += answer.body;
  };
  auto fresh_case = [&] {
    dispatch::IntakeRequest r;
    r.lon = 118.305;
    r.lat = 24.605;
    r.category = "environment";
    r.title = "fresh";
    auto c = f.center->intake_and_wait(r, dispatch::Actor{});
    REQUIRE(c.ok());
    return std::to_string(c->id);
  };

  for (const auto& u : kUsers) {
    auto& c = *as[u];
    const bool c1 = kSeesC1.count(u) > 0, c2 = kSeesC2.count(u) > 0;
    const bool manager = u == "admin" || u == "op" || u == "op_s";  // operators covering both communities
    const bool worker = u[0] == 'w', supervisor = u.rfind("sup", 0) == 0;

    expect(u, c.get("/api/v1/auth/me"), 200, "me");
    expect(u, c.get("/api/v1/cases/" + case_a), c1 ? 200 : 404, "read case A");
    expect(u, c.get(photo_url), c1 ? 200 : 404, "read A's photo");

    auto list = c.get("/api/v1/cases");
    expect(u, list, 200, "list cases");
    CHECK((list.body.find("A-title-C1") != std::string::npos) == c1);
    CHECK((list.body.find("B-title-C2") != std::string::npos) == c2);

    // Taking in a case in C1.
    expect(u, c.post("/api/v1/cases", case_body(0, 1, "yellow", "intake-" + u)), manager ? 201 : 403, "intake in C1");
    // Only the Open311 endpoint marks a case as a resident's (its text is then public).
    auto as_open311 = case_body(0, 1, "yellow", "claimed-" + u);
    as_open311.replace(as_open311.find(R"("hotline")"), 9, R"("open311")");
    expect(u, c.post("/api/v1/cases", as_open311), manager || u == "op_s2" ? 422 : 403,
           "intake claiming to come from Open311");

    // Transitions on a fresh case in G0-0, assigned to W1.
    expect(u, c.post("/api/v1/cases/" + fresh_case() + "/transitions", R"({"action":"accept","version":1})"),
           u == "w1" ? 200
           : c1      ? 403
                     : 404,
           "accept");
    expect(u, c.post("/api/v1/cases/" + fresh_case() + "/transitions", R"({"action":"cancel","version":1})"),
           manager ? 200
           : c1    ? 403
                   : 404,
           "cancel");
    expect(u,
           c.post("/api/v1/cases/" + fresh_case() + "/transitions",
                  R"({"action":"reassign","version":1,"assignee_id":"W7"})"),
           manager ? 200
           : c1    ? 403
                   : 404,
           "reassign");
    expect(u,
           c.post("/api/v1/cases/" + fresh_case() + "/transitions",
                  R"({"action":"return","version":1,"note":"不是我的网格"})"),
           u == "w1" ? 200
           : c1      ? 403
                     : 404,
           "return");

    expect(u, c.request("POST", "/api/v1/cases/" + case_a + "/photos", kPng, "image/png"),
           supervisor ? 403
           : c1       ? 201
                      : 404,
           "add a photo to A");

    // Grids and who holds them.
    auto grids = c.get("/api/v1/grids");
    expect(u, grids, 200, "grids");
    std::set<std::string> in_view;
    if (manager) in_view = {"G0-0", "G0-1", "G0-2", "G1-0", "G1-1", "G1-2"};
    if (u == "sup_c1") in_view = {"G0-0", "G0-1", "G0-2"};
    if (u == "sup_c2") in_view = {"G1-0", "G1-1", "G1-2"};
    if (u == "w1") in_view = {"G0-0", "G0-2"};  // owner of G0-0, backup of G0-2
    if (u == "w2") in_view = {"G0-0", "G0-1"};  // backup of G0-0, owner of G0-1
    CHECK(ids_of(grids.json(), "features", true) == in_view);
    expect(u, c.put("/api/v1/grids/G0-1/owners", R"({"owner_id":"W2","backup_id":"W3"})"),
           manager                  ? 200
           : (worker || supervisor) ? 403
                                    : 404,
           "grid posts");
    // A post goes only to a worker inside the caller's jurisdiction: W9 is of street S2,
    // so op_s (street S) may not hand it an S grid and with it S's cases and reporters.
    expect(u, c.put("/api/v1/grids/G0-1/owners", R"({"owner_id":"W9","backup_id":"W3"})"),
           u == "admin" || u == "op"             ? 200
           : u == "op_s" || worker || supervisor ? 403
                                                 : 404,
           "grid post to a worker of another street");
    expect(u, c.put("/api/v1/grids/G0-1/owners", R"({"owner_id":"W2","backup_id":"W9"})"),
           u == "admin" || u == "op"             ? 200
           : u == "op_s" || worker || supervisor ? 403
                                                 : 404,
           "grid backup post to a worker of another street");
    REQUIRE(admin->put("/api/v1/grids/G0-1/owners", R"({"owner_id":"W2","backup_id":"W3"})").status == 200);

    auto map = c.get("/api/v1/overdue-map?level=grid");
    expect(u, map, 200, "overdue map");
    const auto areas = ids_of(map.json(), "features", true);
    CHECK(subset(areas, in_view));

    // Workers and duty status.
    auto workers = c.get("/api/v1/workers");
    expect(u, workers, 200, "workers");
    std::set<std::string> staff;
    if (manager) staff = {"W1", "W2", "W3", "W4", "W5", "W6", "W7"};
    if (u == "admin" || u == "op") staff.insert("W9");  // street S2 lies outside op_s's scope
    if (u == "op_s2" || u == "w9") staff = {"W9"};
    if (u == "sup_c1") staff = {"W1", "W2", "W3", "W7"};
    if (u == "sup_c2") staff = {"W4", "W5", "W6"};
    if (u == "w1") staff = {"W1"};
    if (u == "w2") staff = {"W2"};
    CHECK(ids_of(workers.json(), "workers", false) == staff);
    expect(u, c.put("/api/v1/workers/W1/status", R"({"status":"on_duty"})"),
           (manager || u == "sup_c1" || u == "w1") ? 200
           : worker                                ? 403
                                                   : 404,
           "W1's duty status");

    expect(u, c.get("/api/v1/categories"), 200, "categories");
    expect(u, c.put("/api/v1/categories/environment", R"({"name":"环境卫生"})"), u == "admin" ? 200 : 403,
           "change a category");

    // Geography is open; the post holder only within scope.
    auto route = c.get("/api/v1/route?lon=118.305&lat=24.615");
    expect(u, route, 200, "route");
    CHECK(route.json().at("owner_id").is_string() == (manager || u == "sup_c2"));
  }

  // Nothing from outside a user's scope reached it.
  for (const auto& u : kUsers) {
    INFO(u);
    if (!kSeesC1.count(u)) {
      CHECK(seen[u].find("A-title-C1") == std::string::npos);
      CHECK(seen[u].find("13911111111") == std::string::npos);  // A's reporter
    }
    if (!kSeesC2.count(u)) CHECK(seen[u].find("B-title-C2") == std::string::npos);
    if (u == "op_s2" || u == "w9") CHECK(seen[u].find("G0-0") == std::string::npos);
  }

  // Without a token, nothing but logging in.
  HttpClient anonymous(f.port);
  for (auto [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/api/v1/cases"},
                                                        {"POST", "/api/v1/cases"},
                                                        {"GET", "/api/v1/cases/" + case_a},
                                                        {"POST", "/api/v1/cases/" + case_a + "/transitions"},
                                                        {"GET", photo_url},
                                                        {"POST", "/api/v1/cases/" + case_a + "/photos"},
                                                        {"GET", "/api/v1/grids"},
                                                        {"PUT", "/api/v1/grids/G0-0/owners"},
                                                        {"GET", "/api/v1/overdue-map"},
                                                        {"GET", "/api/v1/workers"},
                                                        {"PUT", "/api/v1/workers/W1/status"},
                                                        {"GET", "/api/v1/categories"},
                                                        {"PUT", "/api/v1/categories/environment"},
                                                        {"GET", "/api/v1/route?lon=118.305&lat=24.605"},
                                                        {"POST", "/api/v1/auth/logout"},
                                                        {"GET", "/api/v1/auth/me"}}) {
    auto answer = anonymous.request(method, target, "{}");
    INFO(method << " " << target);
    CHECK(answer.status == 401);
    CHECK(answer.error_code() == "unauthenticated");
  }
}
