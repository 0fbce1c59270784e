#pragma once
// glibc keeps memory freed by a thread in that thread's arena, and gives it back to the
// system only from the top of the heap: after a burst (a report written, a catch-up of
// escalations) a long-running server would keep its largest size for good. `serve` runs
// with few arenas and hands free memory back every half minute, so that its resident size
// follows what it holds.
#include <malloc.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace gridkeeper::app {

class MemoryTrimmer {
 public:
  explicit MemoryTrimmer(std::chrono::seconds every = std::chrono::seconds(30)) : every_(every) {
    mallopt(M_ARENA_MAX, 4);
    thread_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      while (!wake_.wait_for(lock, every_, [&] { return stopping_; })) {
        lock.unlock();
        malloc_trim(0);
        lock.lock();
      }
    });
  }
  ~MemoryTrimmer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  MemoryTrimmer(const MemoryTrimmer&) = delete;
  MemoryTrimmer& operator=(const MemoryTrimmer&) = delete;

 private:
  std::chrono::seconds every_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gridkeeper::app
