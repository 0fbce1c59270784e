#pragma once
// The router between the transport and the handler groups (web/handlers/): a request
// becomes a `Call`, is matched against the route table (web/routes.cpp), its user found
// from its token, and handed to the handler; the answer goes back through `respond`,
// which records the metrics and adds the headers of every answer. Here too: the one place
// that catches (`guarded`), the pools that work which may block is offloaded to (503 when
// full), the fair shares (reports per user, anonymous reads per address, unknown tokens
// per address) and the return to the connection's strand. Internal to web/.
#include <algorithm>
#include <atomic>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "dispatch/center.hpp"
#include "dispatch/clock.hpp"
#include "web/api.hpp"
#include "web/auth.hpp"
#include "web/blocking_pool.hpp"
#include "web/limits.hpp"
#include "web/message.hpp"
#include "web/params.hpp"
#include "web/streaming.hpp"

namespace gridkeeper::web {

class Metrics;
struct Handlers;  // web/routes.hpp

// One request on its way through the API.
struct Call {
  Request request;
  Reply reply;
  Resume resume;
  std::vector<std::string> path;  // decoded segments
  QueryParams query;
  std::shared_ptr<const dispatch::User> user;
  std::string token_hash;
  std::size_t route = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::atomic<bool> answered{false};
  std::shared_ptr<void> ticket;  // a place among the user's heavy requests, given back with the answer

  const std::string* param(std::string_view name) const { return web::param(query, name); }
  dispatch::Actor actor() const { return user->actor(); }
};
using CallPtr = std::shared_ptr<Call>;

// The token of an Authorization header "Bearer TOKEN" (the scheme in any case); empty
// when there is none.
std::string bearer_token(std::string_view header);

class Router {
 public:
  Router(dispatch::Accounts& accounts, const dispatch::Clock& clock, Metrics& metrics, const ApiOptions& options);
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // The handlers the route table points at; set once, before the first request.
  void serve(Handlers& handlers) { handlers_ = &handlers; }

  // ---- the three ways in (Api::handle, Api::admit, Api::handle with an admission) ----

  // A request in one phase: routed, its user found when the route needs one, answered.
  void dispatch_call(const CallPtr& call);
  // The first phase of a request with a body: its route and user, before the body is read.
  void admit(const CallPtr& call, const std::function<void(Admission)>& done);
  // The second phase: the body is in and the user was found by `admit`.
  void dispatch_admitted(const CallPtr& call);
  // The user behind a live feed's token.
  void authenticate_feed(const Request& request, std::function<void(dispatch::Result<FeedIdentity>)> done);
  // Waits for the jobs already accepted by every pool; later ones are refused.
  void drain();

  // ---- answering, in one place ----

  void respond(const CallPtr& call, Response r);
  // Open311 clients get the spec's error array; everyone else the contract's error object.
  void fail(const CallPtr& call, const dispatch::Error& e);
  void fail(const CallPtr& call, dispatch::ErrorCode code, std::string message, std::string field = {});
  void ok(const CallPtr& call, int status, const boost::json::value& body);
  // 429 with the seconds to wait in Retry-After.
  void refuse_for(const CallPtr& call, dispatch::Millis wait_ms, std::string message);
  // 503 overloaded with Retry-After: a pool's queue is full.
  void overloaded(const CallPtr& call, std::string message);

  // A long answer written as it is produced (web/streaming.hpp), from the calling pool
  // thread (inside `offload_stream`): `produce` writes into the sink until it is done or the
  // sink says the stream was abandoned. An error it returns before the first chunk went
  // out is a plain error answer; after, the stream is cut (no final chunk), so the client
  // sees a broken transfer and never a short file that looks whole. gzip applies when the
  // client accepts it. The user's place among heavy requests is held until the end.
  void stream(const CallPtr& call, StreamHead head, const std::function<dispatch::Status(ChunkSink&)>& produce);

  // The one place that catches: whatever escapes a handler becomes a JSON error.
  template <class F>
  void guarded(const CallPtr& call, F&& f) noexcept {
    try {
      f();
    } catch (const dispatch::Failure& e) {
      fail(call, e.error);
    } catch (const std::exception& e) {
      std::cerr << "gridkeeper serve: internal error on " << call->request.target << ": " << e.what() << "\n";
      fail(call, dispatch::ErrorCode::storage_failed, "internal error; the request was not completed");
    } catch (...) {
      fail(call, dispatch::ErrorCode::storage_failed, "internal error; the request was not completed");
    }
  }

  // Work that may block goes to the pool; a full pool answers 503.
  template <class F>
  void offload(const CallPtr& call, F f) {
    if (!pool_.try_post([this, call, f = std::move(f)]() mutable { guarded(call, f); }))
      overloaded(call, "the server is busy; try again shortly");
  }
  // A heavy read answered whole: a few at a time per user, on the report pool.
  template <class F>
  void offload_heavy(const CallPtr& call, F f) {
    offload_limited(report_pool_, call, std::move(f), "the server is busy preparing reports; try again shortly");
  }
  // A heavy read answered as a stream (Router::stream inside): on the stream pool.
  template <class F>
  void offload_stream(const CallPtr& call, F f) {
    offload_limited(stream_pool_, call, std::move(f), "the server is busy writing exports; try again shortly");
  }
  // An anonymous read: limited per address, on the public pool.
  template <class F>
  void offload_public(const CallPtr& call, F f) {
    if (const auto wait = anonymous_reads_.take(call->request.peer, clock_.now()); wait > 0)
      return refuse_for(call, wait, "too many requests from your address; slow down");
    if (!public_pool_.try_post([this, call, f = std::move(f)]() mutable { guarded(call, f); }))
      overloaded(call, "the server is busy; try again shortly");
  }
  // Leaves the storage writer's thread for the connection's strand.
  template <class F>
  void on_strand(const CallPtr& call, F f) {
    call->resume([this, call, f = std::move(f)]() mutable { guarded(call, f); });
  }
  // The completion of an asynchronous center call: `to_json` of its value, or its error.
  template <class T>
  std::function<void(dispatch::Result<T>)> answer_later(const CallPtr& call, int status,
                                                        boost::json::object (*to_json)(const T&)) {
    return [this, call, status, to_json](dispatch::Result<T> r) {
      on_strand(call, [this, call, status, to_json, r = std::move(r)] {
        if (!r) return fail(call, r.error());
        ok(call, status, to_json(*r));
      });
    };
  }

  // What handler groups share with the router.
  Auth& auth() { return auth_; }
  const BlockingPool& blocking_pool() const { return pool_; }
  BlockingPool& hashing_pool() { return hashing_; }

 private:
  bool resolve(const CallPtr& call);
  template <class F>
  void offload_limited(BlockingPool& pool, const CallPtr& call, F f, const char* busy) {
    call->ticket = reports_per_user_.enter(std::to_string(call->user->id));
    if (!call->ticket)
      return refuse_for(call, 1000, "your earlier reports are still being prepared; wait for them, then ask again");
    // The memory a report frees stays with the process for the next one (handing it back
    // after each report made every report fault all of it in again); `reports_done` lets
    // `serve` hand it back once the reports stop for a moment (app/memory_trim.hpp).
    if (!pool.try_post([this, call, f = std::move(f)]() mutable {
          guarded(call, f);
          if (options_.reports_done) options_.reports_done();
        }))
      overloaded(call, busy);
  }
  // Sends `r` compressed when the client accepts gzip and it is worth it; a large body
  // met on a network thread is compressed on the blocking pool.
  void send_compressed(const CallPtr& call, Response r);
  template <class F>
  void with_user(const CallPtr& call, F next);

  const dispatch::Clock& clock_;
  Metrics& metrics_;
  const ApiOptions& options_;
  Handlers* handlers_ = nullptr;
  Auth auth_;
  BlockingPool pool_;
  BlockingPool hashing_;      // logins only
  BlockingPool report_pool_;  // heavy reads of staff answered whole
  BlockingPool stream_pool_;  // heavy reads of staff answered as streams
  BlockingPool public_pool_;  // anonymous Open311 reads
  ConcurrencyLimit reports_per_user_;
  RateLimiter anonymous_reads_;
  RateLimiter unknown_tokens_;  // per address
  std::mutex streams_mutex_;
  std::unordered_set<std::shared_ptr<ChunkQueue>> streams_;  // being produced; abandoned by drain()
  bool draining_ = false;
};

}  // namespace gridkeeper::web
