#include "web/etag.hpp"

#include <cstdio>

namespace gridkeeper::web {

bool etag_matches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const auto comma = header.find(',');
    auto item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.substr(0, 2) == "W/") item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
  }
  return false;
}

TagHash& TagHash::add(std::string_view text) {
  for (unsigned char c : text) h_ = (h_ ^ c) * 1099511628211ull;
  h_ = (h_ ^ 0xffu) * 1099511628211ull;  // a separator no UTF-8 text holds
  return *this;
}

TagHash& TagHash::add(std::uint64_t n) {
  for (int i = 0; i < 8; ++i) h_ = (h_ ^ ((n >> (8 * i)) & 0xffu)) * 1099511628211ull;
  return *this;
}

std::string TagHash::tag(std::string_view prefix) const {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h_));
  return "\"" + std::string(prefix) + "-" + hex + "\"";
}

bool tag_answer(Response& r, const Request& request, const std::string& etag) {
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Cache-Control", "no-cache");
  if (!etag_matches(request.if_none_match, etag)) return false;
  r.status = 304;
  r.content_type.clear();
  r.body.clear();
  return true;
}

}  // namespace gridkeeper::web
