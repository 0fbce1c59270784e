#include "web/handlers/leave.hpp"

#include <cstdio>

#include "web/dates.hpp"
#include "web/json_reader.hpp"
#include "web/params.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::ErrorCode;

LeaveHandlers::LeaveHandlers(Router& router, const ApiOptions& o, dispatch::Center& c, const dispatch::Clock& clk)
    : HandlerGroup(router, o), center(c), clock(clk) {}

json::object leave_json(const dispatch::Leave& l, dispatch::Millis now) {
  json::object o;
  o["id"] = l.id;
  o["worker_id"] = l.worker;
  o["from"] = iso8601(l.from);
  o["to"] = iso8601(l.to);
  o["reason"] = l.reason;
  o["open_cases"] = l.move_cases ? "move" : "keep";
  o["created_by"] = l.created_by;
  o["created_at"] = iso8601(l.created_at);
  o["state"] = std::string(to_string(dispatch::state_of(l, now)));
  if (l.cancelled_at) o["cancelled_at"] = iso8601(*l.cancelled_at);
  return o;
}

dispatch::Result<dispatch::LeaveRequest> leave_from(const json::object& body) {
  JsonReader r(body);
  r.only({"from", "to", "reason", "open_cases"});
  auto from = r.text("from", true);
  auto to = r.text("to", true);
  auto reason = r.text("reason", true);
  auto open_cases = r.text("open_cases");
  if (r.error) return *r.error;
  dispatch::LeaveRequest out;
  for (auto [text, field, into] : {std::tuple{&*from, "from", &out.from}, {&*to, "to", &out.to}}) {
    bool date_only = false;
    auto t = text->size() <= 64 ? parse_datetime(*text, &date_only) : std::nullopt;
    if (!t || date_only)
      return dispatch::make_error(ErrorCode::bad_request,
                                  std::string(field) + " must be an ISO 8601 time, e.g. 2026-03-01T08:00:00+08:00",
                                  field);
    *into = *t;
  }
  out.reason = std::move(*reason);
  if (open_cases && *open_cases != "move" && *open_cases != "keep")
    return dispatch::make_error(ErrorCode::invalid_value, "open_cases is \"move\" or \"keep\"", "open_cases");
  out.move_cases = open_cases && *open_cases == "move";
  return out;
}

json::object calendar_json(const dispatch::WorkingCalendar& cal, int year) {
  static constexpr const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  auto hhmm = [](int minutes) {
    char out[8];
    std::snprintf(out, sizeof out, "%02d:%02d", minutes / 60 % 100, minutes % 60);
    return std::string(out);
  };
  json::object hours;
  for (std::size_t d = 0; d < 7; ++d) {
    json::array spans;
    for (const auto& s : cal.week[d])
      spans.push_back(json::array{json::string(hhmm(s.start_min)), json::string(hhmm(s.end_min))});
    hours[kDays[d]] = std::move(spans);
  }
  const auto first = dispatch::WorkingCalendar::day_of(year, 1, 1),
             next = dispatch::WorkingCalendar::day_of(year + 1, 1, 1);
  auto days = [&](const std::set<std::int64_t>& set) {
    json::array out;
    for (auto it = set.lower_bound(first); it != set.end() && *it < next; ++it)
      out.push_back(json::string(local_date(
          *it * 86'400'000 - static_cast<dispatch::Millis>(cal.utc_offset_min) * 60'000 + 1, cal.utc_offset_min)));
    return out;
  };
  json::object o;
  o["year"] = year;
  o["utc_offset_minutes"] = cal.utc_offset_min;
  o["hours"] = std::move(hours);
  o["holidays"] = days(cal.holidays);
  o["workdays"] = days(cal.workdays);
  o["known"] = !o["holidays"].as_array().empty() || !o["workdays"].as_array().empty();
  return o;
}

void LeaveHandlers::list_leave(const CallPtr& call) {
  auto leaves = center.leaves_of(call->path[3], call->actor());
  if (!leaves) return fail(call, leaves.error());
  const auto now = clock.now();
  json::array items;
  for (const auto& l : *leaves) items.push_back(leave_json(l, now));
  ok(call, 200, json::object{{"worker_id", call->path[3]}, {"now", iso8601(now)}, {"items", std::move(items)}});
}

void LeaveHandlers::add_leave(const CallPtr& call) {
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  auto request = leave_from(*body);
  if (!request) return fail(call, request.error());
  auto answer = answer_later<json::object>(
      call, 201, +[](const json::object& o) { return o; });
  center.schedule_leave(call->path[3], std::move(*request), call->actor(),
                        [this, answer = std::move(answer)](dispatch::Result<dispatch::Leave> r) {
                          if (!r) return answer(r.error());
                          answer(leave_json(*r, clock.now()));
                        });
}

void LeaveHandlers::end_leave(const CallPtr& call) {
  auto id = parse_id(call->path[5]);
  if (!id) return fail(call, ErrorCode::not_found, "no leave " + call->path[5]);
  auto answer = answer_later<json::object>(
      call, 200, +[](const json::object& o) { return o; });
  center.end_leave(call->path[3], *id, call->actor(),
                   [this, answer = std::move(answer)](dispatch::Result<dispatch::Leave> r) {
                     if (!r) return answer(r.error());
                     answer(leave_json(*r, clock.now()));
                   });
}

void LeaveHandlers::calendar(const CallPtr& call) {
  const std::string now_date = local_date(clock.now());
  int year = std::stoi(now_date.substr(0, 4));
  if (const auto* y = call->param("year")) {
    auto v = parse_id(*y);
    if (!v || *v < 2000 || *v > 2100)
      return fail(call, ErrorCode::invalid_value, "year is a year from 2000 to 2100", "year");
    year = static_cast<int>(*v);
  }
  auto cal = center.calendar();
  ok(call, 200, calendar_json(cal ? *cal : dispatch::WorkingCalendar::standard(), year));
}

}  // namespace gridkeeper::web
