#include "app/route_line.hpp"

#include <charconv>
#include <system_error>

namespace gridkeeper::app {

bool parse_point(std::string_view line, geo::Point& p) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  const auto comma = line.find(',');
  if (comma == std::string_view::npos) return false;
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  const auto a = trim(line.substr(0, comma)), b = trim(line.substr(comma + 1));
  if (a.empty() || b.empty()) return false;
  auto ra = std::from_chars(a.data(), a.data() + a.size(), p.lon);
  auto rb = std::from_chars(b.data(), b.data() + b.size(), p.lat);
  return ra.ec == std::errc() && ra.ptr == a.data() + a.size() && rb.ec == std::errc() && rb.ptr == b.data() + b.size();
}

}  // namespace gridkeeper::app
