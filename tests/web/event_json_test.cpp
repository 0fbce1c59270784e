// Case events in JSON: `type` and the typed fields of the events that carry data (the
// missed deadline, colours and tiers, the score, who the case was taken from and a grid's
// posts); `reason` stays as words for people.
#include <catch2/catch.hpp>

#include "fixture.hpp"
#include "web/json_codec.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {
const char* const kTypedKeys[] = {"deadline", "urgency_from", "urgency_to", "tier_from",     "tier_to",
                                  "score",    "paused_ms",    "rework",     "assignee_from", "owner_from",
                                  "owner_to", "backup_from",  "backup_to"};

int typed_keys(const json::object& o) {
  int n = 0;
  for (const char* key : kTypedKeys) n += o.contains(key);
  return n;
}

std::string transition(std::int64_t version, const std::string& action) {
  return R"({"action":")" + action + R"(","version":)" + std::to_string(version) + "}";
}

// The events of case `id` once one of type `type` is there (the engine's steps are stored
// a moment after the tick that made them).
json::array events_once(HttpClient& c, std::int64_t id, const std::string& type) {
  for (int i = 0; i < 200; ++i) {
    auto a = c.get("/api/v1/cases/" + std::to_string(id));
    REQUIRE(a.status == 200);
    auto events = a.json().at("events").as_array();
    for (const auto& e : events)
      if (e.at("type").as_string() == type) return events;
    std::this_thread::sleep_for(20ms);
  }
  FAIL("no " << type << " event in case " << id);
  return {};
}
std::vector<json::object> of_type(const json::array& events, const std::string& type) {
  std::vector<json::object> out;
  for (const auto& e : events)
    if (e.at("type").as_string() == type) out.push_back(e.as_object());
  return out;
}
}  // namespace

TEST_CASE("event JSON: typed fields on the events that carry data, none on the others", "[web][codec][events]") {
  dispatch::CaseEvent e;
  e.seq = 7;
  e.case_id = 3;
  e.type = dispatch::EventType::escalated;
  e.actor = "system";
  e.from_state = e.to_state = dispatch::CaseState::dispatched;
  e.assignee = "W1";
  e.deadline = dispatch::Deadline::accept;
  e.urgency_from = dispatch::Urgency::yellow, e.urgency_to = dispatch::Urgency::orange;
  e.tier_from = dispatch::Tier::worker, e.tier_to = dispatch::Tier::community;
  e.reason = "not accepted in time: yellow -> orange, worker -> community";
  auto o = web::event_json(e);
  CHECK(o.at("type").as_string() == "escalated");
  CHECK(o.at("deadline").as_string() == "accept");
  CHECK(o.at("urgency_from").as_string() == "yellow");
  CHECK(o.at("urgency_to").as_string() == "orange");
  CHECK(o.at("tier_from").as_string() == "worker");
  CHECK(o.at("tier_to").as_string() == "community");
  CHECK(o.at("reason").as_string() == e.reason);
  CHECK(typed_keys(o) == 5);

  dispatch::CaseEvent reminded;
  reminded.type = dispatch::EventType::reminded;
  reminded.deadline = dispatch::Deadline::resolve;
  o = web::event_json(reminded);
  CHECK(o.at("type").as_string() == "reminded");
  CHECK(o.at("deadline").as_string() == "resolve");
  CHECK(typed_keys(o) == 1);

  dispatch::CaseEvent rated;
  rated.type = dispatch::EventType::rated;
  rated.score = 4;
  o = web::event_json(rated);
  CHECK(o.at("score").as_int64() == 4);
  CHECK(typed_keys(o) == 1);

  dispatch::CaseEvent handover;
  handover.type = dispatch::EventType::handover;
  handover.assignee = "W7";
  handover.assignee_from = "W1";
  handover.posts = dispatch::PostChange{"W1", "W7", "", "W3"};
  o = web::event_json(handover);
  CHECK(o.at("type").as_string() == "handover");
  CHECK(o.at("assignee_id").as_string() == "W7");
  CHECK(o.at("assignee_from").as_string() == "W1");
  CHECK(o.at("owner_from").as_string() == "W1");
  CHECK(o.at("owner_to").as_string() == "W7");
  CHECK(o.at("backup_from").is_null());  // the B post was empty
  CHECK(o.at("backup_to").as_string() == "W3");
  CHECK(typed_keys(o) == 5);

  dispatch::CaseEvent accept;
  accept.type = dispatch::EventType::accept;
  o = web::event_json(accept);
  CHECK(o.at("type").as_string() == "accept");
  CHECK(typed_keys(o) == 0);
}

TEST_CASE("a case's history over the API carries the typed fields the engine recorded", "[web][events]") {
  ServerFixture f(month_long_logins());  // the clock moves on by days
  auto op = f.client("op"), w2 = f.client("w2"), admin = f.client("admin");

  // Left alone until the district is reminded.
  auto made = op->post("/api/v1/cases", case_body(0, 0, "red"));  // G0-0: W1
  REQUIRE(made.status == 201);
  const auto id = made.json().at("id").as_int64();
  for (int i = 0; i < 12; ++i) {
    auto due = f.center->next_due_at();
    REQUIRE(due);
    f.clock.set(*due);
    f.center->tick();
  }
  auto events = events_once(*op, id, "reminded");
  const auto escalated = of_type(events, "escalated");
  REQUIRE(escalated.size() == 3);
  const char* tiers[] = {"worker", "community", "street", "district"};
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("escalation " << i);
    CHECK(escalated[i].at("deadline").as_string() == "accept");
    CHECK(escalated[i].at("urgency_from").as_string() == "red");
    CHECK(escalated[i].at("urgency_to").as_string() == "red");
    CHECK(escalated[i].at("tier_from").as_string() == tiers[i]);
    CHECK(escalated[i].at("tier_to").as_string() == tiers[i + 1]);
  }
  CHECK(escalated[0].at("reason").as_string() == "not accepted in time: red -> red, worker -> community");
  const auto reminded = of_type(events, "reminded");
  CHECK(reminded.front().at("deadline").as_string() == "accept");
  CHECK(of_type(events, "warned").front().at("deadline").as_string() == "accept");

  // The grid's posts change: the case goes from W1 to the new owner.
  REQUIRE(admin->put("/api/v1/grids/G0-0/owners", R"({"owner_id":"W7","backup_id":"W3"})").status == 200);
  events = events_once(*op, id, "handover");
  const auto handover = of_type(events, "handover").front();
  CHECK(handover.at("assignee_id").as_string() == "W7");
  CHECK(handover.at("assignee_from").as_string() == "W1");
  CHECK(handover.at("owner_from").as_string() == "W1");
  CHECK(handover.at("owner_to").as_string() == "W7");
  CHECK(handover.at("backup_from").as_string() == "W2");
  CHECK(handover.at("backup_to").as_string() == "W3");

  // A closed case rated by the operator.
  auto second = op->post("/api/v1/cases", case_body(0, 1));  // G0-1: W2
  REQUIRE(second.status == 201);
  REQUIRE(second.json().at("assignee_id").as_string() == "W2");
  const auto other = second.json().at("id").as_int64();
  const std::string path = "/api/v1/cases/" + std::to_string(other) + "/transitions";
  REQUIRE(w2->post(path, transition(1, "accept")).status == 200);
  REQUIRE(w2->post(path, transition(2, "resolve")).status == 200);
  REQUIRE(op->post(path, transition(3, "close")).status == 200);
  REQUIRE(op->post("/api/v1/cases/" + std::to_string(other) + "/rating", R"({"score":4})").status == 201);
  events = events_once(*op, other, "rated");
  const auto rated = of_type(events, "rated").front();
  CHECK(rated.at("score").as_int64() == 4);
  CHECK(rated.at("reason").as_string() == "score 4");
  for (const auto& e : of_type(events, "accept")) CHECK(typed_keys(e) == 0);
}
