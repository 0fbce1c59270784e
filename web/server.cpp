// The transport: a listener, one HTTP session per connection and one WebSocket session
// per live-feed client, each on its own strand (after Beast's chat-multi example). The
// sessions know nothing of JSON or the center; they hand plain requests to the Api.
#include "web/server.hpp"

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <csignal>
#include <deque>
#include <iostream>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "web/json_codec.hpp"
#include "web/live_feed.hpp"
#include "web/metrics.hpp"

namespace gridkeeper::web {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Each connection's socket names its strand's type, so that its operations skip the
// type-erased executor on the hot path.
using Strand = net::strand<net::io_context::executor_type>;
using StrandSocket = tcp::socket::rebind_executor<Strand>::other;

using Clock = std::chrono::steady_clock;

// Whatever the server must close when it stops.
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void shutdown() = 0;              // from any thread
  virtual void sweep(Clock::time_point) {}  // from the sweeper: act on a passed deadline
};

// Lets late completions (a commit acknowledged after a forced stop) know that the
// network threads are gone, so they drop their answer instead of touching them.
struct Gate {
  std::shared_mutex mutex;
  bool open = true;
  template <class Executor, class F>
  void dispatch(const Executor& ex, F&& f) {
    std::shared_lock lock(mutex);
    if (open) net::dispatch(ex, std::forward<F>(f));
  }
  template <class Executor, class F>
  void post(const Executor& ex, F&& f) {
    std::shared_lock lock(mutex);
    if (open) net::post(ex, std::forward<F>(f));
  }
  void close() {
    std::unique_lock lock(mutex);
    open = false;
  }
};

Method method_of(http::verb v) {
  switch (v) {
    case http::verb::get: return Method::get;
    case http::verb::head: return Method::head;
    case http::verb::post: return Method::post;
    case http::verb::put: return Method::put;
    case http::verb::delete_: return Method::delete_;
    case http::verb::options: return Method::options;
    default: return Method::other;
  }
}

std::string peer_of(const StrandSocket& socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("unknown") : endpoint.address().to_string();
}

}  // namespace

struct Server::Impl {
  Impl(dispatch::Center& c, dispatch::Accounts& accounts, const dispatch::Clock& clock, ServerOptions o)
      : options(std::move(o)),
        metrics(Api::route_names()),
        feed(c),
        api(c, accounts, clock, metrics, feed, options.api),
        gate(std::make_shared<Gate>()),
        ioc(static_cast<int>(thread_count())),
        acceptor(net::make_strand(ioc)),
        drain_timer(acceptor.get_executor()),
        sweep_timer(acceptor.get_executor()) {
    const auto refusal =
        error_response(dispatch::ErrorCode::overloaded, "too many open connections; try again shortly");
    refusal_text =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
        "Connection: close\r\nContent-Length: " +
        std::to_string(refusal.body.size()) + "\r\n\r\n" + refusal.body;
  }

  unsigned thread_count() const {
    if (options.threads) return options.threads;
    return std::max(1u, std::thread::hardware_concurrency());
  }

  ServerOptions options;
  Metrics metrics;
  LiveFeed feed;
  Api api;
  std::shared_ptr<Gate> gate;
  // Before the io_context: sessions its destructor frees withdraw from here.
  std::mutex sessions_mutex;
  std::unordered_map<Closable*, std::weak_ptr<Closable>> sessions;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::steady_timer drain_timer;
  net::steady_timer sweep_timer;
  std::optional<net::signal_set> signals;
  std::string refusal_text;
  std::atomic<bool> stopping{false};
  std::chrono::steady_clock::time_point drain_deadline;
  unsigned short bound_port = 0;

  void enroll(const std::shared_ptr<Closable>& s) {
    std::lock_guard lock(sessions_mutex);
    sessions[s.get()] = s;
  }
  void withdraw(Closable* s) {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(s);
  }
  std::size_t live_sessions() {
    std::lock_guard lock(sessions_mutex);
    return sessions.size();
  }

  void start();
  void accept();
  void on_accept(beast::error_code ec, StrandSocket socket);
  void refuse(StrandSocket socket);
  void begin_shutdown();
  void watch_drain();
  void sweep();
};

namespace {

using ServerImpl = Server::Impl;

class WebsocketSession : public Closable, public FeedClient, public std::enable_shared_from_this<WebsocketSession> {
 public:
  WebsocketSession(StrandSocket&& socket, ServerImpl& server, dispatch::User user)
      : ws_(std::move(socket)), server_(server), user_(std::move(user)) {
    ++server_.metrics.connections;
    ++server_.metrics.websockets;
  }
  ~WebsocketSession() override {
    if (member_) server_.feed.leave(member_);
    --server_.metrics.websockets;
    --server_.metrics.connections;
    server_.withdraw(this);
  }

  void run(http::request<http::string_body> request) {
    server_.enroll(shared_from_this());
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = server_.options.write_timeout;
    timeout.idle_timeout = server_.options.feed_idle_timeout;  // a ping at half of it keeps tablets connected
    timeout.keep_alive_pings = true;
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "gridkeeper"); }));
    ws_.read_message_max(4096);  // clients only ever send small control messages
    if (server_.options.feed_send_buffer > 0) {
      beast::error_code ec;
      beast::get_lowest_layer(ws_).socket().set_option(
          net::socket_base::send_buffer_size(server_.options.feed_send_buffer), ec);
    }
    ws_.async_accept(request, beast::bind_front_handler(&WebsocketSession::on_accept, shared_from_this()));
  }

  void deliver(std::shared_ptr<const std::string> message) override {
    server_.gate->post(ws_.get_executor(), [self = shared_from_this(), message = std::move(message)]() mutable {
      self->enqueue(std::move(message));
    });
  }

  void shutdown() override {
    net::post(ws_.get_executor(), [self = shared_from_this()] { self->close_gracefully(); });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return;
    accepted_ = true;
    member_ = server_.feed.join(weak_from_this(), user_.actor());
    boost::json::object ready{{"type", "feed.ready"}, {"user", user_json(user_)}};
    const auto tier = server_.feed.tier_of(user_.actor());
    ready["tier"] = tier ? boost::json::value(to_string(*tier)) : boost::json::value(nullptr);
    enqueue(std::make_shared<const std::string>(to_json_text(ready)));
    if (server_.stopping) return close_gracefully();
    read();
  }

  void read() { ws_.async_read(buffer_, beast::bind_front_handler(&WebsocketSession::on_read, shared_from_this())); }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return;  // closed, timed out or dropped: the session ends with its last handler
    buffer_.consume(buffer_.size());
    read();
  }

  void enqueue(std::shared_ptr<const std::string> message) {
    if (closing_ || !accepted_) return;
    if (queue_.size() >= server_.options.feed_queue_limit) {
      // Too slow for the feed: drop it rather than let its backlog grow.
      ++server_.metrics.websockets_dropped;
      closing_ = true;
      beast::error_code ec;
      beast::get_lowest_layer(ws_).socket().close(ec);
      return;
    }
    queue_.push_back(std::move(message));
    if (queue_.size() == 1) write_next();
  }

  void write_next() {
    ws_.text(true);
    ws_.async_write(net::buffer(*queue_.front()),
                    beast::bind_front_handler(&WebsocketSession::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return;
    queue_.pop_front();
    if (!queue_.empty()) return write_next();
    if (close_after_write_) send_close();
  }

  void close_gracefully() {
    if (closing_ || !accepted_) return;
    closing_ = true;
    if (queue_.empty()) return send_close();
    queue_.resize(1);  // the message being written finishes; the rest is dropped
    close_after_write_ = true;
  }

  void send_close() {
    ws_.async_close(websocket::close_code::going_away, [self = shared_from_this()](beast::error_code) {});
  }

  websocket::stream<beast::tcp_stream> ws_;
  ServerImpl& server_;
  dispatch::User user_;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;  // one write in flight: the front
  std::uint64_t member_ = 0;
  bool accepted_ = false, closing_ = false, close_after_write_ = false;
};

// Timeouts without a timer per operation: each session keeps the deadline of what it is
// waiting for, and one sweeper per server closes the sessions whose deadline has passed.
class HttpSession : public Closable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(StrandSocket&& socket, ServerImpl& server)
      : socket_(std::move(socket)), server_(server), peer_(peer_of(socket_)) {
    ++server_.metrics.connections;
  }
  ~HttpSession() override {
    --server_.metrics.connections;
    server_.withdraw(this);
  }

  void run() {
    server_.enroll(shared_from_this());
    net::dispatch(socket_.get_executor(), beast::bind_front_handler(&HttpSession::read_header, shared_from_this()));
  }

  void shutdown() override {
    net::post(socket_.get_executor(), [self = shared_from_this()] {
      // Idle: stop waiting for a request. Busy: the answer goes out with Connection: close.
      if (!self->busy_) self->cancel();
    });
  }

  void sweep(Clock::time_point now) override {
    const auto deadline = deadline_.load(std::memory_order_relaxed);
    if (deadline == 0 || now.time_since_epoch().count() < deadline) return;
    deadline_.store(0, std::memory_order_relaxed);
    net::post(socket_.get_executor(), [self = shared_from_this()] {
      self->timed_out_ = true;
      self->cancel();
    });
  }

 private:
  const ServerOptions& options() const { return server_.options; }

  void expires_after(std::chrono::milliseconds timeout) {
    timed_out_ = false;
    deadline_.store((Clock::now() + timeout).time_since_epoch().count(), std::memory_order_relaxed);
  }
  void expires_never() { deadline_.store(0, std::memory_order_relaxed); }
  void cancel() {
    beast::error_code ec;
    socket_.cancel(ec);
  }

  void read_header() {
    if (server_.stopping) return close();
    head_method_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options().header_limit));
    // The parser checks Content-Length against this as the headers end; the limit of the
    // endpoint is known only then, so start from the largest and narrow it.
    parser_->body_limit(std::max(options().json_body_limit, options().photo_body_limit));
    expires_after(options().header_timeout);
    http::async_read_header(socket_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return read_failed(ec);
    auto& req = parser_->get();
    if (websocket::is_upgrade(req)) return upgrade();
    const std::size_t limit = Api::is_photo_upload(method_of(req.method()), req.target()) ? options().photo_body_limit
                                                                                          : options().json_body_limit;
    parser_->body_limit(limit);
    if (auto length = parser_->content_length(); length && *length > limit)
      return answer_and_close(dispatch::ErrorCode::too_large,
                              "the body is larger than " + std::to_string(limit) + " bytes");
    if (parser_->is_done()) return handle();  // no body: most GETs
    expires_after(options().body_timeout);
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      continue_.emplace(http::status::continue_, req.version());
      return http::async_write(socket_, *continue_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return self->close();
        self->read_body();
      });
    }
    read_body();
  }

  void read_body() {
    http::async_read(socket_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_body, shared_from_this()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec) return read_failed(ec);
    handle();
  }

  void read_failed(beast::error_code ec) {
    if (timed_out_) {
      ++server_.metrics.timeouts;
      return close();
    }
    if (ec == http::error::header_limit)
      return answer_and_close(dispatch::ErrorCode::too_large, "the request headers are too large");
    if (ec == http::error::body_limit) return answer_and_close(dispatch::ErrorCode::too_large, "the body is too large");
    if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message)
      return answer_and_close(dispatch::ErrorCode::bad_request, "malformed HTTP request: " + ec.message());
    close();  // the client went away or the server is stopping
  }

  Request plain_request(http::request<http::string_body>& req) {
    Request r;
    r.method = method_of(req.method());
    r.target = std::string(req.target());
    r.content_type = std::string(req[http::field::content_type]);
    r.authorization = std::string(req[http::field::authorization]);
    r.body = std::move(req.body());
    r.peer = peer_;
    return r;
  }

  void handle() {
    expires_never();  // the server's own work has no deadline; storage answers in time or fails
    auto req = parser_->release();
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    head_method_ = req.method() == http::verb::head;
    busy_ = true;
    ++served_;
    // Only the session is captured, so that each callback fits std::function's own storage;
    // the server's state, and its gate, outlive every session.
    auto self = shared_from_this();
    Reply reply = [self](Response r) {
      self->server_.gate->dispatch(self->socket_.get_executor(),
                                   [self, r = std::move(r)]() mutable { self->send(std::move(r)); });
    };
    Resume resume = [self](std::function<void()> f) {
      self->server_.gate->post(self->socket_.get_executor(), std::move(f));
    };
    server_.api.handle(plain_request(req), std::move(reply), std::move(resume));
  }

  void upgrade() {
    expires_never();
    auto req = parser_->release();
    version_ = req.version();
    busy_ = true;
    if (!Api::is_feed(req.target()))
      return answer_and_close(dispatch::ErrorCode::not_found, "no WebSocket endpoint " + std::string(req.target()));
    auto self = shared_from_this();
    auto gate = server_.gate;
    auto plain = plain_request(req);
    server_.api.authenticate_feed(plain, [self, gate, req = std::move(req)](dispatch::Result<dispatch::User> user) {
      gate->dispatch(self->socket_.get_executor(), [self, req, user = std::move(user)]() mutable {
        if (!user) return self->send(error_response(user.error()), true);
        std::make_shared<WebsocketSession>(std::move(self->socket_), self->server_, std::move(*user))
            ->run(std::move(req));
      });
    });
  }

  void answer_and_close(dispatch::ErrorCode code, std::string message) {
    busy_ = true;
    // The target is known once the headers are read; the error's format follows it.
    const std::string target = parser_ ? std::string(parser_->get().target()) : std::string();
    send(Api::transport_error(target, code, std::move(message)), true);
  }

  // The head is written here rather than by Beast's serializer: one string reused across
  // the connection's requests and one gathered write, with no allocation per header.
  void send(Response r, bool close_after = false) {
    const bool keep =
        !close_after && keep_alive_ && !server_.stopping && served_ < options().max_requests_per_connection;
    body_ = std::move(r.body);
    head_.clear();
    head_ += version_ == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    head_ += std::to_string(r.status);
    head_ += ' ';
    head_ += http::obsolete_reason(static_cast<http::status>(r.status));
    head_ += "\r\nServer: gridkeeper\r\n";
    if (!r.content_type.empty()) add_header("Content-Type", r.content_type);
    if (r.content_type == "application/json") head_ += "Cache-Control: no-store\r\n";
    for (auto& [name, value] : r.headers) add_header(name, value);
    // No body may follow 1xx, 204 and 304; every other answer says how long it is.
    const bool bodiless = r.status < 200 || r.status == 204 || r.status == 304;
    if (bodiless) body_.clear();
    else add_header("Content-Length", std::to_string(body_.size()));
    if (!keep) head_ += "Connection: close\r\n";
    else if (version_ == 10) head_ += "Connection: keep-alive\r\n";
    head_ += "\r\n";
    if (head_method_) body_.clear();
    expires_after(options().write_timeout);
    const std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::buffer(body_)};
    net::async_write(socket_, buffers, [self = shared_from_this(), keep](beast::error_code ec, std::size_t) {
      self->on_write(keep, ec);
    });
  }

  // Header values come from the server itself; a stray line break still never splits a header.
  void add_header(std::string_view name, std::string_view value) {
    head_ += name;
    head_ += ": ";
    for (char c : value)
      if (c != '\r' && c != '\n') head_ += c;
    head_ += "\r\n";
  }

  void on_write(bool keep, beast::error_code ec) {
    busy_ = false;
    std::string().swap(body_);  // the next answer brings its own; an idle connection holds none
    if (ec) {
      if (timed_out_) ++server_.metrics.timeouts;
      return close();
    }
    if (!keep) return close();
    read_header();
  }

  // Half-close, then read and discard what the client still sends for a moment, so that
  // the answer is not lost to a reset when unread bytes remain.
  void close() {
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return;
    expires_after(std::chrono::seconds(1));
    drain();
  }
  void drain() {
    socket_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) self->drain();
    });
  }

  StrandSocket socket_;
  ServerImpl& server_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string head_, body_;  // the answer being written
  std::optional<http::response<http::empty_body>> continue_;
  std::array<char, 4096> scratch_;
  std::atomic<Clock::rep> deadline_{0};  // steady clock ticks; 0: none
  bool timed_out_ = false;
  unsigned served_ = 0;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_method_ = false;
  bool busy_ = false;  // a request is being answered
};

}  // namespace

void Server::Impl::start() {
  beast::error_code ec;
  const auto address = net::ip::make_address(options.address, ec);
  if (ec) throw std::runtime_error("cannot listen on " + options.address + ": not an IP address");
  const tcp::endpoint endpoint(address, options.port);
  auto check = [&](const char* what) {
    if (ec)
      throw std::runtime_error("cannot listen on " + options.address + ":" + std::to_string(options.port) + ": " +
                               what + ": " + ec.message());
  };
  acceptor.open(endpoint.protocol(), ec);
  check("open");
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  check("reuse address");
  acceptor.bind(endpoint, ec);
  check("bind");
  acceptor.listen(net::socket_base::max_listen_connections, ec);
  check("listen");
  bound_port = acceptor.local_endpoint().port();
  net::dispatch(acceptor.get_executor(), [this] {
    accept();
    sweep();
  });
}

void Server::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), beast::bind_front_handler(&Impl::on_accept, this));
}

void Server::Impl::on_accept(beast::error_code ec, StrandSocket socket) {
  if (stopping || !acceptor.is_open()) return;
  if (ec) {
    // Out of file descriptors or similar: pause briefly instead of spinning.
    drain_timer.expires_after(std::chrono::milliseconds(50));
    drain_timer.async_wait([this](beast::error_code e) {
      if (!e && !stopping) accept();
    });
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  if (static_cast<std::size_t>(std::max<std::int64_t>(0, metrics.connections.load())) >= options.max_connections)
    refuse(std::move(socket));
  else
    std::make_shared<HttpSession>(std::move(socket), *this)->run();
  accept();
}

void Server::Impl::refuse(StrandSocket socket) {
  ++metrics.connections_refused;
  auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
  stream->expires_after(std::chrono::seconds(1));
  net::async_write(*stream, net::buffer(refusal_text), [stream](beast::error_code, std::size_t) {
    beast::error_code ec;
    stream->socket().shutdown(tcp::socket::shutdown_both, ec);
  });
}

void Server::Impl::sweep() {
  // A tenth of the shortest timeout, within 10 ms .. 250 ms: deadlines hold to about that.
  const auto shortest = std::min({options.header_timeout, options.body_timeout, options.write_timeout});
  const auto every = std::clamp(shortest / 10, std::chrono::milliseconds(10), std::chrono::milliseconds(250));
  sweep_timer.expires_after(every);
  sweep_timer.async_wait([this](beast::error_code ec) {
    if (ec) return;
    const auto now = Clock::now();
    std::vector<std::shared_ptr<Closable>> open;
    {
      std::lock_guard lock(sessions_mutex);
      open.reserve(sessions.size());
      for (auto& [ptr, weak] : sessions)
        if (auto s = weak.lock()) open.push_back(std::move(s));
    }
    // Outside the lock: releasing the last reference to a session withdraws it.
    for (auto& s : open) s->sweep(now);
    open.clear();
    sweep();
  });
}

void Server::Impl::begin_shutdown() {
  if (stopping.exchange(true)) return;
  beast::error_code ec;
  acceptor.close(ec);
  drain_timer.cancel();
  std::vector<std::shared_ptr<Closable>> open;
  {
    std::lock_guard lock(sessions_mutex);
    for (auto& [ptr, weak] : sessions)
      if (auto s = weak.lock()) open.push_back(std::move(s));
  }
  for (auto& s : open) s->shutdown();
  open.clear();
  drain_deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
  watch_drain();
}

void Server::Impl::watch_drain() {
  if (live_sessions() == 0 || std::chrono::steady_clock::now() >= drain_deadline) {
    if (signals) signals->cancel();
    sweep_timer.cancel();
    ioc.stop();
    return;
  }
  drain_timer.expires_after(std::chrono::milliseconds(10));
  drain_timer.async_wait([this](beast::error_code) { watch_drain(); });
}

Server::Server(dispatch::Center& center, dispatch::Accounts& accounts, const dispatch::Clock& clock,
               ServerOptions options)
    : impl_(std::make_unique<Impl>(center, accounts, clock, std::move(options))) {}

Server::~Server() {
  if (!impl_) return;
  stop();
  if (impl_->live_sessions() > 0) {
    // Sessions still wait on storage that never answered; their completions may arrive
    // later, so the state they point to is left in place rather than freed under them.
    std::cerr << "gridkeeper serve: stopped with " << impl_->live_sessions()
              << " connection(s) still waiting on storage\n";
    impl_->gate->close();
    (void)impl_.release();
  }
}

void Server::start() { impl_->start(); }

void Server::run() {
  auto& s = *impl_;
  if (s.options.handle_signals) {
    s.signals.emplace(s.acceptor.get_executor(), SIGINT, SIGTERM);
    s.signals->async_wait([&s](beast::error_code ec, int) {
      if (!ec) s.begin_shutdown();
    });
  }
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < s.thread_count(); ++i) threads.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : threads) t.join();
  // Blocking jobs accepted before the stop finish now; their answers have nowhere to go.
  s.gate->close();
  s.api.drain();
}

void Server::stop() {
  net::post(impl_->acceptor.get_executor(), [s = impl_.get()] { s->begin_shutdown(); });
}

unsigned short Server::port() const { return impl_->bound_port; }

}  // namespace gridkeeper::web
