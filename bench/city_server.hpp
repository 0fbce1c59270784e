#pragma once
// bench_city's server: `gridkeeper serve --db PATH --listen 127.0.0.1:0` as a child
// process, so that its memory is its own and is read from /proc; its output is passed on
// to our standard error as it comes (a full pipe would stall it).
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

namespace gridkeeper::bench {

// Resident memory of a process in MB: now (VmRSS) and its peak so far (VmHWM).
struct Rss {
  double now_mb = 0, peak_mb = 0;
};
Rss rss_of(pid_t pid);

// Samples a process's VmRSS every few milliseconds between start() and stop(): the
// highest value seen, so that a report's transient peak is caught.
class RssWatch {
 public:
  explicit RssWatch(pid_t pid) : pid_(pid) {}
  ~RssWatch() { stop(); }
  RssWatch(const RssWatch&) = delete;
  RssWatch& operator=(const RssWatch&) = delete;
  void start();
  double stop();  // the highest VmRSS seen, MB

 private:
  pid_t pid_;
  std::atomic<bool> running_{false};
  std::atomic<double> highest_{0};
  std::thread thread_;
};

class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess() { stop(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits until it names its port (at most `timeout`); false and
  // `error` when it does not.
  bool start(const std::string& binary, const std::string& db, std::chrono::seconds timeout, std::string& error);
  // SIGTERM, then waits for it (30 s, then SIGKILL); its exit status (128 + signal when
  // killed), -1 if never started.
  int stop();
  bool killed() const { return killed_; }  // it did not stop within 30 s of SIGTERM
  pid_t pid() const { return pid_; }
  unsigned short port() const { return port_; }

 private:
  pid_t pid_ = 0;
  unsigned short port_ = 0;
  int exit_ = -1;
  bool killed_ = false;
  int out_ = -1;
  std::thread reader_;
};

}  // namespace gridkeeper::bench
