#include "web/standby_server.hpp"

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "web/json_codec.hpp"

namespace gridkeeper::web {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
constexpr std::size_t kMaxConnections = 256;
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::chrono::seconds kTimeout{10};
}  // namespace

struct StandbyServer::Impl {
  Options options;
  std::atomic<std::size_t> connections{0};  // before the io_context: its handlers' sessions count down
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::optional<net::signal_set> signals;
  std::thread thread;
  std::mutex mutex;
  std::condition_variable woken;
  bool stopped = false;
  bool by_signal = false;
  unsigned short bound_port = 0;

  // One connection: its request's header, one answer, closed.
  struct Session : std::enable_shared_from_this<Session> {
    Session(Impl& owner, tcp::socket socket) : owner(owner), stream(std::move(socket)) {
      parser.header_limit(kHeaderLimit);
    }
    ~Session() { --owner.connections; }
    void run() {
      stream.expires_after(kTimeout);
      http::async_read_header(stream, buffer, parser,
                              [self = shared_from_this()](beast::error_code ec, std::size_t) { self->answer(ec); });
    }
    void answer(beast::error_code ec) {
      if (ec) return;  // nothing readable: closed as it goes
      const auto& request = parser.get();
      const bool health = request.target() == "/healthz" &&
                          (request.method() == http::verb::get || request.method() == http::verb::head);
      const auto body =
          health ? std::string(R"({"status":"ok","role":"standby"})")
                 : error_response(dispatch::ErrorCode::standby, "this server stands by; another server is active").body;
      response.result(health ? http::status::ok : http::status::service_unavailable);
      response.set(http::field::content_type, "application/json");
      response.set(http::field::cache_control, "no-store");
      if (!health) response.set(http::field::retry_after, "1");
      response.keep_alive(false);
      if (request.method() != http::verb::head) response.body() = body;
      response.prepare_payload();
      if (request.method() == http::verb::head) response.content_length(body.size());
      stream.expires_after(kTimeout);
      http::async_write(stream, response, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return;
        // Closing with a body unread would reset the connection and could take the answer
        // with it: the sending side is closed, and what the client still sends is read and
        // dropped (bounded in bytes and time) until it closes too.
        beast::error_code ignored;
        self->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        self->drain();
      });
    }
    void drain() {
      if (drained > kMaxDrained) return;
      stream.async_read_some(net::buffer(scratch), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        self->drained += n;
        if (!ec) self->drain();
      });
    }
    static constexpr std::size_t kMaxDrained = 1u << 20;
    std::size_t drained = 0;
    std::array<char, 4096> scratch{};
    Impl& owner;
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request_parser<http::empty_body> parser;
    http::response<http::string_body> response;
  };

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
        return accept();
      }
      if (++connections > kMaxConnections) {
        --connections;
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<Session>(*this, std::move(socket))->run();
      }
      accept();
    });
  }

  void finish(bool signal) {
    {
      std::lock_guard lock(mutex);
      stopped = true;
      by_signal = by_signal || signal;
    }
    woken.notify_all();
  }
};

StandbyServer::StandbyServer(Options options) : impl_(std::make_unique<Impl>()) { impl_->options = std::move(options); }

StandbyServer::~StandbyServer() { stop(); }

void StandbyServer::start() {
  auto& s = *impl_;
  beast::error_code ec;
  const auto address = net::ip::make_address(s.options.address, ec);
  if (ec) throw std::runtime_error("cannot listen on " + s.options.address + ": " + ec.message());
  const tcp::endpoint endpoint(address, s.options.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + s.options.address + ":" + std::to_string(s.options.port) + ": " +
                             ec.message());
  s.bound_port = s.acceptor.local_endpoint().port();
  if (s.options.handle_signals) {
    s.signals.emplace(s.ioc, SIGINT, SIGTERM);
    s.signals->async_wait([&s](beast::error_code e, int) {
      if (!e) s.finish(true);
    });
  }
  s.accept();
  s.thread = std::thread([&s] { s.ioc.run(); });
}

unsigned short StandbyServer::port() const { return impl_->bound_port; }

void StandbyServer::stop() {
  auto& s = *impl_;
  if (!s.thread.joinable()) return;
  net::post(s.ioc, [&s] {
    beast::error_code ignored;
    s.acceptor.close(ignored);
    if (s.signals) s.signals->cancel();
    s.ioc.stop();  // open connections are dropped: a client tries again and finds the active server
  });
  s.thread.join();
  s.finish(false);
}

bool StandbyServer::wait(const std::function<bool()>& done) {
  auto& s = *impl_;
  std::unique_lock lock(s.mutex);
  s.woken.wait(lock, [&] { return s.stopped || done(); });
  return s.by_signal;
}

void StandbyServer::wake() {
  { std::lock_guard lock(impl_->mutex); }
  impl_->woken.notify_all();
}

}  // namespace gridkeeper::web
