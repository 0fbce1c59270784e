#pragma once
// Inside the transport only: what the listener (listener.cpp), the HTTP sessions
// (http_session.cpp) and the WebSocket sessions (websocket_session.cpp) share. Nothing
// outside these files includes it: Beast and Asio stay behind web/server.hpp.
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
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "web/address_reroute.hpp"
#include "web/json_codec.hpp"
#include "web/live_feed.hpp"
#include "web/metrics.hpp"
#include "web/server.hpp"

namespace gridkeeper::web {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Each connection's socket names its strand's type, so that its operations skip the
// type-erased executor on the hot path.
using Strand = net::strand<net::io_context::executor_type>;
using StrandSocket = tcp::socket::rebind_executor<Strand>::other;

using SteadyClock = std::chrono::steady_clock;

// Whatever the server must close when it stops.
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void shutdown() = 0;                    // from any thread
  virtual void sweep(SteadyClock::time_point) {}  // from the sweeper: act on a passed deadline
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

std::string peer_of(const StrandSocket& socket);

// Which listener a connection came through: the main one, or the one of --metrics-listen.
enum class Listener { main, metrics };

// 127.0.0.0/8 and ::1 (also as an IPv4-mapped IPv6 address).
bool is_loopback(const net::ip::address& address);

struct PeerSlot;

struct Server::Impl {
  Impl(dispatch::Center& c, dispatch::Accounts& accounts, const dispatch::Clock& clock, ServerOptions o);
  ~Impl();

  unsigned thread_count() const {
    if (options.threads) return options.threads;
    return std::max(1u, std::thread::hardware_concurrency());
  }

  ServerOptions options;
  dispatch::Center& center;
  const dispatch::Clock& clock;
  // The addresses follow a redraw: the center hands each new grid index over.
  AddressRerouter rerouter;
  Metrics metrics;
  LiveFeed feed;
  Api api;
  std::shared_ptr<Gate> gate;
  // Before the io_context: sessions its destructor frees withdraw from here.
  std::mutex sessions_mutex;
  std::unordered_map<Closable*, std::weak_ptr<Closable>> sessions;
  std::mutex peers_mutex;
  std::unordered_map<std::string, std::size_t> peers;  // open connections per address
  std::atomic<std::size_t> body_bytes{0};              // reserved by bodies being read or handled
  net::io_context ioc;
  tcp::acceptor acceptor;
  std::optional<tcp::acceptor> metrics_acceptor;
  net::steady_timer drain_timer;
  net::steady_timer sweep_timer;
  std::optional<net::signal_set> signals;
  std::string refusal_text;
  std::atomic<bool> stopping{false};
  std::chrono::steady_clock::time_point drain_deadline;
  SteadyClock::time_point next_feed_check{};
  unsigned short bound_port = 0, metrics_bound_port = 0;

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

  // A place for one more connection from `address`; null when it holds its share.
  std::shared_ptr<PeerSlot> take_peer_slot(const std::string& address);
  // `bytes` more body bytes in flight, unless that would pass the limit.
  bool reserve_body(std::size_t bytes);
  void release_body(std::size_t bytes) { body_bytes.fetch_sub(bytes, std::memory_order_relaxed); }

  void start();
  void open(tcp::acceptor& a, const std::string& address, unsigned short port, const char* what);
  void accept(tcp::acceptor& a, Listener listener);
  void on_accept(tcp::acceptor& a, Listener listener, beast::error_code ec, StrandSocket socket);
  void refuse(StrandSocket socket);
  void begin_shutdown();
  void watch_drain();
  void sweep();
};

using ServerImpl = Server::Impl;

// A connection's place in its address's share, given back when the last session holding
// it (the HTTP session, then the WebSocket session it may become) is gone.
struct PeerSlot {
  PeerSlot(ServerImpl& s, std::string a) : server(s), address(std::move(a)) {}
  ~PeerSlot();
  PeerSlot(const PeerSlot&) = delete;
  PeerSlot& operator=(const PeerSlot&) = delete;
  ServerImpl& server;
  std::string address;
};

// A new connection's HTTP session, and the live-feed session an upgrade turns it into
// (holding one of the user's places in the feed, taken with LiveFeed::reserve).
void start_http_session(StrandSocket socket, ServerImpl& server, Listener listener, std::shared_ptr<PeerSlot> slot);
void start_websocket_session(StrandSocket socket, ServerImpl& server, std::shared_ptr<PeerSlot> slot,
                             FeedIdentity identity, http::request<http::string_body> request);

}  // namespace gridkeeper::web
