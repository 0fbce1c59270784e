#include "web/json_codec.hpp"

#include <boost/json/parse.hpp>
#include <cmath>

#include "web/json_reader.hpp"

// The request bodies: parsing a body into a JSON object and reading each kind of body.
namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::ErrorCode;
using dispatch::make_error;

namespace {
// The parser reads 1e999 as infinity; JSON has no such number, so it is refused.
bool finite_numbers(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_:
      return std::isfinite(v.get_double());
    case json::kind::array:
      for (const auto& x : v.get_array())
        if (!finite_numbers(x)) return false;
      return true;
    case json::kind::object:
      for (const auto& kv : v.get_object())
        if (!finite_numbers(kv.value())) return false;
      return true;
    default:
      return true;
  }
}
}  // namespace

dispatch::Result<json::object> parse_object(std::string_view body) {
  if (body.empty()) return make_error(ErrorCode::bad_request, "the request needs a JSON body");
  json::parse_options options;
  options.max_depth = 32;
  std::error_code ec;
  json::value v = json::parse(body, ec, {}, options);
  if (ec) return make_error(ErrorCode::bad_request, "malformed JSON: " + ec.message());
  if (!v.is_object()) return make_error(ErrorCode::bad_request, "the body must be a JSON object");
  if (!finite_numbers(v)) return make_error(ErrorCode::bad_request, "malformed JSON: a number is out of range");
  return std::move(v.as_object());
}

namespace {
// The bodies below are read with the strict reader of web/json_reader.hpp.
using Reader = JsonReader;
}  // namespace

dispatch::Result<dispatch::IntakeRequest> intake_from(const json::object& body) {
  Reader r(body);
  r.only({"lon", "lat", "crs", "category", "urgency", "title", "description", "address", "source", "reporter"});
  dispatch::IntakeRequest req;
  if (auto lon = r.number("lon", true)) req.lon = *lon;
  if (auto lat = r.number("lat", true)) req.lat = *lat;
  if (auto crs = r.text("crs")) {
    if (auto c = geo::crs_from_string(*crs)) req.crs = *c;
    else r.invalid("crs", "crs must be wgs84, gcj02 or bd09");
  }
  if (auto category = r.text("category", true)) req.category = *category;
  if (auto urgency = r.text("urgency")) {
    if (auto u = dispatch::urgency_from(*urgency)) req.urgency = *u;
    else r.invalid("urgency", "urgency must be yellow, orange or red");
  }
  if (auto title = r.text("title", true)) req.title = *title;
  if (auto v = r.text("description")) req.description = *v;
  if (auto v = r.text("address")) req.address = *v;
  if (auto v = r.text("source")) req.source = *v;
  if (const auto* reporter = r.object("reporter")) {
    Reader rr(*reporter, "reporter");
    rr.only({"name", "phone"});
    if (auto v = rr.text("name")) req.reporter.name = *v;
    if (auto v = rr.text("phone")) req.reporter.phone = *v;
    if (rr.error && !r.error) r.error = rr.error;
  }
  if (r.error) return *r.error;
  return req;
}

dispatch::Result<dispatch::TransitionRequest> transition_from(const json::object& body) {
  Reader r(body);
  r.only({"action", "version", "note", "assignee_id"});
  dispatch::TransitionRequest req;
  if (auto action = r.text("action", true)) {
    if (auto a = dispatch::action_from(*action)) req.action = *a;
    else r.invalid("action", "unknown action " + *action);
  }
  if (auto version = r.integer("version", true)) {
    if (*version < 1) r.invalid("version", "version must be a positive integer");
    req.version = *version;
  }
  if (auto note = r.text("note")) req.note = *note;
  if (auto assignee = r.text("assignee_id")) req.assignee = *assignee;
  if (r.error) return *r.error;
  return req;
}

dispatch::Result<dispatch::Category> category_from(dispatch::Category base, const json::object& body) {
  Reader r(body);
  r.only({"id", "name", "sla", "working_time", "after_photo", "callback"});
  if (auto body_id = r.text("id"); body_id && *body_id != base.id) r.invalid("id", "id must match the path");
  if (auto name = r.text("name", true)) base.name = *name;
  if (auto working_time = r.boolean("working_time")) base.working_time = *working_time;
  if (auto after_photo = r.text("after_photo")) {
    if (*after_photo == "required" || *after_photo == "optional")
      base.after_photo_required = *after_photo == "required";
    else r.invalid("after_photo", "after_photo must be required or optional");
  }
  if (auto callback = r.boolean("callback")) base.callback = *callback;
  // Ranges are the center's to judge; here only the shape.
  if (const auto* sla = r.object("sla")) {
    Reader rs(*sla, "sla");
    rs.only({"yellow", "orange", "red"});
    for (auto u : dispatch::kUrgencies) {
      const auto* d = rs.object(to_string(u));
      if (!d) continue;
      Reader rd(*d, "sla." + std::string(to_string(u)));
      rd.only({"accept_s", "resolve_s"});
      auto& slot = base.sla[static_cast<std::size_t>(u)];
      if (auto a = rd.integer("accept_s", true)) slot.accept_s = *a;
      if (auto s = rd.integer("resolve_s", true)) slot.resolve_s = *s;
      if (rd.error && !rs.error) rs.error = rd.error;
    }
    if (rs.error && !r.error) r.error = rs.error;
  }
  if (r.error) return *r.error;
  return base;
}

dispatch::Result<Credentials> credentials_from(const json::object& body) {
  Reader r(body);
  r.only({"username", "password"});
  Credentials c;
  if (auto u = r.text("username", true)) c.username = *u;
  if (auto p = r.text("password", true)) c.password = *p;
  if (!r.error && (c.username.empty() || c.username.size() > 64))
    r.invalid("username", "username must have 1 to 64 bytes");
  if (!r.error && c.password.size() > 1024) r.invalid("password", "password is longer than 1024 bytes");
  if (r.error) return *r.error;
  return c;
}

dispatch::Result<GridOwners> grid_owners_from(const json::object& body) {
  Reader r(body);
  r.only({"owner_id", "backup_id"});
  GridOwners g;
  if (auto o = r.text("owner_id", true)) g.owner = *o;
  if (auto b = r.text("backup_id")) g.backup = *b;
  if (r.error) return *r.error;
  return g;
}

dispatch::Result<dispatch::DutyStatus> duty_status_from_body(const json::object& body) {
  Reader r(body);
  r.only({"status"});
  auto s = r.text("status", true);
  if (r.error) return *r.error;
  if (auto d = dispatch::duty_status_from(*s)) return *d;
  return make_error(ErrorCode::invalid_value, "status must be on_duty, off_duty or leave", "status");
}

dispatch::Result<bool> emergency_mode_from(const json::object& body) {
  Reader r(body);
  r.only({"mode"});
  auto m = r.text("mode", true);
  if (r.error) return *r.error;
  if (*m == "emergency") return true;
  if (*m == "normal") return false;
  return make_error(ErrorCode::invalid_value, "mode must be normal or emergency", "mode");
}

}  // namespace gridkeeper::web
