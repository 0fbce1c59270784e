#pragma once
// Dates and times at the API's edge: ISO 8601 / W3C datetimes in and out, and calendar
// periods (a year, a quarter, a month) on the local calendar. Inside, times are UTC epoch
// milliseconds; China keeps one offset all year (UTC+8, no daylight saving).
#include <optional>
#include <string>
#include <string_view>

#include "dispatch/assessment.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::web {

inline constexpr int kLocalOffsetMinutes = dispatch::kChinaUtcOffsetMinutes;

// "2026-03-31" (local midnight), "2026-03-31T08:00:00Z", "2026-03-31T16:00:00+08:00",
// "2026-03-31T16:00:00.250+0800", "2026-03-31T16:00" (no offset: local). `date_only`
// tells whether only a date was given.
std::optional<dispatch::Millis> parse_datetime(std::string_view text, bool* date_only = nullptr,
                                               int offset_minutes = kLocalOffsetMinutes);

// "2026", "2026-Q1" (or "2026Q1"), "2026-03": [start, end) on the local calendar.
std::optional<dispatch::Period> parse_period(std::string_view text, int offset_minutes = kLocalOffsetMinutes);

// The start of the local quarter that holds `t`.
dispatch::Millis quarter_start(dispatch::Millis t, int offset_minutes = kLocalOffsetMinutes);

// W3C datetime in UTC to the second: 2026-01-01T00:00:00Z.
std::string w3c_datetime(dispatch::Millis t);
// Local time with its offset, to the second: 2026-01-01T08:00:00+08:00.
std::string local_datetime(dispatch::Millis t, int offset_minutes = kLocalOffsetMinutes);
// The local date, 2026-01-01.
std::string local_date(dispatch::Millis t, int offset_minutes = kLocalOffsetMinutes);

}  // namespace gridkeeper::web
