#include "web/handlers/operations.hpp"

#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "web/compression.hpp"
#include "web/etag.hpp"

#include "web/live_feed.hpp"
#include "web/metrics.hpp"
#include "web/openapi.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::Actor;
using dispatch::ErrorCode;
using dispatch::make_error;

namespace {
constexpr std::size_t kMaxStaticFile = 10u << 20;
constexpr std::size_t kMaxGzippedBytes = 32u << 20;  // the compressed UI kept in memory

std::optional<std::string> read_file(const std::string& path, std::uintmax_t size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string body(static_cast<std::size_t>(size), '\0');
  in.read(body.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) return std::nullopt;
  return body;
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
}  // namespace

OperationsHandlers::OperationsHandlers(Router& router, const ApiOptions& o, dispatch::Center& c, Metrics& m,
                                       LiveFeed& f)
    : HandlerGroup(router, o),
      center(c),
      metrics(m),
      feed(f),
      auth(router.auth()),
      pool(router.blocking_pool()),
      hashing(router.hashing_pool()),
      ui_policy(load_ui_policy(o.ui_dir, &ui_policy_warning)) {
  if (!ui_policy_warning.empty()) std::cerr << "gridkeeper serve: " << ui_policy_warning << "\n";
}

// ---- operational ----

void OperationsHandlers::healthz(const CallPtr& call) {
  ok(call, 200,
     json::object{{"status", "ok"},
                  {"role", !options.holds_lease || options.holds_lease() ? "active" : "standby"},
                  {"open_cases", center.open_case_count()},
                  {"feed_clients", feed.size()}});
}

void OperationsHandlers::metrics_text(const CallPtr& call) {
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
      std::to_string(pool.pending()) +
      "\n"
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
void OperationsHandlers::openapi(const CallPtr& call) { respond(call, openapi_response(call->request)); }

void OperationsHandlers::feed_needs_upgrade(const CallPtr& call) {
  fail(call, ErrorCode::bad_request, "the live feed needs a WebSocket upgrade");
}

// ---- who is asking ----

void OperationsHandlers::login(const CallPtr& call) {
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

void OperationsHandlers::refuse_login(const CallPtr& call, const dispatch::Error& e, dispatch::Millis wait) {
  auto r = error_response(e);
  r.headers.emplace_back("Retry-After", std::to_string(std::max<dispatch::Millis>(1, (wait + 999) / 1000)));
  respond(call, std::move(r));
}

void OperationsHandlers::logout(const CallPtr& call) {
  offload(call, [this, call] {
    auth.logout(call->token_hash);
    feed.end_token(call->token_hash);  // the token's live feeds close now, not at expiry
    Response r;
    r.status = 204;
    r.content_type.clear();
    respond(call, std::move(r));
  });
}

void OperationsHandlers::me(const CallPtr& call) { ok(call, 200, json::object{{"user", user_json(*call->user)}}); }

// ---- test only: the manual clock (serve --manual-clock) ----

void OperationsHandlers::test_clock(const CallPtr& call) {
  if (!options.manual_clock) return fail(call, ErrorCode::not_found, "no endpoint /api/v1/test/clock");
  if (auto e = dispatch::check(call->actor(), dispatch::Permission::move_clock)) return fail(call, *e);
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
    const std::size_t steps = center.tick_until_idle();
    if (options.clock_moved) options.clock_moved();
    ok(call, 200,
       json::object{{"now", iso8601(options.manual_clock->now())}, {"steps", static_cast<std::int64_t>(steps)}});
  });
}

// ---- the browser UI ----

void OperationsHandlers::static_file(const CallPtr& call) {
  std::string relative;
  for (const auto& segment : call->path) {
    if (segment.empty() || segment.front() == '.' || segment.find_first_of("/\\") != std::string::npos ||
        segment.find('\0') != std::string::npos)
      return fail(call, ErrorCode::not_found, "no such file");
    relative += "/" + segment;
  }
  if (relative.empty()) relative = "/index.html";
  offload(call, [this, call, relative] {
    const std::filesystem::path path(options.ui_dir + relative);
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    const auto mtime = ec ? std::filesystem::file_time_type{} : std::filesystem::last_write_time(path, ec);
    if (ec || !std::filesystem::is_regular_file(path, ec) || size > kMaxStaticFile)
      return fail(call, ErrorCode::not_found, "no such file");
    Response r;
    r.content_type = std::string(static_type(relative));
    add_ui_headers(r, ui_policy);
    // Kept by the browser and revalidated: a file unchanged since (same size and time) is a
    // 304 without its body.
    const auto etag = TagHash()
                          .add(relative)
                          .add(static_cast<std::uint64_t>(size))
                          .add(static_cast<std::uint64_t>(mtime.time_since_epoch().count()))
                          .tag("ui");
    if (tag_answer(r, call->request, etag)) return respond(call, std::move(r));
    if (size >= kMinCompressed && compressible_type(r.content_type) && accepts_gzip(call->request.accept_encoding)) {
      if (auto gz = gzipped_file(relative, size, mtime.time_since_epoch().count())) {
        r.body = *gz;
        r.headers.emplace_back("Content-Encoding", "gzip");
        add_vary_accept_encoding(r);
        return respond(call, std::move(r));
      }
    }
    auto body = read_file(path.string(), size);
    if (!body) return fail(call, ErrorCode::not_found, "no such file");
    r.body = std::move(*body);
    respond(call, std::move(r));
  });
}

std::shared_ptr<const std::string> OperationsHandlers::gzipped_file(const std::string& relative, std::uintmax_t size,
                                                                    std::int64_t mtime) {
  {
    std::lock_guard lock(gzipped_mutex);
    auto it = gzipped.find(relative);
    if (it != gzipped.end() && it->second.size == size && it->second.mtime == mtime) return it->second.body;
  }
  auto body = read_file(options.ui_dir + relative, size);
  if (!body) return nullptr;
  auto gz = std::make_shared<const std::string>(gzip(*body, kGzipStaticLevel));
  std::lock_guard lock(gzipped_mutex);
  auto& entry = gzipped[relative];
  gzipped_bytes -= entry.body ? entry.body->size() : 0;
  if (gzipped_bytes + gz->size() > kMaxGzippedBytes) {
    // More than the UI ever holds: files come and go under the directory. Start afresh.
    gzipped.clear();
    gzipped_bytes = 0;
  }
  gzipped[relative] = Gzipped{size, mtime, gz};
  gzipped_bytes += gz->size();
  return gz;
}

}  // namespace gridkeeper::web
