#pragma once
// The Open311 GeoReport v2 endpoints (/open311/v2/...): services, one service, requests
// (anonymous reads, limited per address, on the public pool) and a resident's report
// posted with a client key. The format itself is web/open311.cpp.
#include "dispatch/center.hpp"
#include "dispatch/clock.hpp"
#include "web/handlers/group.hpp"

namespace gridkeeper::web {

class Open311Handlers : HandlerGroup {
 public:
  Open311Handlers(Router& router, const ApiOptions& options, dispatch::Center& center, const dispatch::Clock& clock);

  void services(const CallPtr& call);
  void service(const CallPtr& call);
  void requests(const CallPtr& call);
  void request(const CallPtr& call);
  void post_request(const CallPtr& call);

 private:
  dispatch::Center& center;
  const dispatch::Clock& clock;
};

}  // namespace gridkeeper::web
