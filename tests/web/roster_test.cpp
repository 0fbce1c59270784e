// The roster (花名册) and the posts preview over HTTP: every role against every roster
// endpoint inside and outside its scope, hostile bodies and queries, the retire refusal,
// the audit trail and the grids' flags.
#include <catch2/catch.hpp>

#include "data/schema.hpp"
#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
std::set<std::string> worker_ids(const Answer& a) {
  std::set<std::string> out;
  const auto body = a.json();
  for (const auto& w : body.at("workers").as_array()) out.insert(std::string(w.at("id").as_string()));
  return out;
}
std::int64_t audit_count(ServerFixture& f, const std::string& where) {
  auto db = data::open_for_writing(f.dir.file("city.db"));
  REQUIRE(db.ok());
  return *(*db)->scalar("SELECT count(*) FROM audit WHERE " + where);
}
}  // namespace

TEST_CASE("roster endpoints: roles x endpoints x scope", "[web][roster]") {
  ServerFixture f;
  // POST /workers: admin anywhere, supervisors in their community; others 403.
  const std::map<std::string, std::pair<std::string, int>> add = {
      {"admin", {"C3", 201}}, {"sup_c1", {"C1", 201}}, {"sup_c2", {"C1", 403}}, {"op", {"C1", 403}},
      {"op_s", {"C1", 403}},  {"w1", {"C1", 403}},     {"w9", {"C3", 403}},
  };
  int n = 100;
  for (const auto& [user, want] : add) {
    const auto id = "N" + std::to_string(++n);
    auto a = f.client(user)->post(
        "/api/v1/workers",
        R"({"id":")" + id + R"(","name":"新人","phone":"13800000100","community":")" + want.first + "\"}");
    INFO(user << " -> " << a.status << " " << a.body);
    CHECK(a.status == want.second);
  }
  // PUT /workers/{id}: the same callers; a worker outside the scope is not found.
  const std::map<std::string, int> edit_w7 = {{"admin", 200}, {"sup_c1", 200}, {"sup_c2", 404}, {"op", 403},
                                              {"op_s", 403},  {"w1", 403},     {"w9", 403}};
  for (const auto& [user, want] : edit_w7) {
    auto a = f.client(user)->put("/api/v1/workers/W7", R"({"name":"工作者七"})");
    INFO(user << " -> " << a.status << " " << a.body);
    CHECK(a.status == want);
  }
  // Moving out of the supervisor's scope is refused.
  CHECK(f.client("sup_c1")->put("/api/v1/workers/W7", R"({"community":"C2"})").status == 403);
  CHECK(f.client("admin")->put("/api/v1/workers/W7", R"({"community":"C2"})").status == 200);
  // GET /workers: everyone, each its own view.
  CHECK(worker_ids(f.client("w1")->get("/api/v1/workers")) == std::set<std::string>{"W1"});
  for (const auto& id : worker_ids(f.client("sup_c1")->get("/api/v1/workers"))) CHECK((id == "N104" || id.size() == 2));
  CHECK(worker_ids(f.client("sup_c1")->get("/api/v1/workers")).count("W7") == 0);  // moved to C2
  CHECK(f.client("sup_c1")->get("/api/v1/workers?community=C3").status == 403);
  CHECK(f.client("admin")->get("/api/v1/workers?street=nowhere").status == 422);
  CHECK(f.client("admin")->get("/api/v1/workers?retired=maybe").status == 422);
  CHECK(f.client("admin")->get("/api/v1/workers?q=" + std::string(300, 'x')).status == 422);
  // The preview: admins and operators in scope.
  const std::map<std::string, int> preview = {{"admin", 200},  {"op", 200},     {"op_s", 200}, {"op_s2", 404},
                                              {"sup_c1", 403}, {"sup_c2", 403}, {"w1", 403}};
  for (const auto& [user, want] : preview) {
    auto a = f.client(user)->post("/api/v1/grids/G0-0/owners/preview", R"({"owner_id":"W2","backup_id":"W3"})");
    INFO(user << " -> " << a.status << " " << a.body);
    CHECK(a.status == want);
  }
  // Two adds, one edit (the second names what is already there: no change), one move.
  CHECK(audit_count(f, "kind = 'worker'") == 4);
}

TEST_CASE("roster endpoints refuse hostile input and change nothing", "[web][roster]") {
  ServerFixture f;
  auto admin = f.client("admin");
  const auto before = admin->get("/api/v1/workers").body;
  const std::vector<std::pair<std::string, int>> posts = {
      {"", 400},
      {"[", 400},
      {"[]", 400},
      {R"({"id":"X1"})", 400},
      {R"({"id":"X1","name":"a","phone":"123","community":"C1","status":"leave"})", 400},
      {R"({"id":1,"name":"a","phone":"123","community":"C1"})", 400},
      {R"({"id":"X 1","name":"a","phone":"123","community":"C1"})", 422},
      {R"({"id":"../x","name":"a","phone":"123","community":"C1"})", 422},
      {R"({"id":"X1","name":"","phone":"123","community":"C1"})", 422},
      {R"({"id":"X1","name":"a\u202eb","phone":"123","community":"C1"})", 422},
      {R"({"id":"X1","name":"a","phone":"<script>","community":"C1"})", 422},
      {R"({"id":"X1","name":"a","phone":"123","community":"S"})", 422},
      {R"({"id":"X1","name":"a","phone":"123","community":"C9"})", 422},
      {R"({"id":"W1","name":"a","phone":"123","community":"C1"})", 409},
      {R"({"id":"X1","name":")" + std::string(300, 'x') + R"(","phone":"123","community":"C1"})", 422},
      {R"({"id":"X1","name":"a","phone":"123","community":"C1","pad":")" + std::string(2 << 20, 'x') + "\"}", 413},
  };
  for (const auto& [body, want] : posts) {
    auto a = admin->post("/api/v1/workers", body);
    INFO(body.substr(0, 120) << " -> " << a.status << " " << a.body);
    CHECK(a.status == want);
    CHECK(a.json().at("error").at("code").is_string());
  }
  const std::vector<std::pair<std::string, int>> puts = {
      {"{", 400},
      {R"({"retired":"yes"})", 400},
      {R"({"status":"leave"})", 400},
      {R"({"name":""})", 422},
      {R"({"phone":"x"})", 422},
      {R"({"community":"G0-0"})", 422},
      {R"({"retired":true})", 409},  // W1 holds posts
  };
  for (const auto& [body, want] : puts) {
    auto a = admin->put("/api/v1/workers/W1", body);
    INFO(body << " -> " << a.status << " " << a.body);
    CHECK(a.status == want);
  }
  CHECK(admin->put("/api/v1/workers/nobody", R"({"name":"x"})").status == 404);
  for (const char* body : {"", "{", R"({"owner":"W2"})", R"({"owner_id":2})"})
    CHECK(admin->post("/api/v1/grids/G0-0/owners/preview", body).status == 400);
  CHECK(admin->post("/api/v1/grids/G0-0/owners/preview", R"({"owner_id":"W2","backup_id":"W2"})").status == 422);
  CHECK(admin->post("/api/v1/grids/G0-0/owners/preview", R"({"owner_id":"nobody"})").status == 422);
  CHECK(admin->get("/api/v1/workers").body == before);
  CHECK(audit_count(f, "kind = 'worker'") == 0);
}

TEST_CASE("retiring over HTTP: refused with the posts named, then done after the handover", "[web][roster]") {
  ServerFixture f;
  auto admin = f.client("admin");
  auto c = admin->post("/api/v1/cases", case_body(0, 0, "orange", "路灯不亮"));
  REQUIRE(c.status == 201);
  auto refused = admin->put("/api/v1/workers/W1", R"({"retired":true})");
  REQUIRE(refused.status == 409);
  const auto refusal = refused.json();
  const auto& error = refusal.at("error");
  CHECK(error.at("code") == "conflict");
  CHECK(error.at("field") == "retired");
  const std::string words(error.at("message").as_string());
  CHECK(words.find("G0-0 (A)") != std::string::npos);
  CHECK(words.find("1 open case") != std::string::npos);
  // The preview names the case that would move, by urgency.
  auto preview = admin->post("/api/v1/grids/G0-0/owners/preview", R"({"owner_id":"W7","backup_id":"W2"})");
  REQUIRE(preview.status == 200);
  CHECK(preview.json().at("moving_count") == 1);
  CHECK(preview.json().at("by_urgency").at("orange") == 1);
  CHECK(preview.json().at("moving").at(0).at("to") == "W7");
  // Hand over every post W1 holds, then it retires.
  for (const auto& g : f.center->grids(dispatch::Actor{0, "admin", dispatch::Role::admin, "", ""})) {
    std::string owner = g.owner == "W1" ? "W7" : g.owner, backup = g.backup == "W1" ? "" : g.backup;
    if (owner == g.owner && backup == g.backup) continue;
    if (owner == backup) backup.clear();
    auto a = admin->put(
        "/api/v1/grids/" + g.code + "/owners",
        R"({"owner_id":")" + owner + "\"" + (backup.empty() ? "" : R"(,"backup_id":")" + backup + "\"") + "}");
    REQUIRE(a.status == 200);
  }
  CHECK(admin->get("/api/v1/cases/" + std::to_string(c.json().at("id").as_int64())).json().at("assignee_id") == "W7");
  auto retired = admin->put("/api/v1/workers/W1", R"({"retired":true})");
  REQUIRE(retired.status == 200);
  CHECK(retired.json().at("retired") == true);
  CHECK(worker_ids(admin->get("/api/v1/workers")).count("W1") == 0);
  CHECK(worker_ids(admin->get("/api/v1/workers?retired=true")) == std::set<std::string>{"W1"});
  CHECK(audit_count(f, "kind = 'worker' AND subject = 'W1' AND before = '{\"retired\":\"false\"}'") == 1);
  // A grid left without a B holder says so on the map.
  const auto grids = admin->get("/api/v1/grids").json();
  bool flagged = false;
  for (const auto& feature : grids.at("features").as_array())
    for (const auto& flag : feature.at("properties").at("flags").as_array()) flagged = flagged || flag == "no_b_holder";
  CHECK(flagged);
}
