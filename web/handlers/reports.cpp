#include "web/handlers/reports.hpp"

namespace gridkeeper::web {

ReportHandlers::ReportHandlers(Router& router, const ApiOptions& o, dispatch::Center& c, const dispatch::Clock& clk)
    : HandlerGroup(router, o), center(c), clock(clk) {}

void ReportHandlers::report(const CallPtr& call, Report make) {
  if (!reports_ready(call)) return;
  auto q = stats_request(call->query, clock.now());
  if (!q) return fail(call, q.error());
  if (make == &assessment_response && q->csv && q->table == "cases") return case_table(call, std::move(*q));
  offload_heavy(call, [this, call, make, q = std::move(*q)] {
    respond(call, make(center, *options.reports, call->actor(), q, clock.now()));
  });
}

// One row per case of the period: as long as the period's history, so written as it is read.
void ReportHandlers::case_table(const CallPtr& call, StatsRequest q) {
  offload_heavy(call, [this, call, q = std::move(q)] {
    stream(call, case_facts_csv_head(q), [&](ChunkSink& sink) {
      return write_case_facts_csv(center, *options.reports, call->actor(), q, clock.now(), sink);
    });
  });
}

void ReportHandlers::assessment(const CallPtr& call) { report(call, &assessment_response); }
void ReportHandlers::trends(const CallPtr& call) { report(call, &trends_response); }

}  // namespace gridkeeper::web
