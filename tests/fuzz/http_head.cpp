// The HTTP request path before the API: Beast's request parser fed from the buffer with
// the server's limits (header 16 KiB, the largest body first, then the anonymous body
// limit once the head is read), then the server's own checks on the head: the framing
// (web/framing), the target's route path and WebSocket endpoints (Api::route_path,
// Api::is_feed), and the error answer the transport writes for the target.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "web/api.hpp"
#include "web/framing.hpp"
#include "web/server.hpp"

namespace http = boost::beast::http;
using namespace gridkeeper;
using namespace gridkeeper::web;

namespace {
// Feeds the parser until `done` holds, the input ends or it fails.
template <class Done>
void feed(http::request_parser<http::string_body>& parser, const char*& p, std::size_t& n, Done done) {
  boost::beast::error_code ec;
  while (!done()) {
    if (n == 0) {
      // As Beast's own read does: the end of the stream is told to a parser only once it
      // has had some of the message (before that the read ends with end_of_stream).
      if (parser.got_some()) parser.put_eof(ec);
      return;
    }
    const auto used = parser.put(boost::asio::buffer(p, n), ec);
    p += used;
    n -= used;
    if (ec) return;
    if (used == 0) return;
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ServerOptions options;
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
  parser.body_limit(std::max(options.json_body_limit, options.photo_body_limit));
  const char* p = reinterpret_cast<const char*>(data);
  std::size_t n = size;
  feed(parser, p, n, [&] { return parser.is_header_done(); });
  if (!parser.is_header_done()) return 0;

  auto& req = parser.get();
  const std::string target(req.target());
  (void)framing_ok(req);
  (void)Api::route_path(target);
  (void)Api::is_feed(target);
  (void)Api::is_photo_upload(Method::post, target);
  (void)boost::beast::websocket::is_upgrade(req);
  (void)parser.content_length();
  (void)Api::transport_error(target, dispatch::ErrorCode::bad_request, "malformed HTTP request");

  parser.body_limit(options.anonymous_body_limit);
  feed(parser, p, n, [&] { return parser.is_done(); });
  return 0;
}
