// The API's description (docs/openapi.json) against the server itself: every route of the
// route table is documented and nothing is documented that is not routed; the document is
// served, as it is in the tree, without a token and with an ETag; the error codes it names
// are the catalogue's; and what it says needs a token does (401 without one) while what it
// calls public does not (the live feed: its upgrade). tests/openapi/ checks its examples and live answers against its
// schemas.
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "fixture.hpp"
#include "web/api.hpp"
#include "web/openapi.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {

const char* const kMethods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "/api/v1/cases/{id}/photos/{photo}" -> "/api/v1/cases/{}/photos/{}": the names of path
// parameters may differ between the route table and the document.
std::string shape(const std::string& path) { return std::regex_replace(path, std::regex(R"(\{[^}]*\})"), "{}"); }

const json::object& document() {
  static const json::value doc = json::parse(web::openapi_document());
  return doc.as_object();
}

struct Operation {
  std::string method;  // GET
  std::string path;    // as documented
  const json::object* op;
};

std::vector<Operation> operations() {
  std::vector<Operation> out;
  for (const auto& [path, item] : document().at("paths").as_object())
    for (const char* m : kMethods)
      if (const auto* op = item.as_object().if_contains(m)) out.push_back({upper(m), path, &op->as_object()});
  return out;
}

std::string list(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += "\n  " + x;
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Whether the operation needs a token: its own `security`, else the document's.
bool needs_token(const json::object& op) {
  const auto* security = op.if_contains("security");
  if (!security) security = document().if_contains("security");
  if (!security) return false;
  for (const auto& requirement : security->as_array())
    if (requirement.as_object().empty()) return false;  // {}: anonymous allowed
  return !security->as_array().empty();
}

}  // namespace

TEST_CASE("every route is documented in openapi.json, and only routes are", "[openapi]") {
  std::set<std::string> routed, documented;
  for (const auto& name : web::Api::route_names()) {
    const auto space = name.find(' ');
    routed.insert(name.substr(0, space + 1) + shape(name.substr(space + 1)));
  }
  for (const auto& o : operations()) documented.insert(o.method + " " + shape(o.path));
  REQUIRE(routed.size() == web::Api::route_names().size());

  std::set<std::string> undocumented, unrouted;
  for (const auto& r : routed)
    if (!documented.count(r)) undocumented.insert(r);
  for (const auto& d : documented)
    if (!routed.count(d)) unrouted.insert(d);
  INFO("routed but not documented in docs/openapi.json:" << list(undocumented));
  CHECK(undocumented.empty());
  INFO("documented in docs/openapi.json but not routed (web/api.cpp routes()):" << list(unrouted));
  CHECK(unrouted.empty());
}

TEST_CASE("every operation has an id, a summary, responses and its path's parameters", "[openapi]") {
  std::set<std::string> ids;
  for (const auto& o : operations()) {
    INFO(o.method << " " << o.path);
    REQUIRE(o.op->contains("operationId"));
    CHECK(ids.insert(std::string(o.op->at("operationId").as_string())).second);
    CHECK(o.op->contains("summary"));
    REQUIRE(o.op->contains("responses"));
    CHECK(!o.op->at("responses").as_object().empty());
    if (needs_token(*o.op)) CHECK(o.op->at("responses").as_object().contains("401"));
  }
}

TEST_CASE("the error codes of the document are the catalogue's", "[openapi]") {
  std::set<std::string> catalogue, documented;
  // The catalogue answers bad_request for a value past its last code.
  for (int c = 0; c == 0 || dispatch::code_name(static_cast<dispatch::ErrorCode>(c)) != "bad_request"; ++c)
    catalogue.insert(std::string(dispatch::code_name(static_cast<dispatch::ErrorCode>(c))));
  const auto& code = document().at("components").at("schemas").at("ErrorCode").as_object();
  for (const auto& v : code.at("enum").as_array()) documented.insert(std::string(v.as_string()));
  INFO("catalogue (dispatch/errors.cpp):" << list(catalogue) << "\ndocumented (ErrorCode):" << list(documented));
  CHECK(catalogue == documented);
}

TEST_CASE("the served document is docs/openapi.json, public and revalidated by its ETag", "[openapi]") {
  const auto file = read_file(std::string(GRIDKEEPER_SOURCE_DIR) + "/docs/openapi.json");
  REQUIRE(!file.empty());
  CHECK(web::openapi_document() == file);  // the build embeds the file as it is

  ServerFixture f;
  HttpClient anonymous(f.port);
  const auto a = anonymous.get("/api/v1/openapi.json");
  REQUIRE(a.status == 200);
  CHECK(a.body == file);
  CHECK(a.headers.at("content-type").rfind("application/json", 0) == 0);
  const auto etag = a.headers.at("etag");
  CHECK(etag == std::string(web::openapi_etag()));
  CHECK(etag.size() > 10);
  CHECK(a.headers.at("cache-control") == "no-cache");

  const auto same = anonymous.request("GET", "/api/v1/openapi.json", {}, {}, {{"If-None-Match", etag}});
  CHECK(same.status == 304);
  CHECK(same.body.empty());
  CHECK(same.headers.at("etag") == etag);
  const auto listed = anonymous.request("GET", "/api/v1/openapi.json", {}, {}, {{"If-None-Match", "\"x\", W/" + etag}});
  CHECK(listed.status == 304);
  const auto other = anonymous.request("GET", "/api/v1/openapi.json", {}, {}, {{"If-None-Match", "\"sha256-0\""}});
  CHECK(other.status == 200);
  CHECK(other.body == file);

  auto admin = f.client("admin");
  CHECK(admin->get("/api/v1/openapi.json").status == 200);  // a token does no harm
}

TEST_CASE("what the document says needs a token does, and what it calls public does not", "[openapi]") {
  ServerFixture f;
  for (const auto& o : operations()) {
    // Path parameters become 1 (Open311's files 1.json).
    const auto target = std::regex_replace(o.path, std::regex(R"(\{[^}]*\})"), "1");
    HttpClient anonymous(f.port);
    const auto a = anonymous.request(o.method, target, {}, {});
    INFO(o.method << " " << target << ": " << a.status << " " << a.body);
    REQUIRE(a.status != 0);
    if (o.op->contains("x-websocket")) {
      // A plain GET is refused whoever asks; the upgrade is what needs the token.
      CHECK(a.status == 400);
      CHECK(needs_token(*o.op));
      FeedListener feed(f.port, "not-a-token", false);
      CHECK(feed.handshake_status() == 401);
    } else if (needs_token(*o.op)) {
      CHECK(a.status == 401);
      CHECK(a.error_code() == "unauthenticated");
    } else {
      CHECK(a.status != 401);
      CHECK(a.status < 500);
    }
  }
}

TEST_CASE("ETags are compared as If-None-Match lists", "[openapi]") {
  CHECK(web::etag_matches("\"a\"", "\"a\""));
  CHECK(web::etag_matches("W/\"a\"", "\"a\""));
  CHECK(web::etag_matches(" \"b\" ,\t\"a\" ", "\"a\""));
  CHECK(web::etag_matches("*", "\"a\""));
  CHECK_FALSE(web::etag_matches("", "\"a\""));
  CHECK_FALSE(web::etag_matches("\"ab\"", "\"a\""));
  CHECK_FALSE(web::etag_matches("a", "\"a\""));
}
