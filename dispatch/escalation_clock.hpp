#pragma once
// The escalation engine's clock: a thread that acts on warnings, deadlines and reminders
// as they fall due. It sleeps until the next due moment (at most `longest_wait`, so that
// cases taken in meanwhile are seen; at least `shortest_wait`), then lets the center run
// everything due (Center::tick_until_idle). `gridkeeper serve` runs one beside the server.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

#include "dispatch/center.hpp"
#include "dispatch/clock.hpp"

namespace gridkeeper::dispatch {

class EscalationClock {
 public:
  struct Options {
    Millis longest_wait = 1000;  // ms of real time between looks at the schedule
    Millis shortest_wait = 10;
    std::size_t batch = 10'000;  // steps a tick; intake goes on between ticks
  };

  // Starts the thread; `center` and `clock` must outlive this.
  EscalationClock(Center& center, const Clock& clock, Options options);
  EscalationClock(Center& center, const Clock& clock) : EscalationClock(center, clock, Options{}) {}
  // Stops the thread (at once, also in the middle of a wait) and joins it.
  ~EscalationClock();
  EscalationClock(const EscalationClock&) = delete;
  EscalationClock& operator=(const EscalationClock&) = delete;

  // The clock jumped (the manual test clock): look at the schedule again now.
  void wake();

  // Steps taken so far (warnings, escalations, reminders) and looks at the schedule made.
  std::size_t steps() const { return steps_.load(); }
  std::size_t passes() const { return passes_.load(); }

 private:
  void run();
  // How long to sleep after a pass: until the next due moment, within the bounds.
  Millis wait() const;

  Center& center_;
  const Clock& clock_;
  const Options options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::atomic<std::size_t> steps_{0}, passes_{0};
  std::thread thread_;  // last: it starts once everything above is ready
};

}  // namespace gridkeeper::dispatch
