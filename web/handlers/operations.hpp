#pragma once
// Operations and who is asking: GET /healthz, GET /metrics (the Prometheus text), the
// API's own description (GET /api/v1/openapi.json), the browser UI's static files, the
// live feed's paths asked without an upgrade, login, logout and me, and the test clock
// (serve --manual-clock).
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "dispatch/center.hpp"
#include "web/auth.hpp"
#include "web/blocking_pool.hpp"
#include "web/handlers/group.hpp"
#include "web/ui_policy.hpp"

namespace gridkeeper::web {

class LiveFeed;
class Metrics;

class OperationsHandlers : HandlerGroup {
 public:
  OperationsHandlers(Router& router, const ApiOptions& options, dispatch::Center& center, Metrics& metrics,
                     LiveFeed& feed);

  void healthz(const CallPtr& call);
  void metrics_text(const CallPtr& call);
  void openapi(const CallPtr& call);
  void feed_needs_upgrade(const CallPtr& call);
  void static_file(const CallPtr& call);  // GET of any other path outside /api, when a UI is served

  void login(const CallPtr& call);
  void logout(const CallPtr& call);
  void me(const CallPtr& call);

  void test_clock(const CallPtr& call);

 private:
  void refuse_login(const CallPtr& call, const dispatch::Error& e, dispatch::Millis wait);
  // The gzip of a UI file, compressed once per version of the file (its size and time).
  std::shared_ptr<const std::string> gzipped_file(const std::string& relative, std::uintmax_t size, std::int64_t mtime);

  dispatch::Center& center;
  Metrics& metrics;
  LiveFeed& feed;
  Auth& auth;
  const BlockingPool& pool;
  BlockingPool& hashing;  // logins only
  std::string ui_policy_warning;
  UiPolicy ui_policy;  // the headers of the UI's files, from its config.json at start
  struct Gzipped {
    std::uintmax_t size = 0;
    std::int64_t mtime = 0;
    std::shared_ptr<const std::string> body;
  };
  std::mutex gzipped_mutex;
  std::unordered_map<std::string, Gzipped> gzipped;  // by relative path
  std::size_t gzipped_bytes = 0;
};

}  // namespace gridkeeper::web
