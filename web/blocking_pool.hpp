#pragma once
// A bounded pool of threads for work that may block (SQLite reads, Argon2id, photo and
// file I/O), so that network threads never wait on a disk. When the queue is full the
// caller answers 503 instead of letting work pile up.
#include <cstddef>
#include <functional>
#include <memory>

namespace gridkeeper::web {

class BlockingPool {
 public:
  BlockingPool(std::size_t threads, std::size_t queue_limit);
  ~BlockingPool();  // runs what was accepted, then joins
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // False when `queue_limit` jobs are already queued or running.
  bool try_post(std::function<void()> job);
  std::size_t pending() const;
  void join();
  // True on a thread of any BlockingPool, running its job.
  static bool on_pool_thread();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gridkeeper::web
