#pragma once
// Fair shares of the server for callers that could crowd others out: anonymous readers
// limited per address (a token bucket), and heavy requests (reports, CSV) limited to a
// few at a time per user. Both are bounded in the keys they track.
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "dispatch/clock.hpp"

namespace gridkeeper::web {

// `per_minute` requests a minute per key, in bursts of up to `burst`.
class RateLimiter {
 public:
  RateLimiter(double per_minute, double burst) : rate_per_ms_(per_minute / 60'000.0), burst_(burst) {}
  // 0: go ahead (a token is taken); otherwise how long to wait, in milliseconds.
  dispatch::Millis take(const std::string& key, dispatch::Millis now);
  // How long `key` would wait for a token now, without taking one.
  dispatch::Millis wait(const std::string& key, dispatch::Millis now);

 private:
  struct Bucket {
    double tokens = 0;
    dispatch::Millis at = 0;
  };
  Bucket& refill_locked(const std::string& key, dispatch::Millis now);
  dispatch::Millis wait_locked(const Bucket& b) const;
  double rate_per_ms_, burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// At most `per_key` holders at once for each key. A ticket gives its place back when the
// last copy of it goes.
class ConcurrencyLimit {
 public:
  explicit ConcurrencyLimit(int per_key) : per_key_(per_key) {}
  using Ticket = std::shared_ptr<void>;
  // Null when `key` already holds `per_key` tickets.
  Ticket enter(const std::string& key);

 private:
  void leave(const std::string& key);
  int per_key_;
  std::mutex mutex_;
  std::unordered_map<std::string, int> holding_;
};

}  // namespace gridkeeper::web
