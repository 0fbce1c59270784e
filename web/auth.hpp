#pragma once
// Who is asking: passwords (Argon2id), login tokens (256 random bits, stored only as a
// BLAKE2b hash, expiring, ended by logout) and the slow-down of repeated failed logins
// (web/login_throttle.hpp). Calls marked blocking reach the accounts store.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "dispatch/accounts.hpp"
#include "dispatch/clock.hpp"
#include "dispatch/errors.hpp"
#include "web/login_throttle.hpp"

namespace gridkeeper::web {

struct AuthOptions {
  dispatch::Millis token_ttl_ms = 12LL * 3600 * 1000;
  // Argon2id cost; 0 takes libsodium's interactive defaults. Tests lower it.
  unsigned long long ops_limit = 0;
  std::size_t mem_limit = 0;
  // The slow-down of failed logins (web/login_throttle.hpp): free failures, then a wait
  // doubling from 1 s, per (username, address) pair, per address and per username.
  int free_failures_per_pair = 5;
  int free_failures_per_address = 20;
  int free_failures_per_user = 10;
  dispatch::Millis failure_window_ms = 15 * 60 * 1000;  // failures older than this are forgotten
  dispatch::Millis max_delay_ms = 15 * 60 * 1000;       // the longest wait of a pair or an address
  dispatch::Millis max_user_delay_ms = 60 * 1000;       // the longest wait of a username
  std::size_t known_addresses_per_user = 8;             // addresses that logged in as the user lately
  dispatch::Millis token_cache_ms = 60 * 1000;          // how long a checked token is trusted without storage
  // Test only: runs before every password check of a login (e.g. to make hashing slow).
  std::function<void()> before_verify;
};

// Argon2id string (libsodium crypto_pwhash_str); throws only when memory runs out.
std::string hash_password(std::string_view password, const AuthOptions& options = {});
bool verify_password(const std::string& hash, std::string_view password);
std::string new_token();  // 64 hex digits
// A strong random password to be shown once (imports, the CLI): 20 characters from 57
// that are not mistaken for one another (about 116 bits), which passes the password rule.
std::string new_initial_password();
// The Argon2id string of such a random password, at libsodium's smallest cost: its
// strength is its randomness, and an import of thousands of accounts takes seconds.
std::string hash_initial_password(std::string_view password);
std::string token_hash(std::string_view token);  // hex of BLAKE2b-256

struct LoginSession {
  std::string token;  // given to the client once, never stored
  dispatch::User user;
  dispatch::Millis expires_at = 0;
};

class Auth {
 public:
  Auth(dispatch::Accounts& accounts, const dispatch::Clock& clock, AuthOptions options);

  // Non-blocking: the user behind a recently checked token; nullopt when storage must be asked.
  // `expires_at`, when given, receives the token's expiry (live feeds end at it).
  std::shared_ptr<const dispatch::User> cached(const std::string& hash, dispatch::Millis* expires_at = nullptr) const;
  // Blocking: the user behind the token, or unauthenticated.
  dispatch::Result<dispatch::User> authenticate(const std::string& hash, dispatch::Millis* expires_at = nullptr);
  // Non-blocking: too_many_requests while the username or address must wait (the wait in
  // `wait_ms`); else nothing, and one failed attempt is counted up front, to be given back
  // by a successful `login` or by `abandon_login`.
  dispatch::Status begin_login(const std::string& username, const std::string& address, dispatch::Millis* wait_ms);
  // The attempt begun was never made.
  void abandon_login(const std::string& username, const std::string& address);
  // Blocking (Argon2id and storage); after `begin_login` allowed it.
  dispatch::Result<LoginSession> login(const std::string& username, const std::string& password,
                                       const std::string& address);
  void logout(const std::string& hash);
  // Non-blocking: the cached tokens of the user are forgotten, so that its next request
  // asks storage (where a disabled user, a reset password or an ended token shows at once).
  void forget_user(dispatch::UserId id);

  const AuthOptions& options() const { return options_; }

 private:
  struct Cached {
    std::shared_ptr<const dispatch::User> user;
    dispatch::Millis expires_at, trusted_until;
  };
  void remember(const std::string& hash, const dispatch::User& user, dispatch::Millis expires_at);

  dispatch::Accounts& accounts_;
  const dispatch::Clock& clock_;
  AuthOptions options_;
  LoginThrottle throttle_;
  std::string dummy_hash_;  // verified against when the user is unknown, so timing tells nothing
  mutable std::shared_mutex cache_mutex_;
  std::unordered_map<std::string, Cached> cache_;
  std::mutex sweep_mutex_;
  dispatch::Millis last_sweep_ = 0;
};

}  // namespace gridkeeper::web
