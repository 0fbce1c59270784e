// Unit tests of the pieces under the server: JSON text, request readers, passwords,
// tokens and the login throttle.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "fixture.hpp"
#include "web/json_codec.hpp"

using namespace gridkeeper;
using namespace gridkeeper::web;
namespace json = boost::json;

TEST_CASE("JSON text: plain numbers, escaped strings", "[web][codec]") {
  json::value v = json::object{{"lon", 118.305}, {"zero", 0.0}, {"n", -7}, {"big", 1e21}, {"s", "a\"b\\c\n\x01"}};
  CHECK(to_json_text(v) == R"({"lon":118.305,"zero":0,"n":-7,"big":1e+21,"s":"a\"b\\c\n\u0001"})");
  v.as_object().erase("zero");  // read back as the integer 0
  CHECK(json::parse(to_json_text(v)) == v);
  CHECK(to_json_text(json::value(std::numeric_limits<double>::infinity())) == "null");
  CHECK(to_json_text(json::value("网格")) == "\"网格\"");
  // Text is checked as it is written: bytes that are not UTF-8 become U+FFFD, so an answer
  // is JSON text whatever reached it.
  CHECK(to_json_text(json::value("a\xFF\xFE"
                                 "b")) ==
        "\"a\xEF\xBF\xBD\xEF\xBF\xBD"
        "b\"");
  CHECK(to_json_text(json::value("\xE7\xBD")) == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");                  // a cut-off sequence
  CHECK(to_json_text(json::value("\xED\xA0\x80")) == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // a surrogate
  CHECK(to_json_text(json::value("\xF0\x9F\x98\x80")) == "\"\xF0\x9F\x98\x80\"");                  // four bytes pass
}

TEST_CASE("times are ISO 8601 UTC", "[web][codec]") {
  CHECK(iso8601(1'767'225'600'000) == "2026-01-01T00:00:00.000Z");
  CHECK(iso8601(1'767'225'600'123 + 86'400'000) == "2026-01-02T00:00:00.123Z");
  CHECK(iso8601(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("request bodies are read strictly", "[web][codec]") {
  CHECK(parse_object("{}").ok());
  CHECK_FALSE(parse_object("[]").ok());
  CHECK_FALSE(parse_object(R"({"a":1e999})").ok());
  CHECK_FALSE(parse_object(std::string(40, '[') + std::string(40, ']')).ok());
  auto body = parse_object(R"({"lon":118,"lat":24.6,"category":"environment","title":"t","crs":"gcj02",
                               "reporter":{"name":"n"}})");
  REQUIRE(body.ok());
  auto intake = intake_from(*body);
  REQUIRE(intake.ok());
  CHECK(intake->lon == 118.0);
  CHECK(intake->crs == geo::Crs::gcj02);
  CHECK(intake->reporter.name == "n");
  CHECK(intake->urgency == dispatch::Urgency::yellow);

  auto t = transition_from(*parse_object(R"({"action":"return","version":3,"note":"not mine","assignee_id":null})"));
  REQUIRE(t.ok());
  CHECK(t->action == dispatch::Action::return_case);
  CHECK(t->version == 3);
  CHECK_FALSE(t->assignee);

  dispatch::Category base{"noise", "", dispatch::default_sla()};
  auto c = category_from(
      base, *parse_object(R"({"name":"噪音","working_time":true,"sla":{"red":{"accept_s":600,"resolve_s":3600}}})"));
  REQUIRE(c.ok());
  CHECK(c->working_time);
  CHECK(c->deadlines(dispatch::Urgency::red).accept_s == 600);
  auto bad = category_from(base, *parse_object(R"({"name":"x","sla":{"red":{"accept_s":600}}})"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().field == "sla.red.resolve_s");
}

TEST_CASE("passwords, tokens and the login throttle", "[web][auth]") {
  const auto options = testing::fast_hashing();
  const auto hash = hash_password("correct horse", options);
  CHECK(hash.rfind("$argon2id$", 0) == 0);
  CHECK(verify_password(hash, "correct horse"));
  CHECK_FALSE(verify_password(hash, "correct horsE"));
  CHECK_FALSE(verify_password("not a hash", "x"));

  const auto a = new_token(), b = new_token();
  CHECK(a.size() == 64);
  CHECK(a != b);
  CHECK(token_hash(a).size() == 64);
  CHECK(token_hash(a) == token_hash(a));
  CHECK(token_hash(a) != a);

  AuthOptions o;
  o.free_failures_per_pair = 2;
  o.free_failures_per_address = 4;
  o.free_failures_per_user = 6;
  LoginThrottle throttle(o);
  const dispatch::Millis t = 1'000'000;
  // Each attempt is counted when it is reserved, before its password is checked.
  CHECK(throttle.reserve("u", "1.2.3.4", t) == 0);
  CHECK(throttle.reserve("u", "1.2.3.4", t) == 0);
  CHECK(throttle.reserve("u", "1.2.3.4", t) == 1000);  // the pair has used its free attempts
  CHECK(throttle.reserve("v", "5.6.7.8", t) == 0);
  CHECK(throttle.reserve("u", "1.2.3.4", t + 1000) == 0);
  CHECK(throttle.reserve("u", "1.2.3.4", t + 1000) == 2000);  // the wait doubled
  CHECK(throttle.reserve("v", "1.2.3.4", t + 1000) == 0);
  CHECK(throttle.reserve("w", "1.2.3.4", t + 1000) == 1000);                         // the address has failed 4 times
  CHECK(throttle.reserve("u", "9.9.9.9", t + 1000 + o.failure_window_ms + 1) == 0);  // forgotten
  // An attempt never made is given back; a right password forgets the pair's failures.
  throttle.release("v", "5.6.7.8");
  CHECK(throttle.reserve("x", "7.7.7.7", t) == 0);
  throttle.succeeded("x", "7.7.7.7");
  CHECK(throttle.known_good("x", "7.7.7.7"));
  CHECK_FALSE(throttle.known_good("x", "1.2.3.4"));
}
