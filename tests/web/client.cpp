#include "client.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace gridkeeper::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
tcp::endpoint loopback(unsigned short port) { return {net::ip::make_address("127.0.0.1"), port}; }

// Runs the io_context until `done` or the time is up; then cancels what is pending.
void run_bounded(net::io_context& ioc, tcp::socket& socket, std::chrono::milliseconds timeout, const bool& done) {
  ioc.restart();
  ioc.run_for(timeout);
  if (!done) {
    beast::error_code ec;
    socket.cancel(ec);
    ioc.restart();
    ioc.run();
  }
}
}  // namespace

boost::json::value Answer::json() const {
  std::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec) return nullptr;
  return v;
}

std::string Answer::error_code() const {
  auto v = json();
  if (!v.is_object()) return {};
  const auto* e = v.as_object().if_contains("error");
  if (!e || !e->is_object()) return {};
  const auto* c = e->as_object().if_contains("code");
  return c && c->is_string() ? std::string(c->as_string()) : std::string{};
}

std::string Answer::error_field() const {
  auto v = json();
  if (!v.is_object()) return {};
  const auto* e = v.as_object().if_contains("error");
  if (!e || !e->is_object()) return {};
  const auto* f = e->as_object().if_contains("field");
  return f && f->is_string() ? std::string(f->as_string()) : std::string{};
}

// ---- HttpClient ----

struct HttpClient::Impl {
  Impl(unsigned short p, std::chrono::milliseconds t, std::string s) : port(p), timeout(t), source(std::move(s)) {}
  unsigned short port;
  std::chrono::milliseconds timeout;
  std::string source;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  bool open = false;

  bool connect() {
    stream.emplace(ioc);
    buffer.clear();
    beast::error_code result = net::error::would_block;
    bool done = false;
    if (!source.empty()) {
      beast::error_code ec;
      stream->socket().open(tcp::v4(), ec);
      // The port is chosen at connect, as without a bind, so that closed connections
      // waiting out TIME_WAIT do not use up the ports of the address.
      if (!ec)
        stream->socket().set_option(net::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>(true), ec);
      if (!ec) stream->socket().bind({net::ip::make_address(source), 0}, ec);
      if (ec) return open = false;
    }
    stream->expires_after(timeout);
    stream->async_connect(loopback(port), [&](beast::error_code ec) {
      result = ec;
      done = true;
    });
    run_bounded(ioc, stream->socket(), timeout, done);
    open = !result;
    return open;
  }
};

HttpClient::HttpClient(unsigned short port, std::chrono::milliseconds timeout, std::string source)
    : impl_(std::make_unique<Impl>(port, timeout, std::move(source))) {
  impl_->connect();
}

HttpClient::~HttpClient() {
  if (impl_->stream) {
    beast::error_code ec;
    impl_->stream->socket().shutdown(tcp::socket::shutdown_both, ec);
  }
}

bool HttpClient::open() const { return impl_->open; }

Answer HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                           const std::string& content_type, const std::map<std::string, std::string>& headers) {
  // A kept-alive connection the server has since closed gets one fresh try, as browsers do.
  const bool reused = impl_->open;
  auto a = attempt(method, target, body, content_type, headers);
  if (a.status == 0 && reused) a = attempt(method, target, body, content_type, headers);
  return a;
}

Answer HttpClient::attempt(const std::string& method, const std::string& target, const std::string& body,
                           const std::string& content_type, const std::map<std::string, std::string>& headers) {
  auto& s = *impl_;
  if (!s.open && !s.connect()) return {};
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty() || method == "POST" || method == "PUT") req.set(http::field::content_type, content_type);
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.keep_alive(true);
  req.prepare_payload();

  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  beast::error_code result = net::error::would_block;
  bool done = false;
  s.stream->expires_after(s.timeout);
  http::async_write(*s.stream, req, [&](beast::error_code ec, std::size_t) {
    if (ec) {
      result = ec;
      done = true;
      return;
    }
    http::async_read(*s.stream, s.buffer, parser, [&](beast::error_code ec2, std::size_t) {
      result = ec2;
      done = true;
    });
  });
  run_bounded(s.ioc, s.stream->socket(), s.timeout + 1s, done);
  Answer a;
  if (result && !parser.is_header_done()) {
    s.open = false;
    return a;
  }
  const auto& res = parser.get();
  a.status = static_cast<int>(res.result_int());
  a.body = res.body();
  for (const auto& f : res) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    a.headers[name] = std::string(f.value());
  }
  if (result || !res.keep_alive()) s.open = false;
  return a;
}

// ---- RawConnection ----

struct RawConnection::Impl {
  net::io_context ioc;
  tcp::socket socket{ioc};
  bool closed = false;
};

RawConnection::RawConnection(unsigned short port, int receive_buffer) : impl_(std::make_unique<Impl>()) {
  beast::error_code ec;
  if (receive_buffer > 0) {
    // Before the connection, so that the window offered to the server is small from the start.
    impl_->socket.open(tcp::v4(), ec);
    if (!ec) impl_->socket.set_option(net::socket_base::receive_buffer_size(receive_buffer), ec);
  }
  if (!ec) impl_->socket.connect(loopback(port), ec);
  impl_->closed = static_cast<bool>(ec);
}

RawConnection::~RawConnection() = default;

bool RawConnection::send(const std::string& bytes) {
  if (impl_->closed) return false;
  beast::error_code result = net::error::would_block;
  bool done = false;
  net::async_write(impl_->socket, net::buffer(bytes), [&](beast::error_code ec, std::size_t) {
    result = ec;
    done = true;
  });
  run_bounded(impl_->ioc, impl_->socket, 5s, done);
  if (result) impl_->closed = true;
  return !result;
}

std::string RawConnection::read_some(std::chrono::milliseconds timeout) {
  std::string out;
  if (impl_->closed) return out;
  char buf[65536];
  beast::error_code result = net::error::would_block;
  std::size_t got = 0;
  bool done = false;
  impl_->socket.async_read_some(net::buffer(buf), [&](beast::error_code ec, std::size_t n) {
    result = ec;
    got = n;
    done = true;
  });
  run_bounded(impl_->ioc, impl_->socket, timeout, done);
  out.append(buf, got);
  if (done && result) impl_->closed = true;
  return out;
}

std::string RawConnection::read_until_closed(std::chrono::milliseconds timeout, bool* closed) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!impl_->closed) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    out += read_some(left);
  }
  if (closed) *closed = impl_->closed;
  return out;
}

// ---- FeedListener ----

struct FeedListener::Impl : std::enable_shared_from_this<FeedListener::Impl> {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  std::thread thread;
  mutable std::mutex mutex;
  std::condition_variable cv;
  std::vector<boost::json::value> messages;
  bool connected = false, closed = false;
  int status = 0;
  std::optional<int> close_code;

  void read() {
    ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      std::lock_guard lock(self->mutex);
      if (ec) {
        self->closed = true;
        if (ec == websocket::error::closed) self->close_code = static_cast<int>(self->ws.reason().code);
        self->cv.notify_all();
        return;
      }
      std::error_code pe;
      auto v = boost::json::parse(beast::buffers_to_string(self->buffer.data()), pe);
      self->buffer.consume(self->buffer.size());
      self->messages.push_back(pe ? boost::json::value(nullptr) : std::move(v));
      self->cv.notify_all();
      self->read();
    });
  }
};

FeedListener::FeedListener(unsigned short port, const std::string& token, bool read, int receive_buffer)
    : impl_(std::make_shared<Impl>()) {
  auto& s = *impl_;
  auto& lowest = beast::get_lowest_layer(s.ws);
  beast::error_code ec;
  lowest.socket().open(tcp::v4(), ec);
  if (receive_buffer > 0) lowest.socket().set_option(net::socket_base::receive_buffer_size(receive_buffer), ec);
  lowest.socket().connect(loopback(port), ec);
  if (ec) return;
  websocket::response_type res;
  bool done = false;
  beast::error_code result;
  lowest.expires_after(5s);
  s.ws.async_handshake(res, "127.0.0.1", "/api/v1/ws?token=" + token, [&](beast::error_code e) {
    result = e;
    done = true;
  });
  run_bounded(s.ioc, lowest.socket(), 6s, done);
  s.status = static_cast<int>(res.result_int());
  if (result) return;
  lowest.expires_never();
  s.ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  s.connected = true;
  if (!read) return;
  s.ioc.restart();
  s.read();
  s.thread = std::thread([impl = impl_] { impl->ioc.run(); });
}

FeedListener::~FeedListener() {
  auto impl = impl_;
  net::post(impl->ioc, [impl] {
    beast::error_code ec;
    beast::get_lowest_layer(impl->ws).socket().close(ec);
  });
  if (impl->thread.joinable()) impl->thread.join();
  // When the reader had already ended (the server closed first), the close above is still
  // queued and holds the client: run it, so that nothing is left to leak.
  impl->ioc.restart();
  impl->ioc.run_for(1s);
}

bool FeedListener::connected() const { return impl_->connected; }
int FeedListener::handshake_status() const { return impl_->status; }

std::optional<boost::json::value> FeedListener::wait_for(const std::function<bool(const boost::json::value&)>& match,
                                                         std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  std::size_t seen = 0;
  std::optional<boost::json::value> found;
  impl_->cv.wait_for(lock, timeout, [&] {
    for (; seen < impl_->messages.size(); ++seen)
      if (match(impl_->messages[seen])) {
        found = impl_->messages[seen];
        return true;
      }
    return impl_->closed;
  });
  return found;
}

std::vector<boost::json::value> FeedListener::messages() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->messages;
}

bool FeedListener::closed() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->closed;
}

std::optional<int> FeedListener::close_code() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->close_code;
}

bool FeedListener::wait_closed(std::chrono::milliseconds timeout) {
  if (!impl_->thread.joinable()) {
    // Not reading: find out by reading now, bounded.
    auto& s = *impl_;
    bool done = false;
    beast::error_code result;
    beast::flat_buffer scratch;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      done = false;
      s.ws.async_read(scratch, [&](beast::error_code ec, std::size_t) {
        result = ec;
        done = true;
      });
      run_bounded(s.ioc, beast::get_lowest_layer(s.ws).socket(),
                  std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()),
                  done);
      scratch.consume(scratch.size());
      if (!done || result) break;
    }
    std::lock_guard lock(s.mutex);
    s.closed = done && result && result != net::error::operation_aborted;
    return s.closed;
  }
  std::unique_lock lock(impl_->mutex);
  return impl_->cv.wait_for(lock, timeout, [&] { return impl_->closed; });
}

}  // namespace gridkeeper::testing
