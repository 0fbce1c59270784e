#pragma once
// Time is injected: the server uses the system clock, tests a manual one.
#include <atomic>
#include <chrono>

#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Millis now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Millis now() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(Millis start = 1'767'225'600'000) : now_(start) {}  // 2026-01-01T00:00:00Z
  Millis now() const override { return now_.load(); }
  void set(Millis t) { now_.store(t); }
  void advance(Millis ms) { now_.fetch_add(ms); }

 private:
  std::atomic<Millis> now_;
};

}  // namespace gridkeeper::dispatch
