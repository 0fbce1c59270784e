#pragma once
// A small loopback client for the server tests: keep-alive HTTP requests, raw bytes for
// hostile input, and a live-feed WebSocket that collects what it is sent. Every wait is
// bounded.
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gridkeeper::testing {

using namespace std::chrono_literals;

struct Answer {
  int status = 0;  // 0: no answer (closed, timed out)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  boost::json::value json() const;             // null when the body is not JSON
  std::string error_code() const;              // error.code of an error body
  std::string error_field() const;
};

class HttpClient {
 public:
  // `source`: the local address to connect from (e.g. "127.0.0.2", another loopback
  // address, for tests of per-address limits); empty: chosen by the system.
  explicit HttpClient(unsigned short port, std::chrono::milliseconds timeout = 10s, std::string source = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  std::string token;  // sent as Authorization: Bearer when not empty

  Answer request(const std::string& method, const std::string& target, const std::string& body = {},
                 const std::string& content_type = "application/json",
                 const std::map<std::string, std::string>& headers = {});
  Answer get(const std::string& target) { return request("GET", target); }
  Answer post(const std::string& target, const std::string& body) { return request("POST", target, body); }
  Answer put(const std::string& target, const std::string& body) { return request("PUT", target, body); }
  bool open() const;

 private:
  Answer attempt(const std::string& method, const std::string& target, const std::string& body,
                 const std::string& content_type, const std::map<std::string, std::string>& headers);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Raw bytes over TCP: sends what it is given, possibly slowly, and reads what comes back
// until the server closes or the time runs out.
class RawConnection {
 public:
  // `receive_buffer` > 0: the socket's receive buffer, so that a client that does not read
  // holds back the server after a few kilobytes.
  explicit RawConnection(unsigned short port, int receive_buffer = 0);
  ~RawConnection();
  bool send(const std::string& bytes);  // false once the server has closed
  std::string read_until_closed(std::chrono::milliseconds timeout, bool* closed = nullptr);
  std::string read_some(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A live-feed client: a thread reads every message into a list.
class FeedListener {
 public:
  // `read` false: handshake, then never read (a client that cannot keep up).
  FeedListener(unsigned short port, const std::string& token, bool read = true, int receive_buffer = 0);
  ~FeedListener();
  bool connected() const;
  int handshake_status() const;  // HTTP status of a refused upgrade, 101 when accepted
  // Waits until a message satisfies `match`; returns it.
  std::optional<boost::json::value> wait_for(const std::function<bool(const boost::json::value&)>& match,
                                             std::chrono::milliseconds timeout = 5s);
  std::vector<boost::json::value> messages() const;
  bool closed() const;  // the server closed the connection
  std::optional<int> close_code() const;
  bool wait_closed(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// The type of a live-feed message ("case.created", "feed.ready", ...); empty if it has none.
inline std::string type_of(const boost::json::value& m) {
  if (!m.is_object() || !m.as_object().contains("type")) return {};
  return std::string(m.at("type").as_string());
}

}  // namespace gridkeeper::testing
