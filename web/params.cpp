#include "web/params.hpp"

#include <boost/url/parse.hpp>
#include <charconv>
#include <cmath>

namespace gridkeeper::web {

using dispatch::ErrorCode;
using dispatch::make_error;

namespace {
std::vector<std::string> segments_of(const boost::urls::url_view& url) {
  std::vector<std::string> path;
  for (auto segment : url.segments()) path.push_back(segment);
  if (!path.empty() && path.back().empty()) path.pop_back();
  return path;
}
}  // namespace

std::optional<Target> parse_target(std::string_view target) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return std::nullopt;
  Target t;
  t.path = segments_of(*parsed);
  for (auto p : parsed->params()) t.query.emplace_back(p.key, p.value);
  return t;
}

std::optional<std::vector<std::string>> parse_path(std::string_view target) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return std::nullopt;
  return segments_of(*parsed);
}

const std::string* param(const QueryParams& params, std::string_view name) {
  const std::string* found = nullptr;
  for (const auto& [k, v] : params)
    if (k == name) found = &v;
  return found;
}

std::optional<std::int64_t> parse_id(std::string_view s) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

std::optional<double> parse_finite(std::string_view s) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

dispatch::Result<double> parse_number(const std::string* s, const char* name) {
  if (!s || s->empty()) return make_error(ErrorCode::bad_request, std::string(name) + " is required", name);
  double v = 0;
  auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec == std::errc::result_out_of_range)
    return make_error(ErrorCode::invalid_value, std::string(name) + " is out of range", name);
  if (ec != std::errc() || ptr != s->data() + s->size())
    return make_error(ErrorCode::bad_request, std::string(name) + " must be a number", name);
  if (!std::isfinite(v))
    return make_error(ErrorCode::invalid_value, std::string(name) + " must be a finite number", name);
  return v;
}

std::optional<bool> parse_flag(std::string_view s) {
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  return std::nullopt;
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  while (true) {
    const auto comma = s.find(',');
    out.emplace_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<BBoxValues> parse_bbox(std::string_view s) {
  BBoxValues b{};
  for (std::size_t k = 0; k < b.size(); ++k) {
    const auto comma = s.find(',');
    if ((k + 1 < b.size()) == (comma == std::string_view::npos)) return std::nullopt;  // not four parts
    auto n = parse_finite(s.substr(0, comma));
    if (!n) return std::nullopt;
    b[k] = *n;
    s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
  }
  return b;
}

bool on_globe(const BBoxValues& b) {
  return !(b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 || b[0] > b[2] || b[1] > b[3]);
}

}  // namespace gridkeeper::web
