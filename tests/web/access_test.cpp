// What the server says a reader may do, and what it then lets the reader do: for every
// role, a case in every kind of state is read, and every action is tried on it; an action
// succeeds exactly when the case listed it in `allowed_actions` (the tries bring the note
// and the worker a step needs). And /route names the worker intake then gives the case.
#include <catch2/catch.hpp>
#include <set>

#include "fixture.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;
namespace json = boost::json;

namespace {
const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + "pixels";
const std::vector<std::string> kUsers = {"admin", "op", "op_s", "op_s2", "sup_c1", "sup_c2", "w1", "w2", "w9"};
const std::vector<std::string> kActs = {
    "register",         "accept", "resolve", "close", "reopen", "return", "cancel", "reassign",
    "request_deferral", "defer",  "resume",  "note",  "photo",  "rate",   "urge"};

std::set<std::string> allowed_of(const json::value& c) {
  std::set<std::string> out;
  for (const auto& a : c.at("allowed_actions").as_array()) out.emplace(a.as_string());
  return out;
}

dispatch::Actor as_worker(const char* id) { return {90, "w", dispatch::Role::worker, "", id}; }
const dispatch::Actor kAdmin{91, "admin", dispatch::Role::admin, "", ""};

// Cases in the kinds of state a reader meets, made through the center: all in grid G0-0
// (community C1, street S), with W1.
struct Cases {
  ServerFixture& f;

  dispatch::Case step(const dispatch::Case& c, dispatch::Action a, const dispatch::Actor& who,
                      std::string note = "说明") {
    auto r = f.center->transition_and_wait(c.id, {a, c.version, std::move(note), std::nullopt}, who);
    REQUIRE(r.ok());
    return *r;
  }

  dispatch::Case make(const std::string& kind) {
    using A = dispatch::Action;
    dispatch::IntakeRequest r;
    r.lon = 118.305;
    r.lat = 24.605;
    r.category = "environment";
    r.title = "case " + kind;
    if (kind == "escalated") r.urgency = dispatch::Urgency::red;  // the shortest deadline to accept
    auto c = f.center->intake_and_wait(r, dispatch::Actor{});
    REQUIRE(c.ok());
    REQUIRE(c->assignee == "W1");
    if (kind == "dispatched") return *c;
    if (kind == "escalated") {
      f.clock.advance(*c->accept_by - f.clock.now() + 1000);  // past the deadline to accept
      f.center->tick();
      auto now = f.center->get_case(c->id, dispatch::Actor{});
      REQUIRE(now.ok());
      REQUIRE(now->tier == dispatch::Tier::community);
      return *now;
    }
    if (kind == "returned") return step(*c, A::return_case, as_worker("W1"));
    auto accepted = step(*c, A::accept, as_worker("W1"));
    if (kind == "accepted") return accepted;
    if (kind == "paused") return step(accepted, A::defer, kAdmin);
    auto resolved = step(accepted, A::resolve, as_worker("W1"));
    if (kind == "resolved") return resolved;
    REQUIRE(kind == "closed");
    return step(resolved, A::close, kAdmin);
  }
};

// Tries `act` on case `id` at `version` as `client`: a transition with a note and, for
// register and reassign, a worker of C1 other than W1; a photo; a rating.
Answer attempt(HttpClient& client, const std::string& act, std::int64_t id, std::int64_t version) {
  const auto base = "/api/v1/cases/" + std::to_string(id);
  if (act == "photo") return client.request("POST", base + "/photos", kPng, "image/png");
  if (act == "rate") return client.post(base + "/rating", R"({"score":4,"note":"满意"})");
  json::object body{{"action", act}, {"version", version}, {"note", "说明"}};
  if (act == "register" || act == "reassign") body["assignee_id"] = "W7";
  return client.post(base + "/transitions", json::serialize(body));
}
}  // namespace

TEST_CASE("each role may take exactly the actions allowed_actions lists", "[web][access]") {
  ServerFixture f(month_long_logins());  // the clock moves for escalations
  Cases cases{f};
  std::map<std::string, std::unique_ptr<HttpClient>> as;
  for (const auto& u : kUsers) {
    as[u] = f.client(u);
    REQUIRE_FALSE(as[u]->token.empty());
  }
  // Who reads a case of G0-0 held by W1 (the authorisation matrix's C1).
  const std::set<std::string> readers = {"admin", "op", "op_s", "sup_c1", "w1"};
  int allowed_somewhere = 0, refused = 0;

  for (const std::string kind : {"dispatched", "accepted", "resolved", "closed", "returned", "paused", "escalated"})
    for (const auto& u : kUsers) {
      auto& client = *as[u];
      std::optional<dispatch::Case> c;
      bool compared_list = false;
      for (const auto& act : kActs) {
        if (!c) c = cases.make(kind);
        INFO(u << " on a " << kind << " case #" << c->id << ": " << act);
        const auto read = client.get("/api/v1/cases/" + std::to_string(c->id));
        // A worker does not see a case returned to the operator, even its own.
        const bool reads = readers.count(u) && !(u == "w1" && kind == "returned");
        REQUIRE(read.status == (reads ? 200 : 404));
        std::set<std::string> allowed;
        std::int64_t version = c->version;
        if (reads) {
          allowed = allowed_of(read.json());
          version = read.json().at("version").as_int64();
          if (!compared_list) {
            // The list says the same as the case itself.
            auto list = client.get("/api/v1/cases?limit=500&state=" + std::string(to_string(c->state)));
            REQUIRE(list.status == 200);
            bool found = false;
            const auto listed = list.json();
            for (const auto& item : listed.at("cases").as_array())
              if (item.at("id").as_int64() == c->id) {
                found = true;
                CHECK(allowed_of(item) == allowed);
              }
            CHECK(found);
            compared_list = true;
          }
        }
        const auto answer = attempt(client, act, c->id, version);
        const bool ok = answer.status >= 200 && answer.status < 300;
        INFO("-> " << answer.status << " " << answer.body.substr(0, 200));
        CHECK(ok == (allowed.count(act) > 0));
        if (!ok) {
          // Refused for who and what the case is, never for a field the try left out.
          CHECK((answer.status == 403 || answer.status == 404 || answer.status == 409));
          ++refused;
          continue;
        }
        ++allowed_somewhere;
        if (act != "photo") c.reset();  // used up: the next action gets a fresh case
        if (act != "photo" && act != "rate") {
          // The answer to a step says what the reader may do next, as a read then does.
          const auto after = client.get("/api/v1/cases/" + std::to_string(answer.json().at("id").as_int64()));
          if (after.status == 200) CHECK(allowed_of(answer.json()) == allowed_of(after.json()));
        }
      }
    }
  // Every reader had something to do somewhere, and much was refused.
  CHECK(allowed_somewhere > 30);
  CHECK(refused > 300);
}

TEST_CASE("a case's readers are told what they may do, live and on intake", "[web][access]") {
  ServerFixture f;
  auto op = f.client("op");
  FeedListener w1(f.port, f.login("w1"));
  REQUIRE(w1.wait_for([](const json::value& m) { return m.at("type").as_string() == "feed.ready"; }));
  auto made = op->post("/api/v1/cases", case_body(0, 0));  // G0-0: W1
  REQUIRE(made.status == 201);
  const auto id = made.json().at("id").as_int64();
  CHECK(allowed_of(made.json()) == std::set<std::string>{"reassign", "cancel", "defer", "photo"});
  auto about = [id](const std::string& type) {
    return [id, type](const json::value& m) {
      return m.at("type").as_string() == type && m.at("case").at("id").as_int64() == id;
    };
  };
  auto arrived = w1.wait_for(about("case.created"));
  REQUIRE(arrived);
  CHECK(allowed_of(arrived->at("case")) ==
        std::set<std::string>{"accept", "return", "request_deferral", "note", "photo"});
  // Re-dispatched to W7: W1 hears of it, and may do nothing more to it.
  auto moved = op->post("/api/v1/cases/" + std::to_string(id) + "/transitions",
                        R"({"action":"reassign","version":1,"assignee_id":"W7"})");
  REQUIRE(moved.status == 200);
  auto gone = w1.wait_for(about("case.updated"));
  REQUIRE(gone);
  CHECK(gone->at("case").at("assignee_id").as_string() == "W7");
  CHECK(gone->at("case").at("allowed_actions").as_array().empty());
}

TEST_CASE("/route names the worker intake then gives the case", "[web][access]") {
  ServerFixture f;
  auto op = f.client("op");
  auto admin = f.client("admin");
  // Grid G0-1 (community C1, street S): owner W2, backup W3; W1 and W7 are C1's others.
  const std::string at = "lon=118.315&lat=24.605";
  auto same = [&](const std::string& rule) {
    auto route = op->get("/api/v1/route?" + at);
    REQUIRE(route.status == 200);
    const auto r = route.json();
    CHECK(r.at("grid_id").as_string() == "G0-1");
    CHECK(r.at("owner_id").as_string() == "W2");  // the contract's field, whoever is on duty
    CHECK(r.at("assignment").as_string() == rule);
    CHECK_FALSE(r.at("assignment_reason").as_string().empty());
    auto made = op->post("/api/v1/cases", case_body(0, 1));
    REQUIRE(made.status == 201);
    CHECK(made.json().at("assignee_id") == r.at("worker_id"));
    return r.at("worker_id").is_null() ? std::string{} : std::string(r.at("worker_id").as_string());
  };
  auto status = [&](const char* w, const char* s) {
    REQUIRE(
        op->put(std::string("/api/v1/workers/") + w + "/status", std::string(R"({"status":")") + s + "\"}").status ==
        200);
  };

  CHECK(same("owner") == "W2");
  status("W2", "off_duty");
  CHECK(same("backup") == "W3");
  status("W2", "leave");
  CHECK(same("backup") == "W3");
  status("W3", "off_duty");
  const auto first = same("least_loaded"), second = same("least_loaded");
  CHECK(std::set<std::string>{first, second} == std::set<std::string>{"W1", "W7"});
  status("W1", "off_duty");
  status("W7", "leave");
  CHECK(same("unassigned").empty());
  // Emergency mode on street S: community C2's workers stand in.
  REQUIRE(admin->put("/api/v1/jurisdictions/S/mode", R"({"mode":"emergency"})").status == 200);
  const auto pooled = same("emergency_pool");
  CHECK((pooled == "W4" || pooled == "W5" || pooled == "W6"));
  CHECK(op->get("/api/v1/route?" + at).json().at("emergency").as_bool());
  status("W2", "on_duty");
  CHECK(same("owner") == "W2");

  // Who would get the case is told only to those who see the grid.
  auto outside = f.client("sup_c2")->get("/api/v1/route?" + at);
  REQUIRE(outside.status == 200);
  CHECK(outside.json().at("worker_id").is_null());
  CHECK(outside.json().at("assignment").is_null());
  auto holder = f.client("w2")->get("/api/v1/route?" + at);
  CHECK(holder.json().at("worker_id").as_string() == "W2");
}
