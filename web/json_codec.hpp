#pragma once
// JSON in and out of the API: the contract's shapes for cases, events, grids, workers,
// categories and users, the error body, and strict readers for request bodies (unknown
// fields, wrong types and out-of-range numbers become errors that name the field).
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "dispatch/accounts.hpp"
#include "dispatch/center.hpp"
#include "dispatch/errors.hpp"
#include "dispatch/model.hpp"
#include "web/message.hpp"

namespace gridkeeper::web {

// JSON text with numbers as people write them (118.305, not 1.18305E2).
std::string to_json_text(const boost::json::value& v);

// ISO 8601 UTC with milliseconds, e.g. 2026-01-01T00:00:00.000Z.
std::string iso8601(dispatch::Millis t);

// `clock` (dispatch/case_clock.hpp) is judged as of `now`; without one, as of the case's
// last change (the moment a feed message is about).
boost::json::object case_json(const dispatch::Case& c);
boost::json::object case_json(const dispatch::Case& c, dispatch::Millis now);
// The case as its reader gets it: with `allowed_actions`, what the reader may do to it now.
boost::json::object case_json(const dispatch::Case& c, const dispatch::Allowed& allowed);
boost::json::object case_json(const dispatch::Case& c, const dispatch::Allowed& allowed, dispatch::Millis now);
boost::json::object event_json(const dispatch::CaseEvent& e);
boost::json::object photo_json(const dispatch::Photo& p);
boost::json::object grid_properties(const dispatch::Grid& g);
// One area's open cases, as the overdue map's properties and the live feed's `areas`:
// {"id", "level", "open", "warned", "overdue", "worst" (the highest colour with an open
// case, or null), "by_urgency": {colour: {"open", "warned", "overdue"}}}. Compact: only the
// colours with open cases have a row, and a row leaves out its zero counts.
boost::json::object area_json(const dispatch::AreaCounts& a);
// The same members written straight to `out` (no braces around them), for answers that
// list thousands of areas; and a JSON string.
void write_area_members(std::string& out, const dispatch::AreaCounts& a);
// `"steps":[{step, min_per_mille, name}, ...]`: the overdue map's steps (dispatch/overdue_colour.hpp).
void write_overdue_steps(std::string& out);
void write_json_string(std::string& out, std::string_view s);
// A number as to_json_text writes it (shortest form; not finite: null).
void write_json_number(std::string& out, std::int64_t n);
void write_json_number(std::string& out, double d);
boost::json::object worker_json(const dispatch::Worker& w);
boost::json::object category_json(const dispatch::Category& c);
boost::json::object user_json(const dispatch::User& u);
boost::json::object jurisdiction_json(const dispatch::Jurisdiction& j);

// Responses.
Response json_response(int status, const boost::json::value& body);
// The one place where errors are made fit for a client: storage errors lose the
// database's words (logged to stderr instead); see dispatch::for_client.
dispatch::Error client_error(const dispatch::Error& e);
Response error_response(const dispatch::Error& e);
Response error_response(dispatch::ErrorCode code, std::string message, std::string field = {});

// Parses a request body that must be one JSON object (depth and size bounded by the
// caller's body limit; NaN, Infinity and numbers beyond double range are malformed).
dispatch::Result<boost::json::object> parse_object(std::string_view body);

dispatch::Result<dispatch::IntakeRequest> intake_from(const boost::json::object& body);
dispatch::Result<dispatch::TransitionRequest> transition_from(const boost::json::object& body);
// `base`: the category as it is (or a new one with default deadlines); the body replaces
// what it names.
dispatch::Result<dispatch::Category> category_from(dispatch::Category base, const boost::json::object& body);

struct Credentials {
  std::string username, password;
};
dispatch::Result<Credentials> credentials_from(const boost::json::object& body);

struct GridOwners {
  dispatch::WorkerId owner, backup;
};
dispatch::Result<GridOwners> grid_owners_from(const boost::json::object& body);
dispatch::Result<dispatch::DutyStatus> duty_status_from_body(const boost::json::object& body);
// {mode: normal|emergency}: true for emergency.
dispatch::Result<bool> emergency_mode_from(const boost::json::object& body);

}  // namespace gridkeeper::web
