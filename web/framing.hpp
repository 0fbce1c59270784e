#pragma once
// Inside the transport only (and its fuzz target): the check of a request's framing that
// the HTTP session makes as soon as the headers are read.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace gridkeeper::web {

// RFC 9112 §6.1 and §6.3: a request's only transfer coding may be a single, final
// chunked, never alongside Content-Length, and not in HTTP/1.0. Anything else would let
// the body be read as the next request (request smuggling behind a proxy).
bool framing_ok(const boost::beast::http::request<boost::beast::http::string_body>& req);

}  // namespace gridkeeper::web
