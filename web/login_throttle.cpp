#include "web/login_throttle.hpp"

#include <algorithm>

#include "web/auth.hpp"

namespace gridkeeper::web {

using dispatch::Millis;

namespace {
constexpr std::size_t kMaxTracked = 100'000;  // entries of each count, and users with known addresses
}  // namespace

std::string LoginThrottle::pair_key(const std::string& username, const std::string& address) {
  std::string key = address;
  key += '\n';  // neither an address nor a username holds a newline that could make keys meet
  key += username;
  return key;
}

Millis LoginThrottle::wait_for(const Counts& map, const std::string& key, int free, Millis cap, Millis now) const {
  auto it = map.find(key);
  if (it == map.end() || it->second.failures < free) return 0;
  if (now - it->second.last > options_.failure_window_ms) return 0;
  const int extra = std::min(it->second.failures - free, 30);
  const Millis delay = std::min<Millis>(cap, Millis{1000} << extra);
  return std::max<Millis>(0, it->second.last + delay - now);
}

void LoginThrottle::record(Counts& map, const std::string& key, Millis now) {
  if (map.size() >= kMaxTracked && !map.contains(key)) {
    // Forget stale entries first; if an attack still fills the table, start afresh rather than grow.
    std::erase_if(map, [&](const auto& kv) { return now - kv.second.last > options_.failure_window_ms; });
    if (map.size() >= kMaxTracked) map.clear();
  }
  auto& e = map[key];
  if (now - e.last > options_.failure_window_ms) e.failures = 0;
  ++e.failures;
  e.last = now;
}

void LoginThrottle::give_back(Counts& map, const std::string& key) {
  auto it = map.find(key);
  if (it != map.end() && it->second.failures > 0) --it->second.failures;
}

bool LoginThrottle::known_locked(const std::string& username, const std::string& address) const {
  auto it = known_.find(username);
  return it != known_.end() && std::find(it->second.begin(), it->second.end(), address) != it->second.end();
}

bool LoginThrottle::known_good(const std::string& username, const std::string& address) const {
  std::lock_guard lock(mutex_);
  return known_locked(username, address);
}

Millis LoginThrottle::reserve(const std::string& username, const std::string& address, Millis now) {
  const auto pair = pair_key(username, address);
  std::lock_guard lock(mutex_);
  Millis wait = std::max(wait_for(pairs_, pair, options_.free_failures_per_pair, options_.max_delay_ms, now),
                         wait_for(addresses_, address, options_.free_failures_per_address, options_.max_delay_ms, now));
  if (!known_locked(username, address))
    wait = std::max(wait, wait_for(users_, username, options_.free_failures_per_user, options_.max_user_delay_ms, now));
  if (wait > 0) return wait;
  record(pairs_, pair, now);
  record(addresses_, address, now);
  record(users_, username, now);
  return 0;
}

void LoginThrottle::release(const std::string& username, const std::string& address) {
  std::lock_guard lock(mutex_);
  give_back(pairs_, pair_key(username, address));
  give_back(addresses_, address);
  give_back(users_, username);
}

void LoginThrottle::succeeded(const std::string& username, const std::string& address) {
  std::lock_guard lock(mutex_);
  pairs_.erase(pair_key(username, address));
  give_back(addresses_, address);
  give_back(users_, username);
  if (options_.known_addresses_per_user == 0) return;
  if (known_.size() >= kMaxTracked && !known_.contains(username)) known_.clear();
  auto& list = known_[username];
  std::erase(list, address);
  list.push_front(address);
  while (list.size() > options_.known_addresses_per_user) list.pop_back();
}

}  // namespace gridkeeper::web
