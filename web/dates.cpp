#include "web/dates.hpp"

#include <cstdio>

namespace gridkeeper::web {

using dispatch::Millis;

namespace {
constexpr Millis kDay = 86'400'000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t y;
  unsigned m, d;
};
Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, unsigned& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<unsigned>(c - '0');
  }
  pos += n;
  return true;
}

bool take(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) return ++pos, true;
  return false;
}

Millis local_midnight(std::int64_t y, unsigned m, unsigned d, int offset_minutes) {
  return days_from_civil(y, m, d) * kDay - static_cast<Millis>(offset_minutes) * 60'000;
}
}  // namespace

std::optional<Millis> parse_datetime(std::string_view s, bool* date_only, int offset_minutes) {
  std::size_t pos = 0;
  unsigned y, mo, d;
  if (!digits(s, pos, 4, y) || !take(s, pos, '-') || !digits(s, pos, 2, mo) || !take(s, pos, '-') ||
      !digits(s, pos, 2, d))
    return std::nullopt;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return std::nullopt;
  if (date_only) *date_only = pos == s.size();
  if (pos == s.size()) return local_midnight(y, mo, d, offset_minutes);
  if (!take(s, pos, 'T') && !take(s, pos, 't')) return std::nullopt;
  unsigned h, mi, sec = 0, ms = 0;
  if (!digits(s, pos, 2, h) || !take(s, pos, ':') || !digits(s, pos, 2, mi)) return std::nullopt;
  if (take(s, pos, ':')) {
    if (!digits(s, pos, 2, sec)) return std::nullopt;
    if (take(s, pos, '.')) {
      // Fractions beyond milliseconds are read and dropped.
      std::size_t n = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (n < 3) ms = ms * 10 + static_cast<unsigned>(s[pos] - '0');
        ++n, ++pos;
      }
      if (n == 0) return std::nullopt;
      for (; n < 3; ++n) ms *= 10;
    }
  }
  if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
  int offset = offset_minutes;
  if (take(s, pos, 'Z') || take(s, pos, 'z')) {
    offset = 0;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int sign = s[pos++] == '-' ? -1 : 1;
    unsigned oh, om;
    if (!digits(s, pos, 2, oh)) return std::nullopt;
    take(s, pos, ':');
    if (!digits(s, pos, 2, om) || oh > 14 || om > 59) return std::nullopt;
    offset = sign * static_cast<int>(oh * 60 + om);
  }
  if (pos != s.size()) return std::nullopt;
  return days_from_civil(y, mo, d) * kDay + static_cast<Millis>(h) * 3'600'000 + static_cast<Millis>(mi) * 60'000 +
         static_cast<Millis>(sec) * 1000 + ms - static_cast<Millis>(offset) * 60'000;
}

std::optional<dispatch::Period> parse_period(std::string_view s, int offset_minutes) {
  std::size_t pos = 0;
  unsigned y;
  if (!digits(s, pos, 4, y) || y < 1970) return std::nullopt;
  if (pos == s.size())
    return dispatch::Period{local_midnight(y, 1, 1, offset_minutes), local_midnight(y + 1, 1, 1, offset_minutes)};
  take(s, pos, '-');
  unsigned first = 0, months = 0;
  if (take(s, pos, 'Q') || take(s, pos, 'q')) {
    unsigned q;
    if (!digits(s, pos, 1, q) || q < 1 || q > 4) return std::nullopt;
    first = 3 * (q - 1) + 1, months = 3;
  } else {
    unsigned m;
    if (!digits(s, pos, 2, m) || m < 1 || m > 12) return std::nullopt;
    first = m, months = 1;
  }
  if (pos != s.size()) return std::nullopt;
  const unsigned last = first + months;  // the month after, possibly 13
  const Millis end =
      last > 12 ? local_midnight(y + 1, 1, 1, offset_minutes) : local_midnight(y, last, 1, offset_minutes);
  return dispatch::Period{local_midnight(y, first, 1, offset_minutes), end};
}

Millis quarter_start(Millis t, int offset_minutes) {
  const Millis offset = static_cast<Millis>(offset_minutes) * 60'000;
  const Millis local = t + offset;
  std::int64_t days = local / kDay - (local % kDay < 0);
  const auto c = civil_from_days(days);
  return local_midnight(c.y, (c.m - 1) / 3 * 3 + 1, 1, offset_minutes);
}

std::string w3c_datetime(Millis t) {
  std::int64_t days = t / kDay - (t % kDay < 0);
  const Millis in_day = t - days * kDay;
  const auto c = civil_from_days(days);
  const auto secs = in_day / 1000;
  char buf[96];  // room for any value the format can take, so that nothing is ever cut
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(c.y), c.m, c.d,
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  return buf;
}

std::string local_datetime(Millis t, int offset_minutes) {
  std::string s = w3c_datetime(t + static_cast<Millis>(offset_minutes) * 60'000);
  s.pop_back();  // the Z
  char buf[32];
  const int m = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
  return s + buf;
}

std::string local_date(Millis t, int offset_minutes) {
  const Millis local = t + static_cast<Millis>(offset_minutes) * 60'000;
  const auto c = civil_from_days(local / kDay - (local % kDay < 0));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.y), c.m, c.d);
  return buf;
}

}  // namespace gridkeeper::web
