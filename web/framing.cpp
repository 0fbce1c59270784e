#include "web/framing.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/rfc7230.hpp>

namespace gridkeeper::web {

namespace http = boost::beast::http;

bool framing_ok(const http::request<http::string_body>& req) {
  const auto codings = req.equal_range(http::field::transfer_encoding);
  if (codings.first == codings.second) return true;
  if (req.version() < 11 || req.count(http::field::content_length) > 0) return false;
  int count = 0;
  bool chunked = false;
  for (auto it = codings.first; it != codings.second; ++it)
    for (auto coding : http::token_list(it->value())) {
      ++count;
      chunked = boost::beast::iequals(coding, "chunked");
    }
  return count == 1 && chunked;
}

}  // namespace gridkeeper::web
