#include "web/api.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/url/parse.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <malloc.h>
#include <map>
#include <set>
#include <unordered_map>

#include "web/blocking_pool.hpp"
#include "web/csv.hpp"
#include "web/json_codec.hpp"
#include "web/limits.hpp"
#include "web/live_feed.hpp"
#include "web/map_layers.hpp"
#include "web/metrics.hpp"
#include "web/open311.hpp"
#include "web/openapi.hpp"
#include "web/stats.hpp"
#include "web/text.hpp"
#include "web/ui_policy.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::Actor;
using dispatch::ErrorCode;
using dispatch::make_error;
using dispatch::Role;

namespace {
constexpr std::size_t kMaxStaticFile = 10u << 20;

// One request on its way through the API.
struct Call {
  Request request;
  Reply reply;
  Resume resume;
  std::vector<std::string> path;  // decoded segments
  std::vector<std::pair<std::string, std::string>> query;
  std::shared_ptr<const dispatch::User> user;
  std::string token_hash;
  std::size_t route = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::atomic<bool> answered{false};
  std::shared_ptr<void> ticket;  // a place among the user's heavy requests, given back with the answer

  const std::string* param(std::string_view name) const {
    const std::string* found = nullptr;
    for (const auto& [k, v] : query)
      if (k == name) found = &v;
    return found;
  }
  Actor actor() const { return user->actor(); }
};
using CallPtr = std::shared_ptr<Call>;

std::optional<std::int64_t> parse_id(std::string_view s) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

dispatch::Result<double> parse_number(const std::string* s, const char* name) {
  if (!s || s->empty()) return make_error(ErrorCode::bad_request, std::string(name) + " is required", name);
  double v = 0;
  auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec == std::errc::result_out_of_range)
    return make_error(ErrorCode::invalid_value, std::string(name) + " is out of range", name);
  if (ec != std::errc() || ptr != s->data() + s->size())
    return make_error(ErrorCode::bad_request, std::string(name) + " must be a number", name);
  if (!std::isfinite(v))
    return make_error(ErrorCode::invalid_value, std::string(name) + " must be a finite number", name);
  return v;
}

std::optional<bool> parse_flag(const std::string& s) {
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  return std::nullopt;
}

std::string bearer_token(std::string_view header) {
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != std::tolower(static_cast<unsigned char>(kScheme[i])))
      return {};
  header.remove_prefix(kScheme.size());
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  return std::string(header);
}

std::string media_type(std::string_view content_type) {
  std::string t(content_type.substr(0, content_type.find(';')));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  return t;
}

bool looks_like(std::string_view type, std::string_view bytes) {
  if (type == "image/jpeg") return bytes.size() >= 3 && bytes.substr(0, 3) == "\xFF\xD8\xFF";
  if (type == "image/png") return bytes.size() >= 8 && bytes.substr(0, 8) == "\x89PNG\r\n\x1A\n";
  return false;
}

std::string_view static_type(std::string_view path) {
  const auto dot = path.rfind('.');
  const auto ext = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {{"html", "text/html; charset=utf-8"},
                                                                             {"js", "text/javascript; charset=utf-8"},
                                                                             {"mjs", "text/javascript; charset=utf-8"},
                                                                             {"css", "text/css; charset=utf-8"},
                                                                             {"json", "application/json"},
                                                                             {"geojson", "application/geo+json"},
                                                                             {"svg", "image/svg+xml"},
                                                                             {"png", "image/png"},
                                                                             {"jpg", "image/jpeg"},
                                                                             {"ico", "image/x-icon"},
                                                                             {"woff2", "font/woff2"},
                                                                             {"txt", "text/plain; charset=utf-8"}};
  for (auto [e, t] : kTypes)
    if (e == ext) return t;
  return "application/octet-stream";
}

struct Tally {
  std::array<std::array<std::int64_t, 3>, 3> by_urgency{};  // [urgency][open, warned, overdue]
  void add(const dispatch::Case& c) {
    auto& row = by_urgency[static_cast<std::size_t>(c.urgency)];
    ++row[0];
    row[1] += c.warned;
    row[2] += c.overdue;
  }
  json::object properties() const {
    std::array<std::int64_t, 3> total{};
    json::object by;
    json::value worst = nullptr;
    for (auto u : dispatch::kUrgencies) {
      const auto& row = by_urgency[static_cast<std::size_t>(u)];
      for (int k = 0; k < 3; ++k) total[k] += row[k];
      by[to_string(u)] = json::object{{"open", row[0]}, {"warned", row[1]}, {"overdue", row[2]}};
      if (row[0]) worst = to_string(u);
    }
    return json::object{{"open", total[0]},
                        {"warned", total[1]},
                        {"overdue", total[2]},
                        {"worst", worst},
                        {"by_urgency", std::move(by)}};
  }
};
}  // namespace

struct Api::Impl {
  using Handler = void (Impl::*)(const CallPtr&);
  struct Route {
    Method method;
    std::vector<std::string_view> pattern;  // "*" matches one segment
    std::string_view name;
    bool needs_user;
    Handler handler;
  };

  Impl(dispatch::Center& c, dispatch::Accounts& a, const dispatch::Clock& clk, Metrics& m, LiveFeed& f, ApiOptions o)
      : center(c),
        accounts(a),
        clock(clk),
        metrics(m),
        feed(f),
        options(std::move(o)),
        auth(a, clk, options.auth),
        pool(options.blocking_threads, options.blocking_queue),
        hashing(options.hashing_threads, options.hashing_queue),
        report_pool(options.report_threads, options.report_queue),
        public_pool(options.public_threads, options.public_queue),
        reports_per_user(options.reports_per_user),
        anonymous_reads(options.anonymous_reads_per_minute, options.anonymous_read_burst),
        unknown_tokens(options.unknown_tokens_per_minute, options.unknown_token_burst),
        layers(c),
        ui_policy(load_ui_policy(options.ui_dir, &ui_policy_warning)) {
    if (!ui_policy_warning.empty()) std::cerr << "gridkeeper serve: " << ui_policy_warning << "\n";
  }

  dispatch::Center& center;
  dispatch::Accounts& accounts;
  const dispatch::Clock& clock;
  Metrics& metrics;
  LiveFeed& feed;
  ApiOptions options;
  Auth auth;
  BlockingPool pool;
  BlockingPool hashing;  // logins only
  BlockingPool report_pool;  // heavy reads of staff
  BlockingPool public_pool;  // anonymous Open311 reads
  ConcurrencyLimit reports_per_user;
  RateLimiter anonymous_reads;
  RateLimiter unknown_tokens;  // per address
  MapLayers layers;
  std::string ui_policy_warning;
  UiPolicy ui_policy;  // the headers of the UI's files, from its config.json at start

  static const std::vector<Route>& routes() {
    static const std::vector<Route> table = {
        {Method::get, {"healthz"}, "GET /healthz", false, &Impl::healthz},
        {Method::get, {"metrics"}, "GET /metrics", false, &Impl::metrics_text},
        {Method::get, {"api", "v1", "openapi.json"}, "GET /api/v1/openapi.json", false, &Impl::openapi},
        {Method::post, {"api", "v1", "auth", "login"}, "POST /api/v1/auth/login", false, &Impl::login},
        {Method::post, {"api", "v1", "auth", "logout"}, "POST /api/v1/auth/logout", true, &Impl::logout},
        {Method::get, {"api", "v1", "auth", "me"}, "GET /api/v1/auth/me", true, &Impl::me},
        {Method::get, {"api", "v1", "route"}, "GET /api/v1/route", true, &Impl::route},
        {Method::post, {"api", "v1", "cases"}, "POST /api/v1/cases", true, &Impl::create_case},
        {Method::get, {"api", "v1", "cases"}, "GET /api/v1/cases", true, &Impl::list_cases},
        {Method::get, {"api", "v1", "cases", "*"}, "GET /api/v1/cases/{id}", true, &Impl::get_case},
        {Method::post,
         {"api", "v1", "cases", "*", "transitions"},
         "POST /api/v1/cases/{id}/transitions",
         true,
         &Impl::transition},
        {Method::post, {"api", "v1", "cases", "*", "photos"}, "POST /api/v1/cases/{id}/photos", true, &Impl::add_photo},
        {Method::get,
         {"api", "v1", "cases", "*", "photos", "*"},
         "GET /api/v1/cases/{id}/photos/{photo}",
         true,
         &Impl::get_photo},
        {Method::get, {"api", "v1", "grids"}, "GET /api/v1/grids", true, &Impl::grids},
        {Method::put, {"api", "v1", "grids", "*", "owners"}, "PUT /api/v1/grids/{id}/owners", true, &Impl::grid_owners},
        {Method::get, {"api", "v1", "overdue-map"}, "GET /api/v1/overdue-map", true, &Impl::overdue_map},
        {Method::get, {"api", "v1", "workers"}, "GET /api/v1/workers", true, &Impl::workers},
        {Method::put,
         {"api", "v1", "workers", "*", "status"},
         "PUT /api/v1/workers/{id}/status",
         true,
         &Impl::worker_status},
        {Method::get, {"api", "v1", "jurisdictions"}, "GET /api/v1/jurisdictions", true, &Impl::jurisdictions},
        {Method::put,
         {"api", "v1", "jurisdictions", "*", "mode"},
         "PUT /api/v1/jurisdictions/{code}/mode",
         true,
         &Impl::set_mode},
        {Method::get, {"api", "v1", "categories"}, "GET /api/v1/categories", true, &Impl::categories},
        {Method::put, {"api", "v1", "categories", "*"}, "PUT /api/v1/categories/{id}", true, &Impl::put_category},
        {Method::post, {"api", "v1", "cases", "*", "rating"}, "POST /api/v1/cases/{id}/rating", true, &Impl::rate_case},
        {Method::get, {"api", "v1", "stats", "assessment"}, "GET /api/v1/stats/assessment", true, &Impl::assessment},
        {Method::get, {"api", "v1", "stats", "trends"}, "GET /api/v1/stats/trends", true, &Impl::trends},
        {Method::get, {"api", "v1", "settings", "assessment"}, "GET /api/v1/settings/assessment", true, &Impl::get_rules},
        {Method::put, {"api", "v1", "settings", "assessment"}, "PUT /api/v1/settings/assessment", true, &Impl::put_rules},
        {Method::get, {"api", "v1", "open311-keys"}, "GET /api/v1/open311-keys", true, &Impl::list_client_keys},
        {Method::post, {"api", "v1", "open311-keys"}, "POST /api/v1/open311-keys", true, &Impl::add_client_key},
        {Method::delete_,
         {"api", "v1", "open311-keys", "*"},
         "DELETE /api/v1/open311-keys/{id}",
         true,
         &Impl::revoke_client_key},
        {Method::get, {"open311", "v2", "services.json"}, "GET /open311/v2/services.json", false, &Impl::open311_services},
        {Method::get, {"open311", "v2", "services", "*"}, "GET /open311/v2/services/{code}.json", false, &Impl::open311_service},
        {Method::get, {"open311", "v2", "requests.json"}, "GET /open311/v2/requests.json", false, &Impl::open311_requests},
        {Method::post, {"open311", "v2", "requests.json"}, "POST /open311/v2/requests.json", false, &Impl::open311_post},
        {Method::get, {"open311", "v2", "requests", "*"}, "GET /open311/v2/requests/{id}.json", false, &Impl::open311_request},
        {Method::post, {"api", "v1", "test", "clock"}, "POST /api/v1/test/clock", true, &Impl::test_clock},
        {Method::get, {"api", "v1", "ws"}, "GET /api/v1/ws", false, &Impl::feed_needs_upgrade},
        {Method::get, {"ws"}, "GET /ws", false, &Impl::feed_needs_upgrade},
    };
    return table;
  }

  // ---- answering, in one place ----

  void respond(const CallPtr& call, Response r) {
    if (call->answered.exchange(true)) return;
    call->ticket.reset();  // before the answer leaves, so that the user's next request finds its place
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - call->started).count();
    metrics.record(call->route, r.status, seconds);
    // The browser counts deadlines down against the server's clock, not its own.
    r.headers.emplace_back("X-Server-Time", std::to_string(clock.now()));
    add_common_headers(r);
    call->reply(std::move(r));
  }
  // Open311 clients get the spec's error array; everyone else the contract's error object.
  void fail(const CallPtr& call, const dispatch::Error& e) {
    const bool open311 = !call->path.empty() && call->path[0] == "open311";
    respond(call, open311 ? open311::error(e) : error_response(e));
  }
  void fail(const CallPtr& call, ErrorCode code, std::string message, std::string field = {}) {
    fail(call, make_error(code, std::move(message), std::move(field)));
  }
  void ok(const CallPtr& call, int status, const json::value& body) { respond(call, json_response(status, body)); }

  // The one place that catches: whatever escapes a handler becomes a JSON error.
  template <class F>
  void guarded(const CallPtr& call, F&& f) noexcept {
    try {
      f();
    } catch (const dispatch::Failure& e) {
      fail(call, e.error);
    } catch (const std::exception& e) {
      std::cerr << "gridkeeper serve: internal error on " << call->request.target << ": " << e.what() << "\n";
      fail(call, ErrorCode::storage_failed, "internal error; the request was not completed");
    } catch (...) {
      fail(call, ErrorCode::storage_failed, "internal error; the request was not completed");
    }
  }

  // Work that may block goes to the pool; a full pool answers 503.
  template <class F>
  void offload(const CallPtr& call, F f) {
    if (!pool.try_post([this, call, f = std::move(f)]() mutable { guarded(call, f); }))
      fail(call, ErrorCode::overloaded, "the server is busy; try again shortly");
  }
  // A heavy read: a few at a time per user, on the report pool.
  template <class F>
  void offload_heavy(const CallPtr& call, F f) {
    call->ticket = reports_per_user.enter(std::to_string(call->user->id));
    if (!call->ticket)
      return refuse_for(call, 1000, "your earlier reports are still being prepared; wait for them, then ask again");
    if (!report_pool.try_post([this, call, f = std::move(f)]() mutable {
          guarded(call, f);
          // The report's rows are freed once it is written: give their memory back to the
          // system, so that a day of reports leaves the server no larger than it was.
          malloc_trim(0);
        }))
      fail(call, ErrorCode::overloaded, "the server is busy preparing reports; try again shortly");
  }
  // An anonymous read: limited per address, on the public pool.
  template <class F>
  void offload_public(const CallPtr& call, F f) {
    if (const auto wait = anonymous_reads.take(call->request.peer, clock.now()); wait > 0)
      return refuse_for(call, wait, "too many requests from your address; slow down");
    if (!public_pool.try_post([this, call, f = std::move(f)]() mutable { guarded(call, f); }))
      fail(call, ErrorCode::overloaded, "the server is busy; try again shortly");
  }
  // 429 with the seconds to wait in Retry-After.
  void refuse_for(const CallPtr& call, dispatch::Millis wait_ms, std::string message) {
    const bool open311 = !call->path.empty() && call->path[0] == "open311";
    const auto e = make_error(ErrorCode::too_many_requests, std::move(message));
    auto r = open311 ? open311::error(e) : error_response(e);
    r.headers.emplace_back("Retry-After", std::to_string(std::max<dispatch::Millis>(1, (wait_ms + 999) / 1000)));
    respond(call, std::move(r));
  }
  // Leaves the storage writer's thread for the connection's strand.
  template <class F>
  void on_strand(const CallPtr& call, F f) {
    call->resume([this, call, f = std::move(f)]() mutable { guarded(call, f); });
  }
  template <class T>
  std::function<void(dispatch::Result<T>)> answer_later(const CallPtr& call, int status,
                                                        json::object (*to_json)(const T&)) {
    return [this, call, status, to_json](dispatch::Result<T> r) {
      on_strand(call, [this, call, status, to_json, r = std::move(r)] {
        if (!r) return fail(call, r.error());
        ok(call, status, to_json(*r));
      });
    };
  }

  dispatch::Result<json::object> body_object(const CallPtr& call) { return parse_object(call->request.body); }

  // ---- routing ----

  // Parses the target into path and query and finds the route of the call's method and
  // path (routes().size(): a static file). False, with the call answered, when the target
  // is malformed or nothing answers it.
  bool resolve(const CallPtr& call) {
    auto target = boost::urls::parse_origin_form(call->request.target);
    if (!target) {
      fail(call, ErrorCode::bad_request, "malformed request target");
      return false;
    }
    for (auto segment : target->segments()) call->path.push_back(segment);
    if (!call->path.empty() && call->path.back().empty()) call->path.pop_back();
    for (auto p : target->params()) call->query.emplace_back(p.key, p.value);
    // The one place where the target is decoded: what a handler sees, stores or echoes is
    // UTF-8 text without NUL.
    const auto text = [](const std::string& s) { return valid_utf8(s); };
    if (!std::all_of(call->path.begin(), call->path.end(), text) ||
        !std::all_of(call->query.begin(), call->query.end(),
                     [&](const auto& kv) { return text(kv.first) && text(kv.second); })) {
      fail(call, ErrorCode::bad_request, "the request target is not UTF-8 text");
      return false;
    }

    bool path_known = false;
    for (std::size_t i = 0; i < routes().size(); ++i) {
      const auto& r = routes()[i];
      if (r.pattern.size() != call->path.size()) continue;
      bool match = true;
      for (std::size_t k = 0; k < r.pattern.size() && match; ++k)
        match = r.pattern[k] == "*" || r.pattern[k] == call->path[k];
      if (!match) continue;
      path_known = true;
      if (r.method != call->request.method) continue;
      call->route = i;
      return true;
    }
    call->route = routes().size();  // "other"
    if (path_known) {
      fail(call, ErrorCode::not_found, "this method is not available on " + target->path());
      return false;
    }
    if (call->request.method == Method::get && !options.ui_dir.empty() &&
        (call->path.empty() || call->path[0] != "api"))
      return true;
    fail(call, ErrorCode::not_found, "no endpoint " + std::string(target->path()));
    return false;
  }

  // A request in one phase: routed, its user found when the route needs one, answered.
  void dispatch_call(const CallPtr& call) {
    if (!resolve(call)) return;
    if (call->route == routes().size()) return static_file(call);
    const auto& r = routes()[call->route];
    if (!r.needs_user) return (this->*r.handler)(call);
    with_user(call, [this, call, handler = r.handler] { (this->*handler)(call); });
  }

  // The first phase of a request with a body: its route and user, before the body is read.
  void admit(const CallPtr& call, const std::function<void(Admission)>& done) {
    if (!resolve(call)) return;
    Admission a;
    a.route = call->route;
    if (call->route == routes().size() || !routes()[call->route].needs_user) return done(std::move(a));
    a.body = routes()[call->route].handler == &Impl::add_photo ? Admission::Body::photo : Admission::Body::user;
    with_user(call, [this, call, done, a = std::move(a)]() mutable {
      a.user = call->user;
      a.token_hash = call->token_hash;
      if (a.body != Admission::Body::photo) return done(std::move(a));
      // Whether this user may attach a photo to this case is known before up to 10 MiB
      // are read: a 403, 404 or 409 goes out without reading the body.
      offload(call, [this, call, done, a = std::move(a)]() mutable {
        auto id = parse_id(call->path[3]);
        if (!id) return fail(call, ErrorCode::not_found, "no case " + call->path[3]);
        auto allowed = center.photo_allowed(*id, call->actor(), 0, 0, 0);
        if (!allowed) return fail(call, allowed.error());
        done(std::move(a));
      });
    });
  }

  // The second phase: the body is in and the user was found by `admit`.
  void dispatch_admitted(const CallPtr& call) {
    const auto route = call->route;
    if (!resolve(call)) return;
    if (route != call->route) return fail(call, ErrorCode::bad_request, "the request changed while it was read");
    if (route == routes().size()) return static_file(call);
    (this->*routes()[route].handler)(call);
  }

  // Finds the user behind the call's token, then runs `next` (at once when the token cache
  // knows it, else on the blocking pool); without a valid token the call is answered 401.
  template <class F>
  void with_user(const CallPtr& call, F next) {
    const auto token = bearer_token(call->request.authorization);
    if (token.empty() || token.size() > 256)
      return fail(call, ErrorCode::unauthenticated, "log in and send Authorization: Bearer TOKEN");
    call->token_hash = token_hash(token);
    if (auto user = auth.cached(call->token_hash)) {
      call->user = std::move(user);
      return next();
    }
    // Unknown tokens cost a storage read each: an address that keeps sending them is held
    // back before it can fill the pool.
    if (const auto wait = unknown_tokens.wait(call->request.peer, clock.now()); wait > 0)
      return refuse_for(call, wait, "too many requests with unknown tokens from your address; log in again");
    offload(call, [this, call, next = std::move(next)]() mutable {
      auto user = auth.authenticate(call->token_hash);
      if (!user) {
        unknown_tokens.take(call->request.peer, clock.now());
        return fail(call, user.error());
      }
      call->user = std::make_shared<const dispatch::User>(std::move(*user));
      next();
    });
  }

  // ---- operational ----

  void healthz(const CallPtr& call) {
    ok(call, 200,
       json::object{{"status", "ok"}, {"open_cases", center.open_case_count()}, {"feed_clients", feed.size()}});
  }

  void metrics_text(const CallPtr& call) {
    std::string out = metrics.render();
    std::array<std::array<std::int64_t, 3>, 3> counts{};  // [urgency][open, warned, overdue]
    center.for_each_open_case(Actor{}, [&](const dispatch::Case& c) {
      auto& row = counts[static_cast<std::size_t>(c.urgency)];
      ++row[0];
      row[1] += c.warned;
      row[2] += c.overdue;
    });
    out += "# HELP gridkeeper_open_cases Open cases by urgency.\n# TYPE gridkeeper_open_cases gauge\n";
    for (auto u : dispatch::kUrgencies)
      out += "gridkeeper_open_cases{urgency=\"" + std::string(to_string(u)) + "\"} " +
             std::to_string(counts[static_cast<std::size_t>(u)][0]) + "\n";
    out +=
        "# HELP gridkeeper_warned_cases Open cases past 75 % of a deadline, by urgency.\n"
        "# TYPE gridkeeper_warned_cases gauge\n";
    for (auto u : dispatch::kUrgencies)
      out += "gridkeeper_warned_cases{urgency=\"" + std::string(to_string(u)) + "\"} " +
             std::to_string(counts[static_cast<std::size_t>(u)][1]) + "\n";
    out +=
        "# HELP gridkeeper_overdue_cases Open cases past a deadline, by urgency.\n"
        "# TYPE gridkeeper_overdue_cases gauge\n";
    for (auto u : dispatch::kUrgencies)
      out += "gridkeeper_overdue_cases{urgency=\"" + std::string(to_string(u)) + "\"} " +
             std::to_string(counts[static_cast<std::size_t>(u)][2]) + "\n";
    out +=
        "# HELP gridkeeper_blocking_jobs Jobs queued or running on the blocking pool.\n"
        "# TYPE gridkeeper_blocking_jobs gauge\ngridkeeper_blocking_jobs " +
        std::to_string(pool.pending()) + "\n"
        "# HELP gridkeeper_hashing_jobs Logins queued or running on the password-hashing threads.\n"
        "# TYPE gridkeeper_hashing_jobs gauge\ngridkeeper_hashing_jobs " +
        std::to_string(hashing.pending()) + "\n";
    if (options.extra_metrics) out += options.extra_metrics();
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = std::move(out);
    respond(call, std::move(r));
  }

  // The API's own description (docs/openapi.json, compiled in): public, revalidated by ETag.
  void openapi(const CallPtr& call) { respond(call, openapi_response(call->request)); }

  void feed_needs_upgrade(const CallPtr& call) {
    fail(call, ErrorCode::bad_request, "the live feed needs a WebSocket upgrade");
  }

  // ---- who is asking ----

  void login(const CallPtr& call) {
    auto body = body_object(call);
    if (!body) return fail(call, body.error());
    auto creds = credentials_from(*body);
    if (!creds) return fail(call, creds.error());
    // Counted as a failure before the password is checked, so that concurrent guesses
    // cannot all pass the throttle; given back when it was right or never checked.
    dispatch::Millis wait = 0;
    if (auto e = auth.begin_login(creds->username, call->request.peer, &wait)) return refuse_login(call, *e, wait);
    auto job = [this, call, creds = *creds]() mutable {
      guarded(call, [&] {
        auto session = auth.login(creds.username, creds.password, call->request.peer);
        if (!session) return fail(call, session.error());
        ok(call, 200,
           json::object{{"token", session->token},
                        {"expires_at", iso8601(session->expires_at)},
                        {"user", user_json(session->user)}});
      });
    };
    if (!hashing.try_post(std::move(job))) {
      auth.abandon_login(creds->username, call->request.peer);
      refuse_login(call,
                   make_error(ErrorCode::too_many_requests, "the server is busy checking passwords; try again in 1 s"),
                   1000);
    }
  }

  void refuse_login(const CallPtr& call, const dispatch::Error& e, dispatch::Millis wait) {
    auto r = error_response(e);
    r.headers.emplace_back("Retry-After", std::to_string(std::max<dispatch::Millis>(1, (wait + 999) / 1000)));
    respond(call, std::move(r));
  }

  void logout(const CallPtr& call) {
    offload(call, [this, call] {
      auth.logout(call->token_hash);
      feed.end_token(call->token_hash);  // the token's live feeds close now, not at expiry
      Response r;
      r.status = 204;
      r.content_type.clear();
      respond(call, std::move(r));
    });
  }

  void me(const CallPtr& call) { ok(call, 200, json::object{{"user", user_json(*call->user)}}); }

  // Geography is open to every user; who holds a post only to those who may see the grid.
  bool grid_in_view(const Actor& actor, const std::string& grid, const dispatch::WorkerId& owner) const {
    if (actor.role == Role::worker) return !actor.worker_id.empty() && owner == actor.worker_id;
    return center.in_scope(actor.scope, grid);
  }

  // ---- cases ----

  void route(const CallPtr& call) {
    auto lon = parse_number(call->param("lon"), "lon");
    if (!lon) return fail(call, lon.error());
    auto lat = parse_number(call->param("lat"), "lat");
    if (!lat) return fail(call, lat.error());
    geo::Crs crs = geo::Crs::wgs84;
    if (const auto* c = call->param("crs")) {
      auto parsed = geo::crs_from_string(*c);
      if (!parsed) return fail(call, ErrorCode::invalid_value, "crs must be wgs84, gcj02 or bd09", "crs");
      crs = *parsed;
    }
    auto answer = center.route({*lon, *lat}, crs);
    if (!answer) return fail(call, answer.error());
    const auto& a = *answer;
    ok(call, 200,
       json::object{
           {"grid_id", a.grid},
           {"community", a.community},
           {"street", a.street},
           {"district", a.district},
           {"owner_id", grid_in_view(call->actor(), a.grid, a.owner) && !a.owner.empty() ? json::value(a.owner)
                                                                                         : json::value(nullptr)},
           {"snapped", a.snapped},
           {"distance_m", a.distance_m}});
  }

  void create_case(const CallPtr& call) {
    auto body = body_object(call);
    if (!body) return fail(call, body.error());
    auto intake = intake_from(*body);
    if (!intake) return fail(call, intake.error());
    center.intake(*intake, call->actor(), [this, call](dispatch::Result<dispatch::Case> r) {
      on_strand(call, [this, call, r = std::move(r)] {
        if (!r) return fail(call, r.error());
        auto response = json_response(201, case_json(*r));
        response.headers.emplace_back("Location", "/api/v1/cases/" + std::to_string(r->id));
        respond(call, std::move(response));
      });
    });
  }

  void list_cases(const CallPtr& call) {
    dispatch::CaseQuery q;
    if (const auto* s = call->param("state")) {
      q.state = dispatch::case_state_from(*s);
      if (!q.state) return fail(call, ErrorCode::invalid_value, "unknown state " + *s, "state");
    }
    if (const auto* u = call->param("urgency")) {
      q.urgency = dispatch::urgency_from(*u);
      if (!q.urgency) return fail(call, ErrorCode::invalid_value, "urgency must be yellow, orange or red", "urgency");
    }
    for (auto [name, slot] : {std::pair{"overdue", &q.overdue}, {"open", &q.open}})
      if (const auto* v = call->param(name)) {
        *slot = parse_flag(*v);
        if (!*slot) return fail(call, ErrorCode::invalid_value, std::string(name) + " must be true or false", name);
      }
    if (const auto* g = call->param("grid")) q.grid = *g;
    if (const auto* a = call->param("assignee")) q.assignee = *a;
    if (const auto* s = call->param("scope")) q.scope = *s;
    if (const auto* l = call->param("limit")) {
      auto n = parse_id(*l);
      if (!n || *n > 500) return fail(call, ErrorCode::invalid_value, "limit must be between 1 and 500", "limit");
      q.limit = static_cast<int>(*n);
    }
    if (const auto* a = call->param("after")) {
      q.after = parse_id(*a);
      if (!q.after) return fail(call, ErrorCode::invalid_value, "after must be a case id", "after");
    }
    bool csv = false;
    if (const auto* f = call->param("format")) {
      if (*f != "json" && *f != "csv") return fail(call, ErrorCode::invalid_value, "format must be json or csv", "format");
      csv = *f == "csv";
    }
    auto work = [this, call, q, csv] {
      const auto cases = center.find_cases(q, call->actor());
      if (csv) return respond(call, csv_response(cases_csv(cases), "cases.csv"));
      json::array list;
      list.reserve(cases.size());
      for (const auto& c : cases) list.push_back(case_json(c));
      json::value next = nullptr;
      if (!cases.empty() && static_cast<int>(cases.size()) >= std::clamp(q.limit, 1, 500)) next = cases.back().id;
      ok(call, 200, json::object{{"cases", std::move(list)}, {"next_after", next}});
    };
    if (csv) return offload_heavy(call, std::move(work));
    offload(call, std::move(work));
  }

  std::optional<dispatch::CaseId> case_id(const CallPtr& call) {
    auto id = parse_id(call->path[3]);
    if (!id) fail(call, ErrorCode::not_found, "no case " + call->path[3]);
    return id;
  }

  void get_case(const CallPtr& call) {
    auto id = case_id(call);
    if (!id) return;
    offload(call, [this, call, id = *id] {
      auto c = center.get_case(id, call->actor());
      if (!c) return fail(call, c.error());
      auto body = case_json(*c);
      json::array events, photos;
      for (const auto& e : center.case_events(id)) events.push_back(event_json(e));
      for (const auto& p : accounts.photos(id, false)) photos.push_back(photo_json(p));
      body["events"] = std::move(events);
      body["photos"] = std::move(photos);
      ok(call, 200, body);
    });
  }

  void transition(const CallPtr& call) {
    auto id = case_id(call);
    if (!id) return;
    auto body = body_object(call);
    if (!body) return fail(call, body.error());
    auto req = transition_from(*body);
    if (!req) return fail(call, req.error());
    // A case no longer open is looked up in storage: start on the pool.
    offload(call, [this, call, id = *id, req = std::move(*req)] {
      center.transition(id, req, call->actor(), answer_later<dispatch::Case>(call, 200, &case_json));
    });
  }

  void add_photo(const CallPtr& call) {
    auto id = case_id(call);
    if (!id) return;
    const Actor actor = call->actor();
    const auto type = media_type(call->request.content_type);
    if (type != "image/jpeg" && type != "image/png")
      return fail(call, ErrorCode::invalid_value, "a photo must be image/jpeg or image/png", "content_type");
    if (call->request.body.empty()) return fail(call, ErrorCode::bad_request, "the photo is empty");
    if (!looks_like(type, call->request.body))
      return fail(call, ErrorCode::invalid_value, "the body is not a " + type + " image", "content_type");
    offload(call, [this, call, id = *id, type, actor] {
      const auto size = static_cast<std::int64_t>(call->request.body.size());
      const auto now = clock.now();
      constexpr dispatch::Millis kDay = 24LL * 3600 * 1000;
      auto allowed = center.photo_allowed(id, actor, accounts.photos(id, false).size(),
                                          accounts.photo_bytes_since(actor.label(), now - kDay), size);
      if (!allowed) return fail(call, allowed.error());
      dispatch::Photo photo;
      photo.case_id = id;
      photo.content_type = type;
      photo.data = std::move(call->request.body);
      photo.at = now;
      photo.actor = actor.label();
      auto stored = accounts.add_photo(std::move(photo));
      if (!stored) return fail(call, stored.error());
      // Every photo is in the case's history; the answer waits for that event to be durable.
      center.record_photo(id, actor, [this, call, stored = std::move(*stored), size](dispatch::Result<dispatch::CaseEvent> e) {
        on_strand(call, [this, call, stored, size, e = std::move(e)] {
          if (!e) return fail(call, e.error());
          auto body = photo_json(stored);
          body["size"] = size;
          ok(call, 201, body);
        });
      });
    });
  }

  void get_photo(const CallPtr& call) {
    auto id = case_id(call);
    if (!id) return;
    auto photo_id = parse_id(call->path[5]);
    if (!photo_id) return fail(call, ErrorCode::not_found, "no photo " + call->path[5]);
    offload(call, [this, call, id = *id, photo_id = *photo_id] {
      auto c = center.get_case(id, call->actor());
      if (!c) return fail(call, c.error());
      auto p = accounts.photo(photo_id);
      if (!p || p->case_id != id) return fail(call, ErrorCode::not_found, "no photo " + std::to_string(photo_id));
      Response r;
      r.content_type = p->content_type;
      r.body = std::move(p->data);
      r.headers.emplace_back("Cache-Control", "private, max-age=86400");
      r.headers.emplace_back("X-Content-Type-Options", "nosniff");
      respond(call, std::move(r));
    });
  }

  // ---- grids, map, workers, categories ----

  void grids(const CallPtr& call) {
    std::optional<geo::BBox> bbox;
    if (const auto* b = call->param("bbox")) {
      std::array<double, 4> v{};
      std::string_view rest = *b;
      for (int k = 0; k < 4; ++k) {
        const auto comma = rest.find(',');
        const std::string part(rest.substr(0, comma));
        auto n = parse_number(&part, "bbox");
        if (!n || (k < 3) == (comma == std::string_view::npos))
          return fail(call, ErrorCode::invalid_value, "bbox must be minlon,minlat,maxlon,maxlat", "bbox");
        v[k] = *n;
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
      if (v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 || v[0] > v[2] || v[1] > v[3])
        return fail(call, ErrorCode::invalid_value, "bbox must be minlon,minlat,maxlon,maxlat within the globe",
                    "bbox");
      bbox = geo::BBox{v[0], v[1], v[2], v[3]};
    }
    offload(call, [this, call, bbox] {
      const auto shapes = layers.shapes();
      std::string out = R"({"type":"FeatureCollection","features":[)";
      bool first = true;
      for (const auto& g : center.grids(call->actor())) {
        auto box = shapes->grid_bbox.find(g.code);
        if (bbox && (box == shapes->grid_bbox.end() || !bbox->intersects(box->second))) continue;
        auto geometry = shapes->grid.find(g.code);
        out += first ? "" : ",";
        first = false;
        out += R"({"type":"Feature","id":)" + to_json_text(json::value(g.code)) + R"(,"properties":)" +
               to_json_text(grid_properties(g)) + R"(,"geometry":)" +
               (geometry == shapes->grid.end() ? std::string("null") : geometry->second) + "}";
      }
      out += "]}";
      Response r;
      r.content_type = "application/geo+json";
      r.body = std::move(out);
      respond(call, std::move(r));
    });
  }

  void grid_owners(const CallPtr& call) {
    auto body = body_object(call);
    if (!body) return fail(call, body.error());
    auto owners = grid_owners_from(*body);
    if (!owners) return fail(call, owners.error());
    center.reassign_grid(call->path[3], owners->owner, owners->backup, call->actor(),
                         answer_later<dispatch::Grid>(call, 200, &grid_properties));
  }

  void overdue_map(const CallPtr& call) {
    std::string level = "grid";
    if (const auto* l = call->param("level")) level = *l;
    if (level != "grid" && level != "community" && level != "street")
      return fail(call, ErrorCode::invalid_value, "level must be grid, community or street", "level");
    // geometry=false: the counts alone, for a map that has the shapes and follows changes.
    bool with_geometry = true;
    if (const auto* g = call->param("geometry")) {
      auto flag = parse_flag(*g);
      if (!flag) return fail(call, ErrorCode::invalid_value, "geometry must be true or false", "geometry");
      with_geometry = *flag;
    }
    offload(call, [this, call, level, with_geometry] {
      const Actor actor = call->actor();
      const auto shapes = layers.shapes();
      std::map<std::string, Tally> tallies;
      auto key_of = [&](const std::string& grid, const std::string& community, const std::string& street) {
        return level == "grid" ? grid : level == "community" ? community : street;
      };
      // Areas in view with no open case still appear, with zero counts.
      std::unordered_map<std::string, std::pair<std::string, std::string>> grid_names;  // code -> name, community
      for (const auto& g : center.grids(actor)) {
        std::string street;
        if (auto j = center.jurisdiction(g.community)) street = j->parent;
        tallies[key_of(g.code, g.community, street)];
        if (level == "grid") grid_names[g.code] = {g.name, g.community};
      }
      center.for_each_open_case(actor, [&](const dispatch::Case& c) {
        const auto key = key_of(c.grid, c.community, c.street);
        if (!key.empty()) tallies[key].add(c);
      });
      const auto& geometries = shapes->grid;  // a reference: no copy of every polygon per request
      std::string out = R"({"type":"FeatureCollection","features":[)";
      bool first = true;
      for (const auto& [code, tally] : tallies) {
        if (code.empty()) continue;
        auto props = tally.properties();
        props["id"] = code;
        props["level"] = level;
        std::string name;
        std::string geometry = "null";
        if (level == "grid") {
          if (auto g = geometries.find(code); with_geometry && g != geometries.end()) geometry = g->second;
          if (auto n = grid_names.find(code); n != grid_names.end()) {
            name = n->second.first;
            props["community"] = n->second.second;
          }
        } else {
          const auto& unions = level == "community" ? shapes->community : shapes->street;
          if (auto g = unions.find(code); with_geometry && g != unions.end() && !g->second.empty())
            geometry = g->second;
          if (auto j = center.jurisdiction(code)) name = j->name;
        }
        if (!name.empty()) props["name"] = name;
        out += first ? "" : ",";
        first = false;
        out += R"({"type":"Feature","id":)" + to_json_text(json::value(code)) + R"(,"properties":)" +
               to_json_text(props) + R"(,"geometry":)" + geometry + "}";
      }
      out += "]}";
      Response r;
      r.content_type = "application/geo+json";
      r.body = std::move(out);
      respond(call, std::move(r));
    });
  }

  void workers(const CallPtr& call) {
    json::array list;
    for (const auto& w : center.workers(call->actor())) {
      auto o = worker_json(w);
      o["open_cases"] = center.open_cases_of(w.id);
      list.push_back(std::move(o));
    }
    ok(call, 200, json::object{{"workers", std::move(list)}});
  }

  void worker_status(const CallPtr& call) {
    auto body = body_object(call);
    if (!body) return fail(call, body.error());
    auto status = duty_status_from_body(*body);
    if (!status) return fail(call, status.error());
    center.set_worker_status(call->path[3], *status, call->actor(),
                             answer_later<dispatch::Worker>(call, 200, &worker_json));
  }

  void jurisdictions(const CallPtr& call) {
    json::array list;
    for (const auto& j : center.jurisdictions(call->actor())) list.push_back(jurisdiction_json(j));
    ok(call, 200, json::object{{"jurisdictions", std::move(list)}});
  }

  void set_mode(const CallPtr& call) {
    auto body = body_object(call);
    if (!body) return fail(call, body.error());
    auto emergency = emergency_mode_from(*body);
    if (!emergency) return fail(call, emergency.error());
    center.set_mode(call->path[3], *emergency, call->actor(),
                    answer_later<dispatch::Jurisdiction>(call, 200, &jurisdiction_json));
  }

  void categories(const CallPtr& call) {
    json::array list;
    for (const auto& c : center.categories()) list.push_back(category_json(c));
    ok(call, 200, json::object{{"categories", std::move(list)}});
  }

  void put_category(const CallPtr& call) {
    if (call->actor().role != Role::admin) return fail(call, ErrorCode::forbidden, "only an admin changes categories");
    auto body = body_object(call);
    if (!body) return fail(call, body.error());
    dispatch::Category base{call->path[3], {}, dispatch::default_sla()};
    for (const auto& c : center.categories())
      if (c.id == base.id) base = c;
    auto category = category_from(std::move(base), *body);
    if (!category) return fail(call, category.error());
    center.update_category(std::move(*category), call->actor(),
                           answer_later<dispatch::Category>(call, 200, &category_json));
  }

  // ---- assessment and reports ----

  bool reports_ready(const CallPtr& call) {
    if (options.reports) return true;
    fail(call, ErrorCode::overloaded, "reports are not available on this server");
    return false;
  }

  using Report = Response (*)(const dispatch::Center&, dispatch::Reports&, const Actor&, const StatsRequest&,
                              dispatch::Millis);
  void report(const CallPtr& call, Report make) {
    if (!reports_ready(call)) return;
    auto q = stats_request(call->query, clock.now());
    if (!q) return fail(call, q.error());
    offload_heavy(call, [this, call, make, q = std::move(*q)] {
      respond(call, make(center, *options.reports, call->actor(), q, clock.now()));
    });
  }
  void assessment(const CallPtr& call) { report(call, &assessment_response); }
  void trends(const CallPtr& call) { report(call, &trends_response); }

  void rate_case(const CallPtr& call) {
    auto id = case_id(call);
    if (!id) return;
    auto body = body_object(call);
    if (!body) return fail(call, body.error());
    auto rating = rating_from(*body);
    if (!rating) return fail(call, rating.error());
    // A closed case is read from storage: start on the pool.
    offload(call, [this, call, id = *id, rating = std::move(*rating)] {
      center.rate(id, rating.score, rating.note, call->actor(),
                  answer_later<dispatch::CaseEvent>(call, 201, &rating_json));
    });
  }

  void get_rules(const CallPtr& call) {
    if (!reports_ready(call)) return;
    offload(call, [this, call] {
      auto rules = stored_rules(*options.reports);
      if (!rules) return fail(call, rules.error());
      ok(call, 200, rules_json(*rules));
    });
  }

  void put_rules(const CallPtr& call) {
    if (!reports_ready(call)) return;
    if (call->actor().role != Role::admin)
      return fail(call, ErrorCode::forbidden, "only an admin changes the assessment settings");
    auto body = body_object(call);
    if (!body) return fail(call, body.error());
    offload(call, [this, call, body = std::move(*body)] {
      auto current = stored_rules(*options.reports);
      if (!current) return fail(call, current.error());
      auto rules = rules_from(*current, body);
      if (!rules) return fail(call, rules.error());
      const auto value = rules_json(*rules);
      if (auto e = options.reports->put_setting(std::string(kAssessmentSetting), to_json_text(value), clock.now(),
                                                call->actor().label()))
        return fail(call, *e);
      ok(call, 200, value);
    });
  }

  bool admin_only(const CallPtr& call) {
    if (!reports_ready(call)) return false;
    if (call->actor().role == Role::admin) return true;
    fail(call, ErrorCode::forbidden, "only an admin manages Open311 keys");
    return false;
  }

  void list_client_keys(const CallPtr& call) {
    if (!admin_only(call)) return;
    offload(call, [this, call] {
      auto keys = options.reports->client_keys();
      if (!keys) return fail(call, keys.error());
      json::array list;
      for (const auto& k : *keys) list.push_back(client_key_json(k));
      ok(call, 200, json::object{{"keys", std::move(list)}});
    });
  }

  void add_client_key(const CallPtr& call) {
    if (!admin_only(call)) return;
    auto body = body_object(call);
    if (!body) return fail(call, body.error());
    auto wanted = client_key_from(*body);
    if (!wanted) return fail(call, wanted.error());
    if (!wanted->scope.empty() && !center.jurisdiction(wanted->scope))
      return fail(call, ErrorCode::invalid_value, "no jurisdiction " + wanted->scope, "scope");
    offload(call, [this, call, wanted = std::move(*wanted)] {
      const std::string key = new_token();
      dispatch::ClientKey k;
      k.name = wanted.name;
      k.scope = wanted.scope;
      k.key_hash = token_hash(key);
      k.created_at = clock.now();
      k.created_by = call->actor().label();
      auto stored = options.reports->add_client_key(std::move(k));
      if (!stored) return fail(call, stored.error());
      auto out = client_key_json(*stored);
      out["api_key"] = key;  // shown this once; only its hash is kept
      ok(call, 201, out);
    });
  }

  void revoke_client_key(const CallPtr& call) {
    if (!admin_only(call)) return;
    auto id = parse_id(call->path[3]);
    if (!id) return fail(call, ErrorCode::not_found, "no Open311 key " + call->path[3]);
    offload(call, [this, call, id = *id] {
      if (auto e = options.reports->revoke_client_key(id, clock.now(), call->actor().label())) return fail(call, *e);
      Response r;
      r.status = 204;
      r.content_type.clear();
      respond(call, std::move(r));
    });
  }

  // ---- Open311 GeoReport v2 ----

  void open311_services(const CallPtr& call) {
    offload_public(call, [this, call] { respond(call, open311::services(center)); });
  }
  void open311_service(const CallPtr& call) {
    offload_public(call, [this, call] { respond(call, open311::service_definition(center, call->path[3])); });
  }

  void open311_requests(const CallPtr& call) {
    if (!reports_ready(call)) return;
    auto q = open311::requests_query(center, call->query, clock.now());
    if (!q) return fail(call, q.error());
    offload_public(call, [this, call, q = std::move(*q)] { respond(call, open311::requests(center, *options.reports, q)); });
  }

  void open311_request(const CallPtr& call) {
    if (!reports_ready(call)) return;
    offload_public(call, [this, call] { respond(call, open311::request(center, *options.reports, call->path[3])); });
  }

  void open311_post(const CallPtr& call) {
    if (!reports_ready(call)) return;
    auto submission = open311::submission_from(center, call->request);
    if (!submission) return fail(call, submission.error());
    offload(call, [this, call, submission = std::move(*submission)] {
      auto key = options.reports->find_client_key(token_hash(submission.api_key));
      if (!key) return fail(call, key.error());
      if (!*key) return fail(call, ErrorCode::forbidden, "api_key is invalid", "api_key");
      center.intake(submission.intake, open311::client_actor(**key), [this, call](dispatch::Result<dispatch::Case> r) {
        on_strand(call, [this, call, r = std::move(r)] {
          if (!r) return fail(call, r.error());
          respond(call, open311::created(*r));
        });
      });
    });
  }

  // ---- test only: the manual clock (serve --manual-clock) ----

  void test_clock(const CallPtr& call) {
    if (!options.manual_clock) return fail(call, ErrorCode::not_found, "no endpoint /api/v1/test/clock");
    if (call->actor().role != Role::admin) return fail(call, ErrorCode::forbidden, "only an admin moves the clock");
    auto body = body_object(call);
    if (!body) return fail(call, body.error());
    const auto* advance = body->if_contains("advance_s");
    if (body->size() != 1 || !advance || !advance->is_int64())
      return fail(call, ErrorCode::bad_request, "the body must be {\"advance_s\": SECONDS}", "advance_s");
    const auto seconds = advance->as_int64();
    if (seconds < 1 || seconds > 366LL * 24 * 3600)
      return fail(call, ErrorCode::invalid_value, "advance_s must be between 1 and a year", "advance_s");
    options.manual_clock->advance(seconds * 1000);
    // Everything now due is acted on before the answer, so a test sees its effect.
    offload(call, [this, call] {
      constexpr std::size_t kBatch = 10'000;
      std::size_t steps = 0, n = 0;
      while ((n = center.tick(kBatch)) > 0) {
        steps += n;
        if (n < kBatch) break;
      }
      if (options.clock_moved) options.clock_moved();
      ok(call, 200,
         json::object{{"now", iso8601(options.manual_clock->now())}, {"steps", static_cast<std::int64_t>(steps)}});
    });
  }

  // ---- the browser UI ----

  void static_file(const CallPtr& call) {
    std::string relative;
    for (const auto& segment : call->path) {
      if (segment.empty() || segment.front() == '.' || segment.find_first_of("/\\") != std::string::npos ||
          segment.find('\0') != std::string::npos)
        return fail(call, ErrorCode::not_found, "no such file");
      relative += "/" + segment;
    }
    if (relative.empty()) relative = "/index.html";
    offload(call, [this, call, relative] {
      std::ifstream in(options.ui_dir + relative, std::ios::binary);
      if (!in) return fail(call, ErrorCode::not_found, "no such file");
      in.seekg(0, std::ios::end);
      const auto size = in.tellg();
      if (size < 0 || static_cast<std::size_t>(size) > kMaxStaticFile)
        return fail(call, ErrorCode::not_found, "no such file");
      Response r;
      r.body.resize(static_cast<std::size_t>(size));
      in.seekg(0);
      in.read(r.body.data(), size);
      r.content_type = std::string(static_type(relative));
      r.headers.emplace_back("Cache-Control", "no-cache");
      add_ui_headers(r, ui_policy);
      respond(call, std::move(r));
    });
  }
};

Api::Api(dispatch::Center& center, dispatch::Accounts& accounts, const dispatch::Clock& clock, Metrics& metrics,
         LiveFeed& feed, ApiOptions options)
    : impl_(std::make_unique<Impl>(center, accounts, clock, metrics, feed, std::move(options))) {}

Api::~Api() = default;

void Api::handle(Request request, Reply reply, Resume resume) {
  auto call = std::make_shared<Call>();
  call->request = std::move(request);
  call->reply = std::move(reply);
  call->resume = std::move(resume);
  call->route = Impl::routes().size();
  impl_->guarded(call, [&] { impl_->dispatch_call(call); });
}

void Api::admit(const Request& head, std::function<void(Admission)> done) {
  auto call = std::make_shared<Call>();
  call->request = head;
  call->reply = [done](Response r) {
    Admission refused;
    refused.refusal = std::move(r);
    done(std::move(refused));
  };
  call->resume = [](std::function<void()> f) { f(); };
  call->route = Impl::routes().size();
  impl_->guarded(call, [&] { impl_->admit(call, done); });
}

void Api::handle(Request request, Admission admitted, Reply reply, Resume resume) {
  auto call = std::make_shared<Call>();
  call->request = std::move(request);
  call->reply = std::move(reply);
  call->resume = std::move(resume);
  call->route = admitted.route;
  call->user = std::move(admitted.user);
  call->token_hash = std::move(admitted.token_hash);
  impl_->guarded(call, [&] { impl_->dispatch_admitted(call); });
}

std::string Api::route_path(std::string_view target) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return {};
  std::vector<std::string> path;
  for (auto segment : parsed->segments()) path.push_back(segment);
  if (!path.empty() && path.back().empty()) path.pop_back();
  std::string out;
  for (const auto& segment : path) out += "/" + segment;
  return out.empty() ? "/" : out;
}

bool Api::is_feed(std::string_view target) {
  const auto path = target.substr(0, target.find('?'));
  return path == "/ws" || path == "/api/v1/ws";
}

void Api::authenticate_feed(const Request& request, std::function<void(dispatch::Result<FeedIdentity>)> done) {
  std::string token = bearer_token(request.authorization);
  if (token.empty())
    if (auto target = boost::urls::parse_origin_form(request.target)) {
      auto params = target->params();
      if (auto it = params.find("token"); it != params.end()) token = (*it).value;
    }
  if (token.empty() || token.size() > 256)
    return done(make_error(ErrorCode::unauthenticated, "log in and pass the token to open the live feed"));
  auto hash = token_hash(token);
  FeedIdentity identity;
  if (auto user = impl_->auth.cached(hash, &identity.expires_at)) {
    identity.user = *user;
    identity.token_hash = std::move(hash);
    return done(std::move(identity));
  }
  const std::string peer = request.peer;
  if (impl_->unknown_tokens.wait(peer, impl_->clock.now()) > 0)
    return done(make_error(ErrorCode::too_many_requests, "too many requests with unknown tokens from your address"));
  auto job = [this, hash, done, peer] {
    try {
      FeedIdentity identity;
      auto user = impl_->auth.authenticate(hash, &identity.expires_at);
      if (!user) {
        impl_->unknown_tokens.take(peer, impl_->clock.now());
        return done(user.error());
      }
      identity.user = std::move(*user);
      identity.token_hash = hash;
      done(std::move(identity));
    } catch (const std::exception&) {
      done(make_error(ErrorCode::storage_failed, "internal error; try again"));
    }
  };
  if (!impl_->pool.try_post(job)) done(make_error(ErrorCode::overloaded, "the server is busy; try again shortly"));
}

bool Api::is_photo_upload(Method method, std::string_view target) {
  if (method != Method::post) return false;
  const auto path = target.substr(0, target.find('?'));
  constexpr std::string_view kPrefix = "/api/v1/cases/", kSuffix = "/photos";
  return path.size() > kPrefix.size() + kSuffix.size() && path.substr(0, kPrefix.size()) == kPrefix &&
         path.substr(path.size() - kSuffix.size()) == kSuffix;
}

Response Api::transport_error(std::string_view target, dispatch::ErrorCode code, std::string message) {
  auto r = target.substr(0, 9) == "/open311/" ? open311::error(make_error(code, std::move(message)))
                                              : error_response(code, std::move(message));
  add_common_headers(r);
  return r;
}

void Api::drain() {
  impl_->hashing.join();
  impl_->pool.join();
  impl_->report_pool.join();
  impl_->public_pool.join();
}

std::vector<std::string> Api::route_names() {
  std::vector<std::string> names;
  for (const auto& r : Impl::routes()) names.emplace_back(r.name);
  return names;
}

}  // namespace gridkeeper::web
