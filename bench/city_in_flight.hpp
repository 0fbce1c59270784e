#pragma once
// The changes bench_city's history has asked the center for and storage has not yet
// acknowledged: the player waits when too many are waiting (the center refuses intakes
// past 50,000) and at the end of each day; refusals are counted, the first remembered.
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>

#include "dispatch/errors.hpp"

namespace gridkeeper::bench {

class InFlight {
 public:
  // Past kHighWater waiting, add() waits until no more than kLowWater are.
  static constexpr std::size_t kHighWater = 20'000, kLowWater = 5'000;

  void add() {
    std::unique_lock lock(mutex_);
    if (open_ >= kHighWater) wake_.wait(lock, [&] { return open_ <= kLowWater; });
    ++open_;
  }
  void done(const dispatch::Status& status) {
    std::lock_guard lock(mutex_);
    if (status) refused_locked(status->message);
    --open_;
    if (open_ <= kLowWater) wake_.notify_all();
  }
  void refused(const std::string& why) {
    std::lock_guard lock(mutex_);
    refused_locked(why);
  }
  void drain() {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return open_ == 0; });
  }
  std::size_t refusals() {
    std::lock_guard lock(mutex_);
    return refusals_;
  }
  std::string first() {
    std::lock_guard lock(mutex_);
    return first_;
  }

 private:
  void refused_locked(const std::string& why) {
    if (refusals_++ == 0) first_ = why;
  }
  std::mutex mutex_;
  std::condition_variable wake_;
  std::size_t open_ = 0, refusals_ = 0;
  std::string first_;
};

}  // namespace gridkeeper::bench
