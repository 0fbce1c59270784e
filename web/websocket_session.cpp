// The live feed's WebSocket session: one per client, on its own strand; the feed queues
// messages to it, one write in flight.
#include <deque>

#include "web/json_codec.hpp"
#include "web/transport.hpp"

namespace gridkeeper::web {

namespace {

class WebsocketSession : public Closable, public FeedClient, public std::enable_shared_from_this<WebsocketSession> {
 public:
  // The user's place in the feed is taken (LiveFeed::reserve); the session gives it back.
  WebsocketSession(StrandSocket&& socket, ServerImpl& server, std::shared_ptr<PeerSlot> slot, FeedIdentity identity)
      : ws_(std::move(socket)),
        server_(server),
        slot_(std::move(slot)),
        user_(std::move(identity.user)),
        token_hash_(std::move(identity.token_hash)),
        expires_at_(identity.expires_at) {
    ++server_.metrics.connections;
    ++server_.metrics.websockets;
  }
  ~WebsocketSession() override {
    if (member_) server_.feed.leave(member_);
    server_.feed.release(user_.id);
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

  // The token has ended: what is queued is dropped and the socket closes (1008).
  void end() override {
    server_.gate->post(ws_.get_executor(), [self = shared_from_this()] {
      self->close_code_ = websocket::close_reason(websocket::close_code::policy_error, "the session has ended");
      self->ended_ = true;
      if (!self->accepted_) return;  // on_accept sees it
      self->close_gracefully();
    });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return;
    accepted_ = true;
    if (ended_) return close_gracefully();
    member_ = server_.feed.join(weak_from_this(), user_.actor(), token_hash_, expires_at_);
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
    ws_.async_close(close_code_, [self = shared_from_this()](beast::error_code) {});
  }

  websocket::stream<beast::tcp_stream> ws_;
  ServerImpl& server_;
  std::shared_ptr<PeerSlot> slot_;  // the connection's place in its address's share
  dispatch::User user_;
  std::string token_hash_;
  dispatch::Millis expires_at_ = 0;
  websocket::close_reason close_code_{websocket::close_code::going_away};
  bool ended_ = false;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;  // one write in flight: the front
  std::uint64_t member_ = 0;
  bool accepted_ = false, closing_ = false, close_after_write_ = false;
};

}  // namespace

void start_websocket_session(StrandSocket socket, ServerImpl& server, std::shared_ptr<PeerSlot> slot,
                             FeedIdentity identity, http::request<http::string_body> request) {
  std::make_shared<WebsocketSession>(std::move(socket), server, std::move(slot), std::move(identity))
      ->run(std::move(request));
}

}  // namespace gridkeeper::web
