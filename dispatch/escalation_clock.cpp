#include "dispatch/escalation_clock.hpp"

#include <algorithm>
#include <chrono>

namespace gridkeeper::dispatch {

EscalationClock::EscalationClock(Center& center, const Clock& clock, Options options)
    : center_(center), clock_(clock), options_(options), thread_([this] { run(); }) {}

EscalationClock::~EscalationClock() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void EscalationClock::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

Millis EscalationClock::wait() const {
  const Millis shortest = std::max<Millis>(0, options_.shortest_wait);
  const Millis longest = std::max(shortest, options_.longest_wait);
  if (auto next = center_.next_due_at()) return std::clamp<Millis>(*next - clock_.now(), shortest, longest);
  return longest;
}

void EscalationClock::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    steps_ += center_.tick_until_idle(options_.batch);
    ++passes_;
    const Millis wait_ms = wait();
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return stopping_ || woken_; });
    woken_ = false;
  }
}

}  // namespace gridkeeper::dispatch
