// GET /api/v1/audit against the real server: who may read the trail (admins; a scoped
// admin its scope's subjects), what the organisation's changes made through the API write
// (who, before and after), filters, paging, the CSV export, and bad input refused.
#include <catch2/catch.hpp>

#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
json::array items(const Answer& a) {
  REQUIRE(a.status == 200);
  return a.json().at("items").as_array();
}

std::vector<std::string> column(const json::array& list, const char* field) {
  std::vector<std::string> out;
  for (const auto& e : list) out.emplace_back(e.at(field).as_string());
  return out;
}

// The entry of `kind` about `subject`, newest first; null when there is none.
const json::object* find(const json::array& list, const std::string& kind, const std::string& subject) {
  for (const auto& e : list)
    if (e.at("kind") == kind.c_str() && e.at("subject") == subject.c_str()) return &e.as_object();
  return nullptr;
}

// Changes of every kind the server makes now, through the API.
void change_the_organisation(ServerFixture& f, HttpClient& admin) {
  REQUIRE(admin.put("/api/v1/jurisdictions/S/mode", R"({"mode":"emergency"})").status == 200);
  f.clock.advance(60'000);
  REQUIRE(admin.put("/api/v1/jurisdictions/S2/mode", R"({"mode":"emergency"})").status == 200);
  f.clock.advance(60'000);
  REQUIRE(admin
              .put("/api/v1/categories/environment",
                   R"({"name":"环境卫生","sla":{"yellow":{"accept_s":3600,"resolve_s":86400}}})")
              .status == 200);
  f.clock.advance(60'000);
  REQUIRE(admin.put("/api/v1/grids/G0-1/owners", R"({"owner_id":"W3","backup_id":"W1"})").status == 200);
  f.clock.advance(60'000);
  REQUIRE(admin.put("/api/v1/workers/W9/status", R"({"status":"off_duty"})").status == 200);
  f.clock.advance(60'000);
  REQUIRE(admin.put("/api/v1/settings/assessment", R"({"min_cases":2})").status == 200);
  f.clock.advance(60'000);
  auto key = admin.post("/api/v1/open311-keys", R"j({"name":"=HYPERLINK(\"x\")","scope":"S"})j");
  REQUIRE(key.status == 201);
  f.clock.advance(60'000);
  REQUIRE(admin.request("DELETE", "/api/v1/open311-keys/" + std::to_string(key.json().at("id").as_int64())).status ==
          204);
}
}  // namespace

TEST_CASE("the audit trail is the admins': every role and no token", "[web][audit][authz]") {
  ServerFixture f;
  auto admin = f.client("admin");
  change_the_organisation(f, *admin);
  for (const std::string user : {"op", "op_s", "op_s2", "sup_c1", "sup_c2", "w1", "w2", "w9"}) {
    INFO(user);
    auto c = f.client(user);
    for (const std::string target : {"/api/v1/audit", "/api/v1/audit?format=csv", "/api/v1/audit?kind=mode"}) {
      auto a = c->get(target);
      CHECK(a.status == 403);
      CHECK(a.error_code() == "forbidden");
      CHECK(a.body.find("HYPERLINK") == std::string::npos);
    }
  }
  HttpClient anyone(f.port);
  CHECK(anyone.get("/api/v1/audit").status == 401);
  CHECK(admin->get("/api/v1/audit").status == 200);
}

TEST_CASE("changes made through the API appear with who, before and after", "[web][audit]") {
  ServerFixture f;
  auto admin = f.client("admin");
  auto before = items(admin->get("/api/v1/audit"));
  change_the_organisation(f, *admin);
  auto all = items(admin->get("/api/v1/audit"));
  REQUIRE(all.size() == before.size() + 8);
  CHECK(column(all, "kind")[0] == "open311_key");  // newest first
  for (const auto& e : all) {
    if (e.at("seq").as_int64() <= (before.empty() ? 0 : before[0].at("seq").as_int64())) continue;
    CHECK(e.at("actor") == "user:1:admin");
    CHECK(e.at("at").as_string().size() == 24);  // 2026-01-01T00:01:00.000Z
  }

  const auto* mode = find(all, "mode", "S");
  REQUIRE(mode);
  CHECK(mode->at("before") == json::parse(R"({"mode":"normal"})"));
  CHECK(mode->at("after") == json::parse(R"({"mode":"emergency"})"));
  const auto* category = find(all, "category", "environment");
  REQUIRE(category);
  CHECK(category->at("before").at("sla").at("yellow").at("accept_s") != 3600);
  CHECK(category->at("after").at("sla").at("yellow").at("accept_s") == 3600);
  const auto* posts = find(all, "grid_posts", "G0-1");
  REQUIRE(posts);
  CHECK(posts->at("after") == json::parse(R"({"owner_id":"W3","backup_id":"W1"})"));
  CHECK(posts->at("before").at("owner_id") == "W2");
  const auto* status = find(all, "worker_status", "W9");
  REQUIRE(status);
  CHECK(status->at("before") == json::parse(R"({"status":"on_duty"})"));
  CHECK(status->at("after") == json::parse(R"({"status":"off_duty"})"));
  const auto* setting = find(all, "setting", "assessment");
  REQUIRE(setting);
  CHECK(setting->at("before").is_null());  // never set before: the defaults were in force
  CHECK(setting->at("after").at("min_cases") == 2);
  // The key: made (nothing before), then revoked; never its hash.
  std::vector<const json::object*> keys;
  for (const auto& e : all)
    if (e.at("kind") == "open311_key") keys.push_back(&e.as_object());
  REQUIRE(keys.size() == 2);
  CHECK(keys[1]->at("before").is_null());
  CHECK(keys[1]->at("after").at("scope") == "S");
  CHECK(keys[0]->at("before").at("revoked") == false);
  CHECK(keys[0]->at("after").at("revoked") == true);
  CHECK(admin->get("/api/v1/audit").body.find("hash") == std::string::npos);

  SECTION("filters narrow the trail") {
    CHECK(column(items(admin->get("/api/v1/audit?kind=mode")), "subject") == std::vector<std::string>{"S2", "S"});
    CHECK(items(admin->get("/api/v1/audit?target=G0-")).size() == 1);
    CHECK(items(admin->get("/api/v1/audit?actor=admin")).size() == 8);
    CHECK(items(admin->get("/api/v1/audit?actor=Admin")).empty());  // case matters
    CHECK(items(admin->get("/api/v1/audit?actor=%25")).empty());    // a percent sign is no pattern
    CHECK(items(admin->get("/api/v1/audit?kind=user")).empty());    // known, none yet
    // 2026-01-01T00:00Z is 08:00 in Shanghai; the changes came a minute apart from there.
    CHECK(column(items(admin->get("/api/v1/audit?from=2026-01-01T00:02:00Z&to=2026-01-01T00:04:00Z")), "kind") ==
          std::vector<std::string>{"grid_posts", "category"});
    CHECK(items(admin->get("/api/v1/audit?from=2026-01-02")).empty());
    CHECK(items(admin->get("/api/v1/audit?to=2026-01-01")).size() == all.size());  // a date: its whole day
    CHECK(items(admin->get("/api/v1/audit?to=2025-12-31")).size() == before.size());
  }
  SECTION("pages follow each other by the cursor, none missed or repeated") {
    std::vector<std::int64_t> seen;
    std::string target = "/api/v1/audit?limit=3";
    for (int pages = 0; pages < 20; ++pages) {
      auto page = admin->get(target);
      REQUIRE(page.status == 200);
      const auto body = page.json();
      const auto& list = body.at("items").as_array();
      CHECK(list.size() <= 3);
      for (const auto& e : list) seen.push_back(e.at("seq").as_int64());
      const auto& next = body.at("next");
      if (next.is_null()) break;
      CHECK(list.size() == 3);
      CHECK(next.as_int64() == seen.back());
      target = "/api/v1/audit?limit=3&after=" + std::to_string(next.as_int64());
    }
    std::vector<std::int64_t> expected;
    for (const auto& e : all) expected.push_back(e.at("seq").as_int64());
    CHECK(seen == expected);
    CHECK(admin->get("/api/v1/audit?limit=" + std::to_string(all.size())).json().at("next").is_null());
  }
  SECTION("CSV: the same entries, with a byte order mark, formulas neutralised") {
    auto csv = admin->get("/api/v1/audit?format=csv&kind=open311_key");
    REQUIRE(csv.status == 200);
    CHECK(csv.headers.at("content-type").rfind("text/csv", 0) == 0);
    CHECK(csv.headers.at("content-disposition").find("audit.csv") != std::string::npos);
    CHECK(csv.body.rfind("\xEF\xBB\xBFseq,at,actor,kind,subject,detail,before,after\r\n", 0) == 0);
    CHECK(csv.body.find("\r\n" + std::to_string(keys[0]->at("seq").as_int64()) + ",") != std::string::npos);
    CHECK(csv.body.find(",\"'=HYPERLINK") != std::string::npos);  // the subject, as text
    CHECK(csv.body.find(",=HYPERLINK") == std::string::npos);
    CHECK(std::count(csv.body.begin(), csv.body.end(), '\n') == 3);
    auto accepted = admin->request("GET", "/api/v1/audit?kind=mode", {}, "", {{"Accept", "text/csv, */*"}});
    CHECK(accepted.headers.at("content-type").rfind("text/csv", 0) == 0);
    CHECK(std::count(accepted.body.begin(), accepted.body.end(), '\n') == 3);
    auto capped = admin->get("/api/v1/audit?format=csv&limit=2");
    CHECK(std::count(capped.body.begin(), capped.body.end(), '\n') == 3);
    auto json_wins = admin->request("GET", "/api/v1/audit?format=json", {}, "", {{"Accept", "text/csv"}});
    CHECK(json_wins.headers.at("content-type").rfind("application/json", 0) == 0);
  }
}

TEST_CASE("an admin with a scope reads the entries of its scope's subjects and those without a place",
          "[web][audit][scope]") {
  ServerFixture f;
  f.add_user("admin_s", dispatch::Role::admin, "S", "");
  auto admin = f.client("admin");
  change_the_organisation(f, *admin);
  auto scoped = f.client("admin_s");
  auto seen = items(scoped->get("/api/v1/audit"));
  CHECK(find(seen, "mode", "S"));
  CHECK_FALSE(find(seen, "mode", "S2"));           // another street
  CHECK(find(seen, "grid_posts", "G0-1"));         // a grid of C1
  CHECK_FALSE(find(seen, "worker_status", "W9"));  // a worker of C3
  CHECK(find(seen, "category", "environment"));    // no place: every admin's
  CHECK(find(seen, "setting", "assessment"));
  // Paging counts what it shows: two entries a page, none left out.
  std::size_t total = 0;
  std::string target = "/api/v1/audit?limit=2";
  for (int pages = 0; pages < 20; ++pages) {
    auto page = scoped->get(target);
    REQUIRE(page.status == 200);
    total += page.json().at("items").as_array().size();
    if (page.json().at("next").is_null()) break;
    target = "/api/v1/audit?limit=2&after=" + std::to_string(page.json().at("next").as_int64());
  }
  CHECK(total == seen.size());
  auto csv = scoped->get("/api/v1/audit?format=csv");
  CHECK(csv.body.find(",S2,") == std::string::npos);
  CHECK(std::count(csv.body.begin(), csv.body.end(), '\n') == static_cast<long>(seen.size()) + 1);
}

TEST_CASE("bad input to the audit trail is refused with the contract's errors, and changes nothing",
          "[web][audit][security]") {
  ServerFixture f;
  auto admin = f.client("admin");
  change_the_organisation(f, *admin);
  const auto trail = admin->get("/api/v1/audit?limit=1000").body;
  struct Bad {
    std::string query;
    int status;
    std::string field;
  };
  const std::string long_text(201, 'a');
  const std::vector<Bad> cases = {
      {"from=yesterday", 400, "from"},
      {"to=2026-13-45", 400, "to"},
      {"from=2026-02-01&to=2026-01-01", 422, "to"},
      {"from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", 422, "to"},
      {"limit=0", 422, "limit"},
      {"limit=1001", 422, "limit"},
      {"limit=1000000000", 422, "limit"},
      {"limit=99999999999999999999999", 422, "limit"},
      {"limit=-5", 422, "limit"},
      {"limit=ten", 422, "limit"},
      {"after=0", 422, "after"},
      {"after=x", 422, "after"},
      {"kind=nope", 422, "kind"},
      {"kind=MODE", 422, "kind"},
      {"kind='%20OR%201=1--", 422, "kind"},
      {"format=xml", 422, "format"},
      {"actor=" + long_text, 422, "actor"},
      {"target=" + long_text, 422, "target"},
  };
  for (const auto& c : cases) {
    INFO(c.query);
    auto a = admin->get("/api/v1/audit?" + c.query);
    CHECK(a.status == c.status);
    CHECK(a.error_field() == c.field);
    CHECK_FALSE(a.error_code().empty());
  }
  // Hostile text in filters is only text: it matches nothing and breaks nothing.
  for (const std::string q : {"actor=%27%20OR%20%271%27=%271", "target=%22%3B%20DROP%20TABLE%20audit%3B--",
                              "actor=%E4%B8%AD%E6%96%87", "target=%3Cscript%3E"})
    CHECK(items(admin->get("/api/v1/audit?" + q)).empty());
  // Broken UTF-8 and NUL are the router's 400.
  CHECK(admin->get("/api/v1/audit?actor=%FF%FE").status == 400);
  CHECK(admin->get("/api/v1/audit?target=a%00b").status == 400);
  CHECK(admin->get("/api/v1/audit?limit=1000").body == trail);  // nothing changed
}
