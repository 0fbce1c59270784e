#pragma once
// The changes a generated history has asked the center for and storage has not yet
// acknowledged: the player waits for them (at the end, or of a day), and may be held back
// while too many wait (the center refuses intakes past its ceiling); refusals are counted,
// the first remembered.
#include <condition_variable>
#include <cstddef>
#include <limits>
#include <mutex>
#include <string>

#include "dispatch/errors.hpp"

namespace gridkeeper::demo {

class InFlight {
 public:
  // With `high_water` waiting, add() waits until no more than `low_water` are; by default
  // it never waits.
  InFlight() = default;
  InFlight(std::size_t high_water, std::size_t low_water) : high_water_(high_water), low_water_(low_water) {}

  void add() {
    std::unique_lock lock(mutex_);
    if (open_ >= high_water_) wake_.wait(lock, [&] { return open_ <= low_water_; });
    ++open_;
  }
  void done(const dispatch::Status& status) {
    std::lock_guard lock(mutex_);
    if (status) refused_locked(status->message);
    --open_;
    if (open_ <= low_water_) wake_.notify_all();
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
  std::size_t high_water_ = std::numeric_limits<std::size_t>::max(), low_water_ = 0;
  std::size_t open_ = 0, refusals_ = 0;
  std::string first_;
};

}  // namespace gridkeeper::demo
