#include "demo/api_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace gridkeeper::demo::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace json = boost::json;
using tcp = net::ip::tcp;
using dispatch::Millis;

namespace {
constexpr auto kTimeout = std::chrono::seconds(10);
}  // namespace

std::optional<Millis> parse_time(const json::value* v) {
  if (!v || !v->is_string()) return std::nullopt;
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(v->as_string().c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<Millis>(timegm(&tm)) * 1000 + ms;
}

std::string text_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
std::int64_t number_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

json::object Answer::object() const {
  std::error_code ec;
  auto v = json::parse(body, ec);
  return !ec && v.is_object() ? v.as_object() : json::object{};
}

std::string Answer::error() const {
  if (status == 0) return "no answer";
  const auto o = object();
  const auto* e = o.if_contains("error");
  if (e && e->is_object()) return std::to_string(status) + " " + text_of(e->as_object(), "message");
  return std::to_string(status);
}

Answer Client::request(http::verb method, const std::string& target, const std::string& body,
                       const std::string& token) {
  // A kept-alive connection the server has closed meanwhile gets one fresh try.
  const bool reused = stream_.has_value();
  auto a = attempt(method, target, body, token);
  if (a.status == 0 && reused) a = attempt(method, target, body, token);
  return a;
}

template <class Start>
beast::error_code Client::run(Start start) {
  beast::error_code result = net::error::would_block;
  ioc_.restart();
  start([&](beast::error_code ec, auto&&...) { result = ec; });
  ioc_.run();
  return result;
}

bool Client::connect() {
  stream_.emplace(ioc_);
  buffer_.clear();
  tcp::resolver resolver(ioc_);
  beast::error_code ec;
  const auto endpoints = resolver.resolve(host_, port_, ec);
  if (ec) return close();
  stream_->expires_after(kTimeout);
  if (run([&](auto handler) { stream_->async_connect(endpoints, handler); })) return close();
  return true;
}

bool Client::close() {
  if (stream_) {
    beast::error_code ec;
    stream_->socket().close(ec);
  }
  stream_.reset();
  return false;
}

Answer Client::attempt(http::verb method, const std::string& target, const std::string& body,
                       const std::string& token) {
  if (!stream_ && !connect()) return {};
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, host_);
  req.set(http::field::user_agent, "gridkeeper-simulate");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty() || method == http::verb::post) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  stream_->expires_after(kTimeout);
  if (run([&](auto handler) { http::async_write(*stream_, req, handler); })) {
    close();
    return {};
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);  // the grid layer of a whole district
  stream_->expires_after(kTimeout);
  if (run([&](auto handler) { http::async_read(*stream_, buffer_, parser, handler); })) {
    close();
    return {};
  }
  auto res = parser.release();
  if (!res.keep_alive()) close();
  return {static_cast<int>(res.result_int()), std::move(res.body())};
}

}  // namespace gridkeeper::demo::api
