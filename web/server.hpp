#pragma once
// The gridkeeper HTTP and WebSocket server. A plain interface: the network library stays
// inside web/. Start binds and listens, run serves until stop (or SIGINT/SIGTERM) and
// returns once in-flight requests and commits have finished and sockets are closed.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "dispatch/accounts.hpp"
#include "dispatch/center.hpp"
#include "dispatch/clock.hpp"
#include "web/api.hpp"

namespace gridkeeper::web {

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;                 // 0: any free port (see Server::port)
  unsigned threads = 0;                       // network threads; 0: one per core
  std::size_t max_connections = 10'000;       // beyond: 503 and close
  std::size_t max_connections_per_peer = 64;  // from one address (HTTP and live feed); beyond: 503 and close
  std::size_t header_limit = 16 * 1024;
  // Body limits by route: those that need no user (login, Open311 POST), those of a user,
  // photo uploads. A body is read only once its route is known and its token checked.
  std::size_t anonymous_body_limit = 64 * 1024;
  std::size_t json_body_limit = 1u << 20;
  std::size_t photo_body_limit = 10u << 20;
  std::size_t grid_file_body_limit = 96u << 20;  // a whole city of 8,000 grids as GeoJSON
  // Body bytes being read or handled on all connections together (declared lengths; a
  // chunked body counts as its limit). A request that would pass it gets 503 overloaded
  // before its body is read.
  std::size_t body_bytes_in_flight = 256u << 20;
  unsigned max_requests_per_connection = 100'000;
  // Waiting for a request's headers (idle keep-alive included), for its body, and for a
  // response to be taken by the client. A client slower than that is dropped.
  std::chrono::milliseconds header_timeout{15'000};
  std::chrono::milliseconds body_timeout{60'000};
  std::chrono::milliseconds write_timeout{15'000};
  std::chrono::milliseconds feed_idle_timeout{30'000};  // a ping goes out at half of it
  std::size_t feed_queue_limit = 256;                   // messages waiting for a slow live-feed client
  int feed_send_buffer = 0;                             // kernel send buffer of feed sockets; 0: system default
  int send_buffer = 0;  // kernel send buffer of every connection; 0: system default (grows on its own)
  std::size_t feed_sockets_per_user = 10;  // live feeds one user may hold; beyond: 429
  // A second listener serving only GET /metrics and /healthz, to whoever reaches it
  // (serve --metrics-listen). Without it the main listener answers /metrics to loopback
  // peers only; with it, to none.
  bool metrics_listener = false;
  std::string metrics_address = "127.0.0.1";
  unsigned short metrics_port = 0;
  std::chrono::milliseconds shutdown_grace{10'000};
  bool handle_signals = true;  // SIGINT and SIGTERM start the graceful stop
  ApiOptions api;
};

class Server {
 public:
  Server(dispatch::Center& center, dispatch::Accounts& accounts, const dispatch::Clock& clock, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();  // binds and listens; throws std::runtime_error when it cannot
  void run();    // blocks until stopped and drained
  void stop();   // from any thread; idempotent
  unsigned short port() const;
  unsigned short metrics_port() const;  // the metrics listener's port; 0 without one

  struct Impl;  // defined with the sessions, which reach it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gridkeeper::web
