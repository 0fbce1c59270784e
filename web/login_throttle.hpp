#pragma once
// The slow-down of repeated failed logins. Every attempt is counted as a failure before
// its password is checked (`reserve`, atomic with the check of the waits), and given back
// when the password was right (`succeeded`) or never checked (`release`): a burst of
// concurrent guesses cannot all pass the check before any of them has been counted.
//
// Three counts, each forgotten `failure_window_ms` after its last failure:
// - per (username, address) pair: `free_failures_per_pair`, then a wait doubling from 1 s
//   up to `max_delay_ms` — what holds a guesser at one address;
// - per address, across usernames: `free_failures_per_address`, then the same doubling wait;
// - per username, from anywhere: `free_failures_per_user`, then a doubling wait of at most
//   `max_user_delay_ms` (a minute), which an address that has logged in as that user before
//   (a known-good address; the last `known_addresses_per_user` are kept) does not wait for:
//   guesses from elsewhere cannot lock the real user out.
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "dispatch/clock.hpp"

namespace gridkeeper::web {

struct AuthOptions;

class LoginThrottle {
 public:
  explicit LoginThrottle(const AuthOptions& options) : options_(options) {}

  // 0: go ahead, one failure is counted for the attempt; else how long the caller must wait
  // (nothing counted).
  dispatch::Millis reserve(const std::string& username, const std::string& address, dispatch::Millis now);
  // The reserved attempt had the right password: its failure is given back, the pair's
  // failures are forgotten and the address becomes known-good for the user.
  void succeeded(const std::string& username, const std::string& address);
  // The reserved attempt was not made (the server was too busy to check it).
  void release(const std::string& username, const std::string& address);

  bool known_good(const std::string& username, const std::string& address) const;

 private:
  struct Entry {
    int failures = 0;
    dispatch::Millis last = 0;
  };
  using Counts = std::unordered_map<std::string, Entry>;
  dispatch::Millis wait_for(const Counts& map, const std::string& key, int free, dispatch::Millis cap,
                            dispatch::Millis now) const;
  void record(Counts& map, const std::string& key, dispatch::Millis now);
  static void give_back(Counts& map, const std::string& key);
  bool known_locked(const std::string& username, const std::string& address) const;
  static std::string pair_key(const std::string& username, const std::string& address);

  const AuthOptions& options_;
  mutable std::mutex mutex_;
  Counts pairs_, addresses_, users_;
  std::unordered_map<std::string, std::deque<std::string>> known_;  // username -> addresses, newest first
};

}  // namespace gridkeeper::web
