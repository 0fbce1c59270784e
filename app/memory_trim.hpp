#pragma once
// glibc keeps memory freed by a thread in that thread's arena, and gives it back to the
// system only from the top of the heap: after a burst (a report written, a catch-up of
// escalations) a long-running server would keep its largest size for good. `serve` runs
// with few arenas and hands free memory back every half minute, so that its resident size
// follows what it holds, and also once the reports stop for a moment (`soon`): reports
// asked one after another reuse the memory the last one freed instead of faulting it all
// in again, and a burst of them does not leave the server larger than it was.
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace gridkeeper::app {

class MemoryTrimmer {
 public:
  using Clock = std::chrono::steady_clock;
  explicit MemoryTrimmer(
      std::chrono::seconds every = std::chrono::seconds(30),
      std::chrono::milliseconds quiet = std::chrono::milliseconds(2000),
      std::function<void()> trim = [] { malloc_trim(0); })
      : every_(every), quiet_(quiet), trim_(std::move(trim)) {
    mallopt(M_ARENA_MAX, 4);
    thread_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      auto next = Clock::now() + every_;
      while (!stopping_) {
        const auto until = due_ ? std::min(next, *due_) : next;
        wake_.wait_until(lock, until);
        if (stopping_ || Clock::now() < until) continue;  // woken early (`soon` moved the moment): look again
        due_.reset();
        next = Clock::now() + every_;
        lock.unlock();
        trim_();
        lock.lock();
      }
    });
  }
  // Hands free memory back once nothing has called this for `quiet`.
  void soon() {
    {
      std::lock_guard lock(mutex_);
      due_ = Clock::now() + quiet_;
    }
    wake_.notify_all();
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
  std::chrono::milliseconds quiet_;
  std::function<void()> trim_;
  std::optional<Clock::time_point> due_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gridkeeper::app
