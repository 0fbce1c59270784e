#pragma once
// The simulator's client of the server's HTTP API, internal to the demo library: one
// keep-alive connection, every step bounded by a timeout, and readers for the JSON of the
// answers.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dispatch/model.hpp"

namespace gridkeeper::demo::api {

// 2026-01-01T00:00:00.000Z -> epoch milliseconds; nullopt for anything else.
std::optional<dispatch::Millis> parse_time(const boost::json::value* v);
// A member of `o` as text or as a whole number; empty or 0 when it is absent or another type.
std::string text_of(const boost::json::object& o, std::string_view key);
std::int64_t number_of(const boost::json::object& o, std::string_view key);

struct Answer {
  int status = 0;  // 0: no answer
  std::string body;
  boost::json::object object() const;  // empty unless the body is a JSON object
  std::string error() const;           // the status and the server's message, for a log line
};

// One keep-alive connection; every step is bounded by a timeout.
class Client {
 public:
  Client(std::string host, std::string port) : host_(std::move(host)), port_(std::move(port)) {}

  // A kept-alive connection the server has closed meanwhile gets one fresh try.
  Answer request(boost::beast::http::verb method, const std::string& target, const std::string& body,
                 const std::string& token);

 private:
  template <class Start>
  boost::beast::error_code run(Start start);
  bool connect();
  bool close();
  Answer attempt(boost::beast::http::verb method, const std::string& target, const std::string& body,
                 const std::string& token);

  std::string host_, port_;
  boost::asio::io_context ioc_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace gridkeeper::demo::api
