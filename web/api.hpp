#pragma once
// The HTTP API between the transport and the command center: a router over the
// contract's endpoints, authentication and authorisation, and handlers that turn
// requests into Center calls and answers into JSON. Plain values in, plain values out;
// no sockets here. Work that may block runs on a bounded pool; asynchronous center
// calls finish on the connection's strand through `Resume`. One place catches.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "dispatch/accounts.hpp"
#include "dispatch/center.hpp"
#include "dispatch/clock.hpp"
#include "dispatch/generation.hpp"
#include "dispatch/reports.hpp"
#include "web/auth.hpp"
#include "web/message.hpp"

namespace gridkeeper::web {

class Metrics;
class LiveFeed;

struct ApiOptions {
  std::string ui_dir;  // static files of the browser UI; empty: none
  // The map's own basemap (roads and estates as GeoJSON, e.g. the demo's places), served
  // by GET /api/v1/map/basemap; empty: an empty FeatureCollection.
  std::string basemap_geojson;
  std::size_t blocking_threads = 4;   // SQLite reads, photos, files
  std::size_t blocking_queue = 1024;  // beyond this, 503 overloaded
  // Heavy reads run on pools of their own, at most a few per user at once (429 beyond), so
  // that one user's reports never hold up anyone's reads. The reports answered whole
  // (assessment, trends) one at a time: each reads its period on two threads and holds
  // tens of megabytes while it is made, so the next waits in the queue (503 beyond) rather
  // than doubling the memory. Streamed answers (CSV) hold little and may wait on a slow
  // client, so they have threads of their own and never hold up the reports.
  std::size_t report_threads = 1;
  std::size_t report_queue = 32;
  std::size_t stream_threads = 2;
  std::size_t stream_queue = 32;
  int reports_per_user = 2;
  // Anonymous Open311 reads: a rate per address (429 beyond) and a pool of their own, so
  // that they cannot starve staff.
  double anonymous_reads_per_minute = 120;
  double anonymous_read_burst = 30;
  // Requests with unknown or expired tokens (a storage read each), per address.
  double unknown_tokens_per_minute = 60;
  double unknown_token_burst = 60;
  std::size_t public_threads = 1;
  std::size_t public_queue = 64;
  // Logins (Argon2id) have threads and a queue of their own, so that a flood of them never
  // delays reads and intakes; beyond the queue a login is 429 with Retry-After: 1.
  std::size_t hashing_threads = 2;
  std::size_t hashing_queue = 32;
  // Streamed answers (the assessment's case CSV): chunks of `stream_chunk_bytes`, at most
  // `stream_chunks` of them queued for a slow client; a producer that finds no room for
  // `stream_stall_timeout` gives the stream up.
  std::size_t stream_chunk_bytes = 64 * 1024;
  std::size_t stream_chunks = 4;
  std::chrono::milliseconds stream_stall_timeout{30'000};
  AuthOptions auth;
  std::function<std::string()> extra_metrics;  // more Prometheus text (storage figures)
  // Whether this server still holds the database's lease (a shared PostgreSQL database);
  // /healthz says standby once it does not, while it stops. None: always active.
  std::function<bool()> holds_lease;
  // Called on the report pool's thread after each heavy read is answered (the server hands
  // the memory reports free back to the system once they stop for a moment).
  std::function<void()> reports_done;
  // Assessment, trends and Open311 read through this; without it they answer 503.
  dispatch::Reports* reports = nullptr;
  // Grid generations (POST /api/v1/generations ...); without it they answer 503.
  dispatch::Generations* generations = nullptr;
  // Test only (serve --manual-clock): the clock the center runs on, moved forward by
  // POST /api/v1/test/clock; null, and the endpoint answers 404. `clock_moved` runs after
  // each move, so that a loop waiting for the next deadline looks again.
  dispatch::ManualClock* manual_clock = nullptr;
  std::function<void()> clock_moved;
};

// Runs a function on the connection's own strand, leaving e.g. the storage writer's thread.
using Resume = std::function<void(std::function<void()>)>;

// What the Api decides about a request once its header is in, before a byte of its body is
// read: a refusal (unknown route, no or a bad token), or who is asking and which body
// limit applies. The admitted request then goes to `handle` with it, so its token is
// checked once.
struct Admission {
  std::optional<Response> refusal;  // set: answer it and close, without reading the body
  enum class Body { anonymous, user, photo, grid_file } body = Body::anonymous;
  std::shared_ptr<const dispatch::User> user;  // null on routes that need no user
  std::string token_hash;
  std::size_t route = 0;
};

// The user behind a live feed's token, the token's hash and when it expires.
struct FeedIdentity {
  dispatch::User user;
  std::string token_hash;
  dispatch::Millis expires_at = 0;
};

class Api {
 public:
  Api(dispatch::Center& center, dispatch::Accounts& accounts, const dispatch::Clock& clock, Metrics& metrics,
      LiveFeed& feed, ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Answers one request; `reply` runs exactly once.
  void handle(Request request, Reply reply, Resume resume);

  // The two phases of a request with a body. `admit` takes the request without its body
  // and runs `done` once, on any thread (the token cache answers at once; otherwise storage
  // is asked on the blocking pool). `handle` then answers the request with its body.
  void admit(const Request& head, std::function<void(Admission)> done);
  void handle(Request request, Admission admitted, Reply reply, Resume resume);

  // The target's path with its segments decoded and without a trailing slash, as the
  // router sees it ("/metrics"); empty when malformed.
  static std::string route_path(std::string_view target);

  // The WebSocket paths, and the user behind an upgrade request's token (Authorization
  // header or `token` query parameter, since browsers cannot set headers on WebSockets).
  static bool is_feed(std::string_view target);
  void authenticate_feed(const Request& request, std::function<void(dispatch::Result<FeedIdentity>)> done);

  // Photo uploads may be larger than JSON bodies.
  static bool is_photo_upload(Method method, std::string_view target);

  // The answer to a request the transport refuses (too large, malformed) before the API
  // sees it, in the error format of the endpoint it was meant for.
  static Response transport_error(std::string_view target, dispatch::ErrorCode code, std::string message);

  // Waits for the blocking jobs already accepted; later ones are refused.
  void drain();

  // The route labels used by the metrics, in order.
  static std::vector<std::string> route_names();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gridkeeper::web
