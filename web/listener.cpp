// The transport: a listener, one HTTP session per connection and one WebSocket session
// per live-feed client, each on its own strand (after Beast's chat-multi example). The
// sessions know nothing of JSON or the center; they hand plain requests to the Api.
// This file: the listener, the sweeper of deadlines and the graceful stop.
#include <csignal>
#include <iostream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "web/transport.hpp"

namespace gridkeeper::web {

std::string peer_of(const StrandSocket& socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("unknown") : endpoint.address().to_string();
}

bool is_loopback(const net::ip::address& address) {
  if (address.is_v4()) return address.to_v4().is_loopback();
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) return net::ip::make_address_v4(net::ip::v4_mapped, v6).is_loopback();
  return v6.is_loopback();
}

PeerSlot::~PeerSlot() {
  std::lock_guard lock(server.peers_mutex);
  auto it = server.peers.find(address);
  if (it != server.peers.end() && --it->second == 0) server.peers.erase(it);
}

Server::Impl::Impl(dispatch::Center& c, dispatch::Accounts& accounts, const dispatch::Clock& clk, ServerOptions o)
    : options(std::move(o)),
      center(c),
      clock(clk),
      metrics(Api::route_names()),
      feed(c),
      api(c, accounts, clk, metrics, feed, options.api),
      gate(std::make_shared<Gate>()),
      ioc(static_cast<int>(thread_count())),
      acceptor(net::make_strand(ioc)),
      drain_timer(acceptor.get_executor()),
      sweep_timer(acceptor.get_executor()) {
  const auto refusal = error_response(dispatch::ErrorCode::overloaded, "too many open connections; try again shortly");
  refusal_text =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
      "Connection: close\r\nContent-Length: " +
      std::to_string(refusal.body.size()) + "\r\n\r\n" + refusal.body;
  if (options.metrics_listener) metrics_acceptor.emplace(acceptor.get_executor());
  center.on_new_index([r = &rerouter](std::shared_ptr<const geo::GridIndex> index) { r->post(std::move(index)); });
}

Server::Impl::~Impl() { center.on_new_index({}); }

std::shared_ptr<PeerSlot> Server::Impl::take_peer_slot(const std::string& address) {
  {
    std::lock_guard lock(peers_mutex);
    auto& open = peers[address];
    if (open >= options.max_connections_per_peer) {
      if (open == 0) peers.erase(address);
      return nullptr;
    }
    ++open;
  }
  return std::make_shared<PeerSlot>(*this, address);
}

bool Server::Impl::reserve_body(std::size_t bytes) {
  auto held = body_bytes.load(std::memory_order_relaxed);
  do {
    if (bytes > options.body_bytes_in_flight || held > options.body_bytes_in_flight - bytes) return false;
  } while (!body_bytes.compare_exchange_weak(held, held + bytes, std::memory_order_relaxed));
  return true;
}

void Server::Impl::open(tcp::acceptor& a, const std::string& address_text, unsigned short port, const char* what) {
  beast::error_code ec;
  const auto address = net::ip::make_address(address_text, ec);
  if (ec) throw std::runtime_error(std::string("cannot listen") + what + " on " + address_text + ": not an IP address");
  const tcp::endpoint endpoint(address, port);
  auto check = [&](const char* step) {
    if (ec)
      throw std::runtime_error(std::string("cannot listen") + what + " on " + address_text + ":" +
                               std::to_string(port) + ": " + step + ": " + ec.message());
  };
  a.open(endpoint.protocol(), ec);
  check("open");
  a.set_option(net::socket_base::reuse_address(true), ec);
  check("reuse address");
  a.bind(endpoint, ec);
  check("bind");
  a.listen(net::socket_base::max_listen_connections, ec);
  check("listen");
}

void Server::Impl::start() {
  open(acceptor, options.address, options.port, "");
  bound_port = acceptor.local_endpoint().port();
  if (metrics_acceptor) {
    open(*metrics_acceptor, options.metrics_address, options.metrics_port, " for metrics");
    metrics_bound_port = metrics_acceptor->local_endpoint().port();
  }
  net::dispatch(acceptor.get_executor(), [this] {
    accept(acceptor, Listener::main);
    if (metrics_acceptor) accept(*metrics_acceptor, Listener::metrics);
    sweep();
  });
}

void Server::Impl::accept(tcp::acceptor& a, Listener listener) {
  a.async_accept(net::make_strand(ioc), [this, &a, listener](beast::error_code ec, StrandSocket socket) {
    on_accept(a, listener, ec, std::move(socket));
  });
}

void Server::Impl::on_accept(tcp::acceptor& a, Listener listener, beast::error_code ec, StrandSocket socket) {
  if (stopping || !a.is_open()) return;
  if (ec) {
    // Out of file descriptors or similar: pause briefly instead of spinning. The timer is
    // the main listener's; the metrics listener waits on one of its own.
    auto pause = std::make_shared<net::steady_timer>(a.get_executor(), std::chrono::milliseconds(50));
    pause->async_wait([this, &a, listener, pause](beast::error_code e) {
      if (!e && !stopping) accept(a, listener);
    });
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  if (options.send_buffer > 0) socket.set_option(net::socket_base::send_buffer_size(options.send_buffer), ec);
  std::shared_ptr<PeerSlot> slot;
  if (static_cast<std::size_t>(std::max<std::int64_t>(0, metrics.connections.load())) < options.max_connections)
    slot = take_peer_slot(peer_of(socket));
  if (slot) start_http_session(std::move(socket), *this, listener, std::move(slot));
  else refuse(std::move(socket));
  accept(a, listener);
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
    const auto now = SteadyClock::now();
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
    // Live feeds end with their token: looked at once a second, not by a timer per socket.
    if (now >= next_feed_check) {
      next_feed_check = now + std::chrono::seconds(1);
      feed.end_expired(clock.now());
    }
    sweep();
  });
}

void Server::Impl::begin_shutdown() {
  if (stopping.exchange(true)) return;
  beast::error_code ec;
  acceptor.close(ec);
  if (metrics_acceptor) metrics_acceptor->close(ec);
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
unsigned short Server::metrics_port() const { return impl_->metrics_bound_port; }

}  // namespace gridkeeper::web
