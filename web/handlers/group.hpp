#pragma once
// The base of the handler groups: what every handler calls to answer, offload and catch,
// passed on to the router (web/router.hpp), and the server's options. A group holds
// references to what its handlers need; the route table (web/routes.cpp) points at them.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <string>
#include <utility>

#include "web/api.hpp"
#include "web/json_codec.hpp"
#include "web/router.hpp"

namespace gridkeeper::web {

class HandlerGroup {
 protected:
  HandlerGroup(Router& router, const ApiOptions& o) : options(o), router_(router) {}

  void respond(const CallPtr& call, Response r) { router_.respond(call, std::move(r)); }
  void fail(const CallPtr& call, const dispatch::Error& e) { router_.fail(call, e); }
  void fail(const CallPtr& call, dispatch::ErrorCode code, std::string message, std::string field = {}) {
    router_.fail(call, code, std::move(message), std::move(field));
  }
  void ok(const CallPtr& call, int status, const boost::json::value& body) { router_.ok(call, status, body); }
  void refuse_for(const CallPtr& call, dispatch::Millis wait_ms, std::string message) {
    router_.refuse_for(call, wait_ms, std::move(message));
  }

  template <class F>
  void guarded(const CallPtr& call, F&& f) noexcept {
    router_.guarded(call, std::forward<F>(f));
  }
  template <class F>
  void offload(const CallPtr& call, F f) {
    router_.offload(call, std::move(f));
  }
  template <class F>
  void offload_heavy(const CallPtr& call, F f) {
    router_.offload_heavy(call, std::move(f));
  }
  template <class F>
  void offload_stream(const CallPtr& call, F f) {
    router_.offload_stream(call, std::move(f));
  }
  // Inside offload_stream: a long answer written as it is produced (Router::stream).
  void stream(const CallPtr& call, StreamHead head, const std::function<dispatch::Status(ChunkSink&)>& produce) {
    router_.stream(call, std::move(head), produce);
  }
  template <class F>
  void offload_public(const CallPtr& call, F f) {
    router_.offload_public(call, std::move(f));
  }
  template <class F>
  void on_strand(const CallPtr& call, F f) {
    router_.on_strand(call, std::move(f));
  }
  template <class T>
  std::function<void(dispatch::Result<T>)> answer_later(const CallPtr& call, int status,
                                                        boost::json::object (*to_json)(const T&)) {
    return router_.answer_later<T>(call, status, to_json);
  }

  static dispatch::Result<boost::json::object> body_object(const CallPtr& call) {
    return parse_object(call->request.body);
  }

  // Assessment, trends, their settings, Open311 keys and Open311 read through
  // `options.reports`; without it they answer 503.
  bool reports_ready(const CallPtr& call) {
    if (options.reports) return true;
    fail(call, dispatch::ErrorCode::overloaded, "reports are not available on this server");
    return false;
  }

  const ApiOptions& options;

 private:
  Router& router_;
};

}  // namespace gridkeeper::web
