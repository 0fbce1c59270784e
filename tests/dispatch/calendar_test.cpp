#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "dispatch/calendar.hpp"

using namespace gridkeeper::dispatch;

namespace {
constexpr Millis kHour = 3'600'000;
constexpr Millis kMinute = 60'000;
// A local (UTC+8) wall-clock time as UTC epoch milliseconds.
Millis local(int y, int m, int d, int hh, int mm) {
  return WorkingCalendar::day_of(y, m, d) * 86'400'000 + (hh * 60 + mm) * kMinute - 8 * kHour;
}
WorkingCalendar cn2026() {
  std::ifstream in(std::string(GRIDKEEPER_SOURCE_DIR) + "/data/calendars/cn-2026.json");
  std::stringstream text;
  text << in.rdbuf();
  auto cal = WorkingCalendar::standard();
  REQUIRE_FALSE(cal.load_year(text.str()));
  return cal;
}
}  // namespace

TEST_CASE("working time skips nights and lunch", "[calendar]") {
  const auto cal = WorkingCalendar::standard();
  // Wednesday 2026-03-04 09:00 + 2 h = 11:00; + 4 h = 15:30 (lunch 12:00-14:00 skipped).
  CHECK(cal.add(local(2026, 3, 4, 9, 0), 2 * kHour) == local(2026, 3, 4, 11, 0));
  CHECK(cal.add(local(2026, 3, 4, 9, 0), 4 * kHour) == local(2026, 3, 4, 15, 0));
  // From the evening the clock waits for the next morning.
  CHECK(cal.add(local(2026, 3, 4, 20, 0), 30 * kMinute) == local(2026, 3, 5, 9, 0));
  CHECK(cal.between(local(2026, 3, 4, 8, 0), local(2026, 3, 4, 18, 0)) == 7 * kHour);
}

TEST_CASE("working time across a weekend", "[calendar]") {
  const auto cal = WorkingCalendar::standard();
  // Friday 2026-03-06 16:30 + 2 h: 1 h on Friday, the weekend skipped, 1 h on Monday.
  CHECK(cal.add(local(2026, 3, 6, 16, 30), 2 * kHour) == local(2026, 3, 9, 9, 30));
}

TEST_CASE("holidays and a 调休 Saturday from the year's file", "[calendar]") {
  const auto cal = cn2026();
  // 劳动节: Thursday 2026-04-30 17:00 + 1 h -> 30 min that day, 1-5 May off, 30 min on 6 May.
  CHECK(cal.add(local(2026, 4, 30, 17, 0), 1 * kHour) == local(2026, 5, 6, 9, 0));
  // Friday 8 May 17:00 + 1 h -> 30 min that day, 30 min on Saturday 9 May, a swapped working day.
  CHECK(cal.add(local(2026, 5, 8, 17, 0), 1 * kHour) == local(2026, 5, 9, 9, 0));
  CHECK(cal.is_working_day(WorkingCalendar::day_of(2026, 5, 9)));
  CHECK_FALSE(cal.is_working_day(WorkingCalendar::day_of(2026, 5, 4)));
  // 春节: 15-23 February off, Saturday 14 February works.
  CHECK(cal.is_working_day(WorkingCalendar::day_of(2026, 2, 14)));
  CHECK(cal.add(local(2026, 2, 14, 17, 0), 1 * kHour) == local(2026, 2, 24, 9, 0));
  // An ordinary Saturday stays off.
  CHECK_FALSE(cal.is_working_day(WorkingCalendar::day_of(2026, 3, 7)));
  CHECK(cal.between(local(2026, 2, 13, 0, 0), local(2026, 2, 25, 0, 0)) == 3 * 7 * kHour);
}

TEST_CASE("bad calendar files are refused with the field named", "[calendar]") {
  auto cal = WorkingCalendar::standard();
  CHECK(cal.load_year("not json"));
  CHECK(cal.load_year("[]"));
  auto e = cal.load_year(R"({"holidays":["2026-13-01"]})");
  REQUIRE(e);
  CHECK(e->field == "holidays");
  e = cal.load_year(R"({"hours":{"mon":[["09:00","08:00"]]}})");
  REQUIRE(e);
  CHECK(e->field == "hours");
  CHECK(cal.load_year(R"({"hours":{"someday":[]}})"));
  CHECK(cal.load_year(R"({"workdays":[{"from":"2026-01-01","to":"2027-01-01"}]})"));
  // Nothing of a refused file is kept.
  CHECK(cal.is_working_day(WorkingCalendar::day_of(2026, 3, 4)));
  // A calendar with no working time at all falls back to clock time instead of looping.
  WorkingCalendar none;
  CHECK(none.add(1000, kHour) == 1000 + kHour);
}
