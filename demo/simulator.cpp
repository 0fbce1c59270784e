#include "demo/simulator.hpp"

#include <boost/url/parse.hpp>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <thread>

#include "demo/api_client.hpp"
#include "geo/geojson.hpp"

namespace gridkeeper::demo {

namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using api::Answer;
using api::number_of;
using api::parse_time;
using api::text_of;
using Steady = std::chrono::steady_clock;
using dispatch::Millis;

Millis wall_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct GridShape {
  geo::MultiPolygon shape;
  geo::BBox box;
};

// What the simulator knows of a case.
struct Known {
  std::string state, assignee, urgency;
  std::int64_t version = 0;
  std::optional<Millis> accept_by, resolve_by;
  bool overdue = false;
};

enum class Step { accept, resolve, close };

struct Task {
  Steady::time_point at;
  std::int64_t id;
  Step step;
  bool operator>(const Task& o) const { return at > o.at; }
};

class Simulation {
 public:
  Simulation(const SimulatorOptions& o, std::string host, std::string port)
      : o_(o), client_(std::move(host), std::move(port)), random_(o.seed) {}

  dispatch::Result<SimulatorReport> run() {
    operator_token_ = login(o_.operator_username);
    if (operator_token_.empty())
      return dispatch::make_error(dispatch::ErrorCode::unauthenticated,
                                  "cannot log in as " + o_.operator_username + " at " + o_.url + ": " + last_error_);
    if (auto e = load_grids()) return *e;
    say("simulating " + format(o_.cases_per_minute) + " cases a minute over " + std::to_string(grids_.size()) +
        " grids" + (o_.seconds > 0 ? " for " + format(o_.seconds) + " s" : " until stopped"));
    const auto start = Steady::now();
    const auto end = o_.seconds > 0 ? start + std::chrono::milliseconds(static_cast<Millis>(o_.seconds * 1000))
                                    : Steady::time_point::max();
    auto next_case = start + gap();
    auto next_pickup = start + std::chrono::seconds(3);
    while (!stopped() && Steady::now() < end) {
      const auto now = Steady::now();
      if (now >= next_case) {
        take_in();
        next_case += gap();
      }
      if (now >= next_pickup) {
        pick_up();
        next_pickup = Steady::now() + std::chrono::seconds(30);
      }
      while (!tasks_.empty() && tasks_.top().at <= Steady::now() && !stopped()) {
        const Task t = tasks_.top();
        tasks_.pop();
        act(t);
      }
      auto wake = std::min({next_case, next_pickup, end, Steady::now() + std::chrono::milliseconds(200)});
      if (!tasks_.empty()) wake = std::min(wake, tasks_.top().at);
      std::this_thread::sleep_until(wake);
    }
    say("done: " + std::to_string(report_.cases) + " cases taken in, " + std::to_string(report_.accepted) +
        " accepted, " + std::to_string(report_.resolved) + " resolved, " + std::to_string(report_.closed) +
        " closed, " + std::to_string(report_.late) + " late, " + std::to_string(report_.failures) + " refused");
    return report_;
  }

 private:
  bool stopped() const { return o_.stop_requested && o_.stop_requested(); }
  void say(const std::string& line) const {
    if (o_.log) o_.log(line);
  }
  static std::string format(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
  }
  double uniform(double lo, double hi) { return lo + (hi - lo) * static_cast<double>(random_() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return uniform(0, 1) < p; }
  // A reaction time of the simulated people, at the chosen speed.
  Steady::duration seconds(double lo, double hi) {
    return std::chrono::milliseconds(static_cast<Millis>(uniform(lo, hi) * 1000 / std::max(o_.speed, 1e-3)));
  }
  // Poisson arrivals at the asked rate.
  Steady::duration gap() {
    const double per_second = std::max(o_.cases_per_minute, 1e-6) / 60;
    return std::chrono::milliseconds(static_cast<Millis>(-std::log(1 - uniform(0, 1)) / per_second * 1000));
  }

  void failed(const std::string& what, const Answer& a) {
    ++report_.failures;
    report_.last_failure = what + ": " + a.error();
    say(report_.last_failure);
  }

  std::string login(const std::string& username) {
    json::object body{{"username", username}, {"password", o_.password}};
    const auto a = client_.request(http::verb::post, "/api/v1/auth/login", json::serialize(body), {});
    if (a.status != 200) {
      last_error_ = a.error();
      return {};
    }
    return text_of(a.object(), "token");
  }

  // The token of a worker, logging in on first use (or when the last one expired).
  std::string worker_token(const std::string& worker, bool fresh = false) {
    auto& token = worker_tokens_[worker];
    if ((token.empty() || fresh) && o_.worker_username) token = login(o_.worker_username(worker));
    return token;
  }

  // As the operator (again after a fresh login when the token has expired).
  Answer as_operator(http::verb method, const std::string& target, const std::string& body = {}) {
    auto a = client_.request(method, target, body, operator_token_);
    if (a.status == 401) {
      operator_token_ = login(o_.operator_username);
      a = client_.request(method, target, body, operator_token_);
    }
    return a;
  }

  dispatch::Status load_grids() {
    const auto a = as_operator(http::verb::get, "/api/v1/grids");
    if (a.status != 200)
      return dispatch::make_error(dispatch::ErrorCode::not_found, "cannot read the grids: " + a.error());
    const auto o = a.object();
    const auto* features = o.if_contains("features");
    if (!features || !features->is_array()) return dispatch::make_error(dispatch::ErrorCode::not_found, "no grids");
    for (const auto& f : features->as_array()) {
      if (!f.is_object()) continue;
      const auto* g = f.as_object().if_contains("geometry");
      const auto* p = f.as_object().if_contains("properties");
      if (!g || !p || !p->is_object()) continue;
      auto shape = geo::read_geometry(json::serialize(*g));
      if (!shape) continue;
      const auto people = number_of(p->as_object(), "population");
      grids_.push_back({std::move(*shape), {}});
      grids_.back().box = geo::bbox_of(grids_.back().shape);
      total_people_ += static_cast<double>(std::max<std::int64_t>(people, 1));
      cumulative_.push_back(total_people_);
    }
    if (grids_.empty()) return dispatch::make_error(dispatch::ErrorCode::not_found, "the server has no grids");
    return std::nullopt;
  }

  // A point where people live: a grid by its population, a point inside it.
  std::optional<geo::Point> somewhere() {
    const auto k = static_cast<std::size_t>(
        std::upper_bound(cumulative_.begin(), cumulative_.end(), uniform(0, total_people_)) - cumulative_.begin());
    const auto& g = grids_[std::min(k, grids_.size() - 1)];
    for (int attempt = 0; attempt < 200; ++attempt) {
      const geo::Point p{uniform(g.box.min_lon, g.box.max_lon), uniform(g.box.min_lat, g.box.max_lat)};
      if (geo::inside_rings(g.shape, p))
        return geo::Point{std::round(p.lon * 1e6) / 1e6, std::round(p.lat * 1e6) / 1e6};
    }
    return std::nullopt;
  }

  void take_in() {
    const auto at = somewhere();
    if (!at || !o_.write_case) return;
    const auto r = o_.write_case(at->lon, at->lat);
    json::object body{{"lon", r.lon},
                      {"lat", r.lat},
                      {"crs", "wgs84"},
                      {"category", r.category},
                      {"urgency", std::string(dispatch::to_string(r.urgency))},
                      {"title", r.title},
                      {"description", r.description},
                      {"address", r.address},
                      {"source", r.source},
                      {"reporter", json::object{{"name", r.reporter.name}, {"phone", r.reporter.phone}}}};
    const auto a = as_operator(http::verb::post, "/api/v1/cases", json::serialize(body));
    if (a.status != 201) return failed("taking in a case", a);
    ++report_.cases;
    const auto c = a.object();
    const auto id = number_of(c, "id");
    remember(id, c);
    say("case " + std::to_string(id) + " taken in: " + r.title + " [" + text_of(c, "urgency") + ", " + r.category +
        "] grid " + text_of(c, "grid_id") + " -> " +
        (known_[id].assignee.empty() ? "unassigned" : known_[id].assignee));
    plan(id);
  }

  void remember(std::int64_t id, const json::object& c) {
    auto& k = known_[id];
    k.state = text_of(c, "state");
    k.assignee = text_of(c, "assignee_id");
    k.urgency = text_of(c, "urgency");
    k.version = number_of(c, "version");
    k.accept_by = parse_time(c.if_contains("accept_by"));
    k.resolve_by = parse_time(c.if_contains("resolve_by"));
    const auto* overdue = c.if_contains("overdue");
    k.overdue = overdue && overdue->is_bool() && overdue->as_bool();
  }

  // When the next step is due: most workers act within minutes, some only after the
  // deadline has passed (so the case is warned and escalated first).
  Steady::time_point due(const std::optional<Millis>& deadline, double lo, double hi) {
    const auto now = Steady::now();
    const Millis left = deadline ? *deadline - wall_now() : 0;
    if (deadline && left > 0 && chance(o_.late_share)) return now + std::chrono::milliseconds(left) + seconds(5, 60);
    const auto soon = seconds(lo, hi);
    if (deadline && left > 0) return now + std::min<Steady::duration>(soon, std::chrono::milliseconds(left * 6 / 10));
    return now + soon;
  }

  void plan(std::int64_t id) {
    const auto& k = known_[id];
    if (k.state == "dispatched" && !k.assignee.empty()) tasks_.push({due(k.accept_by, 15, 120), id, Step::accept});
    else if (k.state == "accepted" && !k.assignee.empty()) tasks_.push({due(k.resolve_by, 60, 420), id, Step::resolve});
    else if (k.state == "resolved") tasks_.push({Steady::now() + seconds(20, 150), id, Step::close});
  }

  // Cases already open on the server join in, a few at a time.
  void pick_up() {
    for (const char* state : {"dispatched", "accepted", "resolved"}) {
      const auto a = as_operator(http::verb::get, std::string("/api/v1/cases?limit=50&state=") + state);
      if (a.status != 200) return failed("listing cases", a);
      const auto o = a.object();
      if (const auto* items = o.if_contains("cases"); items && items->is_array()) pick_from(items->as_array());
    }
  }
  void pick_from(const json::array& cases) {
    int taken = 0;
    for (const auto& v : cases) {
      if (!v.is_object() || taken >= 2) continue;
      const auto id = number_of(v.as_object(), "id");
      if (id == 0 || known_.count(id) || !chance(0.3)) continue;
      remember(id, v.as_object());
      plan(id);
      ++taken;
      ++report_.picked_up;
    }
  }

  void refresh(std::int64_t id) {
    const auto a = as_operator(http::verb::get, "/api/v1/cases/" + std::to_string(id));
    if (a.status == 200) remember(id, a.object());
  }

  void act(const Task& t) {
    auto it = known_.find(t.id);
    if (it == known_.end()) return;
    const char* action = t.step == Step::accept ? "accept" : t.step == Step::resolve ? "resolve" : "close";
    const bool by_worker = t.step != Step::close;
    auto send = [&](const std::string& token) {
      json::object body{{"action", action}, {"version", it->second.version}};
      if (t.step == Step::resolve) body["note"] = "已处置完毕，现场已拍照留档";
      if (t.step == Step::close) body["note"] = "核查属实，予以结案";
      return client_.request(http::verb::post, "/api/v1/cases/" + std::to_string(t.id) + "/transitions",
                             json::serialize(body), token);
    };
    Answer a;
    if (by_worker) {
      const auto worker = it->second.assignee;
      a = send(worker_token(worker));
      if (a.status == 401) a = send(worker_token(worker, true));
    } else {
      a = send(operator_token_);
      if (a.status == 401) {
        operator_token_ = login(o_.operator_username);
        a = send(operator_token_);
      }
    }
    if (a.status == 409 || a.status == 403 || a.status == 404) {
      // Moved on meanwhile (escalated, handed over, closed): look again and plan anew.
      refresh(t.id);
      if (known_[t.id].state != "closed" && known_[t.id].state != "cancelled" && a.status != 404) plan(t.id);
      return;
    }
    if (a.status != 200) return failed(std::string(action) + " case " + std::to_string(t.id), a);
    const bool was_overdue = it->second.overdue;
    remember(t.id, a.object());
    auto& k = known_[t.id];
    std::string line = "case " + std::to_string(t.id) + " " + action + (t.step == Step::close ? "d" : "ed") +
                       (by_worker ? " by " + k.assignee : " by " + o_.operator_username);
    if (by_worker && (k.overdue || was_overdue)) {
      ++report_.late;
      line += " (late: escalated to " + k.urgency + ")";
    }
    say(line);
    ++(t.step == Step::accept ? report_.accepted : t.step == Step::resolve ? report_.resolved : report_.closed);
    plan(t.id);
  }

  const SimulatorOptions& o_;
  api::Client client_;
  std::mt19937_64 random_;
  std::string operator_token_, last_error_;
  std::map<std::string, std::string> worker_tokens_;
  std::vector<GridShape> grids_;
  std::vector<double> cumulative_;
  double total_people_ = 0;
  std::map<std::int64_t, Known> known_;
  std::priority_queue<Task, std::vector<Task>, std::greater<>> tasks_;
  SimulatorReport report_;
};

}  // namespace

dispatch::Result<SimulatorReport> run_simulator(const SimulatorOptions& o) {
  auto url = boost::urls::parse_uri(o.url);
  if (!url || url->scheme() != "http" || url->host().empty())
    return dispatch::make_error(dispatch::ErrorCode::invalid_value, "the url must be http://HOST:PORT, not " + o.url,
                                "url");
  if (!(o.cases_per_minute > 0) || o.cases_per_minute > 6000)
    return dispatch::make_error(dispatch::ErrorCode::invalid_value,
                                "the rate must be between 0 and 6000 cases a minute", "rate");
  std::string host = url->host();
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const std::string port = url->has_port() ? std::string(url->port()) : "80";
  return Simulation(o, host, port).run();
}

}  // namespace gridkeeper::demo
