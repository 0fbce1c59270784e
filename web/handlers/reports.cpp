#include "web/handlers/reports.hpp"

#include <memory>

#include "dispatch/access.hpp"
#include "web/audit.hpp"

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
  offload_stream(call, [this, call, q = std::move(q)] {
    stream(call, case_facts_csv_head(q), [&](ChunkSink& sink) {
      return write_case_facts_csv(center, *options.reports, call->actor(), q, clock.now(), sink);
    });
  });
}

void ReportHandlers::audit(const CallPtr& call) {
  if (!reports_ready(call)) return;
  if (auto e = dispatch::check(call->actor(), dispatch::Permission::read_audit)) return fail(call, *e);
  auto request = audit_request(call->query, call->request.accept);
  if (!request) return fail(call, request.error());
  const bool csv = request->csv;
  auto work = [this, call, r = std::move(*request)] {
    const auto actor = call->actor();
    // Where subjects lie matters only to an admin with a scope.
    std::unique_ptr<AuditPlaces> places;
    if (!actor.scope.empty()) places = std::make_unique<AuditPlaces>(center);
    auto seen = [&](const dispatch::AuditRecord& rec) { return sees_audit(center, places.get(), actor, rec.entry); };
    if (r.csv) {
      return stream(call, audit_csv_head(), [&](ChunkSink& sink) -> dispatch::Status {
        constexpr std::size_t kHandOn = 64 * 1024;
        CsvWriter w;
        audit_csv_header(w);
        std::size_t rows = 0;
        bool open = true;
        auto status = options.reports->each_audit(r.query, [&](const dispatch::AuditRecord& rec) {
          if (!seen(rec)) return true;
          audit_csv_row(w, rec);
          if (w.str().size() >= kHandOn) {
            open = sink.write(w.str());
            w.clear();
          }
          return open && !(r.limit_given && ++rows >= r.limit);
        });
        if (status || !open) return status;
        sink.write(w.str());
        return std::nullopt;
      });
    }
    boost::json::array items;
    boost::json::value next = nullptr;
    auto status = options.reports->each_audit(r.query, [&](const dispatch::AuditRecord& rec) {
      if (!seen(rec)) return true;
      if (items.size() == r.limit) {  // one more than the page: there is a next page
        next = items.back().as_object().at("seq");
        return false;
      }
      items.push_back(audit_json(rec));
      return true;
    });
    if (status) return fail(call, *status);
    ok(call, 200, boost::json::object{{"items", std::move(items)}, {"next", next}});
  };
  if (csv) return offload_stream(call, std::move(work));
  offload(call, std::move(work));
}

void ReportHandlers::assessment(const CallPtr& call) { report(call, &assessment_response); }
void ReportHandlers::trends(const CallPtr& call) { report(call, &trends_response); }

}  // namespace gridkeeper::web
