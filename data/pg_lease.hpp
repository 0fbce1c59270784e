#pragma once
// The active server's lease on a PostgreSQL database: a session advisory lock held by a
// connection of its own. Several servers may share one database; the one holding the lease
// serves and escalates, the others stand by and try for it at every heartbeat. The lock
// goes with its connection: when the active server dies, the server side of its
// connection closes (at once for a process killed, within the TCP keepalives' few seconds
// for a machine gone) and a standby takes the lease at its next try. The holder checks its
// connection at every heartbeat; when it is lost, so is the lease, and the holder must
// stop serving (another may already hold it).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "data/pg.hpp"

namespace gridkeeper::data {

class PgLease {
 public:
  struct Options {
    std::chrono::milliseconds heartbeat{1000};
    std::int64_t key = 7'246'002;  // the advisory lock's key: one lease a database
  };
  enum class Role { standby, active };

  // Starts trying for the lease at once; `changed` hears of each change of role, on the
  // lease's own thread.
  PgLease(std::string uri, Options options, std::function<void(Role)> changed);
  ~PgLease();  // stops; a held lease is released with its connection
  PgLease(const PgLease&) = delete;
  PgLease& operator=(const PgLease&) = delete;

  Role role() const { return active_ ? Role::active : Role::standby; }
  // Replaces what hears of changes of role. Once it returns, the one it replaced runs no
  // more (so that it may refer to what its caller destroys next).
  void on_change(std::function<void(Role)> changed);
  // Waits until the lease is held or `timeout` passes; true when held.
  bool wait_active(std::chrono::milliseconds timeout);
  // The number of the current term of the lease, which this holder began when it took it
  // (0 before); each holder's is higher than those before.
  std::int64_t term() const { return term_; }
  // The last reason the lease could not be tried or was lost (for /healthz and logs).
  std::string last_error() const;

 private:
  void run();
  bool beat();  // one heartbeat: tries for the lease or checks it is still held

  std::string uri_;
  Options options_;
  std::mutex changed_mutex_;  // held while changed_ runs
  std::function<void(Role)> changed_;
  std::unique_ptr<pg::Connection> db_;
  std::atomic<bool> active_{false};
  std::atomic<std::int64_t> term_{0};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::string last_error_;
  std::thread thread_;
};

}  // namespace gridkeeper::data
