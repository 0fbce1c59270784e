#pragma once
// The assessment and trend reports over HTTP: their query parameters, the JSON and CSV
// they answer with, the assessment settings, follow-up ratings and Open311 client keys as
// JSON. docs/API.md describes the shapes. Functions marked blocking read storage. What a
// report holds is decided by dispatch::Reporting (dispatch/reporting.hpp); its columns are
// the tables of dispatch/figures.hpp, encoded by web/columns.hpp.
#include <boost/json/object.hpp>
#include <string>
#include <utility>
#include <vector>

#include "dispatch/assessment.hpp"
#include "dispatch/center.hpp"
#include "dispatch/reporting.hpp"
#include "dispatch/reports.hpp"
#include "web/message.hpp"
#include "web/params.hpp"
#include "web/streaming.hpp"

namespace gridkeeper::web {

// scope, period and bucket are the report's (dispatch::ReportRequest); the rest is the answer's.
struct StatsRequest : dispatch::ReportRequest {
  bool csv = false;
  std::string table = "communities";  // CSV of the assessment: workers, grids, communities, streets or cases
};

inline constexpr std::int64_t kMaxReportDays = 400;

// scope, from, to (or period), format, table, bucket; `now` gives the defaults (from the
// start of the current quarter up to now).
dispatch::Result<StatsRequest> stats_request(const QueryParams& params, dispatch::Millis now);

// Blocking. The figures of what the actor may see: the JSON, or one table of rows as CSV
// (the case table is streamed instead: write_case_facts_csv).
Response assessment_response(const dispatch::Center& center, dispatch::Reports& reports, const dispatch::Actor& actor,
                             const StatsRequest& request, dispatch::Millis now);
// Blocking. The assessment's case table as CSV (table=cases&format=csv), written to `sink`
// as its rows are read: the header, then the rows, handed on about every 64 KiB, so that
// memory does not grow with the period. The report's errors come before the first byte.
dispatch::Status write_case_facts_csv(const dispatch::Center& center, dispatch::Reports& reports,
                                      const dispatch::Actor& actor, const StatsRequest& request, dispatch::Millis now,
                                      ChunkSink& sink);
// The head of that answer (its type and file name).
StreamHead case_facts_csv_head(const StatsRequest& request);

Response trends_response(const dispatch::Center& center, dispatch::Reports& reports, const dispatch::Actor& actor,
                         const StatsRequest& request, dispatch::Millis now);

// The assessment settings: stored under this key as JSON; defaults when none are stored.
inline constexpr std::string_view kAssessmentSetting = dispatch::kAssessmentSetting;
boost::json::object rules_json(const dispatch::AssessmentRules& rules);
// The change a body names (its shape only: fields and types).
dispatch::Result<dispatch::RulesChange> rules_change_from(const boost::json::object& body);
// `base` with what `body` names replaced; every value checked (dispatch::apply_change).
dispatch::Result<dispatch::AssessmentRules> rules_from(dispatch::AssessmentRules base, const boost::json::object& body);
// The stored settings' text read as a change (dispatch::RulesReader).
dispatch::Result<dispatch::RulesChange> read_stored_rules(std::string_view text);
dispatch::Result<dispatch::AssessmentRules> stored_rules(dispatch::Reports& reports);  // blocking

struct RatingRequest {
  int score = 0;
  std::string note;
};
dispatch::Result<RatingRequest> rating_from(const boost::json::object& body);
boost::json::object rating_json(const dispatch::CaseEvent& rated);

struct NewClientKey {
  std::string name, scope;
};
dispatch::Result<NewClientKey> client_key_from(const boost::json::object& body);
boost::json::object client_key_json(const dispatch::ClientKey& key);

// A page of the case list as CSV (no reporter details).
std::string cases_csv(const std::vector<dispatch::Case>& cases);

}  // namespace gridkeeper::web
