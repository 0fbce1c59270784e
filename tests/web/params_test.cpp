// The readers of a request target's values (web/params): good, malformed and hostile
// input. Each takes the whole text or nothing.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "web/params.hpp"

using namespace gridkeeper;
using namespace gridkeeper::web;
using dispatch::ErrorCode;

TEST_CASE("params: a target splits into decoded segments and parameters", "[web][params]") {
  auto t = parse_target("/api/v1/cases/%E7%BD%91%E6%A0%BC/?state=open&grid=a%20b&limit=10&flag");
  REQUIRE(t);
  CHECK(t->path == std::vector<std::string>{"api", "v1", "cases", "网格"});  // the trailing '/' dropped
  REQUIRE(t->query.size() == 4);
  CHECK(t->query[0] == std::pair<std::string, std::string>{"state", "open"});
  CHECK(t->query[1] == std::pair<std::string, std::string>{"grid", "a b"});
  CHECK(t->query[3] == std::pair<std::string, std::string>{"flag", ""});

  auto root = parse_target("/");
  REQUIRE(root);
  CHECK(root->path.empty());
  CHECK(root->query.empty());

  // '+' stays a '+' in the path; in the query it is a space, as forms write it.
  auto plus = parse_target("/a+b?q=c+d");
  REQUIRE(plus);
  CHECK(plus->path == std::vector<std::string>{"a+b"});
  CHECK(plus->query[0].second == "c d");

  // The path alone, split the same way.
  CHECK(parse_path("/api/v1/cases/%E7%BD%91%E6%A0%BC/?state=open") ==
        std::vector<std::string>{"api", "v1", "cases", "网格"});
  CHECK(parse_path("/metrics/") == std::vector<std::string>{"metrics"});
  CHECK(parse_path("/") == std::vector<std::string>{});

  // An encoded slash stays inside its segment.
  auto slash = parse_target("/static/..%2F..%2Fetc%2Fpasswd");
  REQUIRE(slash);
  CHECK(slash->path == std::vector<std::string>{"static", "../../etc/passwd"});
}

TEST_CASE("params: broken targets are refused; decoded junk is passed on to be checked", "[web][params]") {
  CHECK_FALSE(parse_target(""));
  CHECK_FALSE(parse_target("api/v1/cases"));          // not origin form
  CHECK_FALSE(parse_target("http://example.org/x"));  // absolute form
  CHECK_FALSE(parse_target("/a%zz"));                 // broken escapes
  CHECK_FALSE(parse_target("/a%"));
  CHECK_FALSE(parse_target("/a?b=%4"));
  CHECK_FALSE(parse_target("/a b"));
  CHECK_FALSE(parse_target("/a#fragment"));
  for (const char* s : {"", "api", "/a%zz", "/a b"}) CHECK_FALSE(parse_path(s));

  // Escapes of NUL, malformed UTF-8 and overlong forms decode to their bytes: the router
  // refuses them (tests/web/hostile_test.cpp); the parser only splits.
  auto nul = parse_target("/a%00b?x=%00");
  REQUIRE(nul);
  CHECK(nul->path[0] == std::string("a\0b", 3));
  CHECK(nul->query[0].second == std::string("\0", 1));
  auto bad = parse_target("/x?name=%FF%FE&over=%C0%AF");
  REQUIRE(bad);
  CHECK(bad->query[0].second == "\xFF\xFE");
  CHECK(bad->query[1].second == "\xC0\xAF");
}

TEST_CASE("params: the last of repeated parameters counts; absent is null", "[web][params]") {
  const QueryParams q = {{"limit", "5"}, {"state", "open"}, {"limit", "7"}, {"empty", ""}, {"LIMIT", "9"}};
  REQUIRE(param(q, "limit"));
  CHECK(*param(q, "limit") == "7");
  CHECK(*param(q, "state") == "open");
  REQUIRE(param(q, "empty"));
  CHECK(param(q, "empty")->empty());
  CHECK(param(q, "missing") == nullptr);
  CHECK(*param(q, "LIMIT") == "9");  // names are compared exactly
  CHECK(param(q, "Limit") == nullptr);
  CHECK(param(QueryParams{}, "limit") == nullptr);
  CHECK(param(q, "") == nullptr);

  // Repeated parameters from a target, in their order.
  auto t = parse_target("/api/v1/cases?limit=1&limit=2&limit=3");
  REQUIRE(t);
  CHECK(*param(t->query, "limit") == "3");
}

TEST_CASE("params: ids are positive 64-bit integers, the whole text", "[web][params]") {
  CHECK(parse_id("1") == 1);
  CHECK(parse_id("42") == 42);
  CHECK(parse_id("007") == 7);
  CHECK(parse_id("9223372036854775807") == std::numeric_limits<std::int64_t>::max());

  for (const char* s :
       {"", "0", "-1", "-0", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "abc", "12abc", "１", "9223372036854775808",
        "99999999999999999999999999999", "-9223372036854775809", "NaN", "inf", "%31"})
    CHECK_FALSE(parse_id(s));
  CHECK_FALSE(parse_id(std::string("1\0", 2)));
  CHECK_FALSE(parse_id(std::string(10'000, '9')));
}

TEST_CASE("params: finite numbers, the whole text", "[web][params]") {
  CHECK(parse_finite("118.305") == 118.305);
  CHECK(parse_finite("-24.5") == -24.5);
  CHECK(parse_finite("0") == 0.0);
  CHECK(parse_finite("1e2") == 100.0);
  CHECK(parse_finite("1.7976931348623157e308") == std::numeric_limits<double>::max());

  for (const char* s : {"",   "+1",  " 1",  "1 ",   "1,5", "1.2.3", "0x1p3", "abc",      "--1",   ".",
                        "e5", "NaN", "nan", "-nan", "inf", "-inf",  "INF",   "infinity", "1e400", "-1e400"})
    CHECK_FALSE(parse_finite(s));
  CHECK_FALSE(parse_finite(std::string("1\0", 2)));
  CHECK_FALSE(parse_finite(std::string(5'000, '9')));  // beyond double's range
}

TEST_CASE("params: a required number names its field in its error", "[web][params]") {
  const std::string good = "24.6";
  auto n = parse_number(&good, "lat");
  REQUIRE(n);
  CHECK(*n == 24.6);

  auto absent = parse_number(nullptr, "lat");
  REQUIRE_FALSE(absent);
  CHECK(absent.error().code == ErrorCode::bad_request);
  CHECK(absent.error().message == "lat is required");
  CHECK(absent.error().field == "lat");

  const std::string empty;
  CHECK(parse_number(&empty, "lat").error().message == "lat is required");

  for (const std::string s : {"abc", "1x", " 1", "+1", "1,2"}) {
    auto e = parse_number(&s, "lon");
    REQUIRE_FALSE(e);
    CHECK(e.error().code == ErrorCode::bad_request);
    CHECK(e.error().message == "lon must be a number");
    CHECK(e.error().field == "lon");
  }
  for (const std::string& s : {std::string("1e400"), std::string("-1e400"), std::string(400, '9')}) {
    auto e = parse_number(&s, "lon");
    REQUIRE_FALSE(e);
    CHECK(e.error().code == ErrorCode::invalid_value);
    CHECK(e.error().message == "lon is out of range");
  }
  for (const std::string s : {"nan", "NaN", "inf", "-inf", "infinity"}) {
    auto e = parse_number(&s, "lon");
    REQUIRE_FALSE(e);
    CHECK(e.error().code == ErrorCode::invalid_value);
    CHECK(e.error().message == "lon must be a finite number");
  }
}

TEST_CASE("params: flags are true, false, 1 or 0", "[web][params]") {
  CHECK(parse_flag("true") == true);
  CHECK(parse_flag("1") == true);
  CHECK(parse_flag("false") == false);
  CHECK(parse_flag("0") == false);
  for (const char* s : {"", "TRUE", "True", "yes", "no", "on", "2", "01", " true", "true ", "t", "%74rue"})
    CHECK_FALSE(parse_flag(s));
}

TEST_CASE("params: comma lists keep their empty items", "[web][params]") {
  CHECK(split_commas("a") == std::vector<std::string>{"a"});
  CHECK(split_commas("a,b,c") == std::vector<std::string>{"a", "b", "c"});
  CHECK(split_commas("") == std::vector<std::string>{""});
  CHECK(split_commas(",") == std::vector<std::string>{"", ""});
  CHECK(split_commas("a,,b,") == std::vector<std::string>{"a", "", "b", ""});
  CHECK(split_commas(std::string(1000, ',')).size() == 1001);
}

TEST_CASE("params: a bbox is four finite numbers on the globe", "[web][params]") {
  auto b = parse_bbox("118.1,24.4,118.5,24.8");
  REQUIRE(b);
  CHECK(*b == BBoxValues{118.1, 24.4, 118.5, 24.8});
  CHECK(on_globe(*b));
  REQUIRE(parse_bbox("-180,-90,180,90"));
  CHECK(on_globe(*parse_bbox("-180,-90,180,90")));
  CHECK(on_globe(*parse_bbox("1,2,1,2")));  // a point is a box

  for (const char* s :
       {"", ",,,", "1,2,3", "1,2,3,4,", "1,2,3,4,5", ",1,2,3,4", "1,,2,3", "1;2;3;4", "1 ,2,3,4", "1,2,3,x", "a,b,c,d",
        "nan,0,1,1", "0,0,inf,1", "-inf,0,1,1", "0,0,1e400,1", "0x1,0,1,1", "+1,0,2,1", "1,2,3,4 "})
    CHECK_FALSE(parse_bbox(s));
  CHECK_FALSE(parse_bbox(std::string(100'000, ',')));
  CHECK_FALSE(parse_bbox(std::string("1,2,3,4\0", 8)));

  // Numbers that parse but are no box on the globe.
  for (const char* s : {"-181,0,0,1", "0,-91,1,0", "0,0,181,1", "0,0,1,91", "2,0,1,1", "0,2,1,1", "1e300,0,1e301,1",
                        "-1e308,-1e308,1e308,1e308"}) {
    auto v = parse_bbox(s);
    REQUIRE(v);
    CHECK_FALSE(on_globe(*v));
  }
}
