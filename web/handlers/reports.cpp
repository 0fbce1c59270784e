#include "web/handlers/reports.hpp"

namespace gridkeeper::web {

ReportHandlers::ReportHandlers(Router& router, const ApiOptions& o, dispatch::Center& c, const dispatch::Clock& clk)
    : HandlerGroup(router, o), center(c), clock(clk) {}

void ReportHandlers::report(const CallPtr& call, Report make) {
  if (!reports_ready(call)) return;
  auto q = stats_request(call->query, clock.now());
  if (!q) return fail(call, q.error());
  offload_heavy(call, [this, call, make, q = std::move(*q)] {
    respond(call, make(center, *options.reports, call->actor(), q, clock.now()));
  });
}

void ReportHandlers::assessment(const CallPtr& call) { report(call, &assessment_response); }
void ReportHandlers::trends(const CallPtr& call) { report(call, &trends_response); }

}  // namespace gridkeeper::web
