#pragma once
// What a standby server answers while another server holds the database's lease (several
// `serve` processes may share one PostgreSQL database; data/pg_lease.hpp): GET /healthz
// 200 {"status": "ok", "role": "standby"}, and every other request 503 standby with
// Retry-After, so that a reverse proxy asking /healthz sends nothing here and a client that
// reaches it anyway is told to go to the active one. It listens where the server will
// serve once it takes over, reads request headers only (never a body), answers each
// request and closes its connection. One thread; bounded connections, header size and time.
#include <functional>
#include <memory>
#include <string>

namespace gridkeeper::web {

class StandbyServer {
 public:
  struct Options {
    std::string address = "127.0.0.1";
    unsigned short port = 8080;  // 0: any free port (see port())
    bool handle_signals = true;  // SIGINT and SIGTERM stop it (then stopped_by_signal())
  };
  explicit StandbyServer(Options options);
  ~StandbyServer();  // stops
  StandbyServer(const StandbyServer&) = delete;
  StandbyServer& operator=(const StandbyServer&) = delete;

  // Binds and starts answering on a thread of its own; throws std::runtime_error when it
  // cannot bind.
  void start();
  unsigned short port() const;
  // Stops answering and closes the listening socket (the active server binds it next).
  // From any thread; idempotent.
  void stop();
  // Blocks until `done` (checked at each wake()) is true or a signal stopped it; true when
  // a signal did.
  bool wait(const std::function<bool()>& done);
  void wake();  // checks `done` again

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gridkeeper::web
