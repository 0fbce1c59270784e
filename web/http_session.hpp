#pragma once
// Inside the transport only: one HTTP session per connection, on its own strand. It reads a
// request at a time, hands it to the Api and writes the answer (http_session.cpp: plain
// answers with their length, streamed ones chunk by chunk); an upgrade to the live feed
// becomes a WebSocket session.
#include <array>

#include "web/chunk_queue.hpp"
#include "web/framing.hpp"
#include "web/transport.hpp"

namespace gridkeeper::web {

inline Method method_of(http::verb v) {
  switch (v) {
    case http::verb::get:
      return Method::get;
    case http::verb::head:
      return Method::head;
    case http::verb::post:
      return Method::post;
    case http::verb::put:
      return Method::put;
    case http::verb::delete_:
      return Method::delete_;
    case http::verb::options:
      return Method::options;
    default:
      return Method::other;
  }
}

// Timeouts without a timer per operation: each session keeps the deadline of what it is
// waiting for, and one sweeper per server closes the sessions whose deadline has passed.
class HttpSession : public Closable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(StrandSocket&& socket, ServerImpl& server, Listener listener, std::shared_ptr<PeerSlot> slot)
      : socket_(std::move(socket)),
        server_(server),
        listener_(listener),
        slot_(std::move(slot)),
        peer_(slot_->address) {
    beast::error_code ec;
    const auto endpoint = socket_.remote_endpoint(ec);
    loopback_ = !ec && is_loopback(endpoint.address());
    ++server_.metrics.connections;
  }
  ~HttpSession() override {
    if (stream_) stream_->abandon();
    release_body();
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

  void sweep(SteadyClock::time_point now) override {
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
    deadline_.store((SteadyClock::now() + timeout).time_since_epoch().count(), std::memory_order_relaxed);
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
    parser_->body_limit(
        std::max({options().json_body_limit, options().photo_body_limit, options().grid_file_body_limit}));
    expires_after(options().header_timeout);
    http::async_read_header(socket_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return read_failed(ec);
    auto& req = parser_->get();
    if (!framing_ok(req))
      return answer_and_close(dispatch::ErrorCode::bad_request,
                              "malformed HTTP request: the only transfer coding accepted is a single chunked, "
                              "without Content-Length");
    if (!served_here(req.target())) return not_here();
    if (websocket::is_upgrade(req)) return upgrade();
    if (parser_->is_done()) return handle();  // no body: most GETs
    // A body follows. Who is asking, and how much they may send, is settled first: not a
    // byte of it is read for a request that will be refused.
    expires_never();
    busy_ = true;
    auto self = shared_from_this();
    server_.api.admit(plain_request(req, false), [self](Admission admission) {
      self->server_.gate->dispatch(self->socket_.get_executor(),
                                   [self, a = std::move(admission)]() mutable { self->admitted(std::move(a)); });
    });
  }

  void admitted(Admission admission) {
    if (admission.refusal) return send(std::move(*admission.refusal), true);
    const auto& o = options();
    const std::size_t limit = admission.body == Admission::Body::photo       ? o.photo_body_limit
                              : admission.body == Admission::Body::grid_file ? o.grid_file_body_limit
                              : admission.body == Admission::Body::user      ? o.json_body_limit
                                                                             : o.anonymous_body_limit;
    parser_->body_limit(limit);
    const auto length = parser_->content_length();
    if (length && *length > limit)
      return answer_and_close(dispatch::ErrorCode::too_large,
                              "the body is larger than " + std::to_string(limit) + " bytes");
    const std::size_t wanted = length ? static_cast<std::size_t>(*length) : limit;  // chunked: at most the limit
    if (!server_.reserve_body(wanted))
      return answer_and_close(dispatch::ErrorCode::overloaded,
                              "the server is receiving too many bodies at once; try again shortly");
    body_reserved_ = wanted;
    admission_ = std::move(admission);
    expires_after(o.body_timeout);
    auto& req = parser_->get();
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      continue_.emplace(http::status::continue_, req.version());
      return http::async_write(socket_, *continue_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return self->close();
        self->read_body();
      });
    }
    read_body();
  }

  // The metrics listener serves only /metrics and /healthz. The main one serves /metrics
  // to loopback peers only, and to none when a metrics listener is configured.
  bool served_here(std::string_view target) const {
    if (listener_ == Listener::metrics) {
      const auto path = Api::route_path(target);
      return path == "/metrics" || path == "/healthz";
    }
    if (loopback_ && !options().metrics_listener) return true;
    return Api::route_path(target) != "/metrics";
  }

  // Answered as an unknown path would be.
  void not_here() {
    const std::string path(parser_->get().target().substr(0, parser_->get().target().find('?')));
    if (parser_->is_done()) {
      begin_answer(parser_->release());
      return send(Api::transport_error(path, dispatch::ErrorCode::not_found, "no endpoint " + path));
    }
    answer_and_close(dispatch::ErrorCode::not_found, "no endpoint " + path);
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

  Request plain_request(http::request<http::string_body>& req, bool with_body = true) {
    Request r;
    r.method = method_of(req.method());
    r.target = std::string(req.target());
    r.content_type = std::string(req[http::field::content_type]);
    r.authorization = std::string(req[http::field::authorization]);
    r.if_none_match = std::string(req[http::field::if_none_match]);
    r.accept_encoding = std::string(req[http::field::accept_encoding]);
    r.accept = std::string(req[http::field::accept]);
    if (with_body) r.body = std::move(req.body());
    r.peer = peer_;
    return r;
  }

  // A request read whole is being answered: how the answer is framed follows from it.
  http::request<http::string_body> begin_answer(http::request<http::string_body> req) {
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    head_method_ = req.method() == http::verb::head;
    busy_ = true;
    ++served_;
    return req;
  }

  void handle() {
    expires_never();  // the server's own work has no deadline; storage answers in time or fails
    auto req = begin_answer(parser_->release());
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
    if (!admission_) return server_.api.handle(plain_request(req), std::move(reply), std::move(resume));
    auto admission = std::move(*admission_);
    admission_.reset();
    server_.api.handle(plain_request(req), std::move(admission), std::move(reply), std::move(resume));
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
    server_.api.authenticate_feed(plain, [self, gate, req = std::move(req)](dispatch::Result<FeedIdentity> identity) {
      gate->dispatch(self->socket_.get_executor(), [self, req, identity = std::move(identity)]() mutable {
        if (!identity) return self->send(error_response(identity.error()), true);
        auto& server = self->server_;
        const auto limit = server.options.feed_sockets_per_user;
        if (!server.feed.reserve(identity->user.id, limit))
          return self->send(
              error_response(dispatch::ErrorCode::too_many_requests,
                             "at most " + std::to_string(limit) + " live feeds per user; close one to open another"),
              true);
        start_websocket_session(std::move(self->socket_), server, self->slot_, std::move(*identity), std::move(req));
      });
    });
  }

  void answer_and_close(dispatch::ErrorCode code, std::string message) {
    busy_ = true;
    // The target is known once the headers are read; the error's format follows it.
    const std::string target = parser_ ? std::string(parser_->get().target()) : std::string();
    send(Api::transport_error(target, code, std::move(message)), true);
  }

  // ---- the answer (web/http_session.cpp) ----

  // The head is written here rather than by Beast's serializer: one string reused across
  // the connection's requests and one gathered write, with no allocation per header.
  void send(Response r, bool close_after = false);
  void begin_head(const Response& r);
  // A streamed answer: the head, then each chunk as the producer queues it. HTTP/1.1 gets
  // chunks and a final empty chunk, so that a cut stream shows as a broken transfer;
  // HTTP/1.0 has no chunks: the body runs to the connection's close.
  void send_stream(Response r);
  void on_chunk_written(beast::error_code ec, std::size_t);
  // Takes the next chunk, or waits for the producer (without a deadline: it is the server's
  // own work, and the producer gives up by itself), or ends the answer.
  void pump();
  // Header values come from the server itself; a stray line break still never splits a header.
  void add_header(std::string_view name, std::string_view value);
  void on_write(bool keep, beast::error_code ec);

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

  void release_body() {
    if (body_reserved_) server_.release_body(std::exchange(body_reserved_, 0));
  }

  StrandSocket socket_;
  ServerImpl& server_;
  Listener listener_;
  std::shared_ptr<PeerSlot> slot_;  // the connection's place in its address's share
  std::string peer_;
  bool loopback_ = false;
  std::size_t body_reserved_ = 0;       // body bytes counted against the server's limit
  std::optional<Admission> admission_;  // the request whose body is being read
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string head_, body_;             // the answer being written (of a stream: the chunk's size line and the chunk)
  std::shared_ptr<ChunkQueue> stream_;  // the streamed answer being written
  bool chunked_ = false, stream_keep_ = false;
  std::optional<http::response<http::empty_body>> continue_;
  std::array<char, 4096> scratch_;
  std::atomic<SteadyClock::rep> deadline_{0};  // steady clock ticks; 0: none
  bool timed_out_ = false;
  unsigned served_ = 0;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_method_ = false;
  bool busy_ = false;  // a request is being answered
};

}  // namespace gridkeeper::web
