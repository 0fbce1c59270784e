#pragma once
// A working calendar: working hours per weekday, public holidays and the swapped working
// days of China's 调休 arrangements, in local time (Asia/Shanghai, UTC+8, no DST).
// Deadlines of categories that count working time are added on this calendar.
#include <array>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "dispatch/errors.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

class WorkingCalendar {
 public:
  struct Span {
    int start_min = 0;  // minutes after local midnight
    int end_min = 0;
  };

  // Mon-Fri 08:30-12:00 and 14:00-17:30, no holidays.
  static WorkingCalendar standard();

  // Reads one year's file (JSON) and adds its holidays and swapped working days; the
  // file may also set the weekly hours. Errors name the field.
  Status load_year(std::string_view json);

  // `from` plus `duration` of working time. Outside working hours the clock waits for
  // the next working span.
  Millis add(Millis from, Millis duration) const;
  // Working time between two instants.
  Millis between(Millis from, Millis to) const;

  bool is_working_day(std::int64_t local_day) const;
  // The local day of an instant, and the start of the first working span of the first
  // working day after the local day of `t` (a day later when the calendar has no working
  // day within a year).
  std::int64_t local_day(Millis t) const;
  Millis next_working_day_start(Millis t) const;
  const std::vector<Span>& spans_of(std::int64_t local_day) const;

  std::array<std::vector<Span>, 7> week;  // 0 = Monday
  std::set<std::int64_t> holidays;        // local days since 1970-01-01
  std::set<std::int64_t> workdays;        // weekend days that are working days (调休)
  int utc_offset_min = 480;

  static std::int64_t day_of(int year, int month, int day);  // days since 1970-01-01
};

}  // namespace gridkeeper::dispatch
