#include "web/router.hpp"

#include <boost/url/parse.hpp>
#include <cctype>

#include "web/compression.hpp"
#include "web/json_codec.hpp"
#include "web/metrics.hpp"
#include "web/open311.hpp"
#include "web/routes.hpp"
#include "web/text.hpp"
#include "web/ui_policy.hpp"

namespace gridkeeper::web {

using dispatch::ErrorCode;
using dispatch::make_error;

namespace {
// Bodies up to this size are compressed wherever they are answered, even on a network
// thread (a few hundred microseconds at most); larger ones only on a pool thread.
constexpr std::size_t kCompressedInline = 64 * 1024;

// The decoded path of a target, for the messages of unknown paths.
std::string path_text(std::string_view target) {
  auto parsed = boost::urls::parse_origin_form(target);
  return parsed ? std::string(parsed->path()) : std::string();
}
}  // namespace

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

Router::Router(dispatch::Accounts& accounts, const dispatch::Clock& clock, Metrics& metrics, const ApiOptions& options)
    : clock_(clock),
      metrics_(metrics),
      options_(options),
      auth_(accounts, clock, options.auth),
      pool_(options.blocking_threads, options.blocking_queue),
      hashing_(options.hashing_threads, options.hashing_queue),
      report_pool_(options.report_threads, options.report_queue),
      stream_pool_(options.stream_threads, options.stream_queue),
      public_pool_(options.public_threads, options.public_queue),
      reports_per_user_(options.reports_per_user),
      anonymous_reads_(options.anonymous_reads_per_minute, options.anonymous_read_burst),
      unknown_tokens_(options.unknown_tokens_per_minute, options.unknown_token_burst) {}

// ---- answering, in one place ----

void Router::respond(const CallPtr& call, Response r) {
  if (call->answered.exchange(true)) return;
  // Before the answer leaves, so that the user's next request finds its place; a stream
  // keeps it until its end (Router::stream).
  if (!r.stream) call->ticket.reset();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - call->started).count();
  metrics_.record(call->route, r.status, seconds);
  // The browser counts deadlines down against the server's clock, not its own.
  r.headers.emplace_back("X-Server-Time", std::to_string(clock_.now()));
  add_common_headers(r);
  if (r.stream) return call->reply(std::move(r));  // the stream's sink encodes its chunks
  send_compressed(call, std::move(r));
}

void Router::send_compressed(const CallPtr& call, Response r) {
  const bool accepted = worth_compressing(r) && accepts_gzip(call->request.accept_encoding);
  const auto compress = [](Response& answer, bool accepts) {
    try {
      compress_response(answer, accepts);
    } catch (const std::exception& e) {  // out of memory: the answer goes as it is
      std::cerr << "gridkeeper serve: cannot compress an answer: " << e.what() << "\n";
    }
  };
  if (accepted && r.body.size() > kCompressedInline && !BlockingPool::on_pool_thread()) {
    auto held = std::make_shared<Response>(std::move(r));
    if (pool_.try_post([call, held, compress] {
          compress(*held, true);
          call->reply(std::move(*held));
        }))
      return;
    r = std::move(*held);  // the pool is full: sent as it is rather than on a network thread
    compress(r, false);
    return call->reply(std::move(r));
  }
  compress(r, accepted);
  call->reply(std::move(r));
}

void Router::fail(const CallPtr& call, const dispatch::Error& e) {
  const bool open311 = !call->path.empty() && call->path[0] == "open311";
  respond(call, open311 ? open311::error(e) : error_response(e));
}

void Router::fail(const CallPtr& call, ErrorCode code, std::string message, std::string field) {
  fail(call, make_error(code, std::move(message), std::move(field)));
}

void Router::ok(const CallPtr& call, int status, const boost::json::value& body) {
  respond(call, json_response(status, body));
}

void Router::refuse_for(const CallPtr& call, dispatch::Millis wait_ms, std::string message) {
  const bool open311 = !call->path.empty() && call->path[0] == "open311";
  const auto e = make_error(ErrorCode::too_many_requests, std::move(message));
  auto r = open311 ? open311::error(e) : error_response(e);
  r.headers.emplace_back("Retry-After", std::to_string(std::max<dispatch::Millis>(1, (wait_ms + 999) / 1000)));
  respond(call, std::move(r));
}

void Router::overloaded(const CallPtr& call, std::string message) {
  const bool open311 = !call->path.empty() && call->path[0] == "open311";
  const auto e = make_error(ErrorCode::overloaded, std::move(message));
  auto r = open311 ? open311::error(e) : error_response(e);
  r.headers.emplace_back("Retry-After", "1");
  respond(call, std::move(r));
}

void Router::stream(const CallPtr& call, StreamHead head, const std::function<dispatch::Status(ChunkSink&)>& produce) {
  StreamOptions o;
  o.chunk_bytes = options_.stream_chunk_bytes;
  o.chunks_in_flight = options_.stream_chunks;
  o.stall_timeout = options_.stream_stall_timeout;
  o.stall_counter = &metrics_.stream_stalls;
  StreamWriter writer(std::move(head), accepts_gzip(call->request.accept_encoding), o,
                      [this, call](Response r) { respond(call, std::move(r)); });
  const auto queue = writer.queue();
  {
    std::lock_guard lock(streams_mutex_);
    if (draining_) return overloaded(call, "the server is stopping");
    streams_.insert(queue);
  }
  ++metrics_.streams;
  struct Leave {
    Router& router;
    const std::shared_ptr<ChunkQueue>& queue;
    ~Leave() {
      {
        std::lock_guard lock(router.streams_mutex_);
        router.streams_.erase(queue);
      }
      --router.metrics_.streams;
      if (queue->abandoned()) ++router.metrics_.streams_abandoned;
    }
  } leave{*this, queue};
  dispatch::Status status;
  try {
    status = produce(writer);
  } catch (...) {
    writer.cut();
    throw;  // answered by `guarded` when nothing was sent yet; logged either way
  }
  if (status) {
    if (!writer.started()) return fail(call, *status);
    std::cerr << "gridkeeper serve: a streamed answer to " << call->request.target << " was cut: " << status->message
              << "\n";
    return writer.cut();
  }
  if (writer.abandoned()) return writer.cut();
  call->ticket.reset();  // the rest is queued; the user's next report may begin
  if (auto whole = writer.finish()) respond(call, std::move(*whole));
}

// ---- routing ----

// Parses the target into path and query and finds the route of the call's method and
// path (routes().size(): a static file). False, with the call answered, when the target
// is malformed or nothing answers it.
bool Router::resolve(const CallPtr& call) {
  auto target = parse_target(call->request.target);
  if (!target) {
    fail(call, ErrorCode::bad_request, "malformed request target");
    return false;
  }
  call->path = std::move(target->path);
  call->query = std::move(target->query);
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
    fail(call, ErrorCode::not_found, "this method is not available on " + path_text(call->request.target));
    return false;
  }
  if (call->request.method == Method::get && !options_.ui_dir.empty() && (call->path.empty() || call->path[0] != "api"))
    return true;
  fail(call, ErrorCode::not_found, "no endpoint " + path_text(call->request.target));
  return false;
}

void Router::dispatch_call(const CallPtr& call) {
  if (!resolve(call)) return;
  if (call->route == routes().size()) return handlers_->operations.static_file(call);
  const auto& r = routes()[call->route];
  if (!r.needs_user) return r.handler(*handlers_, call);
  with_user(call, [this, call, handler = r.handler] { handler(*handlers_, call); });
}

void Router::admit(const CallPtr& call, const std::function<void(Admission)>& done) {
  if (!resolve(call)) return;
  Admission a;
  a.route = call->route;
  if (call->route == routes().size() || !routes()[call->route].needs_user) return done(std::move(a));
  a.body = routes()[call->route].photo       ? Admission::Body::photo
           : routes()[call->route].grid_file ? Admission::Body::grid_file
                                             : Admission::Body::user;
  with_user(call, [this, call, done, a = std::move(a)]() mutable {
    a.user = call->user;
    a.token_hash = call->token_hash;
    if (a.body == Admission::Body::grid_file)
      return handlers_->generations.admit_upload(call, [done, a = std::move(a)]() mutable { done(std::move(a)); });
    if (a.body != Admission::Body::photo) return done(std::move(a));
    // Whether this user may attach a photo to this case is known before up to 10 MiB
    // are read: a 403, 404 or 409 goes out without reading the body.
    handlers_->cases.admit_photo(call, [done, a = std::move(a)]() mutable { done(std::move(a)); });
  });
}

void Router::dispatch_admitted(const CallPtr& call) {
  const auto route = call->route;
  if (!resolve(call)) return;
  if (route != call->route) return fail(call, ErrorCode::bad_request, "the request changed while it was read");
  if (route == routes().size()) return handlers_->operations.static_file(call);
  routes()[route].handler(*handlers_, call);
}

namespace {
// What a user who must change its password may still call.
bool open_before_password_change(std::size_t route) {
  if (route >= routes().size()) return true;
  const auto name = routes()[route].name;
  return name == "POST /api/v1/auth/password" || name == "POST /api/v1/auth/logout" || name == "GET /api/v1/auth/me";
}
dispatch::Error password_change_required() {
  return make_error(ErrorCode::password_change_required,
                    "change your password first (POST /api/v1/auth/password); nothing else is open until then");
}
}  // namespace

// Finds the user behind the call's token, then runs `next` (at once when the token cache
// knows it, else on the blocking pool); without a valid token the call is answered 401.
template <class F>
void Router::with_user(const CallPtr& call, F next) {
  const auto token = bearer_token(call->request.authorization);
  if (token.empty() || token.size() > 256)
    return fail(call, ErrorCode::unauthenticated, "log in and send Authorization: Bearer TOKEN");
  call->token_hash = token_hash(token);
  if (auto user = auth_.cached(call->token_hash)) {
    call->user = std::move(user);
    if (call->user->must_change_password && !open_before_password_change(call->route))
      return fail(call, password_change_required());
    return next();
  }
  // Unknown tokens cost a storage read each: an address that keeps sending them is held
  // back before it can fill the pool.
  if (const auto wait = unknown_tokens_.wait(call->request.peer, clock_.now()); wait > 0)
    return refuse_for(call, wait, "too many requests with unknown tokens from your address; log in again");
  offload(call, [this, call, next = std::move(next)]() mutable {
    auto user = auth_.authenticate(call->token_hash);
    if (!user) {
      unknown_tokens_.take(call->request.peer, clock_.now());
      return fail(call, user.error());
    }
    call->user = std::make_shared<const dispatch::User>(std::move(*user));
    if (call->user->must_change_password && !open_before_password_change(call->route))
      return fail(call, password_change_required());
    next();
  });
}

void Router::authenticate_feed(const Request& request, std::function<void(dispatch::Result<FeedIdentity>)> done) {
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
  if (auto user = auth_.cached(hash, &identity.expires_at)) {
    if (user->must_change_password) return done(password_change_required());
    identity.user = *user;
    identity.token_hash = std::move(hash);
    return done(std::move(identity));
  }
  const std::string peer = request.peer;
  if (unknown_tokens_.wait(peer, clock_.now()) > 0)
    return done(make_error(ErrorCode::too_many_requests, "too many requests with unknown tokens from your address"));
  auto job = [this, hash, done, peer] {
    try {
      FeedIdentity identity;
      auto user = auth_.authenticate(hash, &identity.expires_at);
      if (!user) {
        unknown_tokens_.take(peer, clock_.now());
        return done(user.error());
      }
      if (user->must_change_password) return done(password_change_required());
      identity.user = std::move(*user);
      identity.token_hash = hash;
      done(std::move(identity));
    } catch (const std::exception&) {
      done(make_error(ErrorCode::storage_failed, "internal error; try again"));
    }
  };
  if (!pool_.try_post(job)) done(make_error(ErrorCode::overloaded, "the server is busy; try again shortly"));
}

void Router::drain() {
  {
    // Streams being produced are given up: their connections are gone or going, and their
    // producers stop at their next write instead of waiting out the stall timeout.
    std::lock_guard lock(streams_mutex_);
    draining_ = true;
    for (const auto& q : streams_) q->abandon();
  }
  hashing_.join();
  pool_.join();
  report_pool_.join();
  stream_pool_.join();
  public_pool_.join();
}

}  // namespace gridkeeper::web
