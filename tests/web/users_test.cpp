// Accounts over HTTP: the matrix of roles x the account endpoints, disabling (tokens and
// live feeds end at once, login refused), resets and the forced change of password, the
// CSV import (all rows or none), and hostile bodies that change nothing.
#include <catch2/catch.hpp>
#include <set>

#include "data/schema.hpp"
#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
std::int64_t id_of(ServerFixture& f, const std::string& username) {
  auto admin = f.client("admin");
  const auto list = admin->get("/api/v1/users?q=" + username).json();
  for (const auto& u : list.at("items").as_array())
    if (u.at("username").as_string() == username) return u.at("id").as_int64();
  return 0;
}

std::set<std::string> usernames(const Answer& a) {
  std::set<std::string> out;
  if (a.status != 200) return out;
  const auto body = a.json();
  for (const auto& u : body.at("items").as_array()) out.insert(std::string(u.at("username").as_string()));
  return out;
}

std::int64_t count_of(ServerFixture& f, const std::string& sql) {
  auto db = data::open_for_reading(f.dir.file("city.db"));
  REQUIRE(db);
  auto n = (*db)->scalar(sql);
  REQUIRE(n);
  return *n;
}

bool is_ready(const json::value& m) {
  return m.is_object() && m.as_object().contains("type") && m.at("type").as_string() == "feed.ready";
}

const std::string kStrong = "Correct-Horse-42";
const std::string kCsvHeader = "username,display_name,role,scope,worker_id\n";
}  // namespace

TEST_CASE("accounts: roles x endpoints", "[web][users][authz]") {
  ServerFixture f;
  const auto w2 = std::to_string(id_of(f, "w2"));
  std::map<std::string, std::unique_ptr<HttpClient>> as;
  for (const std::string u : {"admin", "op", "sup_c1", "w1"}) as[u] = f.client(u);
  for (const std::string u : {"op", "sup_c1", "w1"}) {
    INFO(u);
    auto& c = *as[u];
    CHECK(c.get("/api/v1/users").status == (u == "sup_c1" ? 200 : 403));
    CHECK(c.post("/api/v1/users", R"({"username":"x1","role":"operator","password":")" + kStrong + "\"}").status ==
          403);
    CHECK(c.put("/api/v1/users/" + w2, R"({"disabled":true})").status == 403);
    CHECK(c.post("/api/v1/users/" + w2 + "/password", R"({"password":")" + kStrong + "\"}").status == 403);
    CHECK(c.request("POST", "/api/v1/users/import", kCsvHeader + "x2,X,operator,,\n", "text/csv").status == 403);
    CHECK(
        c.post("/api/v1/auth/password", R"({"old_password":"wrong-one-1","new_password":")" + kStrong + "\"}").status ==
        422);
  }
  // A supervisor reads the accounts of its jurisdiction only.
  const auto seen = usernames(as["sup_c1"]->get("/api/v1/users"));
  CHECK(seen.count("w1"));
  CHECK(seen.count("sup_c1"));
  CHECK_FALSE(seen.count("sup_c2"));
  CHECK_FALSE(seen.count("admin"));
  CHECK_FALSE(seen.count("op"));
  // The admin: everything, filters, and never a hash.
  auto& admin = *as["admin"];
  const auto all = admin.get("/api/v1/users");
  REQUIRE(all.status == 200);
  CHECK(usernames(all).size() == 9);
  CHECK(all.body.find("argon2") == std::string::npos);
  CHECK(all.body.find("password_hash") == std::string::npos);
  CHECK(usernames(admin.get("/api/v1/users?role=worker")) == std::set<std::string>{"w1", "w2", "w9"});
  CHECK(usernames(admin.get("/api/v1/users?q=SUP")) == std::set<std::string>{"sup_c1", "sup_c2"});
  CHECK(admin.get("/api/v1/users?role=root").status == 422);
  CHECK(admin.get("/api/v1/users?scope=nowhere").status == 422);
  CHECK(admin.get("/api/v1/users?scope=C1").status == 200);
  CHECK(admin.put("/api/v1/users/" + w2, R"({"display_name":"王二"})").status == 200);
  CHECK(admin.post("/api/v1/users/" + w2 + "/password", R"({"password":")" + kStrong + "\"}").status == 200);
  CHECK(admin.put("/api/v1/users/999999", R"({"disabled":true})").status == 404);
  CHECK(admin.put("/api/v1/users/abc", R"({"disabled":true})").status == 404);
}

TEST_CASE("accounts: creation checks the password, the name, the scope and the worker", "[web][users]") {
  ServerFixture f;
  auto admin = f.client("admin");
  const auto before = count_of(f, "SELECT count(*) FROM users");
  const auto audit_before = count_of(f, "SELECT count(*) FROM audit WHERE kind = 'user'");
  auto create = [&](const std::string& body) { return admin->post("/api/v1/users", body); };
  auto weak = create(R"({"username":"new_op","role":"operator","password":"short"})");
  CHECK(weak.status == 422);
  CHECK(weak.error_field() == "password");
  CHECK(create(R"({"username":"new_op","role":"operator","password":"new_op"})").error_field() == "password");
  CHECK(create(R"({"username":"new_op","role":"operator","password":"password123"})").error_field() == "password");
  CHECK(create(R"({"username":"op","role":"operator","password":")" + kStrong + "\"}").status == 409);
  CHECK(create(R"({"username":"new_op","role":"operator","scope":"X9","password":")" + kStrong + "\"}").error_field() ==
        "scope");
  CHECK(create(R"({"username":"new_w","role":"worker","password":")" + kStrong + "\"}").error_field() == "worker_id");
  CHECK(create(R"({"username":"new_w","role":"worker","worker_id":"W404","password":")" + kStrong + "\"}")
            .error_field() == "worker_id");
  CHECK(create(R"({"username":"new_op","role":"root","password":")" + kStrong + "\"}").error_field() == "role");
  CHECK(create(R"({"username":"new op","role":"operator","password":")" + kStrong + "\"}").error_field() == "username");
  CHECK(create(R"({"username":"new_op","role":"operator","password":")" + kStrong + R"(","extra":1})").status == 400);
  CHECK(create(R"({"username":"new_op","role":"operator","password":)").status == 400);
  CHECK(create(R"({"username":"new_op","role":"operator","display_name":"a\u202Eb","password":")" + kStrong + "\"}")
            .error_field() == "display_name");
  CHECK(count_of(f, "SELECT count(*) FROM users") == before);
  CHECK(count_of(f, "SELECT count(*) FROM audit WHERE kind = 'user'") == audit_before);

  auto made = create(R"({"username":"new_op","display_name":"新接线员","role":"operator","scope":"S","password":")" +
                     kStrong + "\"}");
  REQUIRE(made.status == 201);
  CHECK(made.json().at("display_name").as_string() == "新接线员");
  CHECK(made.json().at("disabled").as_bool() == false);
  CHECK(made.body.find("argon2") == std::string::npos);
  CHECK(count_of(f, "SELECT count(*) FROM audit WHERE kind = 'user' AND subject = 'new_op' AND actor LIKE '%admin%'") ==
        1);
  CHECK(count_of(f, "SELECT count(*) FROM audit WHERE after LIKE '%argon%' OR after LIKE '%" + kStrong + "%'") == 0);
  HttpClient anon(f.port);
  CHECK(anon.post("/api/v1/auth/login", R"({"username":"new_op","password":")" + kStrong + "\"}").status == 200);
}

TEST_CASE("accounts: a disabled user's token and live feed end at once; its login is refused", "[web][users]") {
  ServerFixture f;
  auto admin = f.client("admin");
  auto w1 = f.client("w1");
  REQUIRE(w1->get("/api/v1/cases").status == 200);  // its token is now in the cache
  FeedListener feed(f.port, w1->token);
  REQUIRE(feed.wait_for(is_ready));
  const auto id = std::to_string(id_of(f, "w1"));
  auto off = admin->put("/api/v1/users/" + id, R"({"disabled":true})");
  REQUIRE(off.status == 200);
  CHECK(off.json().at("disabled").as_bool());
  CHECK(w1->get("/api/v1/cases").status == 401);
  CHECK(feed.wait_closed(5s));
  HttpClient anon(f.port);
  auto login = anon.post("/api/v1/auth/login", R"({"username":"w1","password":"w1-secret"})");
  CHECK(login.status == 403);
  CHECK(login.error_code() == "account_disabled");
  CHECK(count_of(f, "SELECT count(*) FROM audit WHERE kind = 'user' AND subject = 'w1' AND detail LIKE 'disabled%'") ==
        1);
  // Enabled again, it logs in.
  REQUIRE(admin->put("/api/v1/users/" + id, R"({"disabled":false})").status == 200);
  CHECK(anon.post("/api/v1/auth/login", R"({"username":"w1","password":"w1-secret"})").status == 200);
  // The admin keeps itself.
  const auto self = std::to_string(id_of(f, "admin"));
  CHECK(admin->put("/api/v1/users/" + self, R"({"disabled":true})").status == 409);
  CHECK(admin->put("/api/v1/users/" + self, R"({"role":"operator"})").status == 409);
  CHECK(admin->put("/api/v1/users/" + id, R"({"disabled":"yes"})").status == 400);
  CHECK(admin->get("/api/v1/cases").status == 200);
}

TEST_CASE("accounts: a reset ends every token and forces a change of password", "[web][users]") {
  ServerFixture f;
  auto admin = f.client("admin");
  auto op = f.client("op");
  auto op_other = f.client("op");
  REQUIRE(op->get("/api/v1/cases").status == 200);
  const auto id = std::to_string(id_of(f, "op"));
  CHECK(admin->post("/api/v1/users/" + id + "/password", R"({"password":"op"})").error_field() == "password");
  REQUIRE(admin->post("/api/v1/users/" + id + "/password", R"({"password":")" + kStrong + "\"}").status == 200);
  CHECK(op->get("/api/v1/cases").status == 401);
  CHECK(op_other->get("/api/v1/cases").status == 401);

  HttpClient c(f.port);
  auto login = c.post("/api/v1/auth/login", R"({"username":"op","password":")" + kStrong + "\"}");
  REQUIRE(login.status == 200);
  CHECK(login.json().at("user").at("must_change_password").as_bool());
  c.token = std::string(login.json().at("token").as_string());
  auto blocked = c.get("/api/v1/cases");
  CHECK(blocked.status == 403);
  CHECK(blocked.error_code() == "password_change_required");
  CHECK(c.post("/api/v1/cases", case_body(0, 0)).error_code() == "password_change_required");
  CHECK(c.get("/api/v1/auth/me").status == 200);
  FeedListener refused(f.port, c.token, false);
  CHECK_FALSE(refused.connected());
  CHECK(c.post("/api/v1/auth/password", R"({"old_password":")" + kStrong + R"(","new_password":")" + kStrong + "\"}")
            .error_field() == "new_password");
  CHECK(c.post("/api/v1/auth/password", R"({"old_password":"nope-nope-1","new_password":"An0ther-Long-One"})")
            .error_field() == "old_password");
  CHECK(c.post("/api/v1/auth/password", R"({"old_password":")" + kStrong + R"(","new_password":"short"})")
            .error_field() == "new_password");
  auto other = f.client();
  other->token = std::string(HttpClient(f.port)
                                 .post("/api/v1/auth/login", R"({"username":"op","password":")" + kStrong + "\"}")
                                 .json()
                                 .at("token")
                                 .as_string());
  auto changed =
      c.post("/api/v1/auth/password", R"({"old_password":")" + kStrong + R"(","new_password":"An0ther-Long-One"})");
  REQUIRE(changed.status == 200);
  CHECK_FALSE(changed.json().at("user").at("must_change_password").as_bool());
  CHECK(c.get("/api/v1/cases").status == 200);
  CHECK(other->get("/api/v1/auth/me").status == 401);  // its other tokens end
  CHECK(count_of(f, "SELECT count(*) FROM audit WHERE kind = 'user' AND subject = 'op'") == 2);
}

TEST_CASE("accounts: the CSV import creates all rows or none", "[web][users][import]") {
  ServerFixture f;
  auto admin = f.client("admin");
  const auto before = count_of(f, "SELECT count(*) FROM users");
  auto import = [&](const std::string& body) {
    return admin->request("POST", "/api/v1/users/import", body, "text/csv");
  };
  auto bad = import(kCsvHeader + "n1,甲,operator,S,\nn2,乙,worker,,W404\nn3,丙,operator,,\n");
  CHECK(bad.status == 422);
  CHECK(bad.error_field() == "line 3: worker_id");
  CHECK(import(kCsvHeader + "n1,甲,operator,S,\nop,乙,operator,,\n").error_field() == "line 3: username");
  CHECK(import(kCsvHeader + "n1,甲,operator,S,\nn1,乙,operator,,\n").error_field() == "line 3: username");
  CHECK(import(kCsvHeader + "n1,\"=1+1\",operator,S,\n").error_field() == "line 2: display_name");
  CHECK(import("\xEF\xBB\xBFname,role\r\nn1,operator\r\n").error_field() == "line 1: header");
  CHECK(import(kCsvHeader + std::string(10u << 20, 'x')).status == 413);
  CHECK(count_of(f, "SELECT count(*) FROM users") == before);

  auto ok = import("\xEF\xBB\xBF" + std::string("username,display_name,role,scope,worker_id\r\n") +
                   "n1,\"甲, 一\",operator,S,\r\nn2,乙,worker,,W2\r\nn3,丙,supervisor,C1,\r\n");
  REQUIRE(ok.status == 201);
  const auto answer = ok.json();
  const auto& created = answer.at("created").as_array();
  REQUIRE(created.size() == 3);
  CHECK(count_of(f, "SELECT count(*) FROM users") == before + 3);
  CHECK(count_of(f, "SELECT count(*) FROM users WHERE must_change_password = 1") == 3);
  CHECK(count_of(f, "SELECT count(*) FROM audit WHERE kind = 'user' AND detail LIKE 'account imported%'") == 3);
  const std::string password(created.at(1).at("initial_password").as_string());
  CHECK(password.size() >= 16);
  HttpClient c(f.port);
  auto login = c.post("/api/v1/auth/login", R"({"username":"n2","password":")" + password + "\"}");
  REQUIRE(login.status == 200);
  CHECK(login.json().at("user").at("must_change_password").as_bool());
}
