#include "web/limits.hpp"

#include <algorithm>
#include <cmath>

namespace gridkeeper::web {

namespace {
constexpr std::size_t kMaxKeys = 100'000;
}

RateLimiter::Bucket& RateLimiter::refill_locked(const std::string& key, dispatch::Millis now) {
  if (buckets_.size() >= kMaxKeys && !buckets_.count(key)) {
    // Forget the buckets that have filled up again; they hold nothing worth keeping.
    std::erase_if(buckets_, [&](const auto& kv) {
      return kv.second.tokens + static_cast<double>(now - kv.second.at) * rate_per_ms_ >= burst_;
    });
    if (buckets_.size() >= kMaxKeys) buckets_.clear();
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
  auto& b = it->second;
  if (!fresh) {
    b.tokens =
        std::min(burst_, b.tokens + static_cast<double>(std::max<dispatch::Millis>(0, now - b.at)) * rate_per_ms_);
    b.at = now;
  }
  return b;
}

dispatch::Millis RateLimiter::wait_locked(const Bucket& b) const {
  if (b.tokens >= 1.0) return 0;
  return std::max<dispatch::Millis>(1, static_cast<dispatch::Millis>(std::ceil((1.0 - b.tokens) / rate_per_ms_)));
}

dispatch::Millis RateLimiter::take(const std::string& key, dispatch::Millis now) {
  std::lock_guard lock(mutex_);
  auto& b = refill_locked(key, now);
  const auto wait = wait_locked(b);
  if (wait == 0) b.tokens -= 1.0;
  return wait;
}

dispatch::Millis RateLimiter::wait(const std::string& key, dispatch::Millis now) {
  std::lock_guard lock(mutex_);
  return wait_locked(refill_locked(key, now));
}

ConcurrencyLimit::Ticket ConcurrencyLimit::enter(const std::string& key) {
  {
    std::lock_guard lock(mutex_);
    auto& n = holding_[key];
    if (n >= per_key_) return nullptr;
    ++n;
  }
  return Ticket(static_cast<void*>(this), [this, key](void*) { leave(key); });
}

void ConcurrencyLimit::leave(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = holding_.find(key);
  if (it != holding_.end() && --it->second <= 0) holding_.erase(it);
}

}  // namespace gridkeeper::web
