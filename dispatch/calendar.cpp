#include "dispatch/calendar.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

namespace gridkeeper::dispatch {

namespace json = boost::json;

namespace {
constexpr Millis kDay = 86'400'000;
constexpr Millis kMinute = 60'000;
const std::vector<WorkingCalendar::Span> kNone;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// 0 = Monday for a day count since 1970-01-01 (a Thursday).
int weekday(std::int64_t day) { return static_cast<int>(((day + 3) % 7 + 7) % 7); }

bool parse_int(std::string_view s, int& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_date(std::string_view s, std::int64_t& day) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!parse_int(s.substr(0, 4), y) || !parse_int(s.substr(5, 2), m) || !parse_int(s.substr(8, 2), d)) return false;
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  day = WorkingCalendar::day_of(y, m, d);
  return true;
}

bool parse_time(std::string_view s, int& minutes) {
  int h = 0, m = 0;
  if (s.size() != 5 || s[2] != ':' || !parse_int(s.substr(0, 2), h) || !parse_int(s.substr(3, 2), m)) return false;
  if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) return false;
  minutes = h * 60 + m;
  return true;
}
}  // namespace

std::int64_t WorkingCalendar::day_of(int y, int m, int d) {
  // Days from civil (proleptic Gregorian), after H. Hinnant.
  y -= m <= 2;
  const std::int64_t era = floor_div(y, 400);
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

WorkingCalendar WorkingCalendar::standard() {
  WorkingCalendar c;
  for (int d = 0; d < 5; ++d) c.week[static_cast<std::size_t>(d)] = {{8 * 60 + 30, 12 * 60}, {14 * 60, 17 * 60 + 30}};
  return c;
}

bool WorkingCalendar::is_working_day(std::int64_t day) const { return !spans_of(day).empty(); }

std::int64_t WorkingCalendar::local_day(Millis t) const {
  return floor_div(t + static_cast<Millis>(utc_offset_min) * kMinute, kDay);
}

Millis WorkingCalendar::next_working_day_start(Millis t) const {
  const std::int64_t today = local_day(t);
  for (std::int64_t day = today + 1; day <= today + 400; ++day)
    if (const auto& spans = spans_of(day); !spans.empty())
      return day * kDay + spans.front().start_min * kMinute - static_cast<Millis>(utc_offset_min) * kMinute;
  return t + kDay;
}

const std::vector<WorkingCalendar::Span>& WorkingCalendar::spans_of(std::int64_t day) const {
  if (holidays.count(day)) return kNone;
  if (workdays.count(day)) return week[0];  // a swapped working day keeps a normal weekday's hours
  return week[static_cast<std::size_t>(weekday(day))];
}

Millis WorkingCalendar::add(Millis from, Millis duration) const {
  if (duration <= 0) return from;
  const Millis offset = static_cast<Millis>(utc_offset_min) * kMinute;
  Millis local = from + offset;
  std::int64_t day = floor_div(local, kDay);
  Millis left = duration;
  // Two years without a working span means the calendar has none: fall back to clock time.
  for (int guard = 0; guard < 800; ++guard, ++day) {
    const Millis day_start = day * kDay;
    for (const auto& span : spans_of(day)) {
      const Millis s = std::max(day_start + span.start_min * kMinute, local);
      const Millis e = day_start + span.end_min * kMinute;
      if (s >= e) continue;
      if (e - s >= left) return s + left - offset;
      left -= e - s;
      local = e;
    }
  }
  return from + duration;
}

Millis WorkingCalendar::between(Millis from, Millis to) const {
  if (to <= from) return 0;
  const Millis offset = static_cast<Millis>(utc_offset_min) * kMinute;
  const Millis a = from + offset, b = to + offset;
  Millis total = 0;
  for (std::int64_t day = floor_div(a, kDay); day * kDay < b; ++day)
    for (const auto& span : spans_of(day)) {
      const Millis s = std::max(day * kDay + span.start_min * kMinute, a);
      const Millis e = std::min(day * kDay + span.end_min * kMinute, b);
      if (e > s) total += e - s;
    }
  return total;
}

Status WorkingCalendar::load_year(std::string_view text) {
  std::error_code ec;
  json::parse_options po;
  po.max_depth = 8;
  if (text.size() > (1 << 20)) return make_error(ErrorCode::too_large, "calendar file is larger than 1 MiB");
  auto doc = json::parse(text, ec, {}, po);
  if (ec) return make_error(ErrorCode::bad_request, "calendar is not valid JSON: " + ec.message());
  const auto* root = doc.if_object();
  if (!root) return make_error(ErrorCode::bad_request, "calendar must be a JSON object");
  WorkingCalendar next = *this;
  if (const auto* hours = root->if_contains("hours")) {
    const auto* obj = hours->if_object();
    if (!obj) return make_error(ErrorCode::invalid_value, "hours must be an object of weekdays", "hours");
    static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (const auto& kv : *obj) {
      const auto it = std::find(std::begin(kDays), std::end(kDays), std::string_view(kv.key()));
      if (it == std::end(kDays))
        return make_error(ErrorCode::invalid_value, "unknown weekday " + std::string(kv.key()), "hours");
      std::vector<Span> spans;
      const auto* list = kv.value().if_array();
      if (!list) return make_error(ErrorCode::invalid_value, "hours of a weekday must be a list", "hours");
      for (const auto& item : *list) {
        const auto* pair = item.if_array();
        Span span;
        if (!pair || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string() ||
            !parse_time((*pair)[0].get_string(), span.start_min) ||
            !parse_time((*pair)[1].get_string(), span.end_min) || span.start_min >= span.end_min ||
            (!spans.empty() && spans.back().end_min > span.start_min))
          return make_error(ErrorCode::invalid_value,
                            "hours of " + std::string(kv.key()) + " must be ordered [\"HH:MM\",\"HH:MM\"] pairs",
                            "hours");
        spans.push_back(span);
      }
      next.week[static_cast<std::size_t>(it - std::begin(kDays))] = std::move(spans);
    }
  }
  auto read_days = [&](const char* field, std::set<std::int64_t>& into) -> Status {
    const auto* v = root->if_contains(field);
    if (!v) return std::nullopt;
    const auto* list = v->if_array();
    if (!list) return make_error(ErrorCode::invalid_value, std::string(field) + " must be a list", field);
    for (const auto& item : *list) {
      std::int64_t from = 0, to = 0;
      const auto* obj = item.if_object();
      const json::value* date = obj ? obj->if_contains("date") : &item;
      if (date && date->is_string()) {
        if (!parse_date(date->get_string(), from))
          return make_error(ErrorCode::invalid_value, "bad date in " + std::string(field), field);
        to = from;
      } else if (obj && obj->contains("from") && obj->contains("to") && obj->at("from").is_string() &&
                 obj->at("to").is_string()) {
        if (!parse_date(obj->at("from").get_string(), from) || !parse_date(obj->at("to").get_string(), to) ||
            to < from || to - from > 31)
          return make_error(ErrorCode::invalid_value, "bad date range in " + std::string(field), field);
      } else {
        return make_error(ErrorCode::invalid_value,
                          std::string(field) + " entries are \"YYYY-MM-DD\", {\"date\"} or {\"from\",\"to\"}", field);
      }
      for (auto d = from; d <= to; ++d) into.insert(d);
    }
    return std::nullopt;
  };
  if (auto e = read_days("holidays", next.holidays)) return e;
  if (auto e = read_days("workdays", next.workdays)) return e;
  *this = std::move(next);
  return std::nullopt;
}

}  // namespace gridkeeper::dispatch
