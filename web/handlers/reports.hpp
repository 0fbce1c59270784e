#pragma once
// The reports: the assessment and the trends (GET /api/v1/stats/...), as JSON or CSV, on
// the report pool, a few at a time per user; the assessment's case table (one row per
// case) is streamed. Their figures are made in web/stats.cpp. The audit trail (操作日志)
// reads through the same port (web/audit.hpp).
#include "dispatch/center.hpp"
#include "dispatch/clock.hpp"
#include "web/handlers/group.hpp"
#include "web/stats.hpp"

namespace gridkeeper::web {

class ReportHandlers : HandlerGroup {
 public:
  ReportHandlers(Router& router, const ApiOptions& options, dispatch::Center& center, const dispatch::Clock& clock);

  void assessment(const CallPtr& call);
  void trends(const CallPtr& call);
  // GET /api/v1/audit: the audit trail, a page of JSON or the whole filtered trail as CSV.
  void audit(const CallPtr& call);

 private:
  using Report = Response (*)(const dispatch::Center&, dispatch::Reports&, const dispatch::Actor&, const StatsRequest&,
                              dispatch::Millis);
  void report(const CallPtr& call, Report make);
  void case_table(const CallPtr& call, StatsRequest request);

  dispatch::Center& center;
  const dispatch::Clock& clock;
};

}  // namespace gridkeeper::web
