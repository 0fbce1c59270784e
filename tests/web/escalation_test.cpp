// Escalation over the wire: the ladder on the live feed with the tier that is told,
// emergency mode, deferral and category deadlines through the API, on the manual clock.
#include <catch2/catch.hpp>

#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {
auto escalated_to(std::int64_t id, const std::string& tier) {
  return [id, tier](const json::value& m) {
    return type_of(m) == "case.escalated" && m.at("case").at("id").as_int64() == id &&
           m.at("case").at("tier").as_string() == tier;
  };
}
std::string transition(std::int64_t version, const std::string& action, const std::string& note = {}) {
  std::string body = R"({"action":")" + action + R"(","version":)" + std::to_string(version);
  if (!note.empty()) body += R"(,"note":")" + note + "\"";
  return body + "}";
}
// ISO 8601 UTC with milliseconds back to epoch milliseconds.
std::int64_t millis(const json::value& v) {
  std::tm tm{};
  int ms = 0;
  std::sscanf(std::string(v.as_string()).c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
              &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
}
std::vector<std::string> codes_of(const Answer& a) {
  std::vector<std::string> out;
  const auto body = a.json();
  for (const auto& j : body.at("jurisdictions").as_array()) out.emplace_back(j.at("code").as_string());
  return out;
}
}  // namespace

TEST_CASE("each step of the ladder tells the tier it rises to", "[web][escalation]") {
  // The clock moves on by more than a day while the feeds stay open, and a feed ends with
  // its token: the logins here last a month.
  ServerFixture f(month_long_logins());
  f.add_user("sup_s", dispatch::Role::supervisor, "S", "");
  f.add_user("sup_d", dispatch::Role::supervisor, "D", "");
  std::map<std::string, std::unique_ptr<FeedListener>> feeds;
  for (const std::string u : {"sup_c1", "sup_c2", "sup_s", "sup_d", "op", "w1"}) {
    feeds[u] = std::make_unique<FeedListener>(f.port, f.login(u));
    auto ready = feeds[u]->wait_for([](const json::value& m) { return type_of(m) == "feed.ready"; });
    REQUIRE(ready);
    const std::map<std::string, json::value> expected_tier{{"sup_c1", "community"}, {"sup_c2", "community"},
                                                           {"sup_s", "street"},     {"sup_d", "district"},
                                                           {"op", "district"},      {"w1", nullptr}};
    INFO(u);
    CHECK(ready->at("tier") == expected_tier.at(u));
  }
  auto op = f.client("op");
  auto made = op->post("/api/v1/cases", case_body(0, 0));  // G0-0 in C1, street S
  REQUIRE(made.status == 201);
  const auto id = made.json().at("id").as_int64();

  struct Step {
    std::int64_t wait_ms;
    std::string tier, urgency, told;
  };
  // Yellow accepts within 24 h, orange within 2 h, red within 30 min.
  for (const auto& step : {Step{24 * kHour + kMinute, "community", "orange", "sup_c1"},
                           Step{2 * kHour + kMinute, "street", "red", "sup_s"},
                           Step{30 * kMinute + kMinute, "district", "red", "sup_d"}}) {
    INFO("rising to " << step.tier);
    f.clock.advance(step.wait_ms);
    while (f.center->tick() > 0) {
    }
    for (const std::string u : {"sup_c1", "sup_s", "sup_d", "op"}) {
      auto m = feeds[u]->wait_for(escalated_to(id, step.tier));
      INFO(u);
      REQUIRE(m);
      CHECK(m->at("case").at("urgency").as_string() == step.urgency);
      CHECK(m->at("case").at("overdue").as_bool());
      const bool told = u == step.told || (step.tier == "district" && u == "op");
      CHECK(m->at("attention").as_bool() == told);
    }
    CHECK(feeds["w1"]->wait_for(escalated_to(id, step.tier)));  // the worker holding it sees it too
  }
  // At the top escalation stops: the district's own 30 minutes end in a reminder, and the
  // next comes a day later (this category counts clock time); each calls the district.
  auto reminder = [id](int nth) {
    return [id, nth, seen = 0](const json::value& m) mutable {
      return type_of(m) == "case.reminded" && m.at("case").at("id").as_int64() == id && ++seen == nth;
    };
  };
  int nth = 0;
  for (const auto wait : {30 * kMinute, kDay}) {
    f.clock.advance(wait);
    while (f.center->tick() > 0) {
    }
    ++nth;
    for (const std::string u : {"sup_s", "sup_d", "op"}) {
      auto m = feeds[u]->wait_for(reminder(nth));
      INFO(u << " reminder " << nth);
      REQUIRE(m);
      CHECK(m->at("case").at("tier").as_string() == "district");
      CHECK(m->at("attention").as_bool() == (u != "sup_s"));
    }
  }
  // Another community's supervisor never hears of it.
  for (const auto& m : feeds["sup_c2"]->messages()) CHECK(type_of(m) == "feed.ready");

  // The history holds each step with its true due time.
  auto c = f.client("op")->get("/api/v1/cases/" + std::to_string(id));  // the first login has expired
  REQUIRE(c.status == 200);
  std::vector<std::string> tiers;
  const auto body = c.json();
  for (const auto& e : body.at("events").as_array())
    if (e.at("type").as_string() == "escalated") tiers.emplace_back(e.at("reason").as_string());
  CHECK(tiers.size() == 3);
  std::size_t reminders = 0;
  for (const auto& e : body.at("events").as_array()) reminders += e.at("type").as_string() == "reminded";
  CHECK(reminders == 2);
}

TEST_CASE("emergency mode through the API: who may switch, raised colour, shorter deadlines", "[web][escalation]") {
  ServerFixture f;
  f.add_user("sup_s", dispatch::Role::supervisor, "S", "");
  auto sup_s = f.client("sup_s"), sup_c1 = f.client("sup_c1"), op = f.client("op"), w1 = f.client("w1"),
       admin = f.client("admin");
  const std::string emergency = R"({"mode":"emergency"})", normal = R"({"mode":"normal"})";

  CHECK(w1->put("/api/v1/jurisdictions/S/mode", emergency).status == 403);
  CHECK(op->put("/api/v1/jurisdictions/S/mode", emergency).status == 403);
  CHECK(sup_c1->put("/api/v1/jurisdictions/S/mode", emergency).status == 404);   // outside its scope
  CHECK(sup_c1->put("/api/v1/jurisdictions/C1/mode", emergency).status == 422);  // a community has no mode
  CHECK(sup_s->put("/api/v1/jurisdictions/S2/mode", emergency).status == 404);
  CHECK(sup_s->put("/api/v1/jurisdictions/nowhere/mode", emergency).status == 404);
  auto bad = sup_s->put("/api/v1/jurisdictions/S/mode", R"({"mode":"war"})");
  CHECK(bad.status == 422);
  CHECK(bad.error_field() == "mode");
  CHECK(sup_s->put("/api/v1/jurisdictions/S/mode", "{}").status == 400);
  CHECK(sup_s->put("/api/v1/jurisdictions/S/mode", R"({"mode":"emergency","why":1})").status == 400);
  CHECK(sup_s->put("/api/v1/jurisdictions/S/mode", R"({"mode":"emerg)").status == 400);

  auto on = sup_s->put("/api/v1/jurisdictions/S/mode", emergency);
  REQUIRE(on.status == 200);
  CHECK(on.json().at("mode").as_string() == "emergency");
  CHECK(on.json().at("level").as_string() == "street");

  auto listed = sup_s->get("/api/v1/jurisdictions");
  REQUIRE(listed.status == 200);
  const auto codes = codes_of(listed);
  CHECK(std::find(codes.begin(), codes.end(), "D") != codes.end());  // the chain above, for names
  CHECK(std::find(codes.begin(), codes.end(), "C1") != codes.end());
  CHECK(std::find(codes.begin(), codes.end(), "S2") == codes.end());
  const auto listed_body = listed.json();
  for (const auto& j : listed_body.at("jurisdictions").as_array())
    if (j.at("code").as_string() == "S") CHECK(j.at("mode").as_string() == "emergency");
  const auto worker_codes = codes_of(w1->get("/api/v1/jurisdictions"));
  CHECK(worker_codes == std::vector<std::string>{"C1", "D", "S"});

  // A new yellow case in the street is raised to orange, its deadlines halved.
  auto raised = op->post("/api/v1/cases", case_body(0, 0, "yellow"));
  REQUIRE(raised.status == 201);
  const auto r = raised.json();
  CHECK(r.at("urgency").as_string() == "orange");
  CHECK(millis(r.at("accept_by")) - millis(r.at("created_at")) == kHour);
  CHECK(millis(r.at("resolve_by")) - millis(r.at("created_at")) == 12 * kHour);

  REQUIRE(admin->put("/api/v1/jurisdictions/S/mode", normal).status == 200);
  auto plain = op->post("/api/v1/cases", case_body(0, 0, "yellow"));
  REQUIRE(plain.status == 201);
  CHECK(plain.json().at("urgency").as_string() == "yellow");
  CHECK(millis(plain.json().at("accept_by")) - millis(plain.json().at("created_at")) == 24 * kHour);
}

TEST_CASE("deferral through the API pauses the clock; category deadlines apply to new cases", "[web][escalation]") {
  ServerFixture f;
  auto op = f.client("op"), w1 = f.client("w1"), admin = f.client("admin");
  auto made = op->post("/api/v1/cases", case_body(0, 0));
  REQUIRE(made.status == 201);
  const auto id = made.json().at("id").as_int64();
  const std::string path = "/api/v1/cases/" + std::to_string(id) + "/transitions";

  auto accepted = w1->post(path, transition(1, "accept"));
  REQUIRE(accepted.status == 200);
  const auto resolve_by = millis(accepted.json().at("resolve_by"));
  CHECK(w1->post(path, transition(2, "request_deferral")).status == 422);  // needs a reason
  REQUIRE(w1->post(path, transition(2, "request_deferral", "等待业主回家")).status == 200);
  CHECK(w1->post(path, transition(3, "defer", "同意")).status == 403);  // a worker cannot approve
  auto deferred = op->post(path, transition(3, "defer", "同意延期"));
  REQUIRE(deferred.status == 200);
  // The case says it is paused, and since when, so that screens stop its countdown.
  CHECK(deferred.json().at("deferred").as_bool());
  CHECK(millis(deferred.json().at("paused_at")) == millis(deferred.json().at("updated_at")));
  CHECK(op->post(path, transition(4, "defer", "again")).status == 409);

  f.clock.advance(10 * kDay);  // far past every deadline: nothing happens while paused
  CHECK(f.center->tick() == 0);
  op = f.client("op");  // the logins of ten days ago have expired
  admin = f.client("admin");
  auto resumed = op->post(path, transition(4, "resume"));
  REQUIRE(resumed.status == 200);
  CHECK(!resumed.json().at("overdue").as_bool());
  CHECK(resumed.json().at("paused_at").is_null());
  CHECK(resumed.json().at("deferred").as_bool());  // it was deferred once: left out of the assessment
  CHECK(millis(resumed.json().at("resolve_by")) == resolve_by + 10 * kDay);
  auto events = op->get("/api/v1/cases/" + std::to_string(id)).json().at("events").as_array();
  std::vector<std::string> types;
  for (const auto& e : events) types.emplace_back(e.at("type").as_string());
  CHECK(types == std::vector<std::string>{"created", "register", "accept", "request_deferral", "defer", "resume"});

  // An admin shortens yellow acceptance to an hour: the next case gets it, the old keeps its own.
  CHECK(op->put("/api/v1/categories/environment",
                R"({"name":"环境卫生","sla":{"yellow":{"accept_s":3600,"resolve_s":86400}}})")
            .status == 403);
  CHECK(admin
            ->put("/api/v1/categories/environment",
                  R"({"name":"环境卫生","sla":{"yellow":{"accept_s":0,"resolve_s":1}}})")
            .status == 422);
  auto changed = admin->put("/api/v1/categories/environment",
                            R"({"name":"环境卫生","sla":{"yellow":{"accept_s":3600,"resolve_s":86400}}})");
  REQUIRE(changed.status == 200);
  auto next = op->post("/api/v1/cases", case_body(0, 1));
  REQUIRE(next.status == 201);
  CHECK(millis(next.json().at("accept_by")) - millis(next.json().at("created_at")) == kHour);
  CHECK(millis(next.json().at("resolve_by")) - millis(next.json().at("created_at")) == kDay);
  const auto categories = op->get("/api/v1/categories").json();
  bool found = false;
  for (const auto& c : categories.at("categories").as_array())
    if (c.at("id").as_string() == "environment") {
      found = true;
      CHECK(c.at("sla").at("yellow").at("accept_s").as_int64() == 3600);
    }
  CHECK(found);
}
