#pragma once
// Open311 GeoReport v2 at /open311/v2, in JSON. Categories are services; cases are service
// requests: open while reported, dispatched, accepted or resolved, closed once closed or
// cancelled, with gridkeeper's own state in status_notes and the resolution deadline as
// expected_datetime. Requests posted here go through the center's intake with source
// "open311", under the client key's jurisdiction. Reading needs no key and never shows
// the reporter. Errors are the spec's array: [{"code": 400, "description": "..."}].
// docs/API.md ("Open311") has the mapping.
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "dispatch/center.hpp"
#include "dispatch/reports.hpp"
#include "web/message.hpp"
#include "web/stats.hpp"

namespace gridkeeper::web::open311 {

inline constexpr int kMaxPageSize = 100;  // anonymous readers page through, never take all at once
inline constexpr int kMaxIds = 100;
inline constexpr dispatch::Millis kMaxSpan = 90LL * 86'400'000;  // the spec's search window

Response error(int status, std::string description);
Response error(const dispatch::Error& e);

// GET services.json, services/{code}.json (`file` is the last path segment).
Response services(const dispatch::Center& center);
Response service_definition(const dispatch::Center& center, std::string_view file);

// GET requests.json: service_request_id, service_code, start_date, end_date, status,
// page, page_size, bbox.
dispatch::Result<dispatch::RequestQuery> requests_query(const dispatch::Center& center, const QueryParams& params,
                                                        dispatch::Millis now);
// Blocking.
Response requests(const dispatch::Center& center, dispatch::Reports& reports, const dispatch::RequestQuery& query);
// GET requests/{id}.json; blocking.
Response request(const dispatch::Center& center, dispatch::Reports& reports, std::string_view file);

// POST requests.json, form-encoded or JSON.
struct Submission {
  std::string api_key;
  dispatch::IntakeRequest intake;
};
dispatch::Result<Submission> submission_from(const dispatch::Center& center, const Request& request);
// Who takes the request in: an operator of the key's jurisdiction, named after the key.
dispatch::Actor client_actor(const dispatch::ClientKey& key);
Response created(const dispatch::Case& c);

boost::json::object request_json(const dispatch::Center& center, const dispatch::Case& c);

}  // namespace gridkeeper::web::open311
