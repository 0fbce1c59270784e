#include "web/json_codec.hpp"

#include "dispatch/case_clock.hpp"

#include <charconv>
#include <cmath>
#include <ctime>
#include <initializer_list>
#include <iostream>
#include <limits>

#include "dispatch/case_view.hpp"
#include "dispatch/lifecycle.hpp"
#include "dispatch/overdue_colour.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::ErrorCode;
using dispatch::make_error;

namespace {
// The length of the well-formed UTF-8 sequence that starts with the byte at s[i] >= 0x80,
// or 0 when it is not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n;
  unsigned cp;
  if (c >= 0xC2 && c <= 0xDF) n = 1, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) n = 2, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) n = 3, cp = c & 0x07;
  else return 0;
  if (s.size() - i <= n) return 0;
  for (std::size_t k = 1; k <= n; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n + 1;
}

void write_string(std::string& out, std::string_view s) {
  out += '"';
  std::size_t plain = 0;  // start of the run of characters copied as they are
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      // Checked, not assumed: whatever slipped past the readers, the answer stays JSON
      // text; a byte that begins no well-formed sequence becomes U+FFFD.
      if (const auto n = utf8_sequence(s, i)) {
        i += n - 1;
        continue;
      }
      out.append(s.data() + plain, i - plain);
      plain = i + 1;
      out += "\xEF\xBF\xBD";
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

template <class N>
void write_number(std::string& out, N n) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

void write_value(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      out += "null";
      break;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      break;
    case json::kind::int64:
      write_number(out, v.get_int64());
      break;
    case json::kind::uint64:
      write_number(out, v.get_uint64());
      break;
    case json::kind::double_:
      if (std::isfinite(v.get_double())) write_number(out, v.get_double());
      else out += "null";
      break;
    case json::kind::string:
      write_string(out, v.get_string());
      break;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& x : v.get_array()) {
        if (!first) out += ',';
        first = false;
        write_value(out, x);
      }
      out += ']';
      break;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out += ',';
        first = false;
        write_string(out, kv.key());
        out += ':';
        write_value(out, kv.value());
      }
      out += '}';
      break;
    }
  }
}
}  // namespace

std::string to_json_text(const json::value& v) {
  std::string out;
  out.reserve(512);
  write_value(out, v);
  return out;
}

std::string iso8601(dispatch::Millis t) {
  std::int64_t secs = t / 1000, ms = t % 1000;
  if (ms < 0) ms += 1000, secs -= 1;
  const std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

namespace {
json::value time_or_null(const std::optional<dispatch::Millis>& t) {
  if (!t) return nullptr;
  return json::value(iso8601(*t));
}
json::value text_or_null(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}
}  // namespace

json::object clock_json(const dispatch::Case& c, dispatch::Millis now) {
  const auto k = dispatch::clock_of(c, now);
  json::value deadline = nullptr;
  if (k.deadline) deadline = json::value(to_string(*k.deadline));
  json::value left = nullptr;
  if (k.left_s) left = *k.left_s;
  return json::object{{"deadline", deadline},
                      {"running", k.running ? deadline : json::value(nullptr)},
                      {"due_at", time_or_null(k.due_at)},
                      {"overdue", k.overdue},
                      {"missed_at", time_or_null(k.missed_at)},
                      {"overdue_s", k.overdue ? json::value(k.overdue_s) : json::value(nullptr)},
                      {"left_s", left},
                      {"as_of", iso8601(now)}};
}

json::object case_json(const dispatch::Case& c) { return case_json(c, c.updated_at); }

json::object case_json(const dispatch::Case& c, dispatch::Millis now) {
  json::object o;
  o.reserve(32);
  o["id"] = c.id;
  o["state"] = to_string(c.state);
  o["urgency"] = to_string(c.urgency);
  o["category"] = c.category;
  o["title"] = c.title;
  o["lon"] = c.lon;
  o["lat"] = c.lat;
  o["grid_id"] = text_or_null(c.grid);
  o["assignee_id"] = text_or_null(c.assignee);
  o["tier"] = to_string(c.tier);
  o["version"] = c.version;
  o["created_at"] = iso8601(c.created_at);
  o["updated_at"] = iso8601(c.updated_at);
  o["accept_by"] = time_or_null(c.accept_by);
  o["resolve_by"] = time_or_null(c.resolve_by);
  o["warned"] = c.warned;
  o["overdue"] = c.overdue;
  o["description"] = c.description;
  o["address"] = c.address;
  o["source"] = c.source;
  o["reporter"] = json::object{{"name", c.reporter.name}, {"phone", c.reporter.phone}};
  o["community"] = text_or_null(c.community);
  o["street"] = text_or_null(c.street);
  o["district"] = text_or_null(c.district);
  o["rework_count"] = c.rework_count;
  o["return_reason"] = text_or_null(c.return_reason);
  o["accepted_at"] = time_or_null(c.accepted_at);
  o["resolved_at"] = time_or_null(c.resolved_at);
  o["closed_at"] = time_or_null(c.closed_at);
  // A deferred case's clock stands still: screens show the pause instead of a countdown.
  o["deferred"] = c.deferred;
  o["paused_at"] = time_or_null(c.paused_at);
  o["clock"] = clock_json(c, now);
  return o;
}

json::object case_json(const dispatch::Case& c, const dispatch::Allowed& allowed) {
  return case_json(c, allowed, c.updated_at);
}

json::object case_json(const dispatch::Case& c, const dispatch::Allowed& allowed, dispatch::Millis now) {
  auto o = case_json(c, now);
  if (!allowed.whole_phone())
    o["reporter"] = json::object{{"name", c.reporter.name}, {"phone", dispatch::masked_phone(c.reporter.phone)}};
  json::array names;
  for (auto name : allowed.names()) names.emplace_back(name);
  o["allowed_actions"] = std::move(names);
  return o;
}

json::object event_json(const dispatch::CaseEvent& e) {
  json::object o{{"seq", e.seq},
                 {"at", iso8601(e.at)},
                 {"type", to_string(e.type)},
                 {"actor", e.actor},
                 {"from_state", to_string(e.from_state)},
                 {"to_state", to_string(e.to_state)},
                 {"assignee_id", text_or_null(e.assignee)},
                 {"note", e.note},
                 {"reason", e.reason}};  // words for people: the typed fields below carry the data
  // Typed data, on the events that carry it (dispatch/events.hpp).
  const auto put = [&o](std::string_view key, const auto& v) {
    if (v) o[key] = to_string(*v);
  };
  put("deadline", e.deadline);
  put("urgency_from", e.urgency_from), put("urgency_to", e.urgency_to);
  put("tier_from", e.tier_from), put("tier_to", e.tier_to);
  if (e.score) o["score"] = *e.score;
  if (e.paused_ms) o["paused_ms"] = *e.paused_ms;
  if (e.rework) o["rework"] = *e.rework;
  if (!e.assignee_from.empty()) o["assignee_from"] = e.assignee_from;
  if (e.posts)
    for (auto [key, id] : {std::pair{"owner_from", &e.posts->owner_from},
                           {"owner_to", &e.posts->owner_to},
                           {"backup_from", &e.posts->backup_from},
                           {"backup_to", &e.posts->backup_to}})
      o[key] = text_or_null(*id);
  return o;
}

json::object photo_json(const dispatch::Photo& p) {
  return json::object{{"id", p.id},
                      {"case_id", p.case_id},
                      {"content_type", p.content_type},
                      {"at", iso8601(p.at)},
                      {"actor", p.actor},
                      {"url", "/api/v1/cases/" + std::to_string(p.case_id) + "/photos/" + std::to_string(p.id)}};
}

json::object grid_properties(const dispatch::Grid& g) {
  return json::object{{"id", g.code},
                      {"name", g.name},
                      {"community", g.community},
                      {"population", g.population},
                      {"owner_id", text_or_null(g.owner)},
                      {"backup_id", text_or_null(g.backup)}};
}

json::object area_json(const dispatch::AreaCounts& a) {
  const auto total = a.total();
  json::object by;
  for (auto u : dispatch::kUrgencies) {
    const auto& row = a.of(u);
    by[to_string(u)] = json::object{{"open", row.open}, {"warned", row.warned}, {"overdue", row.overdue}};
  }
  const auto worst = a.worst();
  return json::object{{"id", a.code},
                      {"level", to_string(a.level)},
                      {"open", total.open},
                      {"warned", total.warned},
                      {"overdue", total.overdue},
                      {"worst", worst ? json::value(to_string(*worst)) : json::value(nullptr)},
                      {"overdue_step", dispatch::overdue_step(total.overdue, total.open)},
                      {"overdue_per_mille", dispatch::overdue_per_mille(total.overdue, total.open)},
                      {"by_urgency", std::move(by)}};
}

void write_overdue_steps(std::string& out) {
  out += R"("steps":[)";
  bool first = true;
  for (const auto& s : dispatch::kOverdueSteps) {
    out += first ? R"({"step":)" : R"(,{"step":)";
    first = false;
    write_number(out, std::int64_t{s.step});
    out += R"(,"min_per_mille":)";
    write_number(out, s.min_per_mille);
    out += R"(,"name":)";
    write_string(out, s.name);
    out += '}';
  }
  out += ']';
}

void write_json_string(std::string& out, std::string_view s) { write_string(out, s); }
void write_json_number(std::string& out, std::int64_t n) { write_number(out, n); }
void write_json_number(std::string& out, double d) {
  if (std::isfinite(d)) write_number(out, d);
  else out += "null";
}

void write_area_members(std::string& out, const dispatch::AreaCounts& a) {
  const auto total = a.total();
  out += R"("id":)";
  write_string(out, a.code);
  out += R"(,"level":")";
  out += to_string(a.level);
  out += R"(","open":)";
  write_number(out, total.open);
  out += R"(,"warned":)";
  write_number(out, total.warned);
  out += R"(,"overdue":)";
  write_number(out, total.overdue);
  const auto worst = a.worst();
  out += R"(,"worst":)";
  if (worst) {
    out += '"';
    out += to_string(*worst);
    out += '"';
  } else {
    out += "null";
  }
  out += R"(,"overdue_step":)";
  write_number(out, std::int64_t{dispatch::overdue_step(total.overdue, total.open)});
  out += R"(,"overdue_per_mille":)";
  write_number(out, dispatch::overdue_per_mille(total.overdue, total.open));
  out += R"(,"by_urgency":{)";
  bool first = true;
  for (auto u : dispatch::kUrgencies) {
    const auto& row = a.of(u);
    out += first ? "\"" : ",\"";
    first = false;
    out += to_string(u);
    out += R"(":{"open":)";
    write_number(out, row.open);
    out += R"(,"warned":)";
    write_number(out, row.warned);
    out += R"(,"overdue":)";
    write_number(out, row.overdue);
    out += '}';
  }
  out += '}';
}

json::object worker_json(const dispatch::Worker& w) {
  return json::object{{"id", w.id},
                      {"name", w.name},
                      {"phone", w.phone},
                      {"community", w.community},
                      {"status", to_string(w.status)},
                      {"retired", w.retired}};
}

json::object category_json(const dispatch::Category& c) {
  json::object sla;
  for (auto u : dispatch::kUrgencies) {
    const auto& d = c.deadlines(u);
    sla[to_string(u)] = json::object{{"accept_s", d.accept_s}, {"resolve_s", d.resolve_s}};
  }
  return json::object{{"id", c.id},
                      {"name", c.name},
                      {"sla", std::move(sla)},
                      {"working_time", c.working_time},
                      {"after_photo", c.after_photo_required ? "required" : "optional"},
                      {"callback", c.callback}};
}

json::object user_json(const dispatch::User& u) {
  // What the user may do beyond cases (dispatch/access.hpp), so screens offer only that.
  json::array permissions;
  for (auto p : dispatch::kPermissions)
    if (dispatch::may(u.actor(), p)) permissions.emplace_back(to_string(p));
  // The lifecycle rows the user's role takes part in (dispatch/lifecycle.cpp), so a screen
  // that must guess ahead (the tablet with steps in its outbox) guesses by the same table.
  // Photos are no row: they follow may_photo (dispatch/access.cpp), served per case in
  // `allowed_actions`.
  json::array steps;
  for (const auto& rule : dispatch::transition_table()) {
    if (!rule.roles.has(u.role)) continue;
    steps.emplace_back(json::object{{"from", to_string(rule.from)},
                                    {"action", to_string(rule.action)},
                                    {"to", to_string(rule.to)},
                                    {"assignee_only", rule.holder == dispatch::Holder::assignee},
                                    {"clock", to_string(rule.clock)},
                                    {"tier", to_string(rule.tier)},
                                    {"needs_note", !rule.note_needed.empty()}});
  }
  return json::object{{"id", u.id},
                      {"username", u.username},
                      {"role", to_string(u.role)},
                      {"scope", text_or_null(u.scope)},
                      {"worker_id", text_or_null(u.worker_id)},
                      {"display_name", u.display_name},
                      {"must_change_password", u.must_change_password},
                      {"permissions", std::move(permissions)},
                      {"steps", std::move(steps)}};
}

json::object jurisdiction_json(const dispatch::Jurisdiction& j) {
  return json::object{{"code", j.code},
                      {"name", j.name},
                      {"level", to_string(j.level)},
                      {"parent", text_or_null(j.parent)},
                      {"mode", j.emergency ? "emergency" : "normal"}};
}

Response json_response(int status, const json::value& body) {
  Response r;
  r.status = status;
  r.body = to_json_text(body);
  return r;
}

Response error_response(const dispatch::Error& error) {
  const auto e = client_error(error);
  json::object err{{"code", dispatch::code_name(e.code)}, {"message", e.message}, {"field", text_or_null(e.field)}};
  return json_response(dispatch::http_status(e.code), json::object{{"error", std::move(err)}});
}

dispatch::Error client_error(const dispatch::Error& e) {
  auto safe = dispatch::for_client(e);
  // The detail stays in the server's log.
  if (safe.message != e.message)
    std::cerr << "gridkeeper serve: " << dispatch::code_name(e.code) << ": " << e.message << "\n";
  return safe;
}

Response error_response(ErrorCode code, std::string message, std::string field) {
  return error_response(make_error(code, std::move(message), std::move(field)));
}

}  // namespace gridkeeper::web
