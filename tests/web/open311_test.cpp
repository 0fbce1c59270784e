// Open311 GeoReport v2 over loopback: services, service definitions, requests GET and
// POST (form-encoded and JSON), a request by id, paging and the bounding box, the admin's
// client keys, and the spec's error array for every kind of bad input.
#include <catch2/catch.hpp>

#include <set>

#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
const std::string kForm = "application/x-www-form-urlencoded";

// The fields of a service request in GeoReport v2, every one present in each answer.
const std::vector<std::string> kRequestFields = {"service_request_id",
                                                 "status",
                                                 "status_notes",
                                                 "service_name",
                                                 "service_code",
                                                 "description",
                                                 "agency_responsible",
                                                 "service_notice",
                                                 "requested_datetime",
                                                 "updated_datetime",
                                                 "expected_datetime",
                                                 "address",
                                                 "address_id",
                                                 "zipcode",
                                                 "lat",
                                                 "long",
                                                 "media_url"};

void check_request_shape(const json::value& r) {
  REQUIRE(r.is_object());
  for (const auto& field : kRequestFields) {
    INFO(field);
    CHECK(r.as_object().contains(field));
  }
  CHECK(r.as_object().size() == kRequestFields.size());
  CHECK(r.at("service_request_id").is_string());
  const auto status = std::string(r.at("status").as_string());
  CHECK((status == "open" || status == "closed"));
  CHECK(r.at("lat").is_number());
  CHECK(r.at("long").is_number());
}

// An Open311 error: an array of {code, description} with the HTTP status as the code.
void check_error(const Answer& a, int status) {
  INFO(a.body);
  CHECK(a.status == status);
  const auto v = a.json();
  REQUIRE(v.is_array());
  REQUIRE(v.as_array().size() == 1);
  CHECK(v.as_array()[0].at("code").as_int64() == status);
  CHECK_FALSE(v.as_array()[0].at("description").as_string().empty());
}

std::string percent(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

struct Open311 {
  ServerFixture& f;
  std::unique_ptr<HttpClient> admin, op, anyone;
  std::string key;
  explicit Open311(ServerFixture& fixture) : f(fixture), admin(f.client("admin")), op(f.client("op")) {
    anyone = f.client();
    auto k = admin->post("/api/v1/open311-keys", R"({"name":"市民随手拍","scope":"S"})");
    REQUIRE(k.status == 201);
    key = std::string(k.json().at("api_key").as_string());
  }
  Answer post_form(const std::string& body) {
    return anyone->request("POST", "/open311/v2/requests.json", body, kForm);
  }
  std::string form(const std::string& extra = {}) const {
    return "api_key=" + key + "&service_code=environment&lat=24.605&long=118.305" + extra;
  }
};
}  // namespace

TEST_CASE("Open311 services and service definitions", "[web][open311]") {
  ServerFixture f;
  HttpClient c(f.port);  // no login, no key: the service list is public
  auto s = c.get("/open311/v2/services.json");
  REQUIRE(s.status == 200);
  CHECK(s.headers["content-type"] == "application/json");
  const auto services = s.json();
  REQUIRE(services.is_array());
  std::set<std::string> codes;
  for (const auto& svc : services.as_array()) {
    for (const char* field : {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}) {
      INFO(field);
      CHECK(svc.as_object().contains(field));
    }
    CHECK(svc.at("type").as_string() == "realtime");
    codes.insert(std::string(svc.at("service_code").as_string()));
  }
  CHECK(codes.size() == f.center->categories().size());
  CHECK(codes.count("environment"));
  CHECK(codes.count("safety_hazard"));

  auto d = c.get("/open311/v2/services/environment.json");
  REQUIRE(d.status == 200);
  const auto def = d.json();
  CHECK(def.at("service_code").as_string() == "environment");
  const auto& attribute = def.at("attributes").as_array().at(0);
  CHECK(attribute.at("code").as_string() == "urgency");
  CHECK(attribute.at("datatype").as_string() == "singlevaluelist");
  CHECK(attribute.at("required").as_bool() == false);
  CHECK(attribute.at("values").as_array().size() == 3);

  check_error(c.get("/open311/v2/services/nope.json"), 404);
  check_error(c.get("/open311/v2/services/environment.xml"), 404);
  check_error(c.get("/open311/v2/services.xml"), 404);
  check_error(c.get("/open311/v2/whatever"), 404);
  check_error(c.request("DELETE", "/open311/v2/services.json"), 404);
}

TEST_CASE("Open311 keys are the admin's: shown once, stored hashed, revocable", "[web][open311]") {
  ServerFixture f;
  auto admin = f.client("admin");
  auto op = f.client("op");
  auto made = admin->post("/api/v1/open311-keys", R"({"name":"12345热线","scope":"S"})");
  REQUIRE(made.status == 201);
  const auto key = std::string(made.json().at("api_key").as_string());
  CHECK(key.size() == 64);
  CHECK(made.json().at("scope").as_string() == "S");
  const auto id = made.json().at("id").as_int64();

  auto list = admin->get("/api/v1/open311-keys");
  REQUIRE(list.status == 200);
  REQUIRE(list.json().at("keys").as_array().size() == 1);
  CHECK(list.json().at("keys").as_array()[0].at("name").as_string() == "12345热线");
  CHECK(list.body.find(key) == std::string::npos);
  CHECK(list.body.find(web::token_hash(key)) == std::string::npos);

  CHECK(admin->post("/api/v1/open311-keys", R"({"name":"12345热线"})").status == 409);
  CHECK(admin->post("/api/v1/open311-keys", R"({"name":""})").status == 422);
  CHECK(admin->post("/api/v1/open311-keys", R"({"name":"x","scope":"NOWHERE"})").status == 422);
  CHECK(admin->post("/api/v1/open311-keys", R"({"name":"x","colour":"red"})").status == 400);
  CHECK(admin->post("/api/v1/open311-keys", R"({"name":7})").status == 400);
  CHECK(op->post("/api/v1/open311-keys", R"({"name":"mine"})").status == 403);
  CHECK(op->get("/api/v1/open311-keys").status == 403);
  CHECK(f.client("sup_c1")->request("DELETE", "/api/v1/open311-keys/" + std::to_string(id)).status == 403);
  HttpClient anonymous(f.port);
  CHECK(anonymous.get("/api/v1/open311-keys").status == 401);

  const auto form = "api_key=" + key + "&service_code=environment&lat=24.605&long=118.305&description=x";
  CHECK(anonymous.request("POST", "/open311/v2/requests.json", form, kForm).status == 201);
  CHECK(admin->request("DELETE", "/api/v1/open311-keys/" + std::to_string(id)).status == 204);
  CHECK(admin->request("DELETE", "/api/v1/open311-keys/" + std::to_string(id)).status == 404);
  CHECK(admin->request("DELETE", "/api/v1/open311-keys/abc").status == 404);
  check_error(anonymous.request("POST", "/open311/v2/requests.json", form, kForm), 403);
  CHECK(admin->get("/api/v1/open311-keys").json().at("keys").as_array().empty());
  // The name is free again once its key is revoked.
  CHECK(admin->post("/api/v1/open311-keys", R"({"name":"12345热线"})").status == 201);
}

TEST_CASE("Open311 POST goes through the same intake; GET answers with the spec's fields", "[web][open311]") {
  ServerFixture f;
  Open311 o(f);

  // Form-encoded, with a Chinese description, a name in two parts and the urgency attribute.
  auto posted = o.post_form(o.form("&description=" + percent("小区门口垃圾堆放三天无人清理") +
                                   "&address_string=" + percent("新店路1号") + "&first_name=" + percent("三") +
                                   "&last_name=" + percent("张") + "&phone=13900000000&email=a%40b.cn" +
                                   "&attribute%5Burgency%5D=orange&media_url=" + percent("https://img.example/1.jpg")));
  REQUIRE(posted.status == 201);
  const auto answer = posted.json();
  REQUIRE(answer.is_array());
  const auto& created = answer.as_array().at(0);
  CHECK(created.as_object().contains("service_notice"));
  CHECK(created.at("account_id").is_null());
  const auto id = std::string(created.at("service_request_id").as_string());

  // The case as the command center sees it.
  auto c = o.op->get("/api/v1/cases/" + id);
  REQUIRE(c.status == 200);
  const auto kase = c.json();
  CHECK(kase.at("source").as_string() == "open311");
  CHECK(kase.at("urgency").as_string() == "orange");
  CHECK(kase.at("grid_id").as_string() == "G0-0");
  CHECK(kase.at("assignee_id").as_string() == "W1");
  CHECK(kase.at("state").as_string() == "dispatched");
  CHECK(kase.at("title").as_string() == "小区门口垃圾堆放三天无人清理");
  CHECK(kase.at("address").as_string() == "新店路1号");
  CHECK(kase.at("reporter").at("name").as_string() == "张三");
  CHECK(kase.at("reporter").at("phone").as_string() == "13900000000");
  CHECK(kase.at("description").as_string().find("https://img.example/1.jpg") != std::string::npos);
  CHECK(kase.at("events").as_array()[0].at("actor").as_string().find("open311:市民随手拍") != std::string::npos);

  // JSON bodies work too; '+' in a form is a space.
  auto as_json =
      o.anyone->post("/open311/v2/requests.json", R"({"api_key":")" + o.key +
                                                      R"(","service_code":"safety_hazard","lat":24.615,"long":118.315,)"
                                                      R"("description":"井盖缺失","attribute":{"urgency":"red"}})");
  REQUIRE(as_json.status == 201);
  auto plus = o.post_form(o.form("&description=broken+lamp"));
  REQUIRE(plus.status == 201);
  const auto plus_id = std::string(plus.json().as_array()[0].at("service_request_id").as_string());
  // A case taken in by an operator, whose description and reporter stay private.
  auto by_operator = o.op->post("/api/v1/cases", case_body(0, 1, "yellow", "占道经营"));
  REQUIRE(by_operator.status == 201);
  const auto operator_id = std::to_string(by_operator.json().at("id").as_int64());

  // Reading needs no key.
  auto all = o.anyone->get("/open311/v2/requests.json");
  REQUIRE(all.status == 200);
  const auto all_json = all.json();
  const auto& list = all_json.as_array();
  REQUIRE(list.size() == 4);
  for (const auto& r : list) check_request_shape(r);
  CHECK(list[0].at("service_request_id").as_string() == operator_id);  // newest first
  CHECK(all.body.find("13900000000") == std::string::npos);
  CHECK(all.body.find("张三") == std::string::npos);
  CHECK(all.body.find("小区门口垃圾无人清理") == std::string::npos);  // the operator's description

  auto one = o.anyone->get("/open311/v2/requests/" + id + ".json");
  REQUIRE(one.status == 200);
  REQUIRE(one.json().as_array().size() == 1);
  const auto r = one.json().as_array()[0];
  check_request_shape(r);
  CHECK(r.at("status").as_string() == "open");
  CHECK(r.at("status_notes").as_string() == "dispatched");
  CHECK(r.at("service_code").as_string() == "environment");
  CHECK(r.at("service_name").as_string() == "环境卫生");
  CHECK(r.at("description").as_string().rfind("小区门口垃圾堆放三天无人清理", 0) == 0);
  CHECK(r.at("agency_responsible").as_string() == "一社区");
  CHECK(r.at("address").as_string() == "新店路1号");
  CHECK(r.at("requested_datetime").as_string() == "2026-01-01T00:00:00Z");
  CHECK(r.at("expected_datetime").as_string() == "2026-01-02T00:00:00Z");  // orange: 24 h to resolve
  CHECK(r.at("lat").to_number<double>() == Approx(24.605));
  CHECK(r.at("long").to_number<double>() == Approx(118.305));
  CHECK(o.anyone->get("/open311/v2/requests/" + plus_id + ".json").json().as_array()[0].at("description").as_string() ==
        "broken lamp");
  CHECK(o.anyone->get("/open311/v2/requests/" + operator_id + ".json")
            .json()
            .as_array()[0]
            .at("description")
            .as_string() == "占道经营");

  // Closed: the state moves to status_notes; nothing is expected any more.
  auto w1 = f.client("w1");
  f.clock.advance(kHour);
  REQUIRE(w1->post("/api/v1/cases/" + id + "/transitions", R"({"action":"accept","version":1})").status == 200);
  auto mid = o.anyone->get("/open311/v2/requests/" + id + ".json").json().as_array()[0];
  CHECK(mid.at("status_notes").as_string() == "accepted");
  CHECK(mid.at("updated_datetime").as_string() == "2026-01-01T01:00:00Z");
  REQUIRE(w1->post("/api/v1/cases/" + id + "/transitions", R"({"action":"resolve","version":2})").status == 200);
  REQUIRE(o.op->post("/api/v1/cases/" + id + "/transitions", R"({"action":"close","version":3})").status == 200);
  auto done = o.anyone->get("/open311/v2/requests/" + id + ".json").json().as_array()[0];
  CHECK(done.at("status").as_string() == "closed");
  CHECK(done.at("status_notes").as_string() == "closed");
  CHECK(done.at("expected_datetime").is_null());

  // Filters.
  auto count = [&](const std::string& query) {
    auto a = o.anyone->get("/open311/v2/requests.json?" + query);
    INFO(query << " " << a.body.substr(0, 200));
    REQUIRE(a.status == 200);
    return a.json().as_array().size();
  };
  CHECK(count("status=closed") == 1);
  CHECK(count("status=open") == 3);
  CHECK(count("status=open,closed") == 4);
  CHECK(count("service_code=safety_hazard") == 1);
  CHECK(count("service_code=environment,safety_hazard") == 4);
  CHECK(count("bbox=118.30,24.60,118.31,24.61") == 2);  // G0-0 holds two of them
  CHECK(count("bbox=118.31,24.61,118.32,24.62") == 1);
  CHECK(count("bbox=100,10,101,11") == 0);
  CHECK(count("page_size=2") == 2);
  CHECK(count("page_size=3&page=2") == 1);
  CHECK(count("page_size=3&page=3") == 0);
  CHECK(count("start_date=2026-01-01T00:00:01Z") == 0);
  CHECK(count("start_date=2025-12-01T00:00:00Z&end_date=2026-01-01T00:00:00Z") == 4);  // end_date is included
  CHECK(count("end_date=2025-12-31T23:59:59Z") == 0);
  CHECK(count("service_request_id=" + id + "," + plus_id + "&status=open") == 2);  // ids override the rest
  CHECK(count("service_request_id=999999") == 0);
  check_error(o.anyone->get("/open311/v2/requests/999999.json"), 404);
  check_error(o.anyone->get("/open311/v2/requests/abc.json"), 404);
  check_error(o.anyone->get("/open311/v2/requests/" + id + ".xml"), 404);
}

TEST_CASE("Open311 refuses bad input with the spec's error array", "[web][open311]") {
  ServerFixture f;
  Open311 o(f);
  struct Bad {
    std::string body;
    int status;
  };
  for (const auto& b : std::vector<Bad>{
           {"service_code=environment&lat=24.605&long=118.305", 403},               // no api_key
           {"api_key=nope&service_code=environment&lat=24.605&long=118.305", 403},  // a bad key
           {"api_key=" + std::string(300, 'k') + "&service_code=environment&lat=1&long=1", 403},
           {o.form().replace(o.form().find("environment"), 11, "nope"), 400},      // unknown service
           {"api_key=" + o.key + "&lat=24.605&long=118.305", 400},                 // no service_code
           {"api_key=" + o.key + "&service_code=environment&long=118.305", 400},   // no lat
           {"api_key=" + o.key + "&service_code=environment&address_id=17", 400},  // address_id alone
           {"api_key=" + o.key + "&service_code=environment&lat=95&long=118.305", 400},
           {"api_key=" + o.key + "&service_code=environment&lat=24.6&long=-200", 400},
           {"api_key=" + o.key + "&service_code=environment&lat=north&long=118.305", 400},
           {"api_key=" + o.key + "&service_code=environment&lat=nan&long=118.305", 400},
           {"api_key=" + o.key + "&service_code=environment&lat=10&long=10", 400},  // in no grid
           {o.form("&lat=24.606"), 400},                                            // given twice
           {o.form("&colour=red"), 400},                                            // unknown field
           {o.form("&attribute%5Bsize%5D=big"), 400},
           {o.form("&attribute%5Burgency%5D=purple"), 400},
           {o.form("&description=%FF%FE"), 400},  // not UTF-8
           {o.form("&description=a%00b"), 400},   // NUL
           {o.form("&description=%E7%BD"), 400},  // cut off
           {o.form("&description=" + std::string(5000, 'd')), 400},
           {o.form("&media_url=javascript:alert(1)"), 400},
           {o.form("&jurisdiction_id=ELSEWHERE"), 404},
           {"%%%", 400},
           {"", 400},
       }) {
    INFO(b.body.substr(0, 120));
    check_error(o.post_form(b.body), b.status);
  }
  // A key of street S2 may not bring in a case in street S.
  auto admin = f.client("admin");
  auto other = admin->post("/api/v1/open311-keys", R"({"name":"马巷","scope":"S2"})");
  REQUIRE(other.status == 201);
  const std::string s2 = std::string(other.json().at("api_key").as_string());
  check_error(o.post_form("api_key=" + s2 + "&service_code=environment&lat=24.605&long=118.305"), 403);
  // Other content types and malformed JSON.
  check_error(o.anyone->request("POST", "/open311/v2/requests.json", "api_key=" + o.key, "text/plain"), 400);
  check_error(o.anyone->post("/open311/v2/requests.json", "{not json"), 400);
  check_error(o.anyone->post("/open311/v2/requests.json", R"({"api_key":")" + o.key + R"(","lat":[1]})"), 400);
  // An oversized body is refused before it is read, in the same format.
  check_error(o.anyone->request("POST", "/open311/v2/requests.json", std::string(2u << 20, 'x'), kForm), 413);

  for (const std::string& query : std::vector<std::string>{
           "page_size=5000", "page_size=0", "page_size=-1", "page=0", "page=x", "bbox=1,2,3", "bbox=1,2,3,4,5",
           "bbox=200,1,201,2", "bbox=10,10,5,5", "bbox=a,b,c,d", "start_date=yesterday", "end_date=2026-13-01",
           "start_date=2025-01-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", "start_date=2026-01-02&end_date=2026-01-01",
           "status=pending", "service_code=nope", "service_request_id=1,x", "service_request_id=" + [] {
             std::string ids;
             for (int i = 1; i <= 101; ++i) ids += (i > 1 ? "," : "") + std::to_string(i);
             return ids;
           }()}) {
    INFO(query);
    check_error(o.anyone->get("/open311/v2/requests.json?" + query), 400);
  }
  // Nothing was taken in by any of it.
  CHECK(o.anyone->get("/open311/v2/requests.json").json().as_array().empty());
}
